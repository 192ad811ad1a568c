"""``bench explain DATASET --encoder E``: which inputs does an encoder read, and how does it
combine them? (Stable over splits and seeds, basis-free, beside the encoder's reference.)"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

import typer

from bench.cli._common import DEBUG_HELP, console, user_errors
from bench.errors import ConfigError
from bench.fsio import atomic_write_text

if TYPE_CHECKING:
    from bench.config import DatasetSpec
    from bench.explain import Explanation

#: Epochs for network encoders when no suite sets them: enough for small tables, and fast.
DEFAULT_EPOCHS = 100
DEFAULT_FOLDS = 5


class Source(NamedTuple):
    """Where the dataset and the encoder's settings come from."""

    spec: DatasetSpec
    params: dict[str, Any]
    folds: int
    seed: int
    base_dir: Path


@user_errors
def explain(
    dataset: Annotated[str, typer.Argument(
        help="A dataset of --suite, an embedded dataset (see `bench datasets`), "
             "sklearn:NAME, or a csv/tsv/parquet/arff file.")],
    encoder: Annotated[str, typer.Option(
        help="A registered encoder or a --suite variant (an unknown name lists them).")] = "ae",
    latent: Annotated[int | None, typer.Option(help="Latent width (default: the suite's).")] = None,
    seeds: Annotated[int, typer.Option(min=1, max=100, help="Encoder seeds per split.")] = 5,
    folds: Annotated[int | None, typer.Option(
        min=2, max=100, help=f"K-fold splits, every fold explained (default: the suite's, "
                             f"else {DEFAULT_FOLDS}).")] = None,
    top: Annotated[int | None, typer.Option(
        min=1, help="k of the rank-stability 'in top k' (default: half the inputs, at most 3).")]
    = None,
    suite: Annotated[str | None, typer.Option(
        help="Take the dataset, the encoder's parameters, folds and seed from this suite.")] = None,
    target: Annotated[str, typer.Option(help="Target column of a file.")] = "target",
    rows: Annotated[int, typer.Option(min=10, help="Test rows per fold to explain at most.")]
    = 1000,
    device: Annotated[str, typer.Option(help="auto | cpu | cuda")] = "auto",
    out: Annotated[Path | None, typer.Option(
        help="Where to write explain.md/.csv and the figures "
             "(default: results/explain-DATASET-ENCODER).")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="OpenML data from the cache only.")]
    = False,
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Which inputs an encoder reads (stable over splits × seeds, basis-free), how it combines
    them, and whether it is just PCA."""
    from bench.data import OpenMLOptions, load_dataset
    from bench.device import resolve_device
    from bench.explain import Design
    from bench.explain import explain as explain_encoder

    source = _resolve(dataset, encoder, suite, target)
    params = source.params if latent is None else {**source.params, "latent": latent}
    data = load_dataset(source.spec, base_dir=source.base_dir,
                        options=OpenMLOptions.from_env(offline=offline), seed=source.seed)
    design = Design(folds=folds or source.folds, seeds=seeds, suite_seed=source.seed,
                    max_rows=rows, device=resolve_device(device).torch_device)
    result = explain_encoder(data, encoder, params, design=design, top_k=top)
    out_dir = out or Path("results") / f"explain-{data.name}-{encoder}"
    written = _write(result, out_dir)
    _print(result, out_dir, written)


def _resolve(name: str, encoder: str, suite: str | None, target: str) -> Source:
    """The dataset spec, encoder parameters, folds, seed and base folder to use."""
    from bench.config import EmbeddedSpec, LocalSpec, SklearnSpec
    from bench.data import spec_label
    from bench.encoders import registry_entry
    from bench.suite_loader import load_suite

    if suite is not None:
        loaded = load_suite(suite)
        specs = {spec_label(s): s for s in loaded.datasets}
        if name not in specs:
            raise ConfigError(f"suite {loaded.name!r} has no dataset {name!r}; it has: "
                              f"{', '.join(specs)}")
        params = dict(loaded.encoders.get(encoder, {}))
        registry_entry(encoder, params)  # an unknown encoder fails here, in one line
        return Source(specs[name], params, loaded.run.folds, loaded.seed, loaded.base_dir)
    entry = registry_entry(encoder)
    params = {"epochs": DEFAULT_EPOCHS} if "epochs" in entry.params.param_names() else {}
    path = Path(name)
    if path.suffix and path.exists():
        spec = LocalSpec(source="local", path=path, target=target)
    elif name.startswith("sklearn:"):
        spec = SklearnSpec(source="sklearn", name=name.split(":", 1)[1])
    else:
        spec = EmbeddedSpec(source="embedded", name=name)
    return Source(spec, params, DEFAULT_FOLDS, 0, Path("."))


def _write(result: Explanation, out_dir: Path) -> list[str]:
    """Write explain.md, explain.csv and the figures; return the names written."""
    import matplotlib

    from bench.report.explain import explanation_figures, render_explanation_markdown
    from bench.report.figures import RC, save

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out_dir / "explain.md", render_explanation_markdown(result))
        atomic_write_text(out_dir / "explain.csv", result.to_frame().to_csv(index=False))
        with matplotlib.rc_context(RC):
            figures = explanation_figures(result)
            for key, fig in figures.items():
                save(fig, out_dir, key)
    except OSError as exc:
        raise ConfigError(f"cannot write the explanation: {exc.strerror}", where=str(out_dir)) from None
    return ["explain.md", "explain.csv", *(f"{key}.png" for key in figures)]


def _print(result: Explanation, out_dir: Path, written: list[str]) -> None:
    from rich.table import Table

    from bench.report.explain import answer_lines

    con = console()
    for line in answer_lines(result):
        con.print(line.replace("**", ""), highlight=False, soft_wrap=True)
    ref = result.reference_ranking
    table = Table(title=f"{result.dataset}: input importance of {result.encoder} (basis-free, "
                        f"mean ± SD over {result.n_fits} fits)")
    for col in ("input", result.encoder, "rank", f"top {result.ranking.top_k}", "tie group",
                *([result.reference] if ref is not None else [])):
        table.add_column(col, justify="left" if col == "input" else "right")
    for name, row in result.ranking.table.head(15).iterrows():
        cells = [str(name), f"{row['mean']:.3f} ± {row['sd']:.3f}", f"{row['rank']:.1f}",
                 f"{row['top_k']:.0%}", str(int(row["group"]))]
        if ref is not None:
            cells.append(f"{ref.table.loc[name, 'mean']:.3f} ± {ref.table.loc[name, 'sd']:.3f}")
        table.add_row(*cells)
    con.print(table)
    con.print(f"written to {out_dir}: {', '.join(written)}")
