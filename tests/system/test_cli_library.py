"""The command line on config mistakes and on the library's edge cases: bad keys and themes,
sources that do not exist, the same article twice, a rebuild, JSON dates."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsreader.cli.main import EXIT_OK, EXIT_USAGE, main
from newsreader.tui.config_check import THEMES
from newsreader.tui.keys import check_key


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with two sources of a few articles; the config is written by each test."""
    news = tmp_path / "news"
    news.mkdir()
    (news / "ferry.txt").write_text(
        "Ferry strike halts crossings\n\n2024-04-01\n\nFerry crews walked out on Monday.\n",
        encoding="utf-8",
    )
    (news / "choir.txt").write_text(
        "Choir wins county prize\n\nThe island choir won the county prize again.\n",
        encoding="utf-8",
    )
    wire = tmp_path / "wire"
    wire.mkdir()
    (wire / "feed.jsonl").write_text(
        json.dumps({"title": "Ferry talks set", "body": "Ferry talks are set for Wednesday.",
                    "date": "2024-04-03T10:00:00Z"}) + "\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def config(folder: Path, extra: str = "") -> Path:
    path = folder / "config.yaml"
    path.write_text(
        "sources:\n  - name: news\n    path: news\n  - name: wire\n    path: wire\n"
        "index_dir: index\n" + extra,
        encoding="utf-8",
    )
    return path


def run(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(path), *args])
    out, err = capsys.readouterr()
    return code, out, err


# ---- keys and theme (issue 10, item 3) -------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [("/", "slash"), ("ctrl+/", "ctrl+slash"), ("R", "R"), ("f5", "f5"), ("pageup", "pageup"),
     ("shift+tab", "shift+tab"), ("Ctrl+F", "ctrl+F"), ("question_mark", "question_mark"),
     ("ctrl+comma", "ctrl+comma"), ("é", "é"), ("alt+latin_small_letter_e_with_acute",
                                                "alt+latin_small_letter_e_with_acute")],
)
def test_key_names_a_terminal_sends_are_accepted(given: str, expected: str) -> None:
    assert check_key(given) == expected


@pytest.mark.parametrize(
    ("given", "problem"),
    [("ctrl+shift+banana", "unknown key name 'banana' in 'ctrl+shift+banana'"),
     ("banana", "unknown key name 'banana'"), ("f55", "unknown key name 'f55'"),
     ("ctrl+", "unknown key name '' in 'ctrl+'"), ("crtl+f", "unknown modifier 'crtl'")],
)
def test_key_names_no_terminal_sends_are_refused(given: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        check_key(given)


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        ('keys:\n  quit: q\n  search: "ctrl+shift+banana"\n', 9,
         "keys.search: unknown key name 'banana' in 'ctrl+shift+banana'"),
        ("keys:\n  nosuch.binding: x\n", 8, "keys.nosuch.binding: unknown binding id"),
        ("theme: nrod\n", 7, "theme: unknown theme 'nrod' (expected one of: textual-dark,"),
    ],
)
def test_a_bad_key_binding_or_theme_is_a_config_error_naming_file_line_and_key(
    library: Path, capsys: pytest.CaptureFixture[str], extra: str, line: int, message: str
) -> None:
    path = config(library, extra)
    for command in (["index"], ["search", "ferry"], ["sources"]):
        code, out, err = run(capsys, path, *command)
        assert (code, out) == (EXIT_USAGE, "")
        assert err.startswith(f"newsreader: {path}:{line}: {message}")
        assert err.count("\n") == 1


