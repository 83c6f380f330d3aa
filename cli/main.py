"""The `newsreader` command: the TUI with no command, scriptable subcommands otherwise.

Heavy imports (Textual, Whoosh, Rich) happen inside the commands that need them, so `--help`
and `--version` answer at once and the TUI's first frame is not held up by the CLI.

Size: every command's argument parsing and output in one place, as the CLI contract
reads; each command could become its own module next.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from newsreader.index.model import Article, day_text, iso_date
from newsreader.tui.terminal import inline, json_safe, printable
from newsreader.tui.terminal import printable_line as _line

if TYPE_CHECKING:
    import argparse

    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

    from newsreader.cli.feeds import _Done
    from newsreader.index.config import Settings
    from newsreader.index.store.library import Library, Progress, UpdateReport

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """A usage, config or input error: exit 2 with this one line."""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `only`, the parser of that one command (a command's
    start-up: every subparser and argument costs a `search` command 1-2% of its time).
    argparse is imported here, not by this module: the commonest `search` lines are read
    without it (`parse_args`)."""
    from newsreader.cli.arguments import build_parser as build

    return build(only)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """`build_parser().parse_args(argv)`, with the named command's parser alone when the
    command is plain to see (only `--config` before it); anything it cannot parse (an error,
    a stray option) goes to the whole parser, which says it the way it always does."""
    args = sys.argv[1:] if argv is None else list(argv)
    plain = _plain_search(args)
    if plain is not None:
        return plain  # type: ignore[return-value]  # (the same attributes)
    only = _command_named(args)
    if only is not None:
        try:
            return build_parser(only).parse_args(args)
        except UsageError:
            pass
    return build_parser().parse_args(args)


_SEARCH_OPTIONS = ("--limit", "--source", "--sort")


def _plain_search(args: list[str]) -> SimpleNamespace | None:
    """What the whole parser makes of the commonest `search` lines, read without argparse
    (its import and parser cost a `search` command a tenth of its instructions): `[--config
    PATH] search QUERY` with `--json`, `--limit N`, `--source NAME`, `--sort relevance|date`
    each at most once, in any order after the command, no value starting with "-". None for
    anything else, errors included: argparse reads those (tests/unit/test_cli_parse.py
    compares the two)."""
    config = None
    at = 0
    if len(args) > 1 and args[0] == "--config" and args[1] and not args[1].startswith("-"):
        config, at = args[1], 2
    if args[at : at + 1] != ["search"]:
        return None
    found: dict[str, Any] = {"limit": 20, "source": None, "sort": "relevance", "json": False}
    query: str | None = None
    seen: set[str] = set()
    rest = args[at + 1 :]
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg in seen:
            return None
        if arg == "--json":
            found["json"] = True
        elif arg in _SEARCH_OPTIONS and i + 1 < len(rest) and not rest[i + 1].startswith("-"):
            value = rest[i + 1]
            i += 1
            if arg == "--limit":
                if not (value.isascii() and value.isdigit()) or int(value) < 1:
                    return None
                found["limit"] = int(value)
            elif arg == "--sort":
                if value not in ("relevance", "date"):
                    return None
                found["sort"] = value
            else:
                found["source"] = value
        elif arg.startswith("-") or query is not None:
            return None
        else:
            query = arg
        if arg.startswith("-"):
            seen.add(arg)
        i += 1
    if query is None:
        return None
    return SimpleNamespace(
        config=Path(config) if config is not None else None,
        version=None,
        command="search",
        query=query,
        **found,
    )


def _command_named(args: list[str]) -> str | None:
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--config":
            skip = True
        elif arg.startswith("--config="):
            continue
        else:
            # (a name build_parser(only) does not know fails there, and the whole parser runs)
            return arg if arg in COMMANDS or arg == "serve" else None
    return None


# Commands that read a little and exit: Python's cycle collector, which runs every few hundred
# allocations, only walks the objects their imports made (3% of a `search` command's
# instructions); what they drop is freed by reference counting all the same.
_SHORT = frozenset({"search", "show", "related", "compare", "sources", "opml"})


