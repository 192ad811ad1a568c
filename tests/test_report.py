"""Report files: deterministic, complete, the LaTeX compiles, the HTML is self-contained and
renders; ``bench report`` regenerates them from a real run directory with its options."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from bench.cli import app
from bench.report import RunInfo, write_report_files
from bench.schema import SCHEMA_VERSION
from bench.stats import ReportOptions, analyze
from bench.store import RunStore
from bench.suite_loader import load_suite
from tests.helpers import TINY_ENCODERS, frame, write_suite

FAST = ReportOptions(n_bootstrap=200, bayes_samples=2000)
INFO = RunInfo(suite="synthetic", run_id="synthetic-1", config_hash="abc", device="cpu (test)",
               versions={"embedbench": "0.1.0"})
TEXT_FILES = ("report.md", "report.tex", "report.html")
runner = CliRunner()


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    f = frame(8, seed=11)
    failed = (f["dataset"] == "d3") & (f["encoder"] == "ae") & (f["fold"] == 1)
    f.loc[failed, ["status", "error"]] = ["error", "RuntimeError: CUDA out of memory | big"]
    f.loc[failed, "accuracy"] = np.nan
    write_report_files(out, analyze(f, FAST), INFO)
    return out


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.startswith("report.pdf")}


def test_every_output_is_written(report_dir: Path) -> None:
    for name in TEXT_FILES:
        assert (report_dir / name).stat().st_size > 1000
    for key in ("cd_diagram", "delta_vs_baseline", "performance_profile"):
        assert (report_dir / "figures" / f"{key}.png").read_bytes()[:4] == b"\x89PNG"
        assert (report_dir / "figures" / f"{key}.pdf").read_bytes()[:5] == b"%PDF-"
    for name in ("means", "per_dataset_tests", "summary", "aggregate", "ranks", "friedman",
                 "wilcoxon_pairwise", "nemenyi", "cliques", "performance_profile", "failures"):
        assert (report_dir / "tables" / f"{name}.csv").exists(), name
    assert (report_dir / "tables" / "means.tex").exists()


def test_same_input_gives_byte_identical_files(report_dir: Path, tmp_path: Path) -> None:
    f = frame(8, seed=11)
    failed = (f["dataset"] == "d3") & (f["encoder"] == "ae") & (f["fold"] == 1)
    f.loc[failed, ["status", "error"]] = ["error", "RuntimeError: CUDA out of memory | big"]
    f.loc[failed, "accuracy"] = np.nan
    shuffled = f.sample(frac=1.0, random_state=3)  # row order must not matter either
    write_report_files(tmp_path, analyze(shuffled, FAST), INFO)
    first, second = _files(report_dir), _files(tmp_path)
    assert first.keys() == second.keys()
    different = [name for name in first if first[name] != second[name]]
    assert different == []


def test_markdown_tables_are_well_formed(report_dir: Path) -> None:
    md = (report_dir / "report.md").read_text(encoding="utf-8")
    for heading in ("## Against `raw` across datasets", "## Per dataset", "## Across datasets",
                    "## Failures and missing data", "## How to cite these numbers"):
        assert heading in md
    assert "| d0 | accuracy ↑ |" in md
    assert "| d2 | rmse ↓ |" in md
    assert "| `ae/emb` | 8 |" in md
    assert "win / tie / loss" in md
    assert "Iman–Davenport F_F" in md
    assert "Nemenyi critical difference" in md
    assert "result-set hash" in md
    assert "(n=4)" in md  # d3: two failed runs of ae/emb
    assert "CUDA out of memory \\| big" in md  # a pipe in an error cannot break the table
    for block in re.findall(r"((?:^\|.*\|\n)+)", md, flags=re.MULTILINE):
        widths = {len(re.split(r"(?<!\\)\|", line)) for line in block.strip().splitlines()}
        assert len(widths) == 1, block
    for image in re.findall(r"\]\((figures/[^)]+)\)", md):
        assert (report_dir / image).exists()


def test_csv_tables_hold_the_analysis(report_dir: Path) -> None:
    tests = pd.read_csv(report_dir / "tables" / "per_dataset_tests.csv")
    assert len(tests) == 8 * 2
    assert {"p_value", "p_holm", "p_worse", "p_equivalent", "p_better", "significant",
            "practical", "ci_low", "ci_high"} <= set(tests.columns)
    assert tests["p_value"].dropna().between(0, 1).all()
    means = pd.read_csv(report_dir / "tables" / "means.csv")
    row = means[(means["dataset"] == "d3") & (means["method"] == "ae/emb")].iloc[0]
    assert row["n_runs"] == 4
    failures = pd.read_csv(report_dir / "tables" / "failures.csv")
    assert len(failures) == 2
    assert set(failures["status"]) == {"error"}


def test_latex_is_ascii_balanced_and_captions_state_the_tests(report_dir: Path) -> None:
    tex = (report_dir / "report.tex").read_text(encoding="utf-8")
    assert tex.isascii()
    begins = re.findall(r"\\begin\{(\w+)\}", tex)
    ends = re.findall(r"\\end\{(\w+)\}", tex)
    assert sorted(begins) == sorted(ends)
    stack = []
    for kind, env in re.findall(r"\\(begin|end)\{(\w+)\}", tex):
        if kind == "begin":
            stack.append(env)
        else:
            assert stack.pop() == env
    assert not stack
    braces = re.sub(r"\\[{}]", "", tex.replace("\\\\", ""))  # drop \\ first, then \{ \}
    assert braces.count("{") == braces.count("}")
    assert r"\toprule" in tex
    assert r"\midrule" in tex
    assert r"\bottomrule" in tex
    caption = re.search(r"\\caption\{(Mean .*?)\}\n", tex).group(1)
    for needle in ("Nadeau", "Holm", r"$\alpha$ = 0.05", r"\textbf"):
        assert needle in caption or needle == r"\textbf", needle
    assert r"\textbf{" in tex
    assert r"$^{\blacktriangledown}$" in tex
    summary = re.search(r"\\caption\{(Each method against .*?)\}\n", tex).group(1)
    assert "ROPE" in summary
    assert "Holm" in summary
    assert r"$\alpha$ = 0.05" in summary


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_latex_compiles_with_pdflatex(report_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(report_dir, tmp_path / "r")
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                           "report.tex"], cwd=tmp_path / "r", capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert (tmp_path / "r" / "report.pdf").read_bytes()[:5] == b"%PDF-"


def test_html_is_self_contained(report_dir: Path) -> None:
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == 3
    assert not re.search(r"""(src|href)=["'](?!data:|#)""", html)
    assert "<link" not in html
    assert "<script" not in html
    assert '<table id="tab-means">' in html
    assert 'class="loss">▼' in html


