"""A small local HTTP server speaking the part of OpenML's REST API that openml-python uses to
download a task, serving the real files of ``tests/data/openml`` (so real openml-python fetches
real task/dataset/split files over real HTTP), plus switchable failures: HTTP 503 (server busy)
the first N times, slow answers (time-outs), and OpenML's XML error for unknown ids.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).parent / "data" / "openml" / "org" / "openml" / "test"

UNKNOWN = """<oml:error xmlns:oml="http://openml.org/openml">
  <oml:code>{code}</oml:code>
  <oml:message>{message}</oml:message>
</oml:error>"""


@dataclass
class FakeOpenML:
    """Behaviour switches; ``hits`` counts requests per path (query string removed)."""

    busy: dict[str, int] = field(default_factory=dict)  # path -> how many 503s before serving
    delay_s: dict[str, float] = field(default_factory=dict)  # path -> seconds to wait first
    hits: Counter = field(default_factory=Counter)
    port: int = 0

    @property
    def server(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1/xml"

    def body(self, path: str) -> tuple[int, bytes]:
        base = f"http://127.0.0.1:{self.port}"
        routes = [
            (r"/api/v1/xml/task/(\d+)", lambda i: _sub(DATA / "tasks" / i / "task.xml",
                                                       r"<oml:data_splits_url>[^<]*",
                                                       f"<oml:data_splits_url>{base}/splits/{i}")),
            (r"/api/v1/xml/data/features/(\d+)", lambda i: _read(DATA / "datasets" / i / "features.xml")),
            (r"/api/v1/xml/data/qualities/(\d+)", lambda i: _read(DATA / "datasets" / i / "qualities.xml")),
            (r"/api/v1/xml/data/(\d+)", lambda i: _sub(DATA / "datasets" / i / "description.xml",
                                                       r"<oml:url>[^<]*",
                                                       f"<oml:url>{base}/data/download/{i}")),
            (r"/data/download/(\d+)", lambda i: _read(DATA / "datasets" / i / "dataset.arff")),
            (r"/splits/(\d+)", lambda i: _read(DATA / "tasks" / i / "datasplits.arff")),
        ]
        for pattern, make in routes:
            match = re.fullmatch(pattern, path)
            if match:
                content = make(match.group(1))
                if content is not None:
                    return 200, content
                code, what = (151, "Unknown task") if "/task/" in path else (111, "Unknown dataset")
                return 412, UNKNOWN.format(code=code, message=what).encode()
        return 404, b"<html>not found</html>"


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _sub(path: Path, pattern: str, replacement: str) -> bytes | None:
    content = _read(path)
    return None if content is None else re.sub(pattern, replacement, content.decode()).encode()


@contextmanager
def fake_openml(state: FakeOpenML | None = None) -> Iterator[FakeOpenML]:
    state = state or FakeOpenML()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = self.path.split("?")[0]
            state.hits[path] += 1
            time.sleep(state.delay_s.get(path, 0.0))
            if state.busy.get(path, 0) > 0:
                state.busy[path] -= 1
                status, content = 503, b"<html>503 Service Unavailable</html>"
            else:
                status, content = state.body(path)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a time-out test)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
