"""Crash safety and concurrent use, with real `newsreader index` processes.

- `kill -9` at any moment of an index run (taking the lock, while Whoosh's multi-process
  sub-writers run, while segments are written, right after the commit) leaves an index that
  the next run opens or rebuilds by itself; runs then converge to exactly the library: every
  article once, none duplicated, deleted files gone, changed files in their new version.
- Two index runs at once: one waits or says "busy" (exit 1, one line); nothing is corrupted.
- A reader keeps working while another process indexes, and sees the new articles afterwards.
- Thousands of searches on one Library leak no file descriptor and no memory map.
- Whoosh fact: a searcher refreshed or opened after an update sees the new document, not the
  old one (whoosh-reloaded 2.7.5's `Searcher.refresh()` does not).

Kill moments are events seen from outside (files appearing in the index folder, sub-writer
processes starting), not fixed sleeps.
"""

from __future__ import annotations

import gc
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq

from newsreader.cli.main import main
from newsreader.index.config import SourceConfig, settings_for
from newsreader.index.search.results import related, search
from newsreader.index.store import ingest
from newsreader.index.store.library import INDEX_NAME, Library
from newsreader.index.store.lock import LOCK_NAME

pytestmark = [
    pytest.mark.skipif(
        not sys.platform.startswith("linux"), reason="kills processes and reads /proc"
    ),
    pytest.mark.slow,  # real index processes, killed and restarted
]

FILES = 400  # above ingest.MP_MIN_FILES: the multi-process writer runs
assert FILES >= ingest.MP_MIN_FILES


def story(n: int, version: int) -> str:
    return (
        f"Story {n} title\n\nBody of story {n}, token tok{n}v{version}, about the harbour.\n\n"
        f"Second paragraph of story {n}.\n"
    )


@dataclass
class Lib:
    root: Path
    config: Path
    index_dir: Path
    expected: dict[str, int]
    """Article id -> the version its file holds now."""

    def write(self, n: int, version: int) -> None:
        (self.root / f"s{n:04d}.txt").write_text(story(n, version), encoding="utf-8")
        self.expected[f"news/s{n:04d}.txt"] = version

    def delete(self, n: int) -> None:
        (self.root / f"s{n:04d}.txt").unlink()
        del self.expected[f"news/s{n:04d}.txt"]

    def library(self) -> Library:
        return Library(settings_for([SourceConfig("news", self.root)], self.index_dir))


@pytest.fixture
def lib(tmp_path: Path) -> Lib:
    root = tmp_path / "news"
    root.mkdir()
    config = tmp_path / "config.yaml"
    config.write_text("sources:\n  - name: news\n    path: news\nindex_dir: index\n", "utf-8")
    result = Lib(root, config, tmp_path / "index", {})
    for n in range(FILES):
        result.write(n, 1)
    return result


def start(lib: Lib, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsreader.cli.main", "--config", str(lib.config), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=lib.config.parent,
    )


def cli(lib: Lib, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsreader.cli.main", "--config", str(lib.config), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=lib.config.parent,
    )


