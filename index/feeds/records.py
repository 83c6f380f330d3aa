"""What a fetch is asked to do and what it says it did: the feeds to fetch and one report per
feed (the `fetch --json` shape of DESIGN.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed to fetch, as the configuration names it."""

    source: str
    """The config source it belongs to."""
    url: str
    """The URL as configured (the key of its state, whatever redirects say later)."""
    folder: str | None = None
    """Its subfolder below the source's folder (OPML sources), None for a `feed:` source."""
    outlet: str = ""
    """The configured outlet (or OPML title); empty: the feed's own title."""
    full_text: str = "auto"
    group: str = ""
    """The OPML folder it sits in ("News / World"), for the source list."""


@dataclass(slots=True)
class FeedReport:
    """How one feed's fetch went (the `fetch --json` item of docs/ARCHITECTURE.md, plus `title`)."""

    source: str
    url: str
    status: int | None = None
    new: int = 0
    updated: int = 0
    error: str | None = None
    title: str = ""
    warning: str | None = None
    """Something worth knowing that did not stop the feed (a malformed but readable feed, pages
    that could not be fetched)."""
    written: list[Path] = field(default_factory=list)
    """The entry files this fetch wrote (new or rewritten; a fetch removes none): what an index
    update has to look at after it (`Library.update(paths=)`). Not in the JSON."""

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "url": self.url,
            "status": self.status,
            "new": self.new,
            "updated": self.updated,
            "error": self.error,
            "title": self.title,
            "warning": self.warning,
        }


@dataclass(slots=True)
class FetchSummary:
    feeds: list[FeedReport] = field(default_factory=list)
    took_ms: int = 0

    @property
    def new(self) -> int:
        return sum(f.new for f in self.feeds)

    @property
    def updated(self) -> int:
        return sum(f.updated for f in self.feeds)

    @property
    def written(self) -> list[Path]:
        """Every entry file the fetch wrote, feed by feed."""
        return [path for f in self.feeds for path in f.written]

    @property
    def failed(self) -> list[FeedReport]:
        return [f for f in self.feeds if f.error]

    def to_json(self) -> dict[str, Any]:
        return {
            "feeds": [f.to_json() for f in self.feeds],
            "new": self.new,
            "updated": self.updated,
            "took_ms": self.took_ms,
        }


Progress = Callable[[int, int, FeedReport], None]
"""Called after each feed: (feeds done, feeds in all, that feed's report)."""
