"""The source list: "All", then each source, the feed sources (grouped by OPML folder), then each
outlet, with article and unread counts; a feed whose last fetch failed carries a mark.

`source_rows` works out those lines from the library's counts, the read state and the feeds."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from newsreader.tui.models import ALL, FEED, OUTLET, SOURCE, Counts, Scope, StoryRow
from newsreader.tui.text import one_line

if TYPE_CHECKING:
    from newsreader.index.config import SourceConfig
    from newsreader.index.feeds.library import FeedInfo
    from newsreader.tui.state import ReadState

STORY = "story"
"""Option ids of the Stories section: `story:<id>` (a story is not a scope of the list)."""
FAILED_MARK = " ✗"


@dataclass(frozen=True, slots=True)
class Count:
    """One line of the source list."""

    name: str
    count: int
    unread: int
    failed: bool = False
    """A feed (or feed source) whose last fetch failed."""


@dataclass(frozen=True, slots=True)
class FeedRow:
    """One line of the source list's Feeds section: a feed source, an OPML folder (a heading)
    or one feed of an OPML source, indented by `depth`."""

    kind: str
    """SOURCE, FEED, or "group" for an OPML folder."""
    count: Count
    depth: int = 0


@dataclass(frozen=True, slots=True)
class SourceRows:
    """Every line of the source list (`SourceList.set_counts`' arguments)."""

    total: Count
    sources: list[Count]
    """The folder sources."""
    outlets: list[Count]
    feeds: list[FeedRow]


def source_rows(counts: Counts, read: ReadState, feed_sources: Sequence[SourceConfig],
                feeds: Sequence[FeedInfo]) -> SourceRows:
    """The source list's lines, from the loaded counts and the read state (cheap: no index).
    Only read articles that are in the library count (`ReadState.sync_present`), keyed as the
    index's source and outlet filters are: the numbers are what `u` lists."""
    by_source, by_outlet = read.read_by_source(), read.read_by_outlet()
    feed_names = {s.name.casefold() for s in feed_sources}
    return SourceRows(
        Count("All", counts.total, max(0, counts.total - read.read_in_library())),
        [
            Count(n, c, max(0, c - by_source[n.lower()]))
            for n, c in counts.sources
            if n.casefold() not in feed_names
        ],
        [Count(n, c, max(0, c - by_outlet[n.lower()])) for n, c in counts.outlets],
        _feed_rows(counts, read, feed_sources, feeds),
    )


def _feed_rows(counts: Counts, read: ReadState, feed_sources: Sequence[SourceConfig],
               feeds: Sequence[FeedInfo]) -> list[FeedRow]:
    """The Feeds section: each feed source; under an OPML source, its folders (headings) and
    its feeds (each one its outlet's articles)."""
    read_by_source, read_by_outlet = read.read_by_source(), read.read_by_outlet()
    by_source = {n.casefold(): c for n, c in counts.sources}
    by_outlet = {n.casefold(): c for n, c in counts.outlets}
    rows: list[FeedRow] = []
    seen: set[str] = set()  # a feed title listed twice would be the same entry twice
    for source in feed_sources:
        infos = [i for i in feeds if i.source == source.name]
        n = by_source.get(source.name.casefold(), 0)
        unread = max(0, n - read_by_source[source.name.lower()])
        failed = any(i.error for i in infos)
        rows.append(FeedRow(SOURCE, Count(source.name, n, unread, failed)))
        if source.opml is None:
            continue
        groups: dict[str, list[FeedInfo]] = {}
        for info in infos:
            groups.setdefault(info.group, []).append(info)
        for group in sorted(groups, key=lambda g: g != ""):  # top-level feeds first
            if group:
                rows.append(FeedRow("group", Count(group, 0, 0), depth=1))
            for info in groups[group]:
                if info.title.casefold() in seen:
                    continue
                seen.add(info.title.casefold())
                m = by_outlet.get(info.title.casefold(), 0)
                unread = max(0, m - read_by_outlet[info.title.lower()])
                count = Count(info.title, m, unread, info.error is not None)
                rows.append(FeedRow(FEED, count, depth=2 if group else 1))
    return rows


class CountedName:
    """A source list line: a name and its counts, where a narrow pane shortens the name (with an
    ellipsis) and never the counts: "kallenport-her…  3 · 3 new", not "kallenport-herald  3 · 3".
    `str()` is the whole line, as a `Text` prompt's would be."""

    def __init__(self, name: Text, counts: Text) -> None:
        self.name = name
        self.counts = counts

    def __str__(self) -> str:
        return self.name.plain + self.counts.plain

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        # Cells, not characters: a wide (CJK) name takes two cells a character.
        return Measurement(min(self.counts.cell_len + 2, options.max_width),
                           min(self.name.cell_len + self.counts.cell_len, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        name = self.name.copy()
        room = options.max_width - self.counts.cell_len
        if name.cell_len > room:
            name.truncate(max(1, room), overflow="ellipsis")
        # Text's default end="\n": Textual counts a Rich renderable's lines by its newlines.
        line = Text.assemble(name, self.counts, no_wrap=True, overflow="ellipsis")
        line.truncate(options.max_width, overflow="ellipsis")  # a pane narrower than the counts
        yield line


class SourceList(OptionList):
    """Pick what the article list shows; posts `ScopeChosen` on enter or click (or
    `StoryChosen` for an entry of the Stories section)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="sources.down",
                tooltip="Next source"),
        Binding("k", "cursor_up", "Up", show=False, id="sources.up", tooltip="Previous source"),
        Binding("g", "first", "First", show=False, id="sources.first", tooltip="First entry"),
        Binding("G", "last", "Last", show=False, id="sources.last", tooltip="Last entry"),
        Binding("enter", "select", "Show", id="sources.select",
                tooltip="Show the articles of this source or outlet"),
    ]

    class ScopeChosen(Message):
        """The user chose a source, an outlet or "All"."""

        def __init__(self, source_list: SourceList, scope: Scope) -> None:
            super().__init__()
            self.source_list = source_list
            self.scope = scope

        @property
        def control(self) -> SourceList:
            return self.source_list

    class StoryChosen(Message):
        """The user chose a story of the Stories section."""

        def __init__(self, source_list: SourceList, story_id: str) -> None:
            super().__init__()
            self.source_list = source_list
            self.story_id = story_id

        @property
        def control(self) -> SourceList:
            return self.source_list

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shape: tuple[tuple[str | None, ...], ...] | None = None
        self._stories: tuple[StoryRow, ...] = ()
        self._last: SourceRows | None = None

    def set_stories(self, stories: Sequence[StoryRow]) -> None:
        """Show these stories (newest first) in the Stories section, after the outlets."""
        stories = tuple(stories)
        if stories == self._stories:
            return
        self._stories = stories
        if self._last is not None:
            self.set_counts(self._last)

    def set_counts(self, rows: SourceRows) -> None:
        """Show these lines (see `source_rows`), keeping the highlighted entry where it was."""
        self._last = rows
        total, sources, outlets, feeds = rows.total, rows.sources, rows.outlets, rows.feeds
        feed_ids = [self._feed_id(row) for row in feeds]
        shape = (
            tuple(s.name for s in sources),
            tuple(o.name for o in outlets),
            tuple(feed_ids),
            tuple(f"{s.id}\0{s.headline}\0{s.outlets}" for s in self._stories),
        )
        prompts = {ALL: self._prompt("All", total)}
        prompts.update({f"{SOURCE}:{s.name}": self._prompt(s.name, s) for s in sources})
        prompts.update({f"{OUTLET}:{o.name}": self._prompt(o.name, o) for o in outlets})
        prompts.update(
            {
                option_id: self._prompt(row.count.name, row.count, row.depth)
                for option_id, row in zip(feed_ids, feeds, strict=True)
                if option_id is not None
            }
        )
        if shape == self._shape:
            # Same entries, new numbers: replace the prompts and leave the cursor alone.
            for shown_id, prompt in prompts.items():
                self.replace_option_prompt(shown_id, prompt)
            return
        highlighted = (self.highlighted_option.id if self.highlighted_option else None) or ALL
        self._shape = shape
        options: list[Option | None] = [Option(prompts[ALL], id=ALL)]
        if sources:
            options.append(Option(Text("Sources", style="bold"), disabled=True))
            options += [Option(prompts[f"{SOURCE}:{s.name}"], id=f"{SOURCE}:{s.name}")
                        for s in sources]
        if feeds:
            options.append(Option(Text("Feeds", style="bold"), disabled=True))
            for option_id, row in zip(feed_ids, feeds, strict=True):
                if option_id is None:  # an OPML folder: a heading
                    heading = Text("  " * row.depth + one_line(row.count.name), style="italic")
                    options.append(Option(heading, disabled=True))
                else:
                    options.append(Option(prompts[option_id], id=option_id))
        if outlets:
            options.append(Option(Text("Outlets", style="bold"), disabled=True))
            options += [Option(prompts[f"{OUTLET}:{o.name}"], id=f"{OUTLET}:{o.name}")
                        for o in outlets]
        if self._stories:
            options.append(Option(Text("Stories", style="bold"), disabled=True))
            options += [Option(self._story_prompt(s), id=f"{STORY}:{s.id}") for s in self._stories]
        self.clear_options()
        self.add_options(options)
        try:
            self.highlighted = self.get_option_index(highlighted)
        except OptionDoesNotExist:  # the entry went away (a source removed from the config)
            self.highlighted = 0

    @staticmethod
    def _feed_id(row: FeedRow) -> str | None:
        return None if row.kind not in (SOURCE, FEED) else f"{row.kind}:{row.count.name}"

    @staticmethod
    def _prompt(label: str, count: Count, depth: int = 0) -> CountedName:
        name = Text("  " * depth + (one_line(label) or "(none)"), end="")
        counts = Text(end="")
        counts.append(f"  {count.count:,}", style="dim")
        if count.unread:
            counts.append(f" · {count.unread:,} new", style="bold")
        if count.failed:
            counts.append(FAILED_MARK, style="bold red")
        return CountedName(name, counts)

    @staticmethod
    def _story_prompt(story: StoryRow) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(f"{story.outlets} ", style="bold")
        text.append(one_line(story.headline) or "(untitled)")
        return text

    def select_scope(self, scope: Scope) -> None:
        """Move the highlight to `scope` (if listed)."""
        with contextlib.suppress(OptionDoesNotExist):
            self.highlighted = self.get_option_index(scope.option_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id
        if option_id and option_id.startswith(f"{STORY}:"):
            self.post_message(self.StoryChosen(self, option_id.partition(":")[2]))
        elif option_id:
            self.post_message(self.ScopeChosen(self, Scope.from_option_id(option_id)))