def children(pid: int) -> set[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return {int(c) for c in f.read().split()}
    except OSError:
        return set()


def gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


Event = Callable[[Path, set[str], set[int]], bool]
"""(index folder, files there before the run, child pids seen so far) -> kill now?"""


def _names(folder: Path) -> set[str]:
    try:
        return set(os.listdir(folder))
    except OSError:
        return set()


def lock_file_created(folder: Path, before: set[str], kids: set[int]) -> bool:
    return LOCK_NAME in _names(folder) - before


def workers_started(folder: Path, before: set[str], kids: set[int]) -> bool:
    return bool(kids)


def segments_written(count: int) -> Event:
    def event(folder: Path, before: set[str], kids: set[int]) -> bool:
        new = {n.split(".")[0] for n in _names(folder) - before if n.endswith(".trm")}
        return len(new) >= count

    return event


def columns_written(folder: Path, before: set[str], kids: set[int]) -> bool:
    return any(n.endswith(".col") for n in _names(folder) - before)


def toc_written(folder: Path, before: set[str], kids: set[int]) -> bool:
    return any(re.fullmatch(r"_MAIN_\d+\.toc", n) for n in _names(folder) - before)


def kill_at(lib: Lib, event: Event, *args: str) -> bool:
    """Start `newsreader index`, kill -9 it when `event` happens; True if it was killed (False:
    it finished first). Its sub-writer processes must die with it."""
    before = _names(lib.index_dir)
    proc = start(lib, "index", *args)
    kids: set[int] = set()
    deadline = time.monotonic() + 60
    killed = False
    while proc.poll() is None and time.monotonic() < deadline:
        kids |= children(proc.pid)
        if event(lib.index_dir, before, kids):
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.001)
    proc.wait(timeout=60)
    _, err = proc.communicate()
    name = getattr(event, "__qualname__", "event").split(".")[0]
    outcome = "killed" if killed else "finished first"
    print(f"kill -9 at {name} {args}: {outcome}, {len(kids)} sub-processes")
    if not killed:
        assert proc.returncode == 0, err.decode(errors="replace")
    else:
        assert proc.returncode == -signal.SIGKILL
    # Sub-writers and parser workers end with their parent (PR_SET_PDEATHSIG), never orphaned.
    deadline = time.monotonic() + 10
    while not all(gone(k) for k in kids) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert all(gone(k) for k in kids), kids
    return killed


def assert_readable(lib: Lib) -> None:
    """A killed run left a committed generation (or none): readable, no article twice."""
    library = lib.library()
    ids = [row.id for row in library.list_articles()]
    assert len(ids) == len(set(ids)) == library.count()
    assert set(ids) <= set(lib.expected) | {f"news/s{n:04d}.txt" for n in range(FILES + 300)}
    library.close()


def assert_converged(lib: Lib) -> None:
    """The index holds exactly the library: each article once, in its current version."""
    library = lib.library()
    ids = [row.id for row in library.list_articles()]
    assert sorted(ids) == sorted(lib.expected)  # a list: a duplicate would show
    with library.searcher() as s:
        assert s.doc_count() == len(set(ids)) == len(lib.expected)
        stored = [f["id"] for f in s.all_stored_fields()]
        assert len(stored) == len(set(stored)) == len(lib.expected)
    for article_id in list(lib.expected)[::37]:
        n = int(article_id[len("news/s") : -len(".txt")])
        version = lib.expected[article_id]
        assert [h.id for h in search(library, f"tok{n}v{version}").hits] == [article_id]
        if version > 1:
            assert search(library, f"tok{n}v{version - 1}").total == 0
    # The commit cleaned away what killed runs left: every segment file belongs to the index.
    assert not (lib.index_dir / "MAIN.tmp").exists()
    with library.searcher() as s:
        live = {sub.segment().segment_id() for sub, _ in s.reader().leaf_readers()}
    files = {n.split(".")[0] for n in _names(lib.index_dir) if n.startswith(f"{INDEX_NAME}_")}
    assert files == live
    library.close()


def test_kill_9_at_any_moment_converges_to_the_library(lib: Lib) -> None:
    outcomes: list[bool] = []
    # First build, killed while taking the lock, while the sub-writers start and while they
    # write segments, then right after the commit.
    for event in (lock_file_created, workers_started, segments_written(2), toc_written):
        outcomes.append(kill_at(lib, event))
        assert_readable(lib)
    # Whatever the kills left, the CLI opens it (or builds it first) without complaint.
    result = cli(lib, "search", "harbour", "--limit", "1")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    result = cli(lib, "index")
    assert result.returncode == 0, result.stderr
    assert_converged(lib)

    # An incremental run: 50 changed, 40 deleted, 300 new (the multi-process writer again).
    for n in range(0, 100, 2):
        lib.write(n, 2)
    for n in range(1, 80, 2):
        lib.delete(n)
    for n in range(FILES, FILES + 300):
        lib.write(n, 1)
    for event in (workers_started, segments_written(1), columns_written, toc_written):
        outcomes.append(kill_at(lib, event))
        assert_readable(lib)
    result = cli(lib, "index")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert_converged(lib)

    # A rebuild killed half-way keeps the previous index whole; the next run finishes.
    outcomes.append(kill_at(lib, segments_written(1), "--rebuild"))
    assert sorted(row.id for row in lib.library().list_articles()) == sorted(lib.expected)
    result = cli(lib, "index")
    assert result.returncode == 0, result.stderr
    assert_converged(lib)
    # Most kills landed mid-run (a fast machine may finish before the last event).
    assert sum(outcomes) >= len(outcomes) - 2, outcomes


