"""Stories: clustering scored on a labelled set, incremental updates, ids, undated articles.

The labelled set (tests/data/stories/library.json, written for these tests) holds 13 events
told by 2-5 fictional outlets in different words, some with follow-ups days later that belong
to the same story (a death toll rising, an inquiry ten days on, a chief executive resigning),
near misses that do not (a different flood in another town the next day, the cup winners'
league match a week later), unrelated articles that share places and names with the events, and
two undated articles (one report of the wildfire, one recipe). Each entry's `event` says which
event it reports (`u-...`: an unrelated article, a story of its own); the parser ignores it.
"""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest

from newsreader.index.config import SourceConfig, settings_for
from newsreader.index.store.library import Library
from newsreader.index.stories import StoryIndex, StoryNotFound

DATA = Path(__file__).resolve().parent.parent / "data" / "stories" / "library.json"
ENTRIES: list[dict[str, object]] = json.loads(DATA.read_text(encoding="utf-8"))


def write_library(folder: Path, keep: set[int] | None = None) -> None:
    """One JSON file per article (`a00.json`, ...), so articles can come and go one by one."""
    folder.mkdir(parents=True, exist_ok=True)
    for k, entry in enumerate(ENTRIES):
        path = folder / f"a{k:02d}.json"
        if keep is None or k in keep:
            if not path.exists():  # rewriting would change the file's fingerprint
                path.write_text(json.dumps(entry), encoding="utf-8")
        else:
            path.unlink(missing_ok=True)


def label(article_id: str) -> str:
    return str(ENTRIES[int(article_id.split("/a")[1][:2])]["event"])


def make_library(tmp_path: Path) -> Library:
    return Library(settings_for([SourceConfig("lab", tmp_path / "lab")], tmp_path / "index"))


def partition(library: Library) -> dict[str, str]:
    """article id -> story id, for every article in a story (lone articles left out)."""
    stories = StoryIndex(library.index_dir).stories(min_outlets=1)
    return {a.id: s.id for s in stories for a in s.articles}


def pairwise(found: dict[str, str], ids: list[str]) -> tuple[float, float]:
    """Pairwise precision and recall of `found` against the labels."""
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(ids), 2):
        same = label(a) == label(b) and not label(a).startswith("u-")
        together = a in found and found.get(a) == found.get(b)
        tp += same and together
        fp += together and not same
        fn += same and not together
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


@pytest.fixture
def library(tmp_path: Path) -> Library:
    write_library(tmp_path / "lab")
    lib = make_library(tmp_path)
    lib.update()
    return lib


def all_ids(library: Library) -> list[str]:
    return [f"lab/a{k:02d}.json" for k in range(len(ENTRIES))]


