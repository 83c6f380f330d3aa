"""A targeted index update (`Library.update(paths=)`): only the given files and folders are
looked at, and the index ends as a full update would make it. Articles are written here and
read by the real parsers."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import newsreader.index.store.library as store_library
from newsreader.index.config import SourceConfig, settings_for
from newsreader.index.search.results import search
from newsreader.index.store import ingest
from newsreader.index.store.library import Library, UpdateReport
from newsreader.index.store.targets import locate


def write(path: Path, title: str, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return path


def rewrite(path: Path, title: str, body: str) -> None:
    """Change a file so its fingerprint surely changes (size and mtime)."""
    before = path.stat().st_mtime_ns
    write(path, title, body)
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


@pytest.fixture
def news(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    write(folder / "harbour.txt", "Harbour crane toppled", "A crane toppled at the quay overnight.")
    write(folder / "orchard.txt", "Orchard frost losses", "Frost cut the apple harvest by half.")
    write(folder / "town" / "bridge.txt", "Bridge reopens", "The old bridge reopens after repairs.")
    write(folder / "town" / "market.txt", "Market moves", "The Saturday market moves away.")
    return folder


def library_of(tmp_path: Path, *sources: SourceConfig, index: str = "index") -> Library:
    return Library(settings_for(list(sources), tmp_path / index), workers=0, procs=1)


@pytest.fixture
def library(tmp_path: Path, news: Path) -> Library:
    lib = library_of(tmp_path, SourceConfig("news", news))
    lib.update()
    return lib


@pytest.fixture
def no_full_scan(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """A targeted update of `library` (built already) must neither scan every file nor read
    every indexed key."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a targeted update read the whole library")

    monkeypatch.setattr(store_library, "scan_files", refuse)
    monkeypatch.setattr(ingest, "read_indexed", refuse)


def found(library: Library, query: str) -> list[str]:
    return sorted(hit.id for hit in search(library, query, limit=50).hits)


def counts(report: UpdateReport) -> tuple[int, int, int, int]:
    return report.added, report.changed, report.deleted, report.unchanged


def skipped_record(library: Library) -> dict[str, list[str]]:
    return ingest.load_skipped(library.index_dir)


# ---- files ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_full_scan")
def test_a_new_file_is_indexed(library: Library, news: Path) -> None:
    new = write(news / "ferry.txt", "Ferry strike", "Ferry crews walk out over pay.")
    report = library.update(paths=[new])
    assert counts(report) == (1, 0, 0, 0) and report.warnings == []
    assert found(library, "ferry") == ["news/ferry.txt"]
    assert library.count() == 5


@pytest.mark.usefixtures("no_full_scan")
def test_a_changed_file_is_replaced(library: Library, news: Path) -> None:
    rewrite(news / "orchard.txt", "Orchard recovers", "Pear trees did well despite the frost.")
    report = library.update(paths=[str(news / "orchard.txt")])
    assert counts(report) == (0, 1, 0, 0)
    assert found(library, "pear") == ["news/orchard.txt"]
    assert found(library, "apple") == []
    assert library.count() == 4


@pytest.mark.usefixtures("no_full_scan")
def test_an_unchanged_file_is_not_read_again(library: Library, news: Path) -> None:
    report = library.update(paths=[news / "harbour.txt"])
    assert counts(report) == (0, 0, 0, 1) and report.articles == 0


@pytest.mark.usefixtures("no_full_scan")
def test_a_deleted_file_is_removed(library: Library, news: Path) -> None:
    (news / "harbour.txt").unlink()
    report = library.update(paths=[news / "harbour.txt"])
    assert counts(report) == (0, 0, 1, 0) and report.warnings == []
    assert found(library, "crane") == [] and library.get("news/harbour.txt") is None
    assert library.count() == 3


