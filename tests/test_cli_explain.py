"""bench.cli.explain: `bench explain DATASET` finds the dataset (embedded, sklearn:NAME or a file),
explains the encoder on it, prints the answer and writes it; bad input is one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.cli import app
from tests.helpers import mixed_frame

runner = CliRunner()

FAST = ("--encoder", "pca", "--latent", "2", "--seeds", "1", "--folds", "2", "--rows", "20",
        "--device", "cpu")


@pytest.fixture(scope="module")
def wine(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """`bench explain sklearn:wine` with PCA: its output and its folder."""
    out = tmp_path_factory.mktemp("wine")
    result = runner.invoke(app, ["explain", "sklearn:wine", *FAST, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output, out


def test_a_sklearn_name_loads_from_scikit_learn(wine: tuple[str, Path]) -> None:
    assert "wine: input importance of pca" in wine[0]


def test_the_written_files_are_listed(wine: tuple[str, Path]) -> None:
    output, out = wine
    assert f"written to {out}: explain.md, explain.csv" in output.replace("\n", "")


def test_a_file_is_read_with_its_target_column(tmp_path: Path) -> None:
    mixed_frame().rename(columns={"target": "label"}).to_csv(tmp_path / "people.csv", index=False)
    result = runner.invoke(app, ["explain", str(tmp_path / "people.csv"), "--target", "label",
                                 *FAST, "--out", str(tmp_path / "out")])
    assert "people: input importance of pca" in result.output


def test_an_unwritable_folder_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = runner.invoke(app, ["explain", "iris", *FAST, "--out", str(blocker / "sub")])
    assert result.stderr.count("\n") == 1
    assert "cannot write the explanation" in result.stderr