def test_labelled_set_precision_and_recall(library: Library) -> None:
    precision, recall = pairwise(partition(library), all_ids(library))
    print(f"pairwise precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.95
    assert recall >= 0.9


def test_follow_ups_join_and_near_misses_do_not(library: Library) -> None:
    found = partition(library)
    by_event: dict[str, set[str]] = {}
    for article_id, story in found.items():
        by_event.setdefault(label(article_id), set()).add(story)
    # The dam's death toll (3 days on) and the inquiry (10 days on) are the same story...
    assert len(by_event["dam"]) == 1
    # ...the other flood the next day, and the cup winners' next match, are not.
    assert by_event["dam"].isdisjoint(by_event["flood"])
    assert by_event["cup"].isdisjoint(by_event["league"])


def test_undated_article_joins_the_story_it_reports(library: Library) -> None:
    found = partition(library)
    undated_wildfire = next(
        f"lab/a{k:02d}.json"
        for k, e in enumerate(ENTRIES)
        if e["event"] == "wildfire" and e["date"] is None
    )
    recipe = next(f"lab/a{k:02d}.json" for k, e in enumerate(ENTRIES) if e["event"] == "u-recipe")
    wildfire = {s for a, s in found.items() if label(a) == "wildfire" and a != undated_wildfire}
    assert found[undated_wildfire] in wildfire
    assert recipe not in found
    story = StoryIndex(library.index_dir).story(found[undated_wildfire])
    # Undated articles come last and count in neither the first nor the last date.
    assert story.articles[-1].id == undated_wildfire
    assert story.last is not None and story.last.isoformat().startswith("2024-05-22")


def test_story_fields(library: Library) -> None:
    found = partition(library)
    dam = StoryIndex(library.index_dir).story(
        next(s for a, s in found.items() if label(a) == "dam")
    )
    assert dam.count == 8
    assert dam.outlets[0] == "Northwind Wire"  # the first report's outlet comes first
    assert set(dam.outlets) == {
        "Northwind Wire",
        "The Harbour Times",
        "Valley Courier",
        "Meridian Post",
    }
    assert [a.first for a in dam.articles] == [True] + [False] * 7
    dates = [a.date for a in dam.articles]
    assert dates == sorted(dates)  # type: ignore[type-var]
    assert dam.first == dates[0] and dam.last == dates[-1]
    assert "Corvin" in dam.headline or "Halvik" in dam.headline
    data = dam.to_json()
    assert set(data) >= {"id", "headline", "outlets", "count", "first", "last", "articles"}
    assert set(data["articles"][0]) >= {"id", "title", "outlet", "date"}


def test_listing_newest_first_and_filters(library: Library) -> None:
    index = StoryIndex(library.index_dir)
    stories = index.stories(min_outlets=1)
    lasts = [s.last for s in stories]
    assert lasts == sorted(lasts, reverse=True)  # type: ignore[type-var]
    assert all(s.count >= 2 for s in stories)
    assert all(len(s.outlets) >= 4 for s in index.stories(min_outlets=4))
    import datetime as dt

    assert all(
        s.last is not None and s.last.isoformat()[:10] >= "2024-05-20"
        for s in index.stories(since=dt.date(2024, 5, 20))
    )
    assert len(index.stories(limit=3)) == 3
    with pytest.raises(StoryNotFound):
        index.story("nosuchid")


def test_incremental_equals_from_scratch(tmp_path: Path) -> None:
    """Articles arriving in two batches (each article joining, starting or merging stories)
    end in the same stories as clustering all of them at once; deleting them again leaves the
    stories of the first batch."""
    first = set(range(0, len(ENTRIES), 2))
    write_library(tmp_path / "lab", keep=first)
    lib = make_library(tmp_path)
    lib.update()
    before = partition(lib)
    write_library(tmp_path / "lab")
    report = lib.update()
    assert report.stories is not None and report.stories.scratch is None
    assert report.stories.added == len(ENTRIES) - len(first)
    incremental = partition(lib)

    scratch_dir = tmp_path / "scratch"
    shutil.copytree(tmp_path / "lab", scratch_dir / "lab")
    other = make_library(scratch_dir)
    other.update()
    assert _groups(incremental) == _groups(partition(other))
    precision, recall = pairwise(incremental, all_ids(lib))
    assert precision >= 0.95 and recall >= 0.9

    write_library(tmp_path / "lab", keep=first)
    report = lib.update()
    assert report.stories is not None and report.stories.scratch is None
    assert _groups(partition(lib)) == _groups(before)


def _groups(found: dict[str, str]) -> set[frozenset[str]]:
    out: dict[str, set[str]] = {}
    for article_id, story in found.items():
        out.setdefault(story, set()).add(article_id)
    return {frozenset(g) for g in out.values()}


def test_ids_stable_while_a_story_keeps_most_of_its_articles(
    library: Library, tmp_path: Path
) -> None:
    found = partition(library)
    dam_id = next(s for a, s in found.items() if label(a) == "dam")
    dam_articles = sorted(a for a in found if label(a) == "dam")
    # One of the first day's four reports goes: the story keeps its id.
    gone = dam_articles[1]
    (tmp_path / "lab" / gone.split("/", 1)[1]).unlink()
    library.update()
    after = partition(library)
    assert gone not in after
    assert {after[a] for a in dam_articles if a != gone} == {dam_id}
    # A rebuild from the files clusters from scratch and still keeps every id.
    ids_before = {s.id for s in StoryIndex(library.index_dir).stories(min_outlets=1)}
    report = library.update(rebuild=True)
    assert report.stories is not None and report.stories.scratch == "index rebuilt"
    assert {s.id for s in StoryIndex(library.index_dir).stories(min_outlets=1)} == ids_before


def test_from_scratch_is_deterministic(tmp_path: Path) -> None:
    runs = []
    for name in ("one", "two"):
        write_library(tmp_path / name / "lab")
        lib = make_library(tmp_path / name)
        lib.update()
        runs.append(
            [
                (s.id, s.headline, [a.id for a in s.articles])
                for s in StoryIndex(lib.index_dir).stories()
            ]
        )
    assert runs[0] == runs[1]


def test_unchanged_library_does_no_story_work(library: Library) -> None:
    report = library.update()
    assert report.stories is not None
    assert (report.stories.added, report.stories.removed, report.stories.scratch) == (0, 0, None)


def test_story_of_an_article(library: Library) -> None:
    index = StoryIndex(library.index_dir)
    found = partition(library)
    some = next(iter(found))
    assert index.story_of(some) == found[some]
    assert index.story_of("lab/nope.json") is None


def test_vectors_from_postings_equal_vectors_from_text(library: Library) -> None:
    """From scratch reads vectors from the postings, article by article from the text: the
    same words and weights either way, so the two paths cluster alike."""
    import numpy as np

    from newsreader.index.stories.vectors import TOP_TERMS, article_vector, library_vectors

    with library.searcher() as searcher:
        bulk = library_vectors(searcher)
        for row, docnum in enumerate(bulk.docnums):
            fields = searcher.stored_fields(int(docnum))
            vector, words = article_vector(searcher, fields["title"], fields["body"])
            assert np.array_equal(vector.terms, bulk.vector(row).terms), fields["id"]
            assert np.allclose(vector.weights, bulk.vector(row).weights, atol=1e-5)
            assert 0 < len(words) <= TOP_TERMS
            assert abs(float(np.sum(vector.weights.astype(float) ** 2)) - 1.0) < 1e-4


def test_an_empty_library_updates_again_and_again(tmp_path: Path) -> None:
    # An empty index's reader has no columns: the second update once died reading them.
    (tmp_path / "lab").mkdir()
    library = make_library(tmp_path)
    for _ in range(3):
        report = library.update()
        assert report.stories is not None
        assert (report.stories.added, report.stories.removed) == (0, 0)
    assert partition(library) == {}
    write_library(tmp_path / "lab", keep={0, 1})
    report = library.update()
    assert report.stories is not None and report.stories.added == 2


def test_a_cancelled_sync_writes_nothing(library: Library) -> None:
    """The reader cancels indexing when it quits: clustering stops soon and leaves the stories
    file as it was (from scratch and article by article alike)."""
    import threading

    index = StoryIndex(library.index_dir)
    before = partition(library)
    cancel = threading.Event()
    cancel.set()
    with library.searcher() as searcher:
        report = index.sync(searcher, rebuilt=True, cancel=cancel)
        assert report.cancelled
        report = index.sync(searcher, touched=None, cancel=cancel)
    assert report.cancelled or (report.added, report.removed) == (0, 0)
    assert partition(library) == before
    assert not list(library.index_dir.glob("*.tmp"))
