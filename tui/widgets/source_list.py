"""The source list: "All", then each source, the feed sources (grouped by OPML folder), then each
outlet, with article and unread counts; a feed whose last fetch failed carries a mark."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from newsreader.tui.text import one_line

ALL = "all"
STORY = "story"
SOURCE = "source"
OUTLET = "outlet"
FEED = "feed"
"""One feed of an OPML source: its articles are those of its outlet."""
FAILED_MARK = " ✗"


@dataclass(frozen=True, slots=True)
class Scope:
    """What the article list is narrowed to: everything, one source or one outlet."""

    kind: str = ALL
    name: str | None = None

    @property
    def source(self) -> str | None:
        return self.name if self.kind == SOURCE else None

    @property
    def outlet(self) -> str | None:
        return self.name if self.kind in (OUTLET, FEED) else None

    @property
    def option_id(self) -> str:
        return ALL if self.kind == ALL else f"{self.kind}:{self.name}"

    @classmethod
    def from_option_id(cls, option_id: str) -> Scope:
        if option_id == ALL:
            return cls()
        kind, _, name = option_id.partition(":")
        return cls(kind, name)


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
class StoryRow:
    """One line of the Stories section: a story's id, headline and number of outlets."""

    id: str
    headline: str
    outlets: int


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
        self._last: tuple[Count, Sequence[Count], Sequence[Count], Sequence[FeedRow]] | None = None

    def set_stories(self, stories: Sequence[StoryRow]) -> None:
        """Show these stories (newest first) in the Stories section, after the outlets."""
        stories = tuple(stories)
        if stories == self._stories:
            return
        self._stories = stories
        if self._last is not None:
            self.set_counts(*self._last)

    def set_counts(
        self,
        total: Count,
        sources: Sequence[Count],
        outlets: Sequence[Count],
        feeds: Sequence[FeedRow] = (),
    ) -> None:
        """Show these counts, keeping the highlighted entry where it was. `sources` are the
        folder sources; `feeds` the Feeds section (feed sources and their OPML folders)."""
        self._last = (total, sources, outlets, feeds)
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
            for option_id, prompt in prompts.items():
                self.replace_option_prompt(option_id, prompt)
            return
        highlighted = self.highlighted_option.id if self.highlighted_option else ALL
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
            self.highlighted = self.get_option_index(highlighted or ALL)
        except OptionDoesNotExist:  # the entry went away (a source removed from the config)
            self.highlighted = 0

    @staticmethod
    def _feed_id(row: FeedRow) -> str | None:
        return None if row.kind not in (SOURCE, FEED) else f"{row.kind}:{row.count.name}"

    @staticmethod
    def _prompt(label: str, count: Count, depth: int = 0) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append("  " * depth + (one_line(label) or "(none)"))
        text.append(f"  {count.count:,}", style="dim")
        if count.unread:
            text.append(f" · {count.unread:,} new", style="bold")
        if count.failed:
            text.append(FAILED_MARK, style="bold red")
        return text

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
