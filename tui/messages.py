"""What the app's thread workers found, as messages: one dataclass each, typed payloads.

A worker never touches a widget (Textual's workers guide): it posts one of these, and a handler
on the UI thread shows it. Results that answer a question carry the question's key
(`tui.models.ListKey`, `SearchKey`, an article id) so the handler can drop a late answer to an
older question. Progress messages merge (`can_replace`): a queue of them collapses into the
latest, so a burst of progress costs one repaint.

Messages a widget posts about itself (`ArticleList.Opened`, `SearchBar.QueryChanged`, ...) stay
nested in the widget that sends them, as Textual's own widgets do: they are its public API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    # Types only: importing these loads Whoosh, feeds or Textual's worker module for nothing.
    from textual.worker import Worker

    from newsreader.index.compare import Alignment, Span
    from newsreader.index.feeds.library import FeedInfo
    from newsreader.index.feeds.records import FetchSummary
    from newsreader.index.model import Article
    from newsreader.index.search.results import Results, Segment
    from newsreader.index.store.library import UpdateReport
    from newsreader.index.stories import Story
    from newsreader.tui.models import (
        Counts,
        Entry,
        EntryRows,
        ListKey,
        Reading,
        Rows,
        RowsKey,
        SearchKey,
        StoryRow,
    )


@dataclass
class WorkerFailed(Message):
    """A worker raised: the app's one handler reports it (`NewsreaderApp.report_worker_error`).
    Worker state changes go only to the node that ran the worker; this one bubbles up."""

    worker: Worker[object]


# --- the main screen's lists and article pane ---------------------------------------------


@dataclass
class CountsLoaded(Message):
    counts: Counts


@dataclass
class RowsLoaded(Message):
    key: ListKey
    rows: Rows


@dataclass
class SearchDone(Message):
    key: SearchKey
    results: Results
    rows: Rows


@dataclass
class SuggestionFound(Message):
    """The "did you mean" of the search `key`, found after its hits were shown."""

    key: SearchKey
    suggestion: str


@dataclass
class SnippetsLoaded(Message):
    """Snippets of search hits that came into view (`EntryRows.pending`), by article id, for
    the entries at `indexes` of `rows`."""

    key: SearchKey
    rows: EntryRows
    indexes: list[int]
    snippets: dict[str, tuple[Segment, ...]]


@dataclass
class UnreadFound(Message):
    """Where the next unread article of the list `key` is (None: every one is read)."""

    key: RowsKey
    index: int | None


@dataclass
class ScopeArticles(Message):
    """(id, outlet) of every article the list `key` shows, for "mark all read"."""

    key: RowsKey
    articles: list[tuple[str, str]]


@dataclass
class ArticleLoaded(Message):
    article_id: str
    reading: Reading | None
    opened: bool
    """Opened with enter (counts toward read), not previewed by the cursor."""


@dataclass
class PairLoaded(Message):
    """Two articles to compare, read from the index."""

    a: Article
    b: Article


@dataclass
class RelatedLoaded(Message):
    title: str
    """The title of the article the entries are related to."""
    entries: list[Entry]


# --- stories (the source list's Stories section, screens.story, screens.exclusive) ----------


@dataclass
class StoriesLoaded(Message):
    stories: list[StoryRow]


@dataclass
class StoryLoaded(Message):
    story: Story


@dataclass
class ExclusiveFound(Message):
    """What only each article of a story reports: article id -> its spans."""

    found: dict[str, tuple[Span, ...]]


# --- keeping the index up to date (tui.jobs.indexer) -----------------------------------------


@dataclass
class IndexChecked(Message):
    stale: bool


@dataclass
class IndexProgress(Message):
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        # Only the latest position matters: queued progress collapses into one message.
        return isinstance(message, IndexProgress)


@dataclass
class IndexBatchCommitted(Message):
    """A batch of files is in the index: the lists can show it."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, IndexBatchCommitted)


@dataclass
class IndexDone(Message):
    report: UpdateReport


@dataclass
class IndexFailed(Message):
    """The update stopped with an error (reported by `WorkerFailed`) or was cancelled."""


# --- fetching the feeds (tui.jobs.fetcher) -----------------------------------------------------


@dataclass
class FetchProgress(Message):
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FetchProgress)


@dataclass
class FetchDone(Message):
    summary: FetchSummary | None
    """None when the fetch could not start (`error` says why)."""
    error: str | None = None


@dataclass
class FeedsLoaded(Message):
    feeds: tuple[FeedInfo, ...]


# --- watching the source folders (tui.jobs.watcher) --------------------------------------------


@dataclass
class FilesChanged(Message):
    """Files or folders below the source folders appeared, changed or went: the paths a
    targeted index update should look at (one batch of the watcher's events)."""

    paths: tuple[str, ...]


@dataclass
class WatchProblem(Message):
    """Something the watcher cannot watch (a source folder gone, the system's limit of
    watches reached): said once, as a warning titled `title`."""

    text: str
    title: str


# --- the compare screen ------------------------------------------------------------------------


@dataclass
class Aligned(Message):
    """Articles `a_id` and `b_id` (as first given, before any swap) aligned."""

    a_id: str
    b_id: str
    alignment: Alignment