def _chromium() -> str | None:
    return next((c for c in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(c)), None)


@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium installed")
def test_html_renders_in_headless_chromium(report_dir: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    proc = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--no-first-run", "--hide-scrollbars",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1600",
         f"--screenshot={shot}", (report_dir / "report.html").as_uri()],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (1600, 1200)
    assert pixels.std() > 0.05  # text and tables, not a blank page


def test_markdown_opens_with_the_answer(report_dir: Path) -> None:
    md = (report_dir / "report.md").read_text(encoding="utf-8")
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert headings[1] == "## Answer"


def test_latex_and_html_open_with_the_answer(report_dir: Path) -> None:
    tex = (report_dir / "report.tex").read_text(encoding="utf-8")
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert tex.index(r"\section*{Answer}") < tex.index(r"\begin{table}")
    assert html.index('<section class="answer">') < html.index("<table")


def test_latex_type_never_shrinks_below_8pt(report_dir: Path) -> None:
    tex = (report_dir / "report.tex").read_text(encoding="utf-8")
    for shrink in (r"\resizebox", r"\scalebox", r"\tiny", r"\scriptsize"):
        assert shrink not in tex


def test_latex_typesets_the_t_statistic_as_math(report_dir: Path) -> None:
    tex = (report_dir / "report.tex").read_text(encoding="utf-8")
    assert "\\[\nt = \\frac{\\bar{d}}" in tex


