"""Talking to openml-python safely: settings, time limits, retries, offline mode, errors.

openml-python keeps its settings in module globals (server, cache directory, retries). We never
change them for longer than one call: :func:`openml_session` sets them from an
:class:`OpenMLOptions`, and restores the previous values afterwards, under a process-wide lock so
two threads cannot interleave their settings.

Retries follow openml-python's own request layer (only what is transient is retried: connection
errors, time-outs, HTTP 5xx and the server's "database busy" code 107; a 404, an unknown id or a
parse error is reported at once), but with our bounds: openml-python's own retry loop is set to a
single attempt and :func:`with_retries` does the bounded, exponential back-off around whole calls.

openml-python and requests are imported by the functions that use them: ``OpenMLOptions`` is
part of every run's options, and importing openml-python takes about a second that a suite
without OpenML datasets should not pay (nor a machine without openml-python installed).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

from bench.cachedir import resolve_cache_dir
from bench.errors import DataError

T = TypeVar("T")

SERVER_ENV = "BENCH_OPENML_SERVER"
DEFAULT_SERVER = "https://www.openml.org/api/v1/xml"
#: Server error code for "database connection error" (openml-python retries it too).
DATABASE_BUSY = 107
#: Server error codes meaning "no such object" (dataset 111, task 151/482, descriptions 372).
NOT_FOUND_CODES = frozenset({111, 151, 372, 482})


class OpenMLError(DataError):
    """Something about OpenML went wrong; the message says what and what to do."""


class OpenMLNotFound(OpenMLError):
    """The server says the id does not exist (never retried)."""


class OpenMLUnavailable(OpenMLError):
    """The server could not be reached or kept failing after the allowed retries."""


class OfflineMissing(OpenMLError):
    """``--offline`` and a needed file is not in the cache."""

    def __init__(self, message: str, *, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


@dataclass(frozen=True)
class OpenMLOptions:
    """Where OpenML data comes from and how hard to try.

    ``timeout_s`` bounds each HTTP request; a transient failure is retried ``retries - 1`` times
    after ``backoff_s``, ``2 * backoff_s``, ... (capped at ``max_backoff_s``).
    """

    cache_dir: Path = field(default_factory=resolve_cache_dir)
    offline: bool = False
    server: str = DEFAULT_SERVER
    timeout_s: float = 60.0
    retries: int = 3
    backoff_s: float = 1.0
    max_backoff_s: float = 30.0

    @classmethod
    def from_env(cls, *, cache_dir: Path | str | None = None, offline: bool = False,
                 **changes: object) -> OpenMLOptions:
        """Options from the command line, ``$BENCH_CACHE_DIR`` and ``$BENCH_OPENML_SERVER``."""
        server = os.environ.get(SERVER_ENV) or DEFAULT_SERVER
        base = cls(cache_dir=resolve_cache_dir(cache_dir), offline=offline, server=server)
        return replace(base, **changes) if changes else base  # type: ignore[arg-type]

    @property
    def openml_root(self) -> Path:
        """openml-python's root cache directory (it adds ``org/openml/www`` etc. below it)."""
        return self.cache_dir / "openml"

    @property
    def server_dir(self) -> Path:
        """openml-python's cache directory for this server (same rule as openml-python's)."""
        netloc = urlparse(self.server).netloc
        return self.openml_root.joinpath(*netloc.split(".")[::-1])

    @property
    def namespace(self) -> str:
        return urlparse(self.server).netloc or "local"


_SESSION_LOCK = threading.RLock()
#: The HTTP status of the last response in this thread: openml-python loses it when an error
#: page is not OpenML's XML (a proxy's 502, a plain 404), raising ``KeyError('oml:error')``.
_LAST = threading.local()


@contextlib.contextmanager
def openml_session(options: OpenMLOptions) -> Iterator[None]:
    """Point openml-python at our cache and server for the duration of the block.

    Offline, any HTTP request openml-python tries raises instead of opening a socket (we check
    the cache before calling openml-python, so this is a second line of defence).
    """
    import openml

    with _SESSION_LOCK:
        saved = (openml.config.server, openml.config.get_config_as_dict()["cachedir"],
                 openml.config.retry_policy, openml.config.connection_n_retries)
        options.openml_root.mkdir(parents=True, exist_ok=True)
        try:
            openml.config.server = options.server
            openml.config.set_root_cache_directory(options.openml_root)
            # One attempt per openml-python call: our with_retries owns retries and back-off.
            openml.config.set_retry_policy("human", 1)
            with _requests_guard(options):
                yield
        finally:
            openml.config.server = saved[0]
            openml.config.set_root_cache_directory(saved[1])
            openml.config.set_retry_policy(saved[2], saved[3])


