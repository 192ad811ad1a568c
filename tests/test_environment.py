"""bench.environment: what machine and software produced a result."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path

import pytest
import torch

from bench.environment import PACKAGES, environment, git_sha, gpu_info, versions

ROOT = Path(__file__).resolve().parents[1]


def test_versions_name_python_and_every_package() -> None:
    assert list(versions()) == ["python", *PACKAGES]


def test_versions_give_the_installed_version() -> None:
    assert versions()["xgboost"] == metadata.version("xgboost")


def test_versions_give_the_python_version() -> None:
    assert versions()["python"] == platform.python_version()


def test_gpu_info_says_whether_cuda_is_available() -> None:
    assert gpu_info()["cuda_available"] == torch.cuda.is_available()


def test_gpu_info_names_torch_cuda_build() -> None:
    assert gpu_info()["torch_cuda"] == torch.version.cuda


def test_git_sha_is_the_checkout_commit() -> None:
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=False).stdout.strip()
    if not head:
        pytest.skip("the tests do not run from a git checkout")
    assert git_sha().removesuffix("-dirty") == head


def test_environment_lists_its_facts() -> None:
    assert sorted(environment()) == sorted(
        ["versions", "platform", "cpu", "cpu_count", "gpu", "host", "executable", "git_sha"])