def test_good_keys_and_theme_pass(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = config(library, 'theme: nord\nkeys:\n  search: "/,ctrl+f"\n  app.quit: Q\n')
    code, out, err = run(capsys, path, "search", "ferry")
    assert (code, err) == (EXIT_OK, "") and "2 results" in out


def test_the_cli_knows_the_themes_textual_has() -> None:
    from textual.theme import BUILTIN_THEMES

    assert set(THEMES) == set(BUILTIN_THEMES)


# ---- the CLI's rough edges (issue 10, item 14) ---------------------------------------------


def test_json_dates_keep_a_date_only_article_date_only(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # README: a day alone stays `YYYY-MM-DD` (no invented midnight); a time is UTC with offset.
    path = config(library)
    code, out, err = run(capsys, path, "search", "ferry", "--json")
    assert code == EXIT_OK, err
    dates = {hit["id"]: hit["date"] for hit in json.loads(out)["hits"]}
    assert dates == {
        "news/ferry.txt": "2024-04-01", "wire/feed.jsonl#1": "2024-04-03T10:00:00+00:00"
    }
    code, out, _ = run(capsys, path, "show", "news/ferry.txt", "--json")
    assert json.loads(out)["date"] == "2024-04-01"
    code, out, _ = run(capsys, path, "show", "news/choir.txt", "--json")
    assert json.loads(out)["date"] is None
    code, out, _ = run(capsys, path, "related", "news/ferry.txt", "--json")
    assert {h["id"]: h["date"] for h in json.loads(out)["hits"]}["wire/feed.jsonl#1"] == (
        "2024-04-03T10:00:00+00:00"
    )


def test_an_unknown_source_lists_the_sources(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, config(library), "search", "ferry", "--source", "nosuch")
    assert (code, out) == (EXIT_USAGE, "")
    assert err == "newsreader: --source: no source named 'nosuch' (the sources are: news, wire)\n"


def test_comparing_an_article_with_itself_says_so(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for extra in ([], ["--json"]):
        code, out, err = run(capsys, config(library), "compare", "news/ferry.txt",
                             "news/ferry.txt", *extra)
        assert (code, out) == (EXIT_USAGE, "")
        assert err == (
            "newsreader: 'news/ferry.txt' and 'news/ferry.txt' are the same article: "
            "compare two different ones\n"
        )


def test_index_rebuild_says_what_it_did(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = config(library)
    assert run(capsys, path, "index")[0] == EXIT_OK
    code, out, err = run(capsys, path, "index", "--rebuild")
    assert (code, err) == (EXIT_OK, "")
    assert out.startswith("3 articles in the index, rebuilt from the files in ")
    assert out.endswith(": 3 indexed from 3 files, 0 skipped\n")


# ---- index PATH: a targeted update ------------------------------------------------------------


def test_index_paths_indexes_just_those(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = config(library)
    assert run(capsys, path, "index")[0] == EXIT_OK
    (library / "news" / "gale.txt").write_text(
        "Gale closes the harbour\n\nA gale closed the harbour at dawn.\n", encoding="utf-8"
    )
    (library / "news" / "storm.txt").write_text(  # written, but not named: left for later
        "Storm warning issued\n\nA storm warning was issued for the coast.\n", encoding="utf-8"
    )
    (library / "news" / "choir.txt").unlink()
    code, out, err = run(capsys, path, "index", "news/gale.txt", str(library / "news/choir.txt"))
    assert (code, err) == (EXIT_OK, "")
    assert out.startswith("3 articles in the index; 1 indexed in ")
    assert out.endswith(": 1 files added, 0 changed, 1 deleted, 0 unchanged, 0 skipped\n")
    hits = json.loads(run(capsys, path, "search", "gale OR storm OR choir", "--json")[1])
    assert [h["id"] for h in hits["hits"]] == ["news/gale.txt"]
    assert run(capsys, path, "index")[1].startswith("4 articles in the index; 1 indexed")


def test_index_paths_warn_about_what_is_no_article_and_go_on(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(library)
    assert run(capsys, path, "index")[0] == EXIT_OK
    (library / "elsewhere.txt").write_text("Not here\n\nOutside every source.\n")
    (library / "news" / "scan.pdf").write_bytes(b"%PDF-1.4")
    (library / "news" / "gale.txt").write_text("Gale\n\nA gale closed the harbour.\n")
    code, out, err = run(capsys, path, "index", "elsewhere.txt", "news/scan.pdf", "news/gale.txt")
    assert code == EXIT_OK and "1 files added" in out
    lines = err.splitlines()
    assert len(lines) == 2 and all(line.startswith("newsreader: warning: ") for line in lines)
    assert "elsewhere.txt: not in the folder of any source (the sources: news, wire)" in lines[0]
    assert "scan.pdf: not an article file of source news" in lines[1]
    assert "Traceback" not in err


def test_index_rebuild_with_paths_is_a_usage_error(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, config(library), "index", "--rebuild", "news/ferry.txt")
    assert (code, out) == (EXIT_USAGE, "")
    assert err == "newsreader: index: --rebuild reads every file: give it no PATH\n"
