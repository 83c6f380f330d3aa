"""The start-up check of the index (`tui.index_check`): the same answer as
`Library.needs_update()`, in a child process for a big library; cancellable; failures
reported, never silently taken for "up to date"."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

import newsreader.tui.index_check as index_check
from newsreader.index.config import Settings
from newsreader.index.store.library import Library, StoreError


@pytest.fixture
def in_child(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """Every library counts as big; the children started are collected."""
    started: list[subprocess.Popen[bytes]] = []
    popen = subprocess.Popen

    def spy(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        proc = popen(*args, **kwargs)  # type: ignore[call-overload]
        started.append(proc)
        return proc  # type: ignore[no-any-return]

    monkeypatch.setattr(index_check, "CHILD_FROM", 1)
    monkeypatch.setattr(index_check.subprocess, "Popen", spy)
    return started


def test_the_child_answers_as_needs_update_does(
    tmp_path: Path,
    in_child: list[subprocess.Popen[bytes]],
    indexed_settings: Callable[..., Settings],
) -> None:
    settings = indexed_settings(tmp_path)
    library = Library(settings)
    assert index_check.index_is_stale(library, threading.Event()) is False
    (settings.sources[0].path / "new.json").write_text('{"title": "New", "body": "Pier."}')
    assert index_check.index_is_stale(library, threading.Event()) is True
    assert len(in_child) == 2 and all(p.returncode == 0 for p in in_child)


def test_no_index_yet_is_stale_without_a_child(
    tmp_path: Path, in_child: list[subprocess.Popen[bytes]], make_settings: Callable[..., Settings]
) -> None:
    library = Library(make_settings(tmp_path))  # no index: 0 articles, below any threshold
    assert index_check.index_is_stale(library, threading.Event()) is True
    assert in_child == []


def test_cancelling_kills_the_child(
    tmp_path: Path,
    in_child: list[subprocess.Popen[bytes]],
    indexed_settings: Callable[..., Settings],
) -> None:
    cancelled = threading.Event()
    cancelled.set()  # the app is closing: the worker was cancelled
    assert index_check.index_is_stale(Library(indexed_settings(tmp_path)), cancelled) is None
    assert len(in_child) == 1 and in_child[0].returncode is not None


def test_a_child_that_dies_is_an_error(
    tmp_path: Path,
    in_child: list[subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
    indexed_settings: Callable[..., Settings],
) -> None:
    monkeypatch.setattr(index_check, "_CHILD", "raise SystemExit('out of luck')")
    with pytest.raises(StoreError, match="index check failed: out of luck"):
        index_check.index_is_stale(Library(indexed_settings(tmp_path)), threading.Event())


def test_an_error_in_the_child_comes_back(
    tmp_path: Path,
    in_child: list[subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
    indexed_settings: Callable[..., Settings],
) -> None:
    child = (
        "from newsreader.index.store.library import Library\n"
        "def broken(self): raise OSError('disk on fire')\n"
        "Library.needs_update = broken\n"
        "from newsreader.tui.index_check import child_main\n"
        "child_main()\n"
    )
    monkeypatch.setattr(index_check, "_CHILD", child)
    with pytest.raises(StoreError, match=r"^disk on fire$"):
        index_check.index_is_stale(Library(indexed_settings(tmp_path)), threading.Event())
    assert in_child[0].returncode == 0
