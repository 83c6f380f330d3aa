"""What the reader's watcher hands the targeted update (`index.store.watched`, `Library.holding`):
article files and folders, gone paths the index holds something of; never swap files, hidden
files, the index's own files, nor the paths of a source whose folder is gone."""

from __future__ import annotations

import json
from pathlib import Path

from newsreader.index.config import SourceConfig, feed_source, settings_for
from newsreader.index.store.library import Library
from newsreader.index.store.watched import sort_changes, watch_roots


def write(path: Path, title: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"title": title, "date": "2024-01-01", "body": "Text."}))
    return path


def test_the_roots_are_the_source_folders_there_outermost_only(tmp_path: Path) -> None:
    (tmp_path / "a" / "inner").mkdir(parents=True)
    (tmp_path / "feeds" / "world").mkdir(parents=True)
    sources = [
        SourceConfig("a", tmp_path / "a"),
        SourceConfig("inner", tmp_path / "a" / "inner"),  # its events come from a's watch
        SourceConfig("gone", tmp_path / "unplugged"),
        feed_source("world", tmp_path / "feeds", feed="https://example.org/rss"),
        feed_source("later", tmp_path / "feeds", feed="https://example.org/later"),  # no fetch
    ]
    settings = settings_for(sources, tmp_path / "index", tmp_path / "state")
    assert watch_roots(settings) == [tmp_path / "a", tmp_path / "feeds" / "world"]


def test_only_article_files_folders_and_gone_paths_count(tmp_path: Path) -> None:
    news = tmp_path / "news"
    article = write(news / "a.json", "A")
    folder = write(news / "2024" / "b.json", "B").parent
    junk = [news / n for n in (".a.json.swp", "a.json~", "4913", "x.json.part", "notes.docx")]
    for path in junk:
        path.write_text("half a file")
    hidden = write(news / ".drafts" / "c.json", "C")
    settings = settings_for([SourceConfig("news", news, glob="**/*.json")],
                            tmp_path / "index", tmp_path / "state")
    gone = [str(news / "deleted.json"), str(news / "moved-away")]
    outside = str(tmp_path / "elsewhere.json")
    changes = sort_changes(settings, [str(article), str(folder), *map(str, junk),
                                      str(hidden), str(news), outside, *gone])
    assert changes.present == sorted([str(article), str(folder)])
    assert changes.gone == sorted(gone)
    assert changes.missing == []


def test_the_index_and_state_folders_are_never_handed_on(tmp_path: Path) -> None:
    # The config forbids an index inside a source; settings made in code may still put it
    # there, and its skipped-file record is JSON: watching it would update for ever.
    news = tmp_path / "news"
    record = write(news / "index" / "newsreader-skipped.json", "not an article")
    marks = write(news / "state" / "read.json", "read marks")
    settings = settings_for([SourceConfig("news", news)], news / "index", news / "state")
    changes = sort_changes(settings, [str(record), str(marks)])
    assert changes.present == [] and changes.gone == []


def test_a_source_whose_folder_is_gone_is_set_aside(tmp_path: Path) -> None:
    news, more = tmp_path / "news", tmp_path / "more"
    write(more / "m.json", "M")
    sources = [SourceConfig("news", news), SourceConfig("more", more)]
    settings = settings_for(sources, tmp_path / "index", tmp_path / "state")
    changes = sort_changes(settings, [str(news), str(news / "a.json"), str(more / "m.json")])
    assert changes.missing == [sources[0]]
    assert changes.present == [str(more / "m.json")] and changes.gone == []


def test_holding_keeps_the_gone_paths_the_index_has_articles_of(tmp_path: Path) -> None:
    news = tmp_path / "news"
    write(news / "a.json", "A")
    write(news / "2024" / "may" / "b.json", "B")
    settings = settings_for([SourceConfig("news", news)], tmp_path / "index", tmp_path / "state")
    library = Library(settings)
    try:
        assert library.holding([str(news / "a.json")]) == []  # no index yet
        library.update()
        (news / "a.json").unlink()
        (news / "2024").rename(tmp_path / "2024")
        gone = [str(news / "a.json"), str(news / "2024"), str(news / "4913"),
                str(news / "never.json")]
        assert library.holding(gone) == sorted([str(news / "a.json"), str(news / "2024")])
    finally:
        library.close()