def test_kill_9_after_delays_converges(lib: Lib) -> None:
    started = time.monotonic()
    assert kill_at(lib, lambda *_: False) is False  # a whole first run, to time one
    whole = time.monotonic() - started
    for round_, fraction in enumerate((0.3, 0.7)):
        # 134 changed and 200 new: the multi-process writer runs.
        for n in range(0, FILES, 3):
            lib.write(n, 2 + round_)
        for n in range(FILES + 200 * round_, FILES + 200 * (round_ + 1)):
            lib.write(n, 1)
        at = time.monotonic() + whole * fraction
        kill_at(lib, lambda *_, at=at: time.monotonic() >= at)
        result = cli(lib, "index")
        assert result.returncode == 0, result.stderr
        assert_converged(lib)


# ---- concurrency -----------------------------------------------------------------------------


def test_two_index_runs_at_once_one_waits_or_is_busy_and_nothing_breaks(lib: Lib) -> None:
    first, second = start(lib, "index"), start(lib, "index")
    results = []
    for proc in (first, second):
        out, err = proc.communicate(timeout=120)
        results.append((proc.returncode, out.decode(), err.decode()))
    codes = sorted(code for code, _, _ in results)
    print(f"two runs at once: exit codes {codes}")
    assert codes in ([0, 0], [0, 1]), results
    for code, _, err in results:
        assert "Traceback" not in err
        if code == 1:
            assert re.fullmatch(BUSY, err), err
    assert_converged(lib)


BUSY = r"newsreader: index busy: another newsreader is updating \S+\n"


def test_an_index_run_started_while_another_writes_says_busy(lib: Lib) -> None:
    assert cli(lib, "index").returncode == 0
    for n in range(FILES, FILES + 300):
        lib.write(n, 1)
    first = start(lib, "index")
    kids: set[int] = set()
    while not kids and first.poll() is None:  # the first run holds the lock, workers running
        kids = children(first.pid)
        time.sleep(0.001)
    os.kill(first.pid, signal.SIGSTOP)  # a slow writer: it keeps the lock for as long as needed
    try:
        second = cli(lib, "index")
        reader = cli(lib, "search", "harbour", "--limit", "1")
    finally:
        os.kill(first.pid, signal.SIGCONT)
    assert second.returncode == 1 and second.stdout == ""
    assert re.fullmatch(BUSY, second.stderr), second.stderr
    # Readers see the last committed generation meanwhile.
    assert reader.returncode == 0 and reader.stderr == "" and reader.stdout.startswith("400 ")
    assert first.wait(timeout=120) == 0
    assert_converged(lib)


def test_a_reader_keeps_working_during_an_index_run_elsewhere(lib: Lib) -> None:
    assert cli(lib, "index").returncode == 0
    library = lib.library()
    for n in range(FILES, FILES + 300):
        lib.write(n, 1)
    with library.searcher() as held:
        proc = start(lib, "index")
        reads, seen = 0, FILES
        while proc.poll() is None:
            # The last committed generation: the old one, then (once committed) the new one.
            count = library.count()
            assert count in (seen, FILES + 300)
            seen = count
            assert search(library, "tok7v1").total == 1
            assert library.get("news/s0007.txt") is not None
            reads += 1
        assert proc.returncode == 0, proc.communicate()[1]
        # The searcher opened before the run still reads its generation, files merged away
        # or not.
        docnum = held.document_number(id="news/s0005.txt")
        assert docnum is not None and "tok5v1" in held.stored_fields(docnum)["body"]
        assert held.doc_count() == FILES
    assert reads > 0
    # The next read (a new searcher) sees the new articles.
    assert library.count() == FILES + 300
    assert search(library, f"tok{FILES + 1}v1").total == 1
    library.close()


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _maps() -> int:
    with open("/proc/self/maps") as f:
        return sum(1 for _ in f)


