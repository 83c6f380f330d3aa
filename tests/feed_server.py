"""A real HTTP server on 127.0.0.1 for the feed tests: routes the tests set up, hit counts,
and handlers that stall until the test lets them go (never a sleep)."""

from __future__ import annotations

import email.utils
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Seen:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]
    at: float


@dataclass
class FeedServer:
    host: str = "127.0.0.1"
    port: int = 0
    routes: dict[str, Handler] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    seen: list[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    """Set when the test ends: stalled handlers return."""
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def static(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str = "application/rss+xml",
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: float | None = None,
    ) -> str:
        """Serve fixed bytes; with `etag` / `last_modified`, answer conditional GETs with 304."""
        data = body.encode() if isinstance(body, str) else body
        stamp = email.utils.formatdate(last_modified, usegmt=True) if last_modified else None

        def handle(h: BaseHTTPRequestHandler) -> None:
            if (etag and h.headers.get("If-None-Match") == etag) or (
                stamp and h.headers.get("If-Modified-Since") == stamp
            ):
                send(h, 304, b"", headers={"ETag": etag} if etag else None)
                return
            extra = dict(headers or {})
            if etag:
                extra["ETag"] = etag
            if stamp:
                extra["Last-Modified"] = stamp
            send(h, status, data, content_type=content_type, headers=extra)

        return self.route(path, handle)


def send(
    h: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    *,
    content_type: str = "text/plain",
    headers: dict[str, str] | None = None,
) -> None:
    h.send_response(status)
    h.send_header("Content-Type", content_type)
    h.send_header("Content-Length", str(len(body)))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    if body and h.command != "HEAD":
        h.wfile.write(body)


def redirect(target: str, status: int = 301) -> Handler:
    def handle(h: BaseHTTPRequestHandler) -> None:
        send(h, status, b"", headers={"Location": target})

    return handle


def _make_handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            with server.lock:
                server.hits[path] += 1
                server.seen.append(Seen(path, dict(self.headers.items()), time.monotonic()))
                server.in_flight += 1
                server.max_in_flight = max(server.max_in_flight, server.in_flight)
            try:
                route = server.routes.get(path)
                if route is None:
                    send(self, 404, b"no such feed")
                else:
                    route(self)
            except (BrokenPipeError, ConnectionResetError):
                # The client hung up (a cut response, a timeout): what the tests want.
                self.close_connection = True
            finally:
                with server.lock:
                    server.in_flight -= 1

        def log_message(self, format: str, *args: object) -> None:
            pass

    return _Handler


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A server on 127.0.0.1 (a free port) for one test, stopped after it."""
    server = FeedServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(server))
    httpd.daemon_threads = True
    server.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


_real_getaddrinfo = socket.getaddrinfo


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Feed tests talk to 127.0.0.1 and nothing else: any other name fails to resolve at once
    (links in test feeds point at hosts like h.example that must never be looked up).
    Feed test modules use it for every test: `pytestmark = pytest.mark.usefixtures(...)`."""

    def guarded(host: object, *args: object, **kwargs: object) -> object:
        if host not in ("127.0.0.1", "localhost", b"127.0.0.1", b"localhost"):
            raise socket.gaierror(socket.EAI_NONAME, f"test blocks the lookup of {host!r}")
        return _real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
