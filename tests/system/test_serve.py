"""`newsreader serve` (cli/serve.py): the reader in a real browser.

The server runs as a process on 127.0.0.1 (on a port it picks) over a library written here.
Headless Chromium from the OS (Debian's `chromium`, driven by Playwright through
`executable_path`: no browser is downloaded) opens the page and types like a user. What the
page shows is read two ways: the terminal screen rebuilt from the bytes the reader sends the page
(pyte, a terminal emulator: text and attributes, so a highlight can be checked), and a
screenshot of the page read back by OCR (tesseract). Waits are on events (a frame from the
reader, a popup); their timeouts only bound a failure.

Without Chromium or tesseract the browser tests skip and say what to install; `.ci/run`
installs both and sets NEWSREADER_BROWSER_TESTS=required, which turns such a skip into a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from newsreader.cli.serve import exposure_warning, is_loopback

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Debian's Chromium"),
    pytest.mark.slow,  # a server, readers and a browser as processes
]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
WAIT = 90.0
"""Seconds a wait for the reader may last before the test fails (a loaded 2-core machine starts
a reader in 2-5 s)."""

ARTICLES = {
    "tern-ferry.json": {
        "title": "Night ferry to Tern Island returns for the summer",
        "date": "2030-05-02",
        "url": "https://tern.example/ferry-returns",
        "body": "The night ferry to Tern Island will sail again from June, the harbour office "
        "said on Friday.\n\nThe crossing had stopped in autumn after a fault in the ramp. "
        "Engineers replaced the hinges over the winter and tested the ramp twice.",
    },
    "tern-ramp.json": {
        "title": "Harbour office explains the long winter without a ferry",
        "date": "2030-05-03",
        "url": "https://tern.example/ramp-explained",
        "body": "Islanders waited seven months for news.\n\nThe crossing had stopped in "
        "autumn after a fault in the ramp. Engineers replaced the hinges over the winter and "
        "tested the ramp twice. A spokesman said the delay was caused by a late delivery of "
        "steel.",
    },
    "orchard.json": {
        "title": "Cider orchards count a record harvest",
        "date": "2030-04-20",
        "url": "https://valley.example/orchards",
        "body": "Growers in the upper valley picked more apples than in any year on record.",
    },
}
WORD = "ferry"


# --- no browser needed -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.0.2.10", False),
        ("no-such-host.invalid", False),
    ],
)
def test_loopback_hosts_are_told_from_the_others(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_host_other_machines_can_reach_is_warned_about(library: Path) -> None:
    # 192.0.2.0/24 is for documentation: no machine has it, so nothing is ever exposed here;
    # the warning comes before the attempt to listen, which then fails in one line.
    result = subprocess.run(
        [*_newsreader(library), "serve", "--host", "192.0.2.10", "--port", "8000"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines == [
        f"newsreader: warning: {exposure_warning('192.0.2.10', 8000)}",
        lines[1],
    ]
    assert "anyone who can reach this port can read your library" in lines[0]
    assert lines[1].startswith("newsreader: cannot listen on 192.0.2.10:8000: ")
    assert result.stdout == ""


def test_a_port_in_use_is_one_line(library: Path, server: str) -> None:
    port = urlsplit(server).port
    result = subprocess.run(
        [*_newsreader(library), "serve", "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"newsreader: cannot listen on 127.0.0.1:{port}: ")
    assert len(result.stderr.splitlines()) == 1


def test_the_page_loads_nothing_from_other_sites(server: str) -> None:
    page = httpx.get(server, timeout=30)
    assert page.status_code == 200
    assert "<title>Tern library</title>" in page.text
    assert "Opening Tern library…" in page.text  # until the reader's first screen is in
    addresses = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", page.text)
    assert addresses and all(a.startswith("/static/") for a in addresses)
    ws = re.search(r'data-session-websocket-url="([^"]+)"', page.text)
    assert ws is not None and ws.group(1) == f"ws://{urlsplit(server).netloc}/ws"
    for path in addresses:
        assert httpx.get(server.rstrip("/") + path, timeout=30).status_code == 200


def test_another_site_cannot_open_a_reader(server: str) -> None:
    upgrade = {
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    # A page of another site (its Origin) opening the reader's websocket.
    foreign = httpx.get(
        f"{server}ws", headers={**upgrade, "Origin": "https://news.example"}, timeout=30
    )
    assert foreign.status_code == 403
    # DNS rebinding: another site's name, resolving to 127.0.0.1, in the Host header. This
    # machine's own name is such a name on many machines (/etc/hosts): it is not resolved either.
    port = urlsplit(server).port
    for name in ("attacker.example", socket.gethostname()):
        rebound = httpx.get(server, headers={"Host": f"{name}:{port}"}, timeout=30)
        assert rebound.status_code == 403, name
    for name in ("localhost", "127.0.0.1", "127.0.0.2"):
        assert httpx.get(server, headers={"Host": f"{name}:{port}"}, timeout=30).status_code == 200


# --- in the browser --------------------------------------------------------------------------


def test_the_reader_in_the_browser_searches_and_highlights(
    server: str, browser: Any, tmp_path: Path
) -> None:
    page = browser.new_page(viewport=VIEWPORT)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    with page.expect_websocket(timeout=WAIT * 1000) as socket:
        response = page.goto(server)
    assert response is not None and response.ok
    screen = Screen(socket.value)
    screen.wait_for(lambda s: "Sources" in s.text() and "All" in s.text(), "the source list")
    # The first tab on a new library indexes it first (a header says so), then the lists fill.
    screen.wait_for(lambda s: "Cider orchards" in s.text(), "the article list")
    page.wait_for_selector("body.-drawn", timeout=WAIT * 1000)
    assert not page.locator(".notice.starting").is_visible()
    assert page.locator("#terminal").evaluate("e => getComputedStyle(e).opacity") == "1"
    text = screen.text()
    assert "harbour" in text and "valley" in text
    assert "Night ferry to Tern Island" in text and "Cider orchards" in text

    _focus(page)
    page.keyboard.type("/" + WORD)
    screen.wait_for(lambda s: s.highlighted(WORD), f"highlighted matches of {WORD!r}")
    screen.wait_for(lambda s: "2 results" in s.text(), "the number of results")
    assert "Cider orchards" not in screen.pane_text(1)  # the list holds the results only

    shot = tmp_path / "search.png"
    page.screenshot(path=str(shot))
    seen = _ocr(shot)
    for expected in ("Sources", "harbour", "2 results", "Night ferry to Tern"):
        assert expected in seen, f"{expected!r} not in the screenshot's text:\n{seen}"
    # Everything the page loaded came from the server.
    netloc = urlsplit(server).netloc
    assert requested and all(urlsplit(url).netloc == netloc for url in requested), requested
    page.close()


def test_o_opens_the_address_in_the_users_browser_not_on_the_server(
    server: str, browser: Any, served: Served
) -> None:
    page, screen = _open(browser, server)
    screen.wait_for(lambda s: "Sources" in s.text(), "the source list")
    # The article's site is answered here: nothing leaves the machine.
    page.context.route("https://tern.example/**", lambda route: route.fulfill(body="opened"))
    _focus(page)
    page.keyboard.type("/night")
    screen.wait_for(lambda s: "1 result" in s.text(), "the search result")
    page.keyboard.press("Enter")
    screen.wait_for(lambda s: "harbour office" in s.pane_text(2), "the article")
    with page.expect_popup(timeout=WAIT * 1000) as popup:
        page.keyboard.press("o")
    assert popup.value.url == "https://tern.example/ferry-returns"
    assert not served.browser_log.exists(), "the server started a browser of its own"
    # `y` copies it to the clipboard of the page (loopback is a secure context).
    page.bring_to_front()
    _focus(page)
    page.keyboard.press("y")
    screen.wait_for(lambda s: "Copied" in s.text(), "the copy notice")
    assert page.evaluate("navigator.clipboard.readText()") == "https://tern.example/ferry-returns"
    page.close()


def test_screens_and_keys_work_as_in_the_terminal(server: str, browser: Any) -> None:
    page, screen = _open(browser, server)
    screen.wait_for(lambda s: "Night ferry" in s.text(), "the article list")
    _focus(page)
    page.keyboard.press("?")
    screen.wait_for(lambda s: "Re-scan" in s.text(), "the help screen")
    # Another tab is another reader: it opens on the main screen.
    other, other_screen = _open(browser, server)
    other_screen.wait_for(lambda s: "Night ferry" in s.text(), "the second tab's list")
    assert "Re-scan" not in other_screen.text()
    other.close()
    page.bring_to_front()
    _focus(page)
    page.keyboard.press("Escape")
    screen.wait_for(lambda s: "Re-scan" not in s.text(), "the help screen closing")
    # Mark the first article, move to the second (the two ferry reports, newest first) and
    # compare them.
    page.keyboard.press("Space")
    page.keyboard.press("j")
    page.keyboard.press("c")
    screen.wait_for(lambda s: "shared passage" in s.text(), "the compare screen")
    page.keyboard.press("Escape")
    screen.wait_for(lambda s: "Sources" in s.text(), "the main screen again")
    page.keyboard.press("q")
    page.wait_for_selector("body.-closed", timeout=WAIT * 1000)
    assert page.locator(".notice.closed").is_visible()
    page.close()


# --- helpers ---------------------------------------------------------------------------------


class Screen:
    """The page's terminal, rebuilt from the bytes the reader sends it over the websocket."""

    def __init__(self, socket: Any) -> None:
        import pyte

        query = parse_qs(urlsplit(socket.url).query)
        self.term = pyte.Screen(int(query["width"][0]), int(query["height"][0]))
        self.stream = pyte.ByteStream(self.term)
        self.socket = socket
        socket.on("framereceived", self._received)
        socket.on("framesent", self._sent)

    def _received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):  # (text frames are textual-serve's own messages)
            self.stream.feed(payload)

    def _sent(self, payload: str | bytes) -> None:
        message = json.loads(payload) if isinstance(payload, str) else None
        if isinstance(message, list) and message[0] == "resize":
            self.term.resize(message[1]["height"], message[1]["width"])

    def text(self) -> str:
        return "\n".join(self.term.display)

    def pane_text(self, n: int) -> str:
        """The text inside the n-th bordered pane of each line (0: sources, 1: list, ...)."""
        panes = [re.split(r"[│╭╮╰╯]+", line)[1:] for line in self.term.display]
        return "\n".join(p[n] if len(p) > n else "" for p in panes)

    def highlighted(self, word: str) -> bool:
        """Whether some row shows `word` highlighted (bold reverse, as in the terminal)."""
        for y, line in enumerate(self.term.display):
            for match in re.finditer(re.escape(word), line, re.IGNORECASE):
                cells = [self.term.buffer[y][x] for x in range(match.start(), match.end())]
                if all(c.reverse and c.bold for c in cells):
                    return True
        return False

    def wait_for(self, done: Callable[[Screen], bool], what: str) -> None:
        """Wait, frame by frame from the reader, until `done(self)`."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        deadline = time.monotonic() + WAIT
        while not done(self):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{what}: not shown after {WAIT:.0f} s:\n{self.text()}")
            with contextlib.suppress(PlaywrightTimeout):  # (the deadline decides)
                self.socket.wait_for_event("framereceived", timeout=left * 1000)


def _open(browser: Any, server: str) -> tuple[Any, Screen]:
    """A new tab on the server (a reader of its own), and its screen."""
    page = browser.new_page(viewport=VIEWPORT)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.rstrip("/"))
    with page.expect_websocket(timeout=WAIT * 1000) as socket:
        response = page.goto(server)
    assert response is not None and response.ok
    return page, Screen(socket.value)


def _focus(page: Any) -> None:
    """Give the terminal the keyboard, as a click would (a click is also a mouse event for the
    reader, which would select whatever is under it)."""
    page.locator(".xterm-helper-textarea").focus()


def _ocr(png: Path) -> str:
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        _missing("tesseract is not installed (apt-get install tesseract-ocr)")
    result = subprocess.run(
        [str(tesseract), str(png), "-", "--psm", "3"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _missing(reason: str) -> None:
    if os.environ.get("NEWSREADER_BROWSER_TESTS") == "required":
        pytest.fail(f"{reason}, and NEWSREADER_BROWSER_TESTS=required")
    pytest.skip(reason)


def _newsreader(library: Path) -> list[str]:
    return [sys.executable, "-m", "newsreader.cli.main", "--config", str(library / "config.yaml")]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("served")
    for source, names in (("harbour", ["tern-ferry.json", "tern-ramp.json"]),
                          ("valley", ["orchard.json"])):
        folder = root / source
        folder.mkdir()
        for name in names:
            (folder / name).write_text(json.dumps(ARTICLES[name]), encoding="utf-8")
    (root / "config.yaml").write_text(
        "name: Tern library\n"
        "sources:\n"
        "  - {name: harbour, path: harbour, outlet: Tern Harbour News}\n"
        "  - {name: valley, path: valley, outlet: Valley Post}\n"
        "index_dir: index\n"
        "state_dir: state\n",
        encoding="utf-8",
    )
    return root


class Served:
    """The server process and where its environment's browser would leave a trace."""

    def __init__(self, proc: subprocess.Popen[str], url: str, browser_log: Path) -> None:
        self.proc = proc
        self.url = url
        self.browser_log = browser_log


