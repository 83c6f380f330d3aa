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
    # The lines cli.main._plain_search reads without argparse, and near misses it leaves to it:
    ["search", "x", "--json"],
    ["--config", "c.yaml", "search", "--json", "--limit", "007", "x", "--source", ""],
    ["search", "", "--sort", "relevance", "--source", "wire"],
    ["search", "x", "--json", "--json"],
    ["search", "x", "--limit", "2", "--limit", "3"],
    ["search", "x", "--limit=3"],
    ["search", "x", "--js"],
    ["search", "-5"],
    ["--config", "", "search", "x"],
    ["--config", "c.yaml", "--config", "d.yaml", "search", "x"],
    ["search", "x", "--limit", "+3"],
    ["search", "x", "--limit", "٣"],
]
BAD = [
    ["search"],
    ["search", "x", "y"],
    ["search", "x", "--json", "--limit"],
    ["search", "x", "--limit", "-1"],
    ["search", "x", "--sort", "Date"],
    ["search", "x", "--source", "-w"],
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


def test_the_commonest_search_lines_are_read_without_argparse() -> None:
    # (argparse and its help formatter's shutil cost a `search` command a tenth of its
    # instructions): a fresh process, as a shell runs the command.
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from newsreader.cli.main import parse_args\n"
        "args = parse_args(['--config', 'c.yaml', 'search', 'ferry strike', '--json',"
        " '--limit', '5'])\n"
        "print(args.query, args.limit, args.json, 'argparse' in sys.modules)\n"
        "parse_args(['search', 'ferry', '--limit=5'])\n"
        "print('argparse' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split("\n")[:2] == ["ferry strike 5 True False", "True"], done.stderr