def test_html_has_contents_and_sticky_headers(report_dir: Path) -> None:
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert '<nav class="toc">' in html
    assert 'href="#sec-answer"' in html
    assert "thead th { position: sticky; top: 0;" in html


#: Reports each table's scroll width and visible width once the page has laid out.
_OVERFLOW_PROBE = """<script>
window.addEventListener('load', () => {
  const out = [...document.querySelectorAll('div.scroll')].map(
    d => d.querySelector('table').id + ':' + d.scrollWidth + ':' + d.clientWidth);
  document.body.setAttribute('data-overflow', out.join(' '));
});
</script>"""


@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium installed")
def test_html_tables_fit_1400px_with_seven_methods(tmp_path: Path) -> None:
    methods = (("none", "raw", 0.0), ("ae", "emb", -0.04), ("ae", "raw+emb", 0.0),
               ("mlp", "emb", 0.02), ("mlp", "raw+emb", 0.01), ("pca", "emb", -0.01),
               ("pca", "raw+emb", 0.01))
    rows = frame(8, seed=4, methods=methods)
    rows["dataset"] = rows["dataset"].map(lambda d: f"{d}_kdd_internet_usage")  # a long name
    write_report_files(tmp_path, analyze(rows, FAST), INFO, formats=("html",))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    (tmp_path / "probe.html").write_text(page.replace("</body>", _OVERFLOW_PROBE + "</body>"),
                                         encoding="utf-8")
    proc = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,900",
         "--virtual-time-budget=5000", "--dump-dom", (tmp_path / "probe.html").as_uri()],
        capture_output=True, text=True, timeout=120)
    widths = re.search(r'data-overflow="([^"]*)"', proc.stdout).group(1).split()
    means = next(w for w in widths if w.startswith("tab-means:"))
    _, scroll, visible = means.split(":")
    assert int(scroll) <= int(visible)


def test_edge_case_reports_render(tmp_path: Path) -> None:
    one = frame(1)
    files = write_report_files(tmp_path / "one", analyze(one, FAST), INFO)
    md = (tmp_path / "one" / "report.md").read_text(encoding="utf-8")
    assert "no test across datasets" in md
    assert (not (tmp_path / "one" / "figures" /
                                                                 "cd_diagram.png").exists())
    assert {p.name for p in files} >= {"report.md", "report.tex", "report.html"}
    ties = frame(3, noise=0.0, methods=(("none", "raw", 0.0), ("ae", "emb", 0.0)))
    write_report_files(tmp_path / "ties", analyze(ties, FAST), INFO, formats=("md",))
    md = (tmp_path / "ties" / "report.md").read_text(encoding="utf-8")
    assert "all differences are zero" in md
    assert "zero variance" in md
    failed = frame(3).assign(status="error", error="boom", accuracy=np.nan, rmse=np.nan)
    write_report_files(tmp_path / "failed", analyze(failed, FAST), INFO, formats=("md", "html"))
    md = (tmp_path / "failed" / "report.md").read_text(encoding="utf-8")
    assert "Failed result rows (54)" in md
    assert "no paired runs" in md
    only_raw = frame(3, methods=(("none", "raw", 0.0),))
    write_report_files(tmp_path / "raw", analyze(only_raw, FAST), INFO, formats=("md", "csv"))
    assert "No method other than `raw`" in (tmp_path / "raw" / "report.md").read_text()


