"""`parse_args` builds only the named command's parser (a command's start-up): it must read
every command line exactly as the whole parser does, errors and help included."""

from __future__ import annotations

import pytest

from newsreader.cli.main import UsageError, build_parser, parse_args

LINES = [
    [],
    ["search", "ferry strike"],
    ["--config", "c.yaml", "search", "x", "--limit", "5", "--json", "--sort", "date"],
    ["--config=c.yaml", "search", "--source", "wire", "x"],
    ["search", "--", "--json"],
    ["index", "--rebuild"],
    ["show", "wire/a.txt", "--json"],
    ["compare", "a", "b"],
    ["related", "a", "--limit", "3"],
    ["sources", "--json"],
    ["fetch", "--source", "f"],
    ["opml"],
    ["stories", "--json"],
    ["story", "3"],
    ["serve", "--port", "0"],
    ["--conf", "c.yaml", "search", "x"],  # an abbreviation: the whole parser reads it
    ["search", "index"],  # a query that is a command's name
]
BAD = [
    ["search"],
    ["search", "x", "--limit", "0"],
    ["search", "x", "--sort", "oldest"],
    ["search", "x", "--bogus"],
    ["serch", "x"],
    ["--config"],
    ["--bogus", "search", "x"],
    ["related", "a", "--limit", "x"],
    ["serve", "--port", "99999"],
    ["opml", "extra"],
]


@pytest.mark.parametrize("argv", LINES, ids=" ".join)
def test_one_commands_parser_reads_a_line_as_the_whole_parser(argv: list[str]) -> None:
    assert vars(parse_args(argv)) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", BAD, ids=" ".join)
def test_errors_are_the_whole_parsers(argv: list[str]) -> None:
    with pytest.raises(UsageError) as whole:
        build_parser().parse_args(argv)
    with pytest.raises(UsageError) as mine:
        parse_args(argv)
    assert str(mine.value) == str(whole.value)


HELP = [["--help"], ["search", "--help"], ["--help", "search"], ["stories", "-h"]]


@pytest.mark.parametrize("argv", HELP, ids=" ".join)
def test_help_is_the_whole_parsers(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(argv)
    whole = capsys.readouterr().out
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert capsys.readouterr().out == whole and whole.startswith("usage: newsreader")