def main(argv: Sequence[str] | None = None) -> int:
    """The `newsreader` command line, run in this process: its exit status."""
    return _main(argv)[0]


def run() -> NoReturn:
    """Entry point of the `newsreader` console script (and `python -m newsreader.cli.main`).

    A short read that went well ends without Python's teardown, which unloads every module and
    frees every object one by one (5% of a `search` command's instructions) when the process's
    end frees it all at once: nothing was opened for writing but stdout and stderr, flushed
    here; no thread or child process was started."""
    code, short = _main(None)
    if not short:
        sys.exit(code)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = EXIT_OK  # as in _main: output piped into `head` is not an error
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)


def _main(argv: Sequence[str] | None) -> tuple[int, bool]:
    """(exit status, whether it was a short read: one of _SHORT, no index built for it)."""
    _warned.clear()
    collecting = gc.isenabled()
    try:
        args = parse_args(argv)
        if args.command in _SHORT:
            gc.disable()
        code = _run(args)
        # (`_ready` turns the collector back on when it has to build the index first)
        return code, args.command in _SHORT and collecting and not gc.isenabled()
    except UsageError as exc:
        _fail(str(exc))
        return EXIT_USAGE, False
    except KeyboardInterrupt:
        return 130, False
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK, False
    finally:
        if collecting:
            gc.enable()


def _say(line: str) -> None:
    print(line, flush=True)  # (a server's lines must not wait in a pipe's buffer)


def _fail(message: str) -> None:
    print(f"newsreader: {printable(message, newlines=False)}", file=sys.stderr)


_warned: set[str] = set()
"""Warnings already printed by this run: a missing source folder is said once, whether the
up-front check or the scan of an index update finds it."""


