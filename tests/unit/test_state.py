"""Unit tests of read state (tui.state, no app): one file per library, saved atomically, and
counted only for articles the library's index has now."""

from __future__ import annotations

import json
from pathlib import Path

from newsreader.index.config import Settings, SourceConfig, settings_for
from newsreader.index.store.library import Library
from newsreader.tui.state import LEGACY_FILE_NAME, ReadState, read_state_path


def library_settings(root: Path, state_dir: Path, files: dict[str, str]) -> Settings:
    """One source `news` under `root` with these files, indexed."""
    folder = root / "news"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = settings_for([SourceConfig("news", folder, outlet="Daily")], root / "index",
                            state_dir)
    library = Library(settings)
    library.update()
    library.close()
    return settings


def test_each_library_has_its_own_file_in_a_shared_state_folder(tmp_path: Path) -> None:
    state = tmp_path / "state"
    one = settings_for([], tmp_path / "one" / "index", state)
    two = settings_for([], tmp_path / "two" / "index", state)
    assert read_state_path(one) != read_state_path(two)
    assert read_state_path(one).parent == read_state_path(two).parent == state / "read"
    first = ReadState.for_library(one)
    first.set_read("news/a.txt", True, outlet="Daily")
    assert ReadState.for_library(one).is_read("news/a.txt")  # saved, and read back
    assert not ReadState.for_library(two).is_read("news/a.txt")
    # The same index folder is the same library, whatever else the settings say.
    same = settings_for([], tmp_path / "one" / "index", state, name="renamed")
    assert ReadState.for_library(same).is_read("news/a.txt")


def test_the_old_shared_file_is_adopted_once(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    legacy = state / LEGACY_FILE_NAME
    legacy.write_text(json.dumps({"version": 1, "read": {"news/a.txt": "Daily"}}), "utf-8")
    one = ReadState.for_library(settings_for([], tmp_path / "one", state))
    assert one.is_read("news/a.txt") and one.error is None
    assert not legacy.exists() and (state / "read.json.adopted").exists()
    two = ReadState.for_library(settings_for([], tmp_path / "two", state))
    assert len(two) == 0


def test_counts_subtract_only_read_articles_the_index_has(tmp_path: Path) -> None:
    files = {"a.txt": "Alpha\n\nAlpha body.\n", "b.txt": "Beta\n\nBeta body.\n"}
    settings = library_settings(tmp_path, tmp_path / "state", files)
    state = ReadState.for_library(settings)
    for article_id in ("news/a.txt", "news/gone.txt", "other/a.txt"):
        state.set_read(article_id, True, outlet="Daily")
    library = Library(settings)
    try:
        snapshot = state.snapshot()
        found = library.read_keys(snapshot)
    finally:
        library.close()
    assert found == {"news/a.txt": ("news", "daily")}
    state.sync_present(found, snapshot)
    assert state.read_in_library() == 1
    assert state.read_by_source() == {"news": 1}
    assert state.read_by_outlet() == {"daily": 1}
    assert len(state) == 3  # the others are remembered (the file may come back), not counted


def test_a_mark_made_while_the_index_was_asked_is_not_undone(tmp_path: Path) -> None:
    state = ReadState(tmp_path / "read.json")
    state.set_read("news/a.txt", True, outlet="Daily")
    snapshot = state.snapshot()
    state.set_read("news/b.txt", True, outlet="Daily")  # after the snapshot
    state.set_read("news/a.txt", False)  # unread after the snapshot
    state.sync_present({"news/a.txt": ("news", "daily")}, snapshot)
    assert state.read_in_library() == 1 and state.read_by_source() == {"news": 1}
    assert state.is_read("news/b.txt") and not state.is_read("news/a.txt")


def test_saving_is_atomic_and_a_broken_file_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "read" / "lib.json"
    state = ReadState(path)
    state.set_read("news/a.txt", True)
    assert json.loads(path.read_text("utf-8")) == {"version": 1, "read": {"news/a.txt": ""}}
    assert [p.name for p in path.parent.iterdir()] == ["lib.json"]  # no temporary file left
    path.write_text("{not json", "utf-8")
    broken = ReadState(path)
    assert broken.error is not None and "not loaded" in broken.error and len(broken) == 0
    assert (path.parent / "lib.json.broken").read_text("utf-8") == "{not json"
