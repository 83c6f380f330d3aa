"""`newsreader serve`: the reader in a web browser, through textual-serve.

Every browser tab that opens the page gets a reader of its own: textual-serve starts
`newsreader` (on this run's config) as a child process for each websocket and relays the
reader's screen to xterm.js in the page and the page's keys back. The reader runs on Textual's
web driver there, so `App.open_url` asks the page to open the address in the user's browser
(`o`), and `copy_to_clipboard` writes the page's clipboard (`y`).

What is added to textual-serve:
- the page (web/index.html) loads nothing from elsewhere: textual-serve's own page pulls a
  font from a font CDN, which tells a third party who reads when, and fails offline;
- the page's addresses follow the address the browser used, not the one the server listens
  on (a server on 0.0.0.0 would otherwise send `ws://0.0.0.0:8000/ws` to a remote browser);
- a websocket from another site's page is refused (its Origin must be the page's own): a
  page on any site could otherwise open a reader on 127.0.0.1 and read the library through it;
- on a loopback address, a request naming any other host is refused (an attacker's name that
  resolves to 127.0.0.1, DNS rebinding, would make its page "same-origin" with the reader).
"""

from __future__ import annotations

import asyncio
import ipaddress
import shlex
import signal
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from aiohttp import web

    from newsreader.index.config import Settings

WEB_DIR = Path(__file__).parent / "web"
"""The page's template (index.html)."""
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})


class ServeError(Exception):
    """The server cannot start (the address is taken, the host unknown): one line."""


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address) reaches this machine only: every address it
    resolves to is a loopback address. A name that does not resolve is not."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(name, None)
    except (OSError, UnicodeError):
        return False
    return bool(infos) and all(
        ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos
    )


def host_allowed(requested: str, served: str) -> bool:
    """For a server on a loopback address: whether to answer a request whose Host header names
    `requested`. Only loopback addresses, `localhost` and the name the server was started with:
    a name is never resolved here, since resolving to 127.0.0.1 is exactly what an attacker's
    name does in a DNS rebinding attack."""
    name = requested.strip("[]").lower()
    if name in LOOPBACK_NAMES or name == served.strip("[]").lower():
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, port: int) -> str:
    """What a server that other machines can reach means for the library."""
    return (
        f"serving on {host}:{port}, which is not a loopback address: anyone who can reach this "
        "port can read your library (and mark articles read or re-index it); there is no "
        "password. Use --host 127.0.0.1 (the default) and an SSH tunnel to reach it from "
        "elsewhere."
    )


def reader_command(settings: Settings) -> str:
    """The shell command textual-serve runs for each browser tab: this newsreader, this config."""
    argv = [sys.executable, "-m", "newsreader.cli.main"]
    if settings.config_path is not None:
        argv += ["--config", str(settings.config_path)]
    return shlex.join(argv)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def make_server(settings: Settings, host: str, port: int) -> Any:
    """A textual-serve `Server` for the reader on `settings` (see the module docstring)."""
    import aiohttp_jinja2
    import jinja2
    from aiohttp import web
    from textual_serve.server import Server

    loopback = is_loopback(host)

    class ReaderServer(Server):
        async def _make_app(self) -> web.Application:
            app: web.Application = await super()._make_app()
            # Our page, autoescaped (the library's name comes from the config).
            aiohttp_jinja2.setup(
                app,
                loader=jinja2.FileSystemLoader(WEB_DIR),
                autoescape=jinja2.select_autoescape(["html"]),
            )
            app.middlewares.append(_guard)
            return app

        async def on_startup(self, app: web.Application) -> None:
            pass  # (textual-serve prints its logo here; `serve` prints the address instead)

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            ws_scheme = "wss" if request.scheme == "https" else "ws"
            context = {
                "title": settings.name,
                "font_size": _font_size(request.query.get("fontsize", "")),
                "static_url": "/static/",
                "websocket_url": f"{ws_scheme}://{request.host}/ws",
            }
            return aiohttp_jinja2.render_template("index.html", request, context)

    @web.middleware
    async def _guard(
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        requested = urlsplit(f"//{request.host}").hostname or ""
        if loopback and not host_allowed(requested, host):
            raise web.HTTPForbidden(
                text=f"This reader answers on {_url_host(host)}:{port} and localhost only.\n"
            )
        origin = request.headers.get("Origin")
        if request.path == "/ws" and origin is not None:
            expected = {f"http://{request.host}", f"https://{request.host}"}
            if origin not in expected:
                raise web.HTTPForbidden(text="A page of another site cannot open the reader.\n")
        return await handler(request)

    return ReaderServer(reader_command(settings), host=host, port=port, title=settings.name)


def _font_size(text: str) -> int:
    try:
        size = int(text)
    except ValueError:
        return 16
    return min(max(size, 8), 48)


def serve(
    settings: Settings,
    host: str,
    port: int,
    *,
    say: Callable[[str], None],
    warn: Callable[[str], None],
) -> None:
    """Serve the reader until SIGINT or SIGTERM. Raises ServeError when it cannot listen."""
    if not is_loopback(host):
        warn(exposure_warning(host, port))
    server = make_server(settings, host, port)
    asyncio.run(_run(server, host, port, say))


async def _run(server: Any, host: str, port: int, say: Callable[[str], None]) -> None:
    from aiohttp import web

    app = await server._make_app()
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise ServeError(f"cannot listen on {_url_host(host)}:{port}: {reason}") from None
        bound = runner.addresses[0][1] if runner.addresses else port
        say(f"Serving the reader on http://{_url_host(host)}:{bound}/ (ctrl+c stops)")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
    finally:
        # Closes the websockets: each tab's reader is told to quit and waited for.
        await runner.cleanup()