def _warn(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        _fail(f"warning: {message}")


def _run(args: argparse.Namespace) -> int:
    from newsreader.index.config import ConfigError, load_settings

    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None

    if args.command is not None:
        # Key names, binding ids and themes are Textual's: a config error all the same.
        problems = _ui_config_problems(settings)
        if problems:
            raise UsageError(problems[0])

    if args.command is None:
        from newsreader.tui.app import make_app

        make_app(settings).run()
        return EXIT_OK

    if args.command == "serve":
        from newsreader.cli.serve import ServeError, serve

        try:
            serve(settings, args.host, args.port, say=_say, warn=_warn)
        except ServeError as exc:
            raise UsageError(str(exc)) from None
        return EXIT_OK

    if args.command == "search":
        answer = _lean_search(settings, args)
        if answer is not None:
            if args.json:
                _print_json(answer)
            else:
                _print_search(answer)
            return EXIT_OK

    from newsreader.index.store.whoosh.startup import import_whoosh

    import_whoosh()  # first, so that Whoosh is imported without what a command never uses
    from newsreader.index.store.library import IndexBusy, Library, StoreError
    from newsreader.index.store.sources import missing_sources, missing_warning

    # A missing source folder (a drive not mounted) stops nothing: one warning, and its
    # articles stay searchable from the index.
    for source in missing_sources(settings.sources):
        _warn(missing_warning(source))
    library = Library(settings)
    try:
        command: Callable[[Library, argparse.Namespace], int] = COMMANDS[args.command]
        return command(library, args)
    except IndexBusy as exc:
        _fail(str(exc))
        return EXIT_FAILURE
    except StoreError as exc:
        # An index folder that cannot be created, written or read: the config's (or the
        # machine's) problem, told in one line like every other input error.
        _fail(str(exc))
        return EXIT_USAGE
    finally:
        library.close()


def _lean_search(settings: Settings, args: argparse.Namespace) -> dict[str, Any] | None:
    """`search` of plain words and phrases without Whoosh (`index.search.lean`): the answer
    `cmd_search` prints, as its JSON (its plain text is printed from that too), or None when
    the usual path must answer (then it runs as if this had not been tried: nothing was
    printed but the warnings, which are said once)."""
    if not _maybe_plain(args.query):
        return None  # (before importing the lean path: a tenth of a command, for nothing)
    from newsreader.index.search.lean import search_json
    from newsreader.index.store.sources import missing_sources, missing_warning

    for source in missing_sources(settings.sources):
        _warn(missing_warning(source))
    if args.source and args.source.casefold() not in {
        s.name.casefold() for s in settings.sources
    }:
        return None  # cmd_search says so
    return search_json(
        str(settings.index_dir), args.query, limit=args.limit, source=args.source, sort=args.sort
    )


# Words of Whoosh's query syntax but OR (spelling._SYNTAX_WORDS): the lean path reads none.
_SYNTAX = frozenset({"AND", "NOT", "ANDNOT", "ANDMAYBE", "TO"})


def _maybe_plain(query: str) -> bool:
    """Whether `query` may be one the lean path reads (`lean.parse`: words of letters and
    digits, quoted phrases, OR, a date clause, `word*`, `word~`): no other character, no other
    syntax word."""
    if "date:" in query:  # (`lean._DATE`'s characters; a range's "to"/"TO" is no operator)
        query = re.sub(r"date:\[([-0-9]* )?(to|TO)( [-0-9]*)?\]|date:[-0-9]+", "x", query)
    letters = query.replace(" ", "").replace('"', "").replace("*", "").replace("~", "")
    return letters.isalnum() and not _SYNTAX.intersection(query.split())


def cmd_index(library: Library, args: argparse.Namespace) -> int:
    paths = getattr(args, "paths", None) or None
    if args.rebuild and paths:
        raise UsageError("index: --rebuild reads every file: give it no PATH")
    report = _update(library, rebuild=args.rebuild, paths=paths)
    if report.rebuilt:
        # Every file was read again: "added/changed/deleted" would describe nothing real.
        print(
            f"{library.count():,} articles in the index, rebuilt from the files "
            f"in {report.seconds:.1f} s: {report.articles:,} indexed from "
            f"{report.added + report.changed:,} files, {report.skipped:,} skipped"
        )
        return EXIT_OK
    print(
        f"{library.count():,} articles in the index; {report.articles:,} indexed "
        f"in {report.seconds:.1f} s: "
        f"{report.added:,} files added, {report.changed:,} changed, {report.deleted:,} deleted, "
        f"{report.unchanged:,} unchanged, {report.skipped:,} skipped"
    )
    return EXIT_OK


def _ui_config_problems(settings: Settings) -> list[str]:
    """Every problem of the config's `theme:` and `keys:`, one line each: what a command reports
    as a config error (the reader warns and keeps the defaults instead)."""
    from newsreader.tui.config_check import theme_problem

    problems = [p for p in (theme_problem(settings),) if p]
    if settings.keys:
        # Binding ids live on the screens: only a config that rebinds pays for importing them.
        from newsreader.tui.app import all_binding_ids
        from newsreader.tui.keys import build_keymap

        problems += build_keymap(settings.keys, all_binding_ids(), settings)[1]
    return problems


def _update(
    library: Library,
    *,
    rebuild: bool = False,
    quiet: bool = False,
    paths: Sequence[str | os.PathLike[str]] | None = None,
) -> UpdateReport:
    """Run an index update with progress on stderr (a bar on a terminal, nothing when piped);
    with `paths`, of those files and folders only (`Library.update(paths=)`)."""
    bar = _ProgressBar() if sys.stderr.isatty() and not quiet else None
    try:
        report = library.update(
            rebuild=rebuild,
            progress=bar.update if bar else None,
            warn=_warn,
            paths=paths,
        )
    finally:
        if bar:
            bar.stop()
    if report.rebuilt and report.rebuilt != "requested":
        # A rebuild nobody asked for (an old schema, a damaged index) is worth one line; one
        # that `index --rebuild` asked for is said by its summary line.
        _warn(f"the index was rebuilt from the files: {report.rebuilt}")
    return report


class _ProgressBar:
    """A Rich progress bar on stderr that appears only once the work takes longer than a moment."""

    DELAY = 0.3

    def __init__(self, label: str = "indexing") -> None:
        self.label = label
        self.started = time.monotonic()
        self.progress: RichProgress | None = None
        self.task: TaskID | None = None

    def update(self, progress: Progress | _Done) -> None:
        if self.progress is None:
            if time.monotonic() - self.started < self.DELAY:
                return
            from rich.console import Console
            from rich.progress import Progress as RichProgress

            self.progress = RichProgress(console=Console(stderr=True), transient=True)
            self.progress.start()
            self.task = self.progress.add_task(self.label, total=progress.total)
        if self.task is not None:
            self.progress.update(self.task, completed=progress.done, total=progress.total)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _ready(library: Library) -> None:
    """Build the index first if there is none yet, so a first `search` just works."""
    if not library.exists():
        gc.enable()  # a whole library to index: no longer a short command
        _update(library)


def cmd_search(library: Library, args: argparse.Namespace) -> int:
    from newsreader.index.search.results import search

    _ready(library)
    names = [s.name for s in library.settings.sources]
    if args.source and args.source.casefold() not in {n.casefold() for n in names}:
        raise UsageError(
            f"--source: no source named {args.source!r} (the sources are: {', '.join(names)})"
        )
    results = search(library, args.query, limit=args.limit, source=args.source, sort=args.sort)
    if args.json:
        _print_json(results.to_json())
    else:
        _print_search(results.to_json())
    return EXIT_OK


def _print_search(answer: dict[str, Any]) -> None:
    """The plain text of `search`, from its JSON (the lean path and Whoosh's give the same)."""
    out = sys.stdout
    color = _use_color(out)
    if answer["notice"]:
        _fail(answer["notice"])
    total = answer["total"]
    noun = "result" if total == 1 else "results"
    print(f"{total:,} {noun} ({answer['took_ms']:.1f} ms)", file=out)
    for n, hit in enumerate(answer["hits"], 1):
        meta = " · ".join(x for x in (hit["outlet"], (hit["date"] or "")[:10]) if x)
        print(f"\n{n}. {_line(hit['title'])}", file=out)
        ident = _line(hit["id"])
        print(f"   {_line(meta)}  [{ident}]" if meta else f"   [{ident}]", file=out)
        snippet = "".join(_mark(inline(seg["text"]), seg["match"], color) for seg in hit["snippet"])
        if snippet:
            print(f"   {snippet}", file=out)
    if answer["suggestion"]:
        print(f"\nDid you mean: {_line(answer['suggestion'])}", file=out)


def cmd_show(library: Library, args: argparse.Namespace) -> int:
    _ready(library)
    article = _article(library, args.id)
    if args.json:
        _print_json(article.to_json())
        return EXIT_OK
    print(_line(article.title))
    meta = " · ".join(
        _line(x)
        for x in (article.outlet, article.author and f"by {article.author}", day_text(article.date))
        if x
    )
    if meta:
        print(meta)
    if article.url:
        print(_line(article.url))
    print()
    print(printable(article.body))
    return EXIT_OK


def cmd_related(library: Library, args: argparse.Namespace) -> int:
    from newsreader.index.search.results import related

    _ready(library)
    _article(library, args.id)
    hits = related(library, args.id, limit=args.limit)
    if args.json:
        _print_json(
            {
                "id": args.id,
                "hits": [
                    {
                        "id": h.id,
                        "title": h.title,
                        "outlet": h.outlet,
                        "date": iso_date(h.date),
                        "score": round(h.score, 4),
                    }
                    for h in hits
                ],
            }
        )
        return EXIT_OK
    for n, hit in enumerate(hits, 1):
        meta = " · ".join(x for x in (hit.outlet, day_text(hit.date)) if x)
        print(f"{n}. {_line(hit.title)}")
        print(f"   {_line(meta)}  [{_line(hit.id)}]  score {hit.score:.2f}")
    if not hits:
        print("No related articles.")
    return EXIT_OK


def cmd_compare(library: Library, args: argparse.Namespace) -> int:
    from newsreader.index.compare import compare

    _ready(library)
    a = _article(library, args.id_a)
    b = _article(library, args.id_b)
    if a.id == b.id:
        raise UsageError(
            f"{args.id_a!r} and {args.id_b!r} are the same article: compare two different ones"
        )
    alignment = compare(a, b)
    if args.json:
        _print_json(alignment.to_json())
        return EXIT_OK
    from newsreader.cli.compare_report import report_lines

    for line in report_lines(a, b, alignment, color=_use_color(sys.stdout)):
        print(line)
    return EXIT_OK


def cmd_sources(library: Library, args: argparse.Namespace) -> int:
    _ready(library)
    counts = library.source_counts()
    configs = {s.name: s for s in library.settings.sources}
    if args.json:
        rows = []
        for c in counts:
            row: dict[str, object] = {"name": c.name, "path": str(c.path), "count": c.count}
            config = configs.get(c.name)
            if config is not None and config.is_feed:
                # A feed source's folder is made by its first fetch: never "not available".
                row["available"] = True
                row["feed" if config.feed else "opml"] = config.feed or str(config.opml)
            else:
                row["available"] = c.path.is_dir()
            rows.append(row)
        _print_json(rows)
        return EXIT_OK
    width = max((len(c.name) for c in counts), default=4)
    for c in counts:
        config = configs.get(c.name)
        if config is not None and config.is_feed:
            where = f"feed: {config.feed}" if config.feed else f"opml: {config.opml}"
            print(f"{_line(c.name):<{width}}  {c.count:>7,}  {_line(where)}")
            continue
        missing = "" if c.path.is_dir() else "  (folder not found)"
        print(f"{_line(c.name):<{width}}  {c.count:>7,}  {_line(str(c.path))}{missing}")
    return EXIT_OK


def cmd_fetch(library: Library, args: argparse.Namespace) -> int:
    from newsreader.cli import feeds

    return feeds.fetch(library, args)


def cmd_opml(library: Library, args: argparse.Namespace) -> int:
    from newsreader.cli import feeds

    return feeds.opml(library, args)


def cmd_stories(library: Library, args: argparse.Namespace) -> int:
    from newsreader.cli import stories

    _ready(library)
    return stories.cmd_stories(library, args, _print_json)


def cmd_story(library: Library, args: argparse.Namespace) -> int:
    from newsreader.cli import stories

    _ready(library)
    try:
        return stories.cmd_story(library, args, _print_json)
    except LookupError as exc:
        raise UsageError(str(exc)) from None


COMMANDS: dict[str, Callable[[Library, argparse.Namespace], int]] = {
    "index": cmd_index,
    "search": cmd_search,
    "show": cmd_show,
    "related": cmd_related,
    "compare": cmd_compare,
    "sources": cmd_sources,
    "fetch": cmd_fetch,
    "opml": cmd_opml,
    "stories": cmd_stories,
    "story": cmd_story,
}


def _article(library: Library, article_id: str) -> Article:
    article = library.get(article_id)
    if article is None:
        raise UsageError(f"no article with id {article_id!r} (see 'newsreader search')")
    return article


def _print_json(data: object) -> None:
    # ensure_ascii=False keeps text readable; json escapes C0 controls, json_safe the rest.
    sys.stdout.write(json_safe(json.dumps(data, ensure_ascii=False, indent=2)))
    sys.stdout.write("\n")


def _use_color(stream: TextIO) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR")


def _mark(text: str, match: bool, color: bool) -> str:
    if match and color:
        return f"\x1b[1;33m{text}\x1b[0m"
    return text


if __name__ == "__main__":
    run()
