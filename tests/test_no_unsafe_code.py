"""The package never deserializes untrusted bytes nor runs strings as code or shell commands.

Walks the syntax tree of every module under ``bench/`` (so comments and docstrings do not count)
and fails on: importing ``pickle``/``dill``/``marshal``/``shelve``, ``pd.read_pickle``,
``joblib.load``, ``np.load`` with ``allow_pickle=True``, ``torch.load`` without
``weights_only=True``, ``yaml.load`` (``yaml.safe_load`` is fine), the builtins ``eval``/``exec``,
and ``shell=True`` in any call. ruff's ``S`` rules (``pyproject.toml``) check the same families.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "bench"
UNSAFE_MODULES = {"pickle", "cPickle", "dill", "marshal", "shelve", "cloudpickle"}


def _keyword(call: ast.Call, name: str) -> object:
    for kw in call.keywords:
        if kw.arg == name and isinstance(kw.value, ast.Constant):
            return kw.value.value
    return None


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def unsafe_uses(source: str) -> list[str]:
    """Every unsafe construct in ``source``, as ``line: what``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [
                node.module or ""]
            found += [f"{node.lineno}: import {n}" for n in names
                      if n.split(".")[0] in UNSAFE_MODULES]
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        bad = (name in ("eval", "exec", "pd.read_pickle", "pandas.read_pickle", "joblib.load",
                        "yaml.load", "yaml.unsafe_load")
               or (name == "torch.load" and _keyword(node, "weights_only") is not True)
               or (name in ("np.load", "numpy.load") and _keyword(node, "allow_pickle") is True)
               or _keyword(node, "shell") is True)
        if bad:
            found.append(f"{node.lineno}: {name or 'call'}(...)")
    return found


@pytest.mark.parametrize("source", [
    "import pickle", "from pickle import loads", "import dill", "x = eval('1')",
    "import torch\ntorch.load('m.pt')", "import torch\ntorch.load('m.pt', weights_only=False)",
    "import yaml\nyaml.load(s)", "import subprocess\nsubprocess.run('ls', shell=True)",
    "import pandas as pd\npd.read_pickle('x')", "import numpy as np\nnp.load('x', allow_pickle=True)",
])
def test_the_checker_catches_each_unsafe_construct(source: str) -> None:
    assert unsafe_uses(source)


@pytest.mark.parametrize("source", [
    "net.eval()", "import torch\ntorch.load('m.pt', weights_only=True)", "yaml.safe_load(s)",
    "subprocess.run(['git', 'rev-parse'], shell=False)",
])
def test_the_checker_allows_safe_constructs(source: str) -> None:
    assert unsafe_uses(source) == []


def test_the_package_has_no_unsafe_construct() -> None:
    found = {str(path.relative_to(PACKAGE.parent)): uses
             for path in sorted(PACKAGE.rglob("*.py"))
             if (uses := unsafe_uses(path.read_text(encoding="utf-8")))}
    assert found == {}
