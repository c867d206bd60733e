"""A recorded HTTP service on 127.0.0.1: routes answer from recordings, with scripted failures."""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

# (status, headers, body) for a request path (without the query) and its parsed query.
Handler = Callable[[str, dict[str, list[str]], dict[str, str]], tuple[int, dict[str, str], bytes]]


class RecordedService:
    """Serves ``routes[path](path, query, headers)``; ``fail[path]`` is a list of statuses to answer first."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.fail: dict[str, list[int]] = {}
        self.log: list[tuple[str, str, int]] = []  # (path, query, status)
        service = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(parts.query)
                failing = service.fail.get(parts.path)
                if failing:
                    status, headers, body = failing.pop(0), {"Retry-After": "1"}, b'{"detail": "try again"}'
                elif parts.path in service.routes:
                    status, headers, body = service.routes[parts.path](parts.path, query, dict(self.headers))
                else:
                    status, headers, body = 404, {}, b'{"detail": "not found"}'
                service.log.append((parts.path, parts.query, status))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def paths(self, status: int | None = None) -> list[str]:
        return [p for p, _q, s in self.log if status is None or s == status]


@pytest.fixture
def service() -> Iterator[RecordedService]:
    svc = RecordedService()
    svc.thread.start()
    try:
        yield svc
    finally:
        svc.server.shutdown()
        svc.server.server_close()