@pytest.fixture(scope="module")
def served(library: Path) -> Iterator[Served]:
    # A "browser" for Python's webbrowser module on the server: it leaves a file if started.
    browser_log = library / "server-opened-a-browser"
    fake = library / "fake-browser"
    fake.write_text(f"#!/bin/sh\necho \"$@\" > {browser_log}\n", encoding="utf-8")
    fake.chmod(0o755)
    env = {**os.environ, "BROWSER": str(fake)}
    proc = subprocess.Popen(
        [*_newsreader(library), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=library,
    )
    assert proc.stdout is not None
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(WAIT)
    line = first[0] if first else ""
    match = re.fullmatch(r"Serving the reader on (http://127\.0\.0\.1:\d+/) \(ctrl\+c stops\)\n",
                         line)
    if match is None:
        proc.kill()
        error = proc.stderr.read() if proc.stderr else ""
        pytest.fail(f"the server did not start: {line!r} {error}")
    try:
        yield Served(proc, match.group(1), browser_log)
    finally:
        proc.send_signal(signal.SIGINT)  # ctrl+c
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        assert code == 0, proc.stderr.read() if proc.stderr else ""
        # Every reader it started has quit with it.
        assert not _processes_with(str(library / "config.yaml"))


def _processes_with(needle: str) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if needle in cmdline and " serve" not in cmdline:
            found.append(int(pid))
    return found


@pytest.fixture(scope="module")
def server(served: Served) -> str:
    return served.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[test]')")
    if not os.access(CHROMIUM, os.X_OK):
        _missing("Chromium is not installed (apt-get install chromium; .ci/run does)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
