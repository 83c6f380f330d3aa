"""The configuration's feed sources as feeds: what to fetch, how each did last time, and OPML.

This is what the CLI and the reader call; `fetch` does the fetching itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from newsreader.index.config import Settings, SourceConfig
from newsreader.index.feeds.fetch import fetch_feeds
from newsreader.index.feeds.http import Limits
from newsreader.index.feeds.opml import OpmlError, Outline, read_opml, write_opml
from newsreader.index.feeds.records import FeedReport, FeedSpec, FetchSummary, Progress
from newsreader.index.feeds.store import FeedState, SourceStore, feed_key


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """One feed of the configuration with what its last fetch left behind."""

    source: str
    url: str
    """As configured."""
    title: str
    """The outline's title, the configured outlet or the feed's own title, whichever is known."""
    group: str
    """The OPML folder it sits in ("News / World"); empty for `feed:` sources and top-level
    outlines."""
    error: str | None
    """The last fetch's error, None if it went well or never happened."""
    current_url: str
    """Where the feed is now (a remembered permanent redirect), else `url`."""
    link: str = ""


def source_specs(source: SourceConfig) -> list[FeedSpec]:
    """The feeds of one feed source. Raises OpmlError for an unreadable OPML file."""
    if source.feed:
        return [FeedSpec(source.name, source.feed, None, source.outlet, source.full_text)]
    if source.opml is None:
        return []
    return [
        FeedSpec(
            source.name,
            o.url,
            feed_key(o.url),
            o.title or source.outlet,
            source.full_text,
            o.folder,
        )
        for o in read_opml(source.opml)
    ]


def fetch_sources(
    settings: Settings,
    only: str | None = None,
    *,
    limits: Limits | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> FetchSummary:
    """Fetch every feed source of `settings` (or only the one named `only`) into its folder.

    An OPML file that cannot be read is a failed feed in the summary (its url the file's path),
    not an exception. Raises FetchBusy when another process is fetching into the same folder.
    """
    specs: list[FeedSpec] = []
    failed: dict[int, FeedReport] = {}  # position in the run's reports -> an unreadable OPML
    for source in settings.feed_sources:
        if only is not None and source.name.casefold() != only.casefold():
            continue
        try:
            specs.extend(source_specs(source))
        except OpmlError as exc:
            failed[len(specs) + len(failed)] = FeedReport(
                source.name, str(source.opml), error=str(exc)
            )
    summary = fetch_feeds(
        specs, settings.feeds_dir, limits=limits, progress=progress, cancel=cancel
    )
    for position, report in sorted(failed.items()):
        summary.feeds.insert(position, report)  # in config order, like every other report
    return summary


def feed_infos(settings: Settings, warn: Callable[[str], None] | None = None) -> list[FeedInfo]:
    """Every feed of the configuration, in config (and OPML) order, with its last state."""
    infos: list[FeedInfo] = []
    for source in settings.feed_sources:
        try:
            specs = source_specs(source)
        except OpmlError as exc:
            if warn:
                warn(str(exc))
            continue
        states = SourceStore(settings.feeds_dir / source.name).load_state()
        for spec in specs:
            state = states.get(spec.url, FeedState())
            infos.append(
                FeedInfo(
                    source=source.name,
                    url=spec.url,
                    title=spec.outlet or state.title or (source.name if source.feed else spec.url),
                    group=spec.group,
                    error=state.error,
                    current_url=state.permanent_url or spec.url,
                    link=state.link,
                )
            )
    return infos


def export_opml(settings: Settings, warn: Callable[[str], None] | None = None) -> str:
    """An OPML 2.0 document of every feed: `feed:` sources at the top, each `opml:` source a
    folder of its own (with its file's folders inside). Feeds that moved for good are listed
    where they are now."""
    outlines = []
    for info in feed_infos(settings, warn):
        source = next(s for s in settings.sources if s.name == info.source)
        folder = info.source if source.opml is not None else ""
        if info.group:
            folder = f"{folder} / {info.group}" if folder else info.group
        outlines.append(Outline(info.current_url, info.title, folder, info.link))
    return write_opml(outlines, title=f"{settings.name} feeds")
