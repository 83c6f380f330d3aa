"""`newsreader fetch` and `newsreader opml` (DESIGN.md, Feeds)."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsreader.cli.main import (
    EXIT_FAILURE,
    EXIT_OK,
    UsageError,
    _fail,
    _print_json,
    _ProgressBar,
    _update,
    _warn,
)
from newsreader.tui.terminal import printable_line as _line

if TYPE_CHECKING:
    from newsreader.index.feeds.records import FeedReport
    from newsreader.index.store.library import Library


@dataclass(frozen=True, slots=True)
class _Done:
    """Feeds done so far, in the shape the progress bar reads."""

    done: int
    total: int


def fetch(library: Library, args: argparse.Namespace) -> int:
    from newsreader.index.feeds.library import fetch_sources
    from newsreader.index.feeds.store import FetchBusy

    settings = library.settings
    feeds = [s.name for s in settings.feed_sources]
    if args.source:
        names = [s.name for s in settings.sources]
        if args.source.casefold() not in {n.casefold() for n in names}:
            raise UsageError(
                f"--source: no source named {args.source!r} (the sources are: {', '.join(names)})"
            )
        if args.source.casefold() not in {n.casefold() for n in feeds}:
            listed = ", ".join(feeds) if feeds else "none"
            raise UsageError(
                f"--source: {args.source!r} is a folder, not a feed source "
                f"(the feed sources are: {listed})"
            )
    started = time.monotonic()
    bar = _ProgressBar("fetching") if sys.stderr.isatty() and not args.json else None
    try:
        summary = fetch_sources(
            settings,
            args.source,
            progress=(lambda done, total, _: bar.update(_Done(done, total))) if bar else None,
        )
    except FetchBusy as exc:
        _fail(str(exc))
        return EXIT_FAILURE
    finally:
        if bar:
            bar.stop()
    # Only the files the fetch wrote: the fetch knows them, and a scan of every file of the
    # library costs seconds at a million articles. The index update raises IndexBusy (exit 1)
    # when another newsreader is indexing: the fetched files are kept and the next
    # `newsreader index` (or the reader's check when it opens) indexes them.
    _update(library, quiet=args.json, paths=summary.written)
    took_ms = int((time.monotonic() - started) * 1000)
    if args.json:
        data = summary.to_json()
        data["took_ms"] = took_ms
        data["articles"] = library.count()
        _print_json(data)
        return EXIT_OK
    if not feeds:
        _warn("no feed sources in the config (add one with feed: URL or opml: PATH)")
    for report in summary.feeds:
        if report.error or report.new or report.updated or report.warning:
            print(_report_line(report))
    failed = len(summary.failed)
    print(
        f"{len(summary.feeds):,} feeds fetched in {took_ms / 1000:.1f} s: {summary.new:,} new, "
        f"{summary.updated:,} updated, {failed:,} failed; "
        f"{library.count():,} articles in the index"
    )
    return EXIT_OK


def _report_line(report: FeedReport) -> str:
    name = report.title or report.url
    head = f"{report.source}: {name}"
    if report.error:
        return _line(f"{head}: failed: {report.error}")
    line = f"{head}: {report.new:,} new, {report.updated:,} updated"
    if report.warning:
        line += f" ({report.warning})"
    return _line(line)


def opml(library: Library, args: argparse.Namespace) -> int:
    from newsreader.index.feeds.library import export_opml

    sys.stdout.write(export_opml(library.settings, warn=_warn))
    return EXIT_OK
