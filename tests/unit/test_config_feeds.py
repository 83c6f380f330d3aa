"""Feed sources in config.yaml: `feed:` and `opml:` sources, their options, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.index.config import ConfigError, default_feeds_dir, load_config_file


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config_file(path)


def test_feed_and_opml_sources(tmp_path: Path) -> None:
    (tmp_path / "subs.opml").write_text("<opml/>")
    settings = _load(
        tmp_path,
        "sources:\n"
        "  - name: world\n    feed: https://example.org/world/rss.xml\n    outlet: World Desk\n"
        "  - name: subs\n    opml: subs.opml\n    full_text: never\n"
        "feeds_dir: stored\nfetch_on_start: true\n",
    )
    world, subs = settings.sources
    assert settings.feeds_dir == tmp_path / "stored" and settings.fetch_on_start is True
    assert (world.feed, world.outlet, world.full_text, world.is_feed) == (
        "https://example.org/world/rss.xml", "World Desk", "auto", True,
    )  # fmt: skip
    assert world.path == tmp_path / "stored" / "world"
    assert (world.format, world.glob) == ("json", "**/*.json")
    assert (subs.opml, subs.full_text, subs.feed) == (tmp_path / "subs.opml", "never", "")
    assert settings.feed_sources == (world, subs)


def test_defaults(tmp_path: Path) -> None:
    settings = _load(tmp_path, "sources:\n  - {name: w, feed: 'http://example.org/f'}\n")
    assert settings.feeds_dir == default_feeds_dir() and settings.fetch_on_start is False


def test_a_missing_opml_file_is_not_a_config_error(tmp_path: Path) -> None:
    # Like a folder on a drive not mounted: `fetch` says it cannot read the file.
    settings = _load(tmp_path, "sources:\n  - {name: s, opml: gone.opml}\n")
    assert settings.sources[0].opml == tmp_path / "gone.opml"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sources:\n  - {name: w, feed: 'ftp://x/f'}\n",
         ":2: sources[0].feed: expected an http:// or https:// URL, found 'ftp://x/f'"),
        ("sources:\n  - {name: w, feed: 'example.org/rss'}\n", ":2: sources[0].feed: expected an"),
        ("sources:\n  - name: w\n    path: news\n    feed: http://x/f\n",
         ":4: sources[0].feed: a source has one of path, feed, opml (this one has path and feed)"),
        ("sources:\n  - {name: w, feed: 'http://x/f', full_text: sometimes}\n",
         ":2: sources[0].full_text: expected one of auto, always, never"),
        ("sources:\n  - {name: w, feed: 'http://x/f', glob: '*.xml'}\n",
         ":2: sources[0].glob: only for path: sources"),
        ("sources:\n  - {name: w, path: news, full_text: auto}\n",
         ":2: sources[0].full_text: only for feed: and opml: sources"),
        ("sources:\n  - {name: w, opml: news}\n", ":2: sources[0].opml: not a file"),
        ("sources:\n  - {name: w, feed: 'http://x/f'}\nfetch_on_start: yes please\n",
         ":3: fetch_on_start: expected true or false, found a string"),
        ("sources:\n  - {name: w}\n", ":2: sources[0].path: missing (or feed: URL, or opml: PATH)"),
    ],
)  # fmt: skip
def test_bad_feed_config_names_file_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "news").mkdir()
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, text)
    assert str(info.value).startswith(f"{tmp_path / 'config.yaml'}{expected}")
