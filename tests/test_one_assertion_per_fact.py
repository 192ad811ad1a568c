"""The test suite's own rule: one assertion per fact, so a failure names the fact that broke.

``assert a and b`` hides which of the two failed; write ``assert a`` and ``assert b``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted([*ROOT.joinpath("tests").rglob("*.py"), *ROOT.joinpath("benchmarks").rglob("*.py")])


def compound_assertions(source: str) -> list[int]:
    """Line numbers of ``assert`` statements whose test is an ``and`` of several facts."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Assert) and isinstance(node.test, ast.BoolOp)
            and isinstance(node.test.op, ast.And)]


def test_the_check_finds_a_compound_assertion() -> None:
    assert compound_assertions("x = 1\nassert x and not x\n") == [2]


def test_the_check_leaves_single_facts_alone() -> None:
    assert compound_assertions("assert x or y\nassert 0 < x < 3\nassert not (a and b)\n") == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_compound_assertions(path: Path) -> None:
    assert compound_assertions(path.read_text(encoding="utf-8")) == []
