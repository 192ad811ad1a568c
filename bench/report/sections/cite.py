"""How to cite these numbers: the result-set hash, the design, the software, the command."""

from __future__ import annotations

import textwrap

from bench.report.document import Block, Heading, Paragraph, Preformatted
from bench.report.info import RunInfo
from bench.report.sections.common import dataset_counts, design
from bench.stats.analysis import Analysis
from bench.version import recorded_version


def cite_blocks(a: Analysis, info: RunInfo) -> list[Block]:
    return [Heading("How to cite these numbers"),
            Paragraph("Quote the result-set hash with any number taken from this report: it "
                      "identifies the exact result rows, and `bench report` regenerates every "
                      "table and figure from them."),
            Preformatted(cite_text(a, info))]


def cite_text(a: Analysis, info: RunInfo) -> str:
    s = a.scores
    software = ", ".join(f"{k} {v}" for k, v in sorted(info.versions.items()) if v)
    statistics = ", ".join(f"{k} {v}" for k, v in sorted(info.report_versions.items()) if v)
    bench_version = recorded_version(info.versions) or recorded_version(info.report_versions)
    options = a.options
    flags = f"--baseline {options.baseline} --alpha {options.alpha} --rope {options.rope}"
    if options.metrics:
        flags += " --metric " + ",".join(options.metrics[k] for k in sorted(options.metrics))
    lines = [
        f"EmbedBench {bench_version}".rstrip()
        + (f", suite {info.suite}" if info.suite else "")
        + (f", run {info.run_id}" if info.run_id else ""),
        f"datasets: {dataset_counts(a)}",
        f"design: {design(a)}; {len(s.methods)} methods; "
        f"{len(s.runs) + len(s.failures) + len(s.no_value)} result rows, "
        f"{len(s.failures)} failed",
        f"result-set hash (SHA-256 of the result rows): {a.result_hash}",
        f"config hash: {info.config_hash}" if info.config_hash else "",
        f"statistics: alpha = {options.alpha}, ROPE = {options.rope} (relative to the "
        f"baseline mean), Holm correction, {options.n_bootstrap} bootstrap resamples",
        f"device: {info.device}" if info.device else "",
        f"software of the run: {software}" if software else "",
        f"report computed with: {statistics}" if statistics else "",
    ]
    wrapped = [textwrap.fill(line, width=96, subsequent_indent="    ", break_on_hyphens=False)
               for line in lines if line]
    # The command stays copy-pasteable: shell line continuations instead of plain wrapping.
    command = textwrap.wrap(f"bench report RUN_DIR {flags}", width=80, break_on_hyphens=False,
                            break_long_words=False)
    wrapped.append("regenerate: " + " \\\n    ".join(command))
    return "\n".join(wrapped)
