"""``bench.report.info.RunInfo``: a run's identity and versions, read from its manifest."""

from __future__ import annotations

from importlib import metadata

from bench.report.info import REPORT_PACKAGES, RunInfo, report_versions

MANIFEST = {"suite": "quick", "run_id": "quick-1", "config_hash": "abc",
            "device": {"kind": "cpu", "name": "test cpu"},
            "environment": {"versions": {"embedbench": "0.1.0", "torch": None}},
            "datasets": {"a": {"task": "multiclass", "task_inferred": True},
                         "b": {"task": "binary"}}}


def test_identity_comes_from_the_manifest() -> None:
    info = RunInfo.from_manifest(MANIFEST)
    assert (info.suite, info.run_id, info.config_hash) == ("quick", "quick-1", "abc")


def test_device_is_kind_and_name() -> None:
    assert RunInfo.from_manifest(MANIFEST).device == "cpu (test cpu)"


def test_a_given_device_wins() -> None:
    assert RunInfo.from_manifest(MANIFEST, device="gpu").device == "gpu"


def test_versions_without_a_value_are_dropped() -> None:
    assert RunInfo.from_manifest(MANIFEST).versions == {"embedbench": "0.1.0"}


def test_only_inferred_tasks_are_listed() -> None:
    assert RunInfo.from_manifest(MANIFEST).inferred_tasks == {"a": "multiclass"}


def test_an_empty_manifest_falls_back_to_the_given_suite() -> None:
    assert RunInfo.from_manifest({}, suite="s") == RunInfo(suite="s",
                                                           report_versions=report_versions())


def test_report_versions_are_the_installed_ones() -> None:
    assert report_versions()["scipy"] == metadata.version("scipy")


def test_report_versions_cover_the_report_packages() -> None:
    assert set(report_versions()) <= set(REPORT_PACKAGES)
