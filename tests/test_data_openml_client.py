"""bench.data.openml_client: openml-python's settings per call, bounded retries and one-line
failures."""

from __future__ import annotations

import socket
import time

import openml
import pytest
import requests

from bench.data import OpenMLOptions
from bench.data.openml import load_openml
from bench.data.openml_client import (
    OpenMLError,
    OpenMLNotFound,
    OpenMLUnavailable,
    describe_failure,
    is_transient,
    openml_session,
    with_retries,
)
from tests.openml_data import TASK, TEST_SERVER

pytest_plugins = ("tests.openml_fixtures",)


def test_openml_settings_are_restored_after_each_call(offline) -> None:
    before = openml.config.get_config_as_dict()
    load_openml(TASK, options=offline)
    after = openml.config.get_config_as_dict()
    assert after["server"] == before["server"] != TEST_SERVER
    assert after["cachedir"] == before["cachedir"]
    assert after["connection_n_retries"] == before["connection_n_retries"]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_fails_clearly_within_a_bounded_time(tmp_path) -> None:
    server = f"http://127.0.0.1:{_closed_port()}/api/v1/xml"
    options = OpenMLOptions(cache_dir=tmp_path, server=server, retries=3, backoff_s=0.05,
                            timeout_s=2.0)
    start = time.perf_counter()
    with pytest.raises(OpenMLUnavailable) as info:
        load_openml(TASK, options=options)
    assert time.perf_counter() - start < 15
    message = str(info.value)
    assert "OpenML task 1882" in message
    assert "unavailable after 3 attempt(s)" in message
    assert "\n" not in message


def test_a_silent_server_times_out_and_is_retried_a_bounded_number_of_times(tmp_path) -> None:
    from tests.openml_server import FakeOpenML, fake_openml

    with fake_openml(FakeOpenML(delay_s={"/api/v1/xml/task/1882": 3.0})) as srv:
        options = OpenMLOptions(cache_dir=tmp_path, server=srv.server, retries=2, backoff_s=0.01,
                                timeout_s=0.5)
        start = time.perf_counter()
        with pytest.raises(OpenMLUnavailable, match="ReadTimeout"):
            load_openml(TASK, options=options)
        assert time.perf_counter() - start < 2.5
        assert srv.hits["/api/v1/xml/task/1882"] == 2


def test_a_plain_404_page_is_reported_at_once(tmp_path) -> None:
    from tests.openml_server import FakeOpenML, fake_openml

    with fake_openml(FakeOpenML()) as srv:
        wrong = srv.server.replace("/api/v1/xml", "/wrong/api/v1/xml")
        options = OpenMLOptions(cache_dir=tmp_path, server=wrong, retries=3, backoff_s=0.01)
        with pytest.raises(OpenMLNotFound, match=r"does not exist .*\(HTTP 404\)"):
            load_openml(TASK, options=options)
        assert srv.hits["/wrong/api/v1/xml/task/1882"] == 1


def _transient() -> None:
    raise requests.exceptions.ConnectionError("connection refused")


def test_a_transient_failure_is_tried_as_often_as_asked(tmp_path) -> None:
    waits: list[float] = []
    options = OpenMLOptions(cache_dir=tmp_path, retries=4, backoff_s=0.5, max_backoff_s=1.5)
    with pytest.raises(OpenMLUnavailable):
        with_retries(_transient, what="OpenML task 1", options=options, sleep=waits.append)
    assert waits == [0.5, 1.0, 1.5]  # doubling, capped; no wait after the last try


def test_offline_a_transient_failure_is_not_retried(tmp_path) -> None:
    waits: list[float] = []
    options = OpenMLOptions(cache_dir=tmp_path, retries=4, offline=True)
    with pytest.raises(OpenMLUnavailable):
        with_retries(_transient, what="OpenML task 1", options=options, sleep=waits.append)
    assert waits == []


def test_a_bug_is_not_retried(tmp_path) -> None:
    calls: list[int] = []

    def bug() -> None:
        calls.append(1)
        raise ValueError("a bug")

    with pytest.raises(OpenMLError, match="OpenML task 1: ValueError: a bug"):
        with_retries(bug, what="OpenML task 1", options=OpenMLOptions(cache_dir=tmp_path))
    assert calls == [1]


def test_an_unknown_id_is_not_found(tmp_path) -> None:
    exc = openml.exceptions.OpenMLServerException("Unknown task", code=151)
    error = describe_failure(exc, "OpenML task 9", OpenMLOptions(cache_dir=tmp_path))
    assert isinstance(error, OpenMLNotFound)


def test_a_busy_database_is_transient() -> None:
    assert is_transient(openml.exceptions.OpenMLServerException("busy", code=107))


def test_settings_are_restored_when_the_call_fails(offline) -> None:
    before = openml.config.get_config_as_dict()
    with pytest.raises(RuntimeError), openml_session(offline):
        raise RuntimeError("inside")
    assert openml.config.get_config_as_dict()["server"] == before["server"]