# -- the command -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run directory as `bench run` leaves it: manifest.json and results.parquet (real
    store, real parquet), with rows computed elsewhere so the test stays fast."""
    tmp = tmp_path_factory.mktemp("run")
    suite = load_suite(write_suite(tmp, f"""
        name = "tiny"
        [run]
        folds = 3
        seeds = [0, 1]
        encoders = ["ae", "pca"]
        {TINY_ENCODERS}
        [[datasets]]
        source = "embedded"
        name = "iris"
        """))
    out = tmp / "out"
    store = RunStore(out)
    store.open({
        "schema_version": SCHEMA_VERSION, "run_id": "tiny-test", "suite": "tiny",
        "config": suite.model_dump(mode="json"), "config_hash": suite.config_hash(),
        "device": {"kind": "cpu", "name": "test cpu", "reason": "test"},
        "environment": {"versions": {"embedbench": "0.1.0", "xgboost": "x"}},
    })
    rows = frame(6, seed=2).assign(run_id="tiny-test", suite="tiny", schema_version=1,
                                   config_hash=suite.config_hash())
    rows["balanced_accuracy"] = rows["accuracy"] - 0.01
    rows["mae"] = rows["rmse"] * 0.8
    store.append(rows.to_dict("records"))
    store.consolidate()
    return out


@pytest.mark.slow
def test_report_command_writes_all_formats_deterministically(run_dir: Path) -> None:
    result = runner.invoke(app, ["report", str(run_dir)])
    assert result.exit_code == 0, result.output
    first = _files(run_dir)
    assert {"report.md", "report.tex", "report.html", "tables/summary.csv",
            "figures/cd_diagram.pdf"} <= first.keys()
    md = (run_dir / "report.md").read_text(encoding="utf-8")
    assert "run**: `tiny-test`" in md
    assert "cpu (test cpu)" in md
    # A second process (fresh interpreter, fresh matplotlib) writes the same bytes.
    proc = subprocess.run([sys.executable, "-c", "from bench.cli import main; main()", "report",
                           str(run_dir)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    second = _files(run_dir)
    assert [k for k in first if first[k] != second[k]] == []


def test_report_command_options(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    result = runner.invoke(app, ["report", str(run_dir), "--metric", "balanced_accuracy,mae",
                                 "--alpha", "0.1", "--rope", "0.02", "--baseline", "pca/raw+emb",
                                 "--format", "md,csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "balanced_accuracy ↑" in md
    assert "mae ↓" in md
    assert "α = 0.1" in md
    assert "±2%" in md
    assert "baseline `pca/raw+emb`" in md
    assert "--metric balanced_accuracy,mae" in md.replace(" \\\n    ", " ")
    assert not (out / "report.tex").exists()
    assert (out / "tables" / "means.csv").exists()
    summary = pd.read_csv(out / "tables" / "summary.csv")
    assert set(summary["baseline"]) == {"pca/raw+emb"}
    assert set(summary["rope"]) == {0.02}


@pytest.mark.parametrize("args, needle", [
    (["--format", "pdf"], "unknown format 'pdf'"),
    (["--metric", "f1"], "unknown metric 'f1'"),
    (["--metric", "accuracy,log_loss"], "two classification metrics"),
    (["--baseline", "xgb"], "baseline 'xgb' is not among the methods"),
    (["--alpha", "2"], "--alpha"),
    (["--rope", "-1"], "--rope"),
])
def test_report_command_rejects_bad_options_in_one_line(run_dir: Path, args: list[str],
                                                        needle: str) -> None:
    result = runner.invoke(app, ["report", str(run_dir), *args])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert needle in lines[0], result.output
    assert "Traceback" not in result.output


def test_unwritable_output_is_a_one_line_error(run_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = runner.invoke(app, ["report", str(run_dir), "--out", str(blocker / "sub")])
    assert result.exit_code == 2
    assert "cannot write the report" in result.output
    assert "Traceback" not in result.output


def test_manifest_versions_reach_the_citation(run_dir: Path) -> None:
    runner.invoke(app, ["report", str(run_dir), "--format", "md"])
    md = (run_dir / "report.md").read_text(encoding="utf-8")
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert f"config hash: {manifest['config_hash']}" in md
    assert "xgboost x" in md
    assert "scipy " in md
    assert "baycomp " in md