class _NetworkBlocked(RuntimeError):
    pass


@contextlib.contextmanager
def _requests_guard(options: OpenMLOptions) -> Iterator[None]:
    """Give every ``requests`` call a time-out (or forbid it when offline).

    NOTE[DIFF]: openml-python 0.15 sends its requests without a ``timeout``
    (``openml/_api_calls.py::_send_request``), so a silent server would hang it forever; we
    supply one for the duration of the session.
    """
    import requests

    original = requests.Session.request

    def request(self, method, url, *args, **kwargs):  # type: ignore[no-untyped-def]
        if options.offline:
            raise _NetworkBlocked(f"offline mode: refusing to request {url}")
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = options.timeout_s
        _LAST.status = None
        response = original(self, method, url, *args, **kwargs)
        _LAST.status = response.status_code
        return response

    requests.Session.request = request  # type: ignore[method-assign]
    try:
        yield
    finally:
        requests.Session.request = original  # type: ignore[method-assign]


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: connection problems, time-outs, HTTP 5xx, server busy."""
    import openml
    import requests

    if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                        requests.exceptions.ChunkedEncodingError, ConnectionError, TimeoutError,
                        openml.exceptions.OpenMLHashException)):
        return True
    if isinstance(exc, openml.exceptions.OpenMLServerException):
        return exc.code == DATABASE_BUSY
    if isinstance(exc, openml.exceptions.OpenMLServerError) or _is_foreign_error_page(exc):
        status = _status_code(str(exc)) or getattr(_LAST, "status", None)
        return status is not None and status >= 500
    return False


def _is_foreign_error_page(exc: BaseException) -> bool:
    """openml-python parsed a non-OpenML error page (HTML) and failed on its missing fields."""
    return isinstance(exc, KeyError) and exc.args == ("oml:error",)


def is_server_or_offline(exc: BaseException) -> bool:
    """An answer of the server (an error code), or our refusal to go online."""
    import openml
    import requests

    return isinstance(exc, (openml.exceptions.OpenMLServerError, _NetworkBlocked,
                            requests.exceptions.RequestException)) or _is_foreign_error_page(exc)


def _status_code(text: str) -> int | None:
    match = re.search(r"Status code: (\d{3})", text)
    return int(match.group(1)) if match else None


def describe_failure(exc: BaseException, what: str, options: OpenMLOptions) -> OpenMLError:
    """Turn an openml-python/requests exception into one clear line."""
    if isinstance(exc, OpenMLError):
        return exc
    import openml

    if isinstance(exc, _NetworkBlocked):
        return OfflineMissing(f"{what} is not fully cached and --offline forbids downloading it",
                              missing=[what])
    if isinstance(exc, openml.exceptions.OpenMLServerException) and (
            exc.code in NOT_FOUND_CODES or "unknown" in exc.message.lower()):
        text = exc.message.strip().removesuffix(" - None")
        return OpenMLNotFound(f"{what} does not exist on {options.server} "
                              f"(server code {exc.code}: {text})")
    status = _status_code(str(exc)) or (getattr(_LAST, "status", None)
                                         if _is_foreign_error_page(exc) else None)
    if status == 404:
        return OpenMLNotFound(f"{what} does not exist on {options.server} (HTTP 404)")
    line = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    if _is_foreign_error_page(exc):
        line = f"HTTP {status} with a page that is not an OpenML answer"
    if is_transient(exc):
        return OpenMLUnavailable(f"{what}: OpenML server {options.server} unavailable after "
                                 f"{options.retries} attempt(s) ({type(exc).__name__}: {line})")
    return OpenMLError(f"{what}: {type(exc).__name__}: {line}")


def with_retries(call: Callable[[], T], *, what: str, options: OpenMLOptions,
                 sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``call``, retrying transient failures with exponential back-off, then give up clearly."""
    attempts = max(1, options.retries)
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - classified below, re-raised as one line
            if options.offline or not is_transient(exc) or attempt == attempts:
                raise describe_failure(exc, what, options) from exc
            sleep(min(options.max_backoff_s, options.backoff_s * 2 ** (attempt - 1)))
    raise AssertionError("unreachable")  # pragma: no cover
