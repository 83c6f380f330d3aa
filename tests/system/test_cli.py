"""The `newsreader` command line: the contract's JSON shapes, exit codes and one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from newsreader.cli.main import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main

STORY_A = """Ferry strike halts island crossings

Ferry crews walked out on Monday, halting every crossing to Vell Island for the day.

"We did not want to strand anyone, but the rota has broken us," union steward Ola Dahl said.

The ferry company said it would run a reduced timetable on Tuesday.
"""

STORY_B = """Island cut off as ferry crews strike

Ferry crews walked out on Monday, halting every crossing to Vell Island for the day.

Steward Ola Dahl said the union had not wanted to strand anyone but that the rota had broken
the crews.

Shops on the island ran short of milk by the afternoon.
"""

OTHER = """Choir wins county prize

The Vell Island choir won the county prize for the third year running.
"""


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    news = tmp_path / "news"
    news.mkdir()
    (news / "ferry-strike.txt").write_text(STORY_A, encoding="utf-8")
    (news / "island-cut-off.txt").write_text(STORY_B, encoding="utf-8")
    (news / "choir.txt").write_text(OTHER, encoding="utf-8")
    wire = tmp_path / "wire"
    wire.mkdir()
    (wire / "feed.jsonl").write_text(
        json.dumps(
            {
                "title": "Wire: ferry talks set",
                "body": "Talks to end the ferry strike are set for Wednesday.",
                "date": "2024-04-03T10:00:00Z",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    path = tmp_path / "config.yaml"
    path.write_text(
        "sources:\n"
        "  - name: news\n    path: news\n    outlet: Vell Gazette\n"
        "  - name: wire\n    path: wire\n"
        "index_dir: index\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return path


def run(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(config), *args])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> object:
    code, out, err = run(capsys, config, *args, "--json")
    assert code == EXIT_OK, err
    return json.loads(out)


def main_in_a_fresh_process(args: list[str], heavy: tuple[str, ...]) -> dict[str, Any]:
    """`main(args)` in a new interpreter (as a shell runs a command): its exit code, its
    output, and which of the modules `heavy` it loaded."""
    import subprocess
    import sys

    code = (
        "import io, json, sys\n"
        "from contextlib import redirect_stdout\n"
        "from newsreader.cli.main import main\n"
        "out = io.StringIO()\n"
        "with redirect_stdout(out):\n"
        f"    code = main({args!r})\n"
        f"loaded = sorted(h for h in {heavy!r} if h in sys.modules)\n"
        "print(json.dumps({'code': code, 'loaded': loaded, 'out': out.getvalue()}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_index_reports_a_summary_and_a_second_run_changes_nothing(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    code, out, _ = run(capsys, config, "index")
    assert code == EXIT_OK
    assert "4 articles in the index" in out and "4 files added" in out
    code, out, _ = run(capsys, config, "index")
    assert code == EXIT_OK
    assert "0 files added" in out and "4 unchanged" in out


def test_commands_do_not_watch_the_source_folders(config: Path) -> None:
    # The reader watches (tui/jobs/watcher.py); a command exits when done: it never loads the
    # watcher, and `index` returns on its own (here, under a bound that fails the test).
    import subprocess
    import sys

    code = (
        "import io, sys\n"
        "from contextlib import redirect_stdout\n"
        "from newsreader.cli.main import main\n"
        "with redirect_stdout(io.StringIO()):\n"
        f"    codes = [main(['--config', {str(config)!r}, c]) for c in ('index', 'sources')]\n"
        "print(codes, 'watchfiles' in sys.modules, 'newsreader.tui.jobs.watcher' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.split() == ["[0,", "0]", "False", "False"]


def test_an_update_that_changes_nothing_does_not_load_the_stories_machinery(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    # A no-change `index` in a fresh process (what a re-scan is) learns from the stories
    # file's meta that the stories are up to date, without numpy and scipy (0.3 s of a 1 s
    # re-scan at 100,000 articles); a change still brings the stories up to date.
    def index_in_a_fresh_process() -> dict[str, Any]:
        return main_in_a_fresh_process(
            ["--config", str(config), "index"],
            ("numpy", "scipy", "newsreader.index.stories.store"),
        )

    first = index_in_a_fresh_process()
    assert first["code"] == EXIT_OK and "4 files added" in str(first["out"])
    again = index_in_a_fresh_process()
    assert again["code"] == EXIT_OK and "4 unchanged" in str(again["out"])
    assert again["loaded"] == [], again
    (config.parent / "news" / "ferry-talks.txt").write_text(
        "Ferry talks break down\n\nFerry crews walked out again on Thursday, halting every "
        "crossing to Vell Island, after talks with the ferry company broke down.\n",
        encoding="utf-8",
    )
    changed = index_in_a_fresh_process()
    assert changed["code"] == EXIT_OK and "1 files added" in str(changed["out"])
    assert "newsreader.index.stories.store" in changed["loaded"]  # type: ignore[operator]
    from whoosh.index import open_dir

    from newsreader.index.store.library import INDEX_NAME
    from newsreader.index.stories.identity import in_step

    index_dir = config.parent / "index"
    generation = open_dir(str(index_dir), indexname=INDEX_NAME).latest_generation()
    assert in_step(index_dir, generation)  # the stories followed the new commit
    assert not in_step(index_dir, generation - 1)


def test_search_json_shape(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    data = run_json(capsys, config, "search", "ferry strike")
    assert isinstance(data, dict)
    assert set(data) >= {"query", "total", "took_ms", "hits", "suggestion"}
    assert data["query"] == "ferry strike"
    assert data["total"] >= 2
    hit = data["hits"][0]
    assert set(hit) >= {"id", "title", "source", "outlet", "date", "url", "score", "snippet"}
    assert {s["text"].casefold() for s in hit["snippet"] if s["match"]} & {"ferry", "strike"}
    assert all(set(s) == {"text", "match"} for s in hit["snippet"])


def test_search_filters_sorts_and_limits(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    data = run_json(capsys, config, "search", "ferry", "--source", "wire")
    assert [h["id"] for h in data["hits"]] == ["wire/feed.jsonl#1"]  # type: ignore[index]
    assert data["hits"][0]["date"] == "2024-04-03T10:00:00+00:00"  # type: ignore[index]
    data = run_json(capsys, config, "search", "ferry", "--limit", "1", "--sort", "date")
    assert len(data["hits"]) == 1  # type: ignore[index]


def test_search_text_snippet_keeps_the_spaces_around_matches(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    code, out, _ = run(capsys, config, "search", "crossing")
    assert code == EXIT_OK
    assert "halting every crossing to Vell Island" in out


def test_search_with_nothing_found_suggests_and_exits_0(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    data = run_json(capsys, config, "search", "ferri~0 strikke")
    assert isinstance(data, dict)
    code, out, _ = run(capsys, config, "search", "strikke")
    assert code == EXIT_OK
    assert "0 results" in out
    assert "Did you mean: strike" in out


def test_malformed_query_degrades_with_a_notice(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    code, out, err = run(capsys, config, "search", '"ferry strike')
    assert code == EXIT_OK
    assert "searched for the words instead" in err
    assert len(err.strip().splitlines()) == 1
    assert "3 results" in out


def test_show_json_shape(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    data = run_json(capsys, config, "show", "news/ferry-strike.txt")
    assert set(data) >= {"id", "title", "date", "outlet", "author", "url", "source", "path", "body"}  # type: ignore[arg-type]
    assert data["title"] == "Ferry strike halts island crossings"  # type: ignore[index]
    assert data["outlet"] == "Vell Gazette"  # type: ignore[index]
    assert data["source"] == "news"  # type: ignore[index]
    assert data["body"].startswith("Ferry crews walked out on Monday")  # type: ignore[index]


def test_show_text(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    code, out, _ = run(capsys, config, "show", "news/choir.txt")
    assert code == EXIT_OK
    assert out.splitlines()[0] == "Choir wins county prize"
    assert "third year running" in out


def test_related_json_shape_excludes_itself(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    data = run_json(capsys, config, "related", "news/ferry-strike.txt")
    assert data["id"] == "news/ferry-strike.txt"  # type: ignore[index]
    ids = [h["id"] for h in data["hits"]]  # type: ignore[index]
    assert "news/ferry-strike.txt" not in ids
    assert ids[0] == "news/island-cut-off.txt"
    assert set(data["hits"][0]) >= {"id", "title", "outlet", "date", "score"}  # type: ignore[index]


def test_compare_json_shape(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    data = run_json(capsys, config, "compare", "news/ferry-strike.txt", "news/island-cut-off.txt")
    assert set(data) >= {"a", "b", "similarity", "shared", "pairs", "quotes", "only_a", "only_b"}  # type: ignore[arg-type]
    shown = run_json(capsys, config, "show", "news/ferry-strike.txt")
    body = shown["body"]  # type: ignore[index]
    shared = data["shared"][0]  # type: ignore[index]
    start, end = shared["a"]
    assert body[start:end] == shared["text"]
    assert "halting every crossing to Vell Island" in shared["text"]


def test_sources_json_shape(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    data = run_json(capsys, config, "sources")
    assert data == [
        {"name": "news", "path": str(config.parent / "news"), "count": 3, "available": True},
        {"name": "wire", "path": str(config.parent / "wire"), "count": 1, "available": True},
    ]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["show", "news/nope.txt"], "no article with id 'news/nope.txt'"),
        (["search", "x", "--limit", "0"], "--limit"),
        (["search", "x", "--source", "nope"], "no source named 'nope'"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_and_input_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], config: Path, args: list[str], fragment: str
) -> None:
    code, _, err = run(capsys, config, *args)
    assert code == EXIT_USAGE
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("newsreader: ")
    assert fragment in err


def test_bad_config_exits_2_naming_file_line_and_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - name: x\n    path: .\n    colour: red\n", encoding="utf-8")
    code = main(["--config", str(bad), "sources"])
    _, err = capsys.readouterr()
    assert code == EXIT_USAGE
    assert f"{bad}:4: sources[0].colour: unknown key" in err
    assert len(err.strip().splitlines()) == 1


def test_busy_index_exits_1(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    from newsreader.index.config import load_settings
    from newsreader.index.store.lock import WriteLock

    settings = load_settings(config)
    run(capsys, config, "index")
    with WriteLock(settings.index_dir):
        code, _, err = run(capsys, config, "index")
    assert code == EXIT_FAILURE
    assert "busy" in err
    assert len(err.strip().splitlines()) == 1


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("newsreader ")


def test_a_search_command_loads_only_what_it_uses(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    # `search --json` in a fresh process (as a shell runs it): no UI framework, no numpy (the
    # query runs in store.whoosh.light), no parsers, no urllib or word-forms module under
    # Whoosh, no PyYAML (the config's tree is in the cache since `index` read it), no inspect
    # (cli/__init__.py: a dataclass without a docstring would load it), no hashlib (OpenSSL:
    # store.whoosh.startup), and for plain words and phrases no Whoosh query parser
    # (query.simple_query), nor any of Whoosh's query, reading, schema, analysis or searching
    # modules (index.search.lean reads the index through index.store.plain; a date clause,
    # --sort date, `word*` and `word~` too), nor argparse
    # (cli.main._plain_search), tempfile and shutil (index.config's platformdirs) or threading;
    # and the same answer as this process, which has numpy's engine loaded.

    import newsreader.index.store.whoosh.engine  # noqa: F401  (numpy loaded: its engine here)

    assert run(capsys, config, "index")[0] == EXIT_OK
    plain = ("ferry strike", '"ferry strike"', "ferry date:[2024-01 to 2024-12]", "date:2024-04",
             "ferr* strike", "fery~")  # fmt: skip
    cases = [(query, ()) for query in (*plain, "ferry OR choir", "strike NOT island")]
    cases += [("ferry", ("--sort", "date")), ("ferry date:2024", ("--sort", "date")),
              ("ferry", ("--source", "wire"))]  # fmt: skip
    for query, extra in cases:
        parser = (
            ("whoosh.qparser", "whoosh.query", "whoosh.searching", "whoosh.reading",
             "whoosh.fields", "whoosh.analysis", "whoosh.index", "whoosh.codec",
             "whoosh.matching", "newsreader.index.search.results",
             "newsreader.index.store.library", "argparse", "shutil", "tempfile", "threading")
            if query in plain or extra
            else ()
        )  # fmt: skip
        heavy = ("textual", "rich", "numpy", "urllib.request", "whoosh.lang.morph_en",
                 "newsreader.index.parsing", "multiprocessing", "newsreader.tui.app", "yaml",
                 "inspect", "hashlib", *parser)  # fmt: skip
        child = main_in_a_fresh_process(
            ["--config", str(config), "search", query, "--json", *extra], heavy
        )
        assert child["code"] == EXIT_OK and child["loaded"] == [], child
        here = run_json(capsys, config, "search", query, *extra)
        assert isinstance(here, dict) and here["total"], query
        there = json.loads(child["out"])
        for answer in (here, there):
            answer.pop("took_ms")
        assert there == here
        assert here["total"] >= 1



def test_a_plain_search_prints_what_the_usual_path_prints(
    capsys: pytest.CaptureFixture[str], config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Plain-text `search` of plain words and phrases takes the lean path too (no Whoosh, no
    # numpy in a fresh process), and prints exactly what the usual path prints, but the time.

    import newsreader.cli.main as cli_main

    assert run(capsys, config, "index")[0] == EXIT_OK
    for query in ("ferry strike", '"ferry strike"', "fery~", "ferry date:2024-04"):
        child = main_in_a_fresh_process(
            ["--config", str(config), "search", query],
            ("numpy", "whoosh.searching", "whoosh.qparser", "rich", "textual"),
        )
        assert child["code"] == EXIT_OK and child["loaded"] == [], child
        with monkeypatch.context() as m:
            m.setattr(cli_main, "_maybe_plain", lambda query: False)  # the usual path only
            usual_code, usual, _ = run(capsys, config, "search", query)
        assert usual_code == EXIT_OK
        timing = re.compile(r"\(\d[\d.]* ms\)")
        assert timing.sub("(ms)", child["out"]) == timing.sub("(ms)", usual), query
        assert "\n1. " in usual, query

def _console(config: Path, *args: str, pipe_to: str | None = None) -> tuple[int, str, str]:
    """The console script's entry point (`cli.main.run`) in a fresh process, with an exit
    handler that says whether Python's teardown ran."""
    import subprocess
    import sys

    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('teardown ran', file=sys.stderr))\n"
        f"sys.argv = ['newsreader', '--config', {str(config)!r}, *{list(args)!r}]\n"
        "from newsreader.cli.main import run\n"
        "run()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr


def test_a_short_read_ends_without_pythons_teardown_and_says_all_it_has_to(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    # cli.main.run: after a search (or show, related...) the process ends at once, its output
    # flushed first; a command that wrote the index, or failed, ends the usual way.
    assert run(capsys, config, "index")[0] == EXIT_OK
    status, out, err = _console(config, "search", "ferry", "--json", "--limit", "50")
    assert status == EXIT_OK and err == ""
    here = run_json(capsys, config, "search", "ferry", "--limit", "50")
    there = json.loads(out)
    assert isinstance(here, dict)
    for answer in (here, there):
        answer.pop("took_ms")
    assert there == here
    status, out, err = _console(config, "search", "ferry")
    assert status == EXIT_OK and "Ferry" in out and err == ""
    status, out, err = _console(config, "index")
    assert status == EXIT_OK and err == "teardown ran\n"
    status, out, err = _console(config, "search", "ferry", "--sort", "nowhere")
    assert status == EXIT_USAGE and err.endswith("teardown ran\n")


def test_a_short_read_into_a_closed_pipe_ends_quietly(config: Path) -> None:
    # `newsreader search ... | head -c 1`: the reader of the pipe is gone before the output is
    # flushed at the end, which is no error worth a traceback.
    import subprocess
    import sys

    assert main(["--config", str(config), "index"]) == EXIT_OK
    with subprocess.Popen(
        [sys.executable, "-m", "newsreader.cli.main", "--config", str(config), "search", "ferry"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        child.stdout.close()  # before it writes: its one flush at the end meets a closed pipe
        err = child.stderr.read()
        assert child.wait() == EXIT_OK
    assert err == b""