def test_a_relative_path_is_taken_from_the_working_folder(
    library: Library, news: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(news / "town" / "fair.txt", "Fair returns", "The autumn fair returns to the green.")
    monkeypatch.chdir(news / "town")
    assert library.update(paths=["fair.txt"]).added == 1
    assert found(library, "fair") == ["news/town/fair.txt"]


# ---- folders --------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_full_scan")
def test_a_folder_path_indexes_its_new_files_and_drops_its_gone_ones(
    library: Library, news: Path
) -> None:
    write(news / "town" / "fair.txt", "Fair returns", "The autumn fair returns to the green.")
    rewrite(news / "town" / "bridge.txt", "Bridge closes", "The bridge closes again for a week.")
    (news / "town" / "market.txt").unlink()
    report = library.update(paths=[news / "town"])
    assert counts(report) == (1, 1, 1, 0)
    town = ["news/town/bridge.txt", "news/town/fair.txt"]
    assert found(library, "fair OR bridge OR market") == town
    assert found(library, "crane") == ["news/harbour.txt"]  # outside the folder: as it was


@pytest.mark.usefixtures("no_full_scan")
def test_a_removed_folder_takes_its_articles_with_it(library: Library, news: Path) -> None:
    shutil.rmtree(news / "town")
    report = library.update(paths=[news / "town"])
    assert counts(report) == (0, 0, 2, 0) and report.warnings == []
    assert library.count() == 2


def test_the_source_folder_itself_is_a_full_update_of_that_source(
    library: Library, news: Path
) -> None:
    write(news / "deep" / "er" / "well.txt", "Well dug", "A new well is dug in the valley.")
    (news / "orchard.txt").unlink()
    report = library.update(paths=[news])
    assert counts(report) == (1, 0, 1, 3)


# ---- what is not an article file -------------------------------------------------------------


def test_a_path_in_no_source_is_one_warning_and_the_rest_goes_on(
    library: Library, news: Path, tmp_path: Path
) -> None:
    stray = write(tmp_path / "elsewhere" / "memo.txt", "Memo", "Not in the library at all.")
    new = write(news / "ferry.txt", "Ferry strike", "Ferry crews walk out over pay.")
    report = library.update(paths=[stray, new])
    assert report.added == 1 and found(library, "ferry") == ["news/ferry.txt"]
    [warning] = report.warnings
    assert str(stray) in warning and "not in the folder of any source" in warning
    assert found(library, "memo") == []


def test_a_missing_path_that_was_never_indexed_is_one_warning(
    library: Library, news: Path
) -> None:
    report = library.update(paths=[news / "nowhere.txt"])
    [warning] = report.warnings
    assert str(news / "nowhere.txt") in warning and "no such file" in warning
    assert counts(report) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("scan.pdf", "not a suffix of an article format"),
        (".draft.txt", "hidden"),
        (".drafts/ferry.txt", "hidden"),
    ],
)
def test_a_file_that_is_not_an_article_file_is_one_warning(
    library: Library, news: Path, name: str, why: str
) -> None:
    path = write(news / name, "Ferry strike", "Ferry crews walk out over pay.")
    report = library.update(paths=[path])
    [warning] = report.warnings
    assert str(path) in warning and why in warning and "source news" in warning
    assert report.added == 0 and found(library, "ferry") == []


def test_a_file_the_glob_leaves_out_is_one_warning(tmp_path: Path, news: Path) -> None:
    lib = library_of(tmp_path, SourceConfig("news", news, glob="town/*.txt"))
    lib.update()
    assert lib.count() == 2
    outside = write(news / "ferry.txt", "Ferry strike", "Ferry crews walk out over pay.")
    inside = write(news / "town" / "fair.txt", "Fair returns", "The fair returns to the green.")
    report = lib.update(paths=[outside, inside])
    assert report.added == 1 and found(lib, "ferry OR fair") == ["news/town/fair.txt"]
    [warning] = report.warnings
    assert str(outside) in warning and "glob 'town/*.txt'" in warning


def test_a_file_that_gives_no_article_is_recorded_once(library: Library, news: Path) -> None:
    empty = news / "blank.txt"
    empty.write_text("", encoding="utf-8")
    report = library.update(paths=[empty])
    assert report.skipped == 1 and "empty file" in report.warnings[0]
    assert set(skipped_record(library)) == {"news\x1fblank.txt"}
    again = library.update(paths=[empty])  # unchanged: neither read nor warned again
    assert (again.skipped, again.unchanged, again.warnings) == (0, 1, [])
    assert set(skipped_record(library)) == {"news\x1fblank.txt"}
    # Another file's targeted update keeps the record of the files it did not look at.
    library.update(paths=[write(news / "ferry.txt", "Ferry strike", "Crews walk out.")])
    assert set(skipped_record(library)) == {"news\x1fblank.txt"}
    rewrite(empty, "Blank no more", "Now it says something about ferries.")
    assert library.update(paths=[empty]).added == 1
    assert skipped_record(library) == {}


