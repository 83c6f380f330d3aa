"""The reader in a browser (`newsreader serve`): how long a user waits. Prints figures; asserts
nothing.

    newsreader --config CONFIG index        # first: a library with no index is built by the
                                            # first tab, which is not what is measured here
    python bench/bench_serve.py [--config CONFIG] [--runs 5] [--word ferry]

Starts `newsreader serve` on 127.0.0.1 and opens the page `--runs` times in headless Chromium
(the system's, driven by Playwright), each a new tab and so a new reader process, one after the
other. Per run, from the start of the navigation:
- page: the page and its scripts are loaded (the load event);
- first byte: the reader's first screen reached the page (textual.js shows the terminal);
- usable: the main screen is complete, the source list and the article list's status line
  ("All · N articles") drawn, so keys act on a full screen;
- search: from typing `/` and the word to its first highlighted match on the screen.
The screen is rebuilt from the bytes the reader sends the page (pyte). Without --config: the
sample library, indexed into a temporary folder first.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
USABLE = re.compile(r"All · [\d,]+ articles?")


def sample_config(folder: Path) -> Path:
    """A config for the shipped sample library, its index in `folder`, already built."""
    from newsreader.index.config import samples_dir

    config = folder / "config.yaml"
    folders = [d for d in sorted(samples_dir().iterdir()) if d.is_dir() and d.name[0] != "_"]
    sources = "".join(f"  - {{name: {d.name}, path: {d}}}\n" for d in folders)
    config.write_text(f"name: sample library\nsources:\n{sources}index_dir: index\n"
                      "state_dir: state\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "newsreader.cli.main", "--config", str(config),
                    "index"], check=True, capture_output=True)
    return config


def start_server(config: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsreader.cli.main", "--config", str(config), "serve",
         "--port", "0"],
        stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"http://\S+/", line)
    if match is None:
        proc.kill()
        sys.exit(f"the server did not start: {line!r}")
    return proc, match.group(0)


def one_run(browser: Any, url: str, word: str) -> dict[str, float]:
    import pyte

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    marks: dict[str, float] = {}
    start = time.monotonic()
    page.on("load", lambda _page: marks.setdefault("page", time.monotonic() - start))
    with page.expect_websocket() as info:
        page.goto(url)
    socket = info.value
    size = parse_qs(urlsplit(socket.url).query)
    term = pyte.Screen(int(size["width"][0]), int(size["height"][0]))
    stream = pyte.ByteStream(term)

    def received(payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            marks.setdefault("first byte", time.monotonic() - start)
            stream.feed(payload)

    def sent(payload: str | bytes) -> None:
        message = json.loads(payload) if isinstance(payload, str) else None
        if isinstance(message, list) and message[0] == "resize":  # the page fitted the terminal
            term.resize(message[1]["height"], message[1]["width"])

    socket.on("framereceived", received)
    socket.on("framesent", sent)

    def until(done: Any) -> None:
        deadline = time.monotonic() + 120
        while not done() and time.monotonic() < deadline:
            socket.wait_for_event("framereceived", timeout=120_000)

    screen = lambda: "\n".join(term.display)  # noqa: E731
    until(lambda: USABLE.search(screen()) and "Sources" in screen())
    marks["usable"] = time.monotonic() - start
    page.locator(".xterm-helper-textarea").focus()
    typed = time.monotonic()
    page.keyboard.type("/" + word)

    def highlighted() -> bool:
        for y, line in enumerate(term.display):
            for m in re.finditer(re.escape(word), line, re.IGNORECASE):
                if all(term.buffer[y][x].reverse for x in range(m.start(), m.end())):
                    return True
        return False

    until(highlighted)
    marks["search"] = time.monotonic() - typed
    page.close()
    return marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, help="default: the sample library")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--word", default="ferry", help="the word searched for (default ferry)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        config = args.config or sample_config(Path(tmp))
        proc, url = start_server(config)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                runs = [one_run(browser, url, args.word) for _ in range(args.runs)]
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    print(f"{args.runs} tabs on {url} ({config}); seconds from navigation start:")
    for key in ("page", "first byte", "usable", "search"):
        values = [r[key] for r in runs if key in r]
        shown = " ".join(f"{v:.2f}" for v in values)
        print(f"  {key:<10} median {statistics.median(values):.2f}  ({shown})")
    print("  (search: from typing '/' and the word to its first highlighted match)")


if __name__ == "__main__":
    main()
