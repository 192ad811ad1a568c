"""``bench explain DATASET --encoder E``: which inputs does an encoder's embedding use?"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bench.cli._common import DEBUG_HELP, console, user_errors
from bench.errors import ConfigError

if TYPE_CHECKING:
    from bench.config import DatasetSpec


@user_errors
def explain(
    dataset: Annotated[str, typer.Argument(
        help="A dataset of --suite, an embedded dataset (see `bench datasets`), "
             "sklearn:NAME, or a csv/tsv/parquet/arff file.")],
    encoder: Annotated[str, typer.Option(help="ae | dae | vae | mlp | pca | rp")] = "ae",
    latent: Annotated[int | None, typer.Option(help="Latent width (default: the suite's).")] = None,
    suite: Annotated[str | None, typer.Option(
        help="Take the dataset, the encoder's parameters, folds and seed from this suite.")] = None,
    target: Annotated[str, typer.Option(help="Target column of a file.")] = "target",
    rows: Annotated[int, typer.Option(min=10, help="Test rows to explain at most.")] = 1000,
    device: Annotated[str, typer.Option(help="auto | cpu | cuda")] = "auto",
    out: Annotated[Path | None, typer.Option(
        help="Where to write explain.md/.csv/.png (default: results/explain-DATASET-ENCODER).")
    ] = None,
    offline: Annotated[bool, typer.Option("--offline", help="OpenML data from the cache only.")]
    = False,
    debug: Annotated[bool, typer.Option("--debug", help=DEBUG_HELP)] = False,
) -> None:
    """Attribute each latent unit of an encoder to the inputs, beside PCA's loadings."""
    from bench.data import OpenMLOptions, load_dataset
    from bench.device import resolve_device
    from bench.explain import explain as explain_encoder
    from bench.report.explain import plot_explanation, render_explanation_markdown
    from bench.report.figures import save

    spec, params, folds, seed, base_dir = _resolve(dataset, encoder, suite, target)
    if latent is not None:
        params = {**params, "latent": latent}
    data = load_dataset(spec, base_dir=base_dir, options=OpenMLOptions.from_env(offline=offline),
                        seed=seed)
    resolved = resolve_device(device)
    result = explain_encoder(data, encoder, params, folds=folds, seed=seed,
                             device=resolved.torch_device, max_rows=rows)
    out_dir = out or Path("results") / f"explain-{data.name}-{encoder}"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "explain.md").write_text(render_explanation_markdown(result), encoding="utf-8")
        result.to_frame().to_csv(out_dir / "explain.csv", index=False)
        save(plot_explanation(result), out_dir, "explain")
    except OSError as exc:
        raise ConfigError(f"cannot write the explanation: {exc.strerror}", where=str(out_dir)) from None
    _print(result, out_dir)


def _resolve(name: str, encoder: str, suite: str | None,
             target: str) -> tuple[DatasetSpec, dict, int, int, Path]:
    from bench.config import EmbeddedSpec, LocalSpec, SklearnSpec
    from bench.data import spec_label
    from bench.suite_loader import load_suite

    """The dataset spec, encoder parameters, folds, seed and base folder to use."""
    if suite is not None:
        loaded = load_suite(suite)
        specs = {spec_label(s): s for s in loaded.datasets}
        if name not in specs:
            raise ConfigError(f"suite {loaded.name!r} has no dataset {name!r}; it has: "
                              f"{', '.join(specs)}")
        return (specs[name], dict(loaded.encoders.get(encoder, {})), loaded.run.folds,
                loaded.seed, loaded.base_dir)
    params = {"epochs": 100} if encoder not in ("pca", "rp") else {}
    path = Path(name)
    if path.suffix and path.exists():
        return LocalSpec(source="local", path=path, target=target), params, 5, 0, Path(".")
    if name.startswith("sklearn:"):
        return SklearnSpec(source="sklearn", name=name.split(":", 1)[1]), params, 5, 0, Path(".")
    return EmbeddedSpec(source="embedded", name=name), params, 5, 0, Path(".")


def _print(result, out_dir: Path) -> None:
    from rich.table import Table

    con = console()
    table = Table(title=f"{result.dataset}: input importance, {result.encoder} vs PCA "
                        f"({result.latent} units; Spearman ρ = {result.rank_correlation:.2f})")
    for col in ("input", result.encoder, "pca", "pca loadings"):
        table.add_column(col, justify="left" if col == "input" else "right")
    for name, row in result.importance.head(15).iterrows():
        table.add_row(str(name), f"{row[result.encoder]:.3f}", f"{row['pca']:.3f}",
                      f"{row['pca loadings']:.3f}")
    con.print(table)
    con.print(f"written: {out_dir / 'explain.md'}, explain.csv, explain.png")