# ---- sources --------------------------------------------------------------------------------


def test_a_file_below_two_sources_is_indexed_under_each_as_a_full_scan_does(
    tmp_path: Path, news: Path
) -> None:
    sources = (SourceConfig("news", news), SourceConfig("town", news / "town"))
    targeted, full = library_of(tmp_path, *sources), library_of(tmp_path, *sources, index="full")
    targeted.update()
    full.update()
    fair = write(news / "town" / "fair.txt", "Fair returns", "The fair returns to the green.")
    report = targeted.update(paths=[fair])
    full.update()
    assert report.added == 2
    assert found(targeted, "fair") == ["news/town/fair.txt", "town/fair.txt"]
    assert same_index(targeted, full)


def test_a_folder_holding_source_folders_covers_them_whole(tmp_path: Path, news: Path) -> None:
    other = tmp_path / "more" / "wire"
    write(other / "rail.txt", "Rail line", "The rail line opens in spring.")
    lib = library_of(tmp_path, SourceConfig("news", news), SourceConfig("wire", other))
    lib.update()
    write(other / "canal.txt", "Canal drained", "The canal is drained for repairs.")
    assert lib.update(paths=[tmp_path / "more"]).added == 1
    assert found(lib, "canal") == ["wire/canal.txt"]


def test_locate_compares_as_given_then_with_links_resolved(tmp_path: Path, news: Path) -> None:
    link = tmp_path / "link-to-news"
    link.symlink_to(news, target_is_directory=True)
    source = SourceConfig("news", link)
    assert locate([source], str(link / "town" / "x.txt")) == [(source, "town/x.txt")]
    assert locate([source], str(news / "town" / "x.txt")) == [(source, "town/x.txt")]
    assert locate([source], str(tmp_path / "other.txt")) == []


def test_a_new_index_is_built_whole(tmp_path: Path, news: Path) -> None:
    lib = library_of(tmp_path, SourceConfig("news", news))
    report = lib.update(paths=[news / "harbour.txt"])
    assert report.added == 4 and lib.count() == 4


def test_a_rebuild_takes_no_paths(library: Library, news: Path) -> None:
    with pytest.raises(ValueError, match="rebuild"):
        library.update(rebuild=True, paths=[news / "harbour.txt"])


# ---- the invariant --------------------------------------------------------------------------


def same_index(a: Library, b: Library) -> bool:
    """Same files with the same fingerprints, same skipped records, same search answers."""
    from whoosh import index as whoosh_index

    keys = [
        ingest.read_indexed(whoosh_index.open_dir(str(lib.index_dir), indexname="MAIN"))
        for lib in (a, b)
    ]
    answers = [
        [found(lib, q) for q in ("crane", "fair OR ferry", "bridge", "frost", "pears", "well")]
        for lib in (a, b)
    ]
    ids = [sorted(row.id for row in lib.list_articles()) for lib in (a, b)]
    records = [skipped_record(lib) for lib in (a, b)]
    return keys[0] == keys[1] and answers[0] == answers[1] and ids[0] == ids[1] and (
        records[0] == records[1]
    )


def test_after_a_targeted_update_of_what_changed_the_index_is_what_a_full_update_makes(
    tmp_path: Path, news: Path
) -> None:
    source = SourceConfig("news", news)
    targeted, full = library_of(tmp_path, source), library_of(tmp_path, source, index="full")
    blank = news / "town" / "blank.txt"
    blank.write_text("", encoding="utf-8")
    for lib in (targeted, full):
        lib.update()
    assert same_index(targeted, full)
    changed = [
        write(news / "ferry.txt", "Ferry strike", "Ferry crews walk out over pay."),
        write(news / "fresh" / "well.txt", "Well dug", "A new well is dug in the valley."),
        news / "harbour.txt",
        news / "town",
        news / "orchard.txt",
    ]
    (news / "harbour.txt").unlink()
    shutil.rmtree(news / "town")
    write(news / "town" / "fair.txt", "Fair returns", "The autumn fair returns to the green.")
    rewrite(news / "orchard.txt", "Orchard recovers", "Pear trees did well despite the frost.")
    report = targeted.update(paths=changed)
    full.update()
    assert counts(report) == (3, 1, 3, 0)
    assert same_index(targeted, full)
    assert json.loads((targeted.index_dir / ingest.SKIPPED_NAME).read_text())["files"] == {}
