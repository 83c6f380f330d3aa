"""The command line's argparse parser (`cli.main.build_parser`). Its own module: importing
argparse, and the help formatter's shutil, costs a `search` command a tenth of its instructions,
and the commonest `search` lines are read without it (`cli.main.parse_args`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, NoReturn

from newsreader.cli.main import UsageError


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line, as the CLI contract asks (docs/ARCHITECTURE.md)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _version() -> str:
    # importlib.metadata costs more than a search (it pulls in email and zipfile): only --version
    # asks for it.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsreader")
    except PackageNotFoundError:
        return "unknown"


class _VersionAction(argparse.Action):
    """`--version`, with the version looked up only when it is asked for."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any) -> NoReturn:
        print(f"newsreader {_version()}")
        parser.exit()


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `only`, the parser of that one command (a command's
    start-up: every subparser and argument costs a `search` command 1-2% of its time)."""
    parser = _Parser(
        prog="newsreader",
        description="A keyboard-driven terminal reader for your library of news articles. "
        "With no command, opens the reader.",
    )
    parser.add_argument("--config", type=Path, metavar="PATH", help="the config file to use")
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name: str, about: str) -> argparse.ArgumentParser | None:
        return commands.add_parser(name, help=about) if only in (None, name) else None

    if index := add("index", "bring the index up to date"):
        index.add_argument("--rebuild", action="store_true", help="start the index over")
        index.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="only these files or folders (below source folders): what you know changed",
        )

    if search := add("search", "search the library"):
        search.add_argument(
            "query",
            metavar="QUERY",
            help='Whoosh query: words, "phrases", '
            "title:, outlet:, author:, source:, date:2021-10, OR, NOT, word~",
        )
        search.add_argument("--limit", type=_positive, default=20, metavar="N")
        search.add_argument("--source", metavar="NAME", help="only this source")
        search.add_argument("--sort", choices=("relevance", "date"), default="relevance")
        search.add_argument("--json", action="store_true", help="print JSON")

    if show := add("show", "print one article"):
        show.add_argument("id", metavar="ID")
        show.add_argument("--json", action="store_true", help="print JSON")

    if compare := add("compare", "compare two articles"):
        compare.add_argument("id_a", metavar="ID_A")
        compare.add_argument("id_b", metavar="ID_B")
        compare.add_argument("--json", action="store_true", help="print JSON")

    if related := add("related", "articles most like one article"):
        related.add_argument("id", metavar="ID")
        related.add_argument("--limit", type=_positive, default=10, metavar="N")
        related.add_argument("--json", action="store_true", help="print JSON")

    if sources := add("sources", "list the sources and their article counts"):
        sources.add_argument("--json", action="store_true", help="print JSON")

    if fetch := add("fetch", "fetch the feed sources, then update the index"):
        fetch.add_argument("--source", metavar="NAME", help="only this feed source")
        fetch.add_argument("--json", action="store_true", help="print JSON")

    add("opml", "print an OPML 2.0 file of every feed source")

    if only in (None, "stories", "story"):
        from newsreader.cli import stories

        stories.add_parsers(commands, _positive)

    if serve := add("serve", "serve the reader to a web browser"):
        serve.add_argument(
            "--host",
            default="127.0.0.1",
            help="the address to listen on (default 127.0.0.1: this machine only)",
        )
        serve.add_argument("--port", type=_port, default=8000, help="default 8000; 0 picks one")
    return parser


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number 0-65535, got {value}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value