def test_thousands_of_searches_leak_no_file_or_map(lib: Lib) -> None:
    for n in range(60, FILES):
        lib.delete(n)
    library = lib.library()
    library.update()
    queries = ["harbour", "tok7v1", "story AND paragraph", '"second paragraph"', "hrbour", "(("]
    queries += ["title:story", "date:2021", "tok1*", "storry~", "NOT harbour", "harbour OR x"]

    def session(rounds: int) -> None:
        for i in range(rounds):
            search(library, queries[i % len(queries)], limit=5)
            if i % 50 == 0:
                library.get("news/s0003.txt")
                library.list_articles(limit=10)
                related(library, "news/s0003.txt", limit=3)

    session(100)  # warm up: imports, caches, the first searcher
    gc.collect()
    fds, maps = _open_fds(), _maps()
    session(2000)
    gc.collect()
    assert _open_fds() == fds
    assert _maps() <= maps + 4
    library.close()


# ---- Whoosh facts ----------------------------------------------------------------------------


def test_after_an_update_refreshed_and_new_searchers_see_the_new_document(lib: Lib) -> None:
    for n in range(3, FILES):
        lib.delete(n)
    library = lib.library()
    library.update()
    ix = whoosh_index.open_dir(str(lib.index_dir), indexname=INDEX_NAME)
    old = ix.searcher()
    lib.write(1, 2)
    library.update()
    # The generation `old` opened on is unchanged...
    docnum = old.document_number(id="news/s0001.txt")
    assert docnum is not None and "tok1v1" in old.stored_fields(docnum)["body"]
    # ...and refresh() moves to the new one: whoosh-reloaded 2.7.5 returns the old document
    # here, which is why newsreader pins whoosh 2.7.4. (refresh() takes over `old`.)
    fresh = old.refresh()
    try:
        assert fresh is not old
        docnums = list(fresh.document_numbers(id="news/s0001.txt"))
        assert len(docnums) == 1
        body = fresh.stored_fields(docnums[0])["body"]
        assert "tok1v2" in body and "tok1v1" not in body
        assert fresh.doc_count() == 3
        assert [h["id"] for h in fresh.search(wq.Term("body", "tok1v2"))] == ["news/s0001.txt"]
        assert len(fresh.search(wq.Term("body", "tok1v1"))) == 0
    finally:
        fresh.close()
    # A new searcher (what every Library read opens) sees the same.
    with library.searcher() as new:
        [docnum] = list(new.document_numbers(id="news/s0001.txt"))
        assert "tok1v2" in new.stored_fields(docnum)["body"]
    assert [h.id for h in search(library, "tok1v2").hits] == ["news/s0001.txt"]
    assert search(library, "tok1v1").total == 0
    library.close()


# ---- damage ----------------------------------------------------------------------------------


def test_a_damaged_index_is_reported_in_one_line_and_rebuild_repairs_it(
    lib: Lib, capsys: pytest.CaptureFixture[str]
) -> None:
    """What kill -9 cannot do but a power cut can: segment files cut short after the commit."""
    for n in range(10, FILES):
        lib.delete(n)
    assert main(["--config", str(lib.config), "index"]) == 0
    for path in lib.index_dir.glob(f"{INDEX_NAME}_*.pst"):
        path.write_bytes(b"")
    capsys.readouterr()
    for command in (
        ["search", "harbour"],
        ["show", "news/s0001.txt"],
        ["related", "news/s0001.txt"],
    ):
        assert main(["--config", str(lib.config), *command]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1, err
        assert "cannot read" in err and "newsreader index --rebuild" in err
    assert main(["--config", str(lib.config), "index", "--rebuild"]) == 0
    assert_converged(lib)
