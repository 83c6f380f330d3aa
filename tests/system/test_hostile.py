"""Hostile articles through the real CLI: every readable article indexed, every unreadable one
skipped with one warning naming it, no traceback, bounded time and memory, and nothing printed
that a terminal would obey (no ESC, BEL or C1 control in any output).

The library is generated into a temporary folder by `build_library`: many of its files (NUL
bytes, names with newlines or bytes that are not UTF-8, symlink loops, a sparse 21 MB file)
would be awkward or impossible to commit.
"""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import newsreader.index.store.library
import newsreader.index.store.sources
from newsreader.cli.main import EXIT_OK, EXIT_USAGE, main
from newsreader.index.config import load_config_file
from newsreader.index.search.results import search
from newsreader.index.store.library import Library

ESC = "\x1b"
BEL = "\x07"
# Terminal attacks: clear screen, home, set the window title (OSC 0), write the clipboard
# (OSC 52), a one-character C1 CSI, a hyperlink (OSC 8), a DCS string, cursor up.
ANSI = (
    f"{ESC}[2J{ESC}[H{ESC}]0;pwned title{BEL}{ESC}]52;c;ZWNobyBwd25lZA=={BEL}"
    f"\u009b31m{ESC}]8;;https://evil.example{ESC}\\link{ESC}]8;;{ESC}\\{ESC}P1$r{ESC}\\{ESC}[5A"
)
RICH = "[bold red]loud[/] [link=https://evil.example]click me[/link] [/] [on red]x[/on red]"
PROSE = (
    "The harbour council met on Tuesday to discuss the new ferry timetable. "
    "Residents asked for earlier sailings in winter."
)
# What must never reach a terminal: ESC, BEL, C1 controls (U+0080-U+009F) and lone surrogates
# (which a UTF-8 stream cannot even write).
UNSAFE = re.compile("[\x1b\x07\x80-\x9f\ud800-\udfff]")
UNSAFE_BYTES = re.compile(rb"[\x1b\x07]|\xc2[\x80-\x9f]")


@dataclass
class Expected:
    indexed: dict[str, str] = field(default_factory=dict)
    """Article id -> a word of its body that a search must find."""
    skipped: list[str] = field(default_factory=list)
    """Names of files that must be skipped with one warning naming them."""
    absent: list[str] = field(default_factory=list)
    """Text that must appear in no indexed article (script and style contents)."""


def _write(folder: Path, name: str | bytes, data: str | bytes) -> None:
    raw = name if isinstance(name, bytes) else name.encode()
    with open(os.path.join(os.fsencode(folder), raw), "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


def _alias_bomb(head: str, tail: str) -> str:
    """YAML "billion laughs": 9 levels of 9 aliases each, 9**9 strings once expanded."""
    lines = [head, "a0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join([*lines, tail])


def build_library(root: Path, src: str = "hostile") -> Expected:
    """Write the hostile library into `root`, the folder of source `src`."""
    root.mkdir(parents=True, exist_ok=True)
    exp = Expected()

    def ok(name: str, data: str | bytes, word: str) -> None:
        _write(root, name, data)
        exp.indexed[f"{src}/{name}"] = word

    def bad(name: str, data: str | bytes) -> None:
        _write(root, name, data)
        exp.skipped.append(name)

    # Markup and terminal escapes, in titles and bodies.
    ok("rich-markup.txt", f"Markup {RICH} title\n\n{PROSE} Zephyrmarkup {RICH}.\n", "zephyrmarkup")
    ok(
        "ansi.txt",
        f"Escapes {ANSI} title\n\n{PROSE} Quokkaesc {ANSI} end.\n\n{ANSI}\n",
        "quokkaesc",
    )
    controls = "".join(chr(c) for c in range(1, 32) if c not in (9, 10, 13)) + "\x7f"
    c1 = "".join(chr(c) for c in range(0x80, 0xA0))
    ok("controls.txt", f"Ctl {c1} title\n\n{PROSE * 4} Wombatctl{controls}{c1} ok.\n", "wombatctl")
    ok("nul-bytes.txt", f"Nul title\n\n{PROSE} Numbatnul\x00 here\x00.\n", "numbatnul")
    ok(
        "bidi.txt",
        f"Bill \u202etxt.exe\u202c\n\n{PROSE} Dugongbidi \u202e\u2066rev\u2069.\n",
        "dugongbidi",
    )
    ok(
        "zero-width.txt",
        f"Zero\u200bwidth\u200d\n\n{PROSE} Tapirzw\u200b\u200c\u200d\ufeff.\n",
        "tapirzw",
    )
    ok(
        "wide.md",
        "# 港口 ferry 🚢 timetable\n\n港口委员会周二开会。Okapiwide 🚢🧑‍🚒 emoji.\n",
        "okapiwide",
    )
    ok(
        "surrogates.json",
        '{"title": "Lone \\ud800 surrogate", "body": "Ibisjson \\udce9."}',
        "ibisjson",
    )
    ok(
        "escapes.json",
        json.dumps({"title": f"JSON {ANSI} {RICH}", "body": f"Bisonjson {ANSI}."}),
        "bisonjson",
    )
    # Encodings and line ends.
    ok(
        "latin1.txt",
        "Café title\n\nThe café “owner” said Lemurlatin.\n".encode("cp1252"),
        "lemurlatin",
    )
    ok(
        "mixed.txt",
        "Mixed\n\nUTF-8 café and ".encode() + b"cp1252 caf\xe9 Marmotmixed.\n",
        "marmotmixed",
    )
    ok(
        "invalid-utf8.txt",
        b"Invalid\n\nBad \xc3\x28 \xa0\xa1 \xff\xfe Pangolinbad.\n",
        "pangolinbad",
    )
    ok("utf16.txt", f"UTF-16 title\n\n{PROSE} Civetutf.\n".encode("utf-16"), "civetutf")
    ok("utf16-nobom.txt", f"No BOM\n\n{PROSE} Genetnobom.\n".encode("utf-16-le"), "genetnobom")
    ok("crlf.txt", f"CRLF\r\n\r\n{PROSE}\r\nOcelotcrlf.\r\n\r\nLast.\r\n".encode(), "ocelotcrlf")
    ok("cr-only.txt", f"CR title\r\r{PROSE} Serval\rcr.\r".encode(), "serval")
    # Size: a multi-megabyte file that is one line (no newline at all); a sparse file over the
    # 20 MiB limit; a JSON list of thousands of entries.
    ok("huge-line.txt", "Jackalbig words go on and on without a line break. " * 48_000, "jackalbig")
    with open(root / "oversize.txt", "wb") as f:
        f.truncate(21 * 1024 * 1024)
    exp.skipped.append("oversize.txt")
    entries = [{"title": f"Entry {n}", "body": f"Body {n}. Yak{n}huge here."} for n in range(3000)]
    _write(root, "huge.json", json.dumps(entries))
    exp.indexed[f"{src}/huge.json#1"] = "yak0huge"
    exp.indexed[f"{src}/huge.json#3000"] = "yak2999huge"
    # Front matter: an alias bomb is refused, markup in a normal one is kept as text.
    bad("yaml-bomb.md", _alias_bomb("---", "title: Bomb\n---\n\nBody of the bomb.\n"))
    ok(
        "front.md",
        f"---\ntitle: '[bold]Front[/bold]'\nauthor: \"\\e[2JEve\"\n---\n\nKiwifront {RICH}.\n",
        "kiwifront",
    )
    ok("bad-date.md", "---\ntitle: Bad date\ndate: 2021-13-45\n---\n\nWalrusdate.\n", "walrusdate")
    # JSON nested too deeply or with a 5,000-digit number (skipped), JSONL with one good line
    # among bad ones.
    bad("big-number.json", '{"title": "x", "body": "y", "n": ' + "9" * 5000 + "}")
    bad("nested.json", "[" * 200_000 + "]" * 200_000)
    bad("nested-object.json", '{"a":' * 100_000 + "1" + "}" * 100_000)
    _write(
        root, "lines.jsonl", '{"title": "One", "body": "Mooselines."}\nnot json\n' + "[" * 50_000
    )
    exp.indexed[f"{src}/lines.jsonl#1"] = "mooselines"
    # HTML: scripts, styles, handlers, escapes; thousands of unclosed tags.
    ok(
        "script.html",
        "<html><head><title>Script page</title><style>body{color:red} .Stylesecret{}</style>"
        "<script>alert('Scriptsecret')</script></head><body onload=\"alert(1)\"><article>"
        "<h1>Script <b>page</b></h1><p>Hyenahtml text <script>document.write('Inlinesecret')"
        '</script> and <a href="javascript:alert(1)">a link</a>.</p><noscript>Noscriptsecret'
        f"</noscript><p>{ANSI} second</p></article></body></html>",
        "hyenahtml",
    )
    exp.absent += ["Stylesecret", "Scriptsecret", "Inlinesecret", "Noscriptsecret", "alert("]
    ok("unclosed.html", "<p>Unclosed <b><i><div>" * 2000 + "Ibexunclosed", "ibexunclosed")
    # Unreadable: binary, an image with a text suffix, empty, blank.
    bad("binary.txt", bytes(range(256)) * 64)
    bad("png.md", b"\x89PNG\r\n\x1a\n" + bytes(4096))
    bad("empty.txt", b"")
    bad("blank.txt", b" \n\t\r\n  \n")
    # Names: a newline, an escape sequence, a C1 control, bytes that are not UTF-8.
    ok("new\nline.txt", f"Newline name\n\n{PROSE} Gazellename.\n", "gazellename")
    ok("esc\x1b[31mname.txt", f"Escape name\n\n{PROSE} Chamoisname.\n", "chamoisname")
    ok("c1\u009bname.txt", f"C1 name\n\n{PROSE} Elandname.\n", "elandname")
    _write(root, b"caf\xe9-bytes.txt", f"Bytes name\n\n{PROSE} Alpacabytes.\n")
    exp.indexed[f"{src}/caf\\xe9-bytes.txt"] = "alpacabytes"
    # Links: a folder loop, a file linking to itself, a dangling link.
    (root / "sub").mkdir()
    ok("sub/inner.txt", f"Inner\n\n{PROSE} Vicunainner.\n", "vicunainner")
    os.symlink("..", root / "sub" / "loop")
    os.symlink("self-loop.txt", root / "self-loop.txt")
    os.symlink("does-not-exist.txt", root / "dangling.txt")
    exp.skipped += ["self-loop.txt", "dangling.txt"]
    return exp


def write_config(folder: Path, sources: str = "  - name: hostile\n    path: hostile\n") -> Path:
    path = folder / "config.yaml"
    path.write_text(f"sources:\n{sources}index_dir: index\n", encoding="utf-8")
    return path


def assert_terminal_safe(text: str) -> None:
    found = UNSAFE.search(text)
    assert found is None, (
        f"{found[0]!r} in output near {text[max(0, found.start() - 40) : found.end() + 40]!r}"
    )


@dataclass
class Hostile:
    config: Path
    expected: Expected
    returncode: int
    stdout: bytes
    stderr: bytes
    seconds: float
    max_rss_kb: int

    def library(self) -> Library:
        return Library(load_config_file(self.config))


_INDEX_SCRIPT = """
import resource, sys
from newsreader.cli.main import main
code = main(sys.argv[1:])
sys.stdout.flush()
print(f"MAXRSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    """The hostile library, indexed once by a real `newsreader index` process."""
    folder = tmp_path_factory.mktemp("hostile")
    expected = build_library(folder / "hostile")
    config = write_config(folder)
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", _INDEX_SCRIPT, "--config", str(config), "index"],
        capture_output=True,
        timeout=120,
        cwd=folder,
    )
    seconds = time.monotonic() - started
    rss = re.search(rb"MAXRSS (\d+)\n\Z", proc.stderr)
    assert rss, proc.stderr.decode(errors="replace")[-3000:]
    stderr = proc.stderr[: rss.start()]
    return Hostile(config, expected, proc.returncode, proc.stdout, stderr, seconds, int(rss[1]))


def run(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(config), *args])
    out, err = capsys.readouterr()
    assert_terminal_safe(out)
    assert_terminal_safe(err)
    assert "Traceback" not in err
    return code, out, err


# ---- indexing --------------------------------------------------------------------------------


def test_indexing_the_hostile_library_is_clean_and_bounded(hostile: Hostile) -> None:
    err = hostile.stderr.decode("utf-8")
    assert hostile.returncode == EXIT_OK, err[-3000:]
    assert b"Traceback" not in hostile.stderr
    for stream in (hostile.stdout, hostile.stderr):
        assert not UNSAFE_BYTES.search(stream), stream
        assert_terminal_safe(stream.decode("utf-8"))
    assert hostile.seconds < 60
    assert hostile.max_rss_kb < 600 * 1024  # 2.4 MB of one line, 3,000 JSON entries
    assert re.search(r"\b\d+ skipped\b", hostile.stdout.decode())


def test_every_unreadable_file_gets_one_warning_naming_it(hostile: Hostile) -> None:
    lines = hostile.stderr.decode("utf-8").splitlines()
    assert all(line.startswith("newsreader: ") for line in lines), lines
    for name in hostile.expected.skipped:
        naming = [line for line in lines if f"/{name}:" in line]
        assert len(naming) == 1, (name, lines)
    # Nothing else is warned about: one line per unreadable file, nothing for readable ones.
    assert len(lines) == len(hostile.expected.skipped), lines


def test_every_readable_article_is_indexed_and_found(hostile: Hostile) -> None:
    library = hostile.library()
    for article_id, word in hostile.expected.indexed.items():
        article = library.get(article_id)
        assert article is not None, article_id
        assert word.casefold() in article.body.casefold(), (article_id, article.body[:300])
        for text in (article.title, article.body, article.author, article.outlet):
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]", text), article_id
        hits = search(library, word, limit=5).hits
        assert article_id in [h.id for h in hits], (article_id, word)
    # Every file that is not skipped gave its articles (3,000 from the JSON list).
    assert library.count() == len(hostile.expected.indexed) - 2 + 3000


def test_escape_sequences_are_dropped_whole_not_left_as_debris(hostile: Hostile) -> None:
    article = hostile.library().get("hostile/ansi.txt")
    assert article is not None
    # ESC sequences go whole; a C1 CSI (U+009B) is one control character, dropped alone.
    assert article.title == "Escapes 31mlink title"
    assert "pwned" not in article.body and "52;c" not in article.body and "[2J" not in article.body
    assert "Quokkaesc 31mlink end." in article.body


def test_markup_is_kept_as_literal_text(hostile: Hostile) -> None:
    article = hostile.library().get("hostile/rich-markup.txt")
    assert article is not None and RICH in article.title and RICH in article.body


def test_script_and_style_contents_are_never_indexed(hostile: Hostile) -> None:
    library = hostile.library()
    with library.searcher() as s:
        for fields in s.all_stored_fields():
            for secret in hostile.expected.absent:
                assert secret not in fields.get("body", ""), (fields["id"], secret)
    for word in ("stylesecret", "scriptsecret", "inlinesecret", "noscriptsecret"):
        assert search(library, word).total == 0


def test_a_second_run_reads_nothing_and_rewarns_only_what_the_scan_sees(
    hostile: Hostile, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, hostile.config, "index")
    assert code == EXIT_OK
    assert " 0 files added, 0 changed, 0 deleted" in out
    # Bad files are remembered and not re-read; dangling links are seen by the scan each time.
    assert sorted(line.rsplit("/", 1)[1].split(":")[0] for line in err.splitlines()) == [
        "dangling.txt",
        "self-loop.txt",
    ]


# ---- every command on hostile articles -------------------------------------------------------


@pytest.mark.slow
def test_show_related_and_search_print_nothing_a_terminal_would_obey(
    hostile: Hostile, capsys: pytest.CaptureFixture[str]
) -> None:
    library = hostile.library()
    for article_id, word in hostile.expected.indexed.items():
        code, out, _ = run(capsys, hostile.config, "show", article_id)
        assert code == EXIT_OK
        code, out, _ = run(capsys, hostile.config, "show", article_id, "--json")
        assert code == EXIT_OK
        shown = json.loads(out)
        article = library.get(article_id)
        assert article is not None and shown["id"] == article_id and shown["body"] == article.body
        code, out, _ = run(capsys, hostile.config, "related", article_id, "--limit", "3")
        assert code == EXIT_OK
        code, out, _ = run(capsys, hostile.config, "search", word)
        assert code == EXIT_OK and out.startswith("1 result")
        code, out, _ = run(capsys, hostile.config, "search", word, "--json")
        assert code == EXIT_OK and [h["id"] for h in json.loads(out)["hits"]] == [article_id]
    for query in (ANSI, RICH, "\u202e", "港口", "🚢", "\x00", "title:" + ESC, '"' * 3):
        code, out, _ = run(capsys, hostile.config, "search", query)
        assert code == EXIT_OK
        code, out, _ = run(capsys, hostile.config, "search", query, "--json")
        assert code == EXIT_OK and json.loads(out)["query"] == query


@pytest.mark.slow
def test_compare_prints_nothing_a_terminal_would_obey(
    hostile: Hostile, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = [
        ("hostile/ansi.txt", "hostile/rich-markup.txt"),
        ("hostile/escapes.json", "hostile/script.html"),
        ("hostile/controls.txt", "hostile/bidi.txt"),
        ("hostile/wide.md", "hostile/zero-width.txt"),
        ("hostile/huge-line.txt", "hostile/crlf.txt"),
        ("hostile/c1\u009bname.txt", "hostile/esc\x1b[31mname.txt"),
    ]
    for a, b in pairs:
        code, out, _ = run(capsys, hostile.config, "compare", a, b, "--json")
        assert code == EXIT_OK
        data = json.loads(out)
        assert (data["a"], data["b"]) == (a, b)
        if "huge" not in a:  # the 2.4 MB one-line article: JSON only, to keep this test quick
            code, out, _ = run(capsys, hostile.config, "compare", a, b)
            assert code == EXIT_OK and out


def test_ids_with_bytes_that_are_not_utf8_work_from_the_shell(
    hostile: Hostile, capsys: pytest.CaptureFixture[str]
) -> None:
    # The shell hands Python such bytes as lone surrogates; the index keeps "\xe9" escapes.
    for article_id in ("hostile/caf\udce9-bytes.txt", "hostile/caf\\xe9-bytes.txt"):
        code, out, _ = run(capsys, hostile.config, "show", article_id, "--json")
        assert code == EXIT_OK and json.loads(out)["id"] == "hostile/caf\\xe9-bytes.txt"
    code, out, _ = run(capsys, hostile.config, "search", "caf\udce9 OR alpacabytes")
    assert code == EXIT_OK and "[hostile/caf\\xe9-bytes.txt]" in out


# ---- config ----------------------------------------------------------------------------------


def test_a_yaml_alias_bomb_in_the_config_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(_alias_bomb("", "sources: []"), encoding="utf-8")
    started = time.monotonic()
    code, out, err = run(capsys, config, "index")
    assert time.monotonic() - started < 5
    assert code == EXIT_USAGE and out == ""
    assert err.count("\n") == 1 and "too many YAML aliases" in err and str(config) in err


def test_a_config_full_of_escapes_is_reported_safely(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.yaml"
    # YAML refuses a raw ESC (one line says so); its "\\e" escape gets one into a value.
    # (A folder that is not there is a warning, not an error: a drive may be unmounted.)
    for path, exit_code in ((ANSI, EXIT_USAGE), ("\\e[2J\\e]52;c;ZWNobw==\\a\\x9b31m", EXIT_OK)):
        config.write_text(f'sources:\n  - name: x\n    path: "{path}"\n', encoding="utf-8")
        code, _, err = run(capsys, config, "index")
        assert code == exit_code and err.count("\n") == 1
    assert "folder not found" in err


# ---- files that change under the scan --------------------------------------------------------


def test_files_that_vanish_or_change_between_scan_and_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = tmp_path / "news"
    lib.mkdir()
    for name in ("keep", "vanish", "change", "fifo", "folder"):
        (lib / f"{name}.txt").write_text(f"{name} title\n\n{name}word body.\n", encoding="utf-8")
    config = write_config(tmp_path, "  - name: news\n    path: news\n")
    real_scan = newsreader.index.store.library.scan_files

    def scan_then_meddle(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        found = list(real_scan(*args, **kwargs))  # type: ignore[arg-type]
        (lib / "vanish.txt").unlink()
        (lib / "change.txt").write_text("Changed title\n\nNewword body, longer.\n", "utf-8")
        (lib / "fifo.txt").unlink()
        os.mkfifo(lib / "fifo.txt")  # would block a plain open() forever
        (lib / "folder.txt").unlink()
        (lib / "folder.txt").mkdir()
        return iter(found)

    monkeypatch.setattr(newsreader.index.store.library, "scan_files", scan_then_meddle)
    code, _, err = run(capsys, config, "index")
    monkeypatch.setattr(newsreader.index.store.library, "scan_files", real_scan)
    assert code == EXIT_OK
    warned = sorted(line.split("/news/")[1].split(":")[0] for line in err.splitlines())
    assert warned == ["fifo.txt", "folder.txt", "vanish.txt"], err
    library = Library(load_config_file(config))
    changed = library.get("news/change.txt")
    assert changed is not None and "Newword" in changed.body
    # The next run converges on the library as it now is.
    code, _, err = run(capsys, config, "index")
    assert code == EXIT_OK and err == ""
    library.close()
    ids = sorted(row.id for row in library.list_articles())
    assert ids == ["news/change.txt", "news/keep.txt"]
    assert search(library, "newword").total == 1 and search(library, "changeword").total == 0


# ---- resource limits -------------------------------------------------------------------------


@pytest.fixture
def small(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A tiny indexed library: news/a.txt, news/sub/b.txt, news/sub/c.txt."""
    lib = tmp_path / "news"
    (lib / "sub").mkdir(parents=True)
    (lib / "a.txt").write_text("Alpha\n\nAlphaword body.\n", encoding="utf-8")
    (lib / "sub" / "b.txt").write_text("Beta\n\nBetaword body.\n", encoding="utf-8")
    (lib / "sub" / "c.txt").write_text("Gamma\n\nGammaword body.\n", encoding="utf-8")
    config = write_config(tmp_path, "  - name: news\n    path: news\n")
    code, _, err = run(capsys, config, "index")
    assert code == EXIT_OK, err
    return config


def all_ids(config: Path) -> list[str]:
    return sorted(row.id for row in Library(load_config_file(config)).list_articles())


ALL = ["news/a.txt", "news/sub/b.txt", "news/sub/c.txt"]


def test_an_unreadable_subfolder_warns_once_and_loses_nothing(
    small: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = (small.parent / "news" / "sub").resolve()
    (small.parent / "news" / "d.txt").write_text("Delta\n\nDeltaword.\n", encoding="utf-8")
    if os.geteuid() == 0:  # root reads any folder: make this one fail as it would for a user
        # (opening it, which the scan does to list it and stat its files, or listing it by path)
        real_open, real_scandir = os.open, os.scandir

        def refuse(path: object) -> None:
            if isinstance(path, str | Path) and Path(path) == sub:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))

        def open_(path: object, *args: object, **kwargs: object) -> int:
            refuse(path)
            return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

        def scandir(path: object) -> object:
            refuse(path)
            return real_scandir(path)  # type: ignore[arg-type]

        monkeypatch.setattr(newsreader.index.store.sources.os, "open", open_)
        monkeypatch.setattr(newsreader.index.store.sources.os, "scandir", scandir)
    else:
        sub.chmod(0)
    try:
        code, out, err = run(capsys, small, "index")
    finally:
        sub.chmod(0o755)
    assert code == EXIT_OK
    assert err == f"newsreader: warning: source news: cannot read folder {sub}: Permission denied\n"
    assert " 1 files added" in out and " 0 deleted" in out
    assert all_ids(small) == [*ALL[:1], "news/d.txt", *ALL[1:]]
    monkeypatch.undo()
    code, out, err = run(capsys, small, "index")
    assert code == EXIT_OK and err == "" and all_ids(small) == [*ALL[:1], "news/d.txt", *ALL[1:]]


def test_a_missing_source_folder_warns_once_keeps_its_articles_and_every_command_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # README, Reliability: "a source folder that is missing (a drive not mounted), gets one
    # warning and its articles stay in the index".
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text("Alpha\n\nAlphaword body.\n", encoding="utf-8")
    (tmp_path / "wire").mkdir()
    (tmp_path / "wire" / "w.txt").write_text("Wired\n\nWireword body.\n", encoding="utf-8")
    config = write_config(
        tmp_path, "  - name: news\n    path: news\n  - name: wire\n    path: wire\n"
    )
    assert run(capsys, config, "index")[0] == EXIT_OK
    lib = (tmp_path / "news").resolve()
    lib.rename(tmp_path / "elsewhere")
    warning = (
        f"newsreader: warning: source news: folder not found: {lib} "
        "(its articles stay in the index)\n"
    )
    (tmp_path / "wire" / "x.txt").write_text("Extra\n\nWireword again.\n", encoding="utf-8")
    code, out, err = run(capsys, config, "index")
    assert code == EXIT_OK and err == warning
    assert "1 files added" in out and " 0 deleted" in out
    for command, expect in (
        (["search", "alphaword"], "news/a.txt"),
        (["search", "wireword", "--source", "wire"], "wire/w.txt"),
        (["show", "news/a.txt"], "Alphaword body."),
        (["related", "wire/w.txt"], "wire/x.txt"),
        (["compare", "news/a.txt", "wire/w.txt"], "Alpha"),
        (["sources"], "(folder not found)"),
    ):
        code, out, err = run(capsys, config, *command)
        assert (code, err) == (EXIT_OK, warning), command
        assert expect in out, command
    code, out, err = run(capsys, config, "sources", "--json")
    assert [(s["name"], s["count"], s["available"]) for s in json.loads(out)] == [
        ("news", 1, False), ("wire", 2, True)
    ]
    (tmp_path / "elsewhere").rename(lib)
    code, out, err = run(capsys, config, "index")
    assert (code, err) == (EXIT_OK, "") and "0 files added, 0 changed, 0 deleted" in out
    assert all_ids(config) == ["news/a.txt", "wire/w.txt", "wire/x.txt"]


def test_a_read_only_index_folder_refuses_updates_in_one_line_and_still_searches(
    small: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = (small.parent / "index").resolve()
    (small.parent / "news" / "d.txt").write_text("Delta\n\nDeltaword.\n", encoding="utf-8")
    if os.geteuid() == 0:  # root writes anywhere: fail the way a read-only folder does
        real_open = os.open

        def open_(path: object, flags: int, *args: object, **kwargs: object) -> int:
            if str(path).startswith(str(folder)) and flags & (os.O_WRONLY | os.O_RDWR):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(newsreader.index.store.lock.os, "open", open_)
    else:
        folder.chmod(0o555)
    try:
        code, out, err = run(capsys, small, "index")
        assert code == EXIT_USAGE and out == ""
        assert err == f"newsreader: cannot write index {folder}: Permission denied\n"
        code, out, err = run(capsys, small, "search", "betaword")
        assert code == EXIT_OK and out.startswith("1 result") and err == ""
    finally:
        folder.chmod(0o755)
    monkeypatch.undo()
    assert all_ids(small) == ALL
    code, out, err = run(capsys, small, "index")
    assert code == EXIT_OK and " 1 files added" in out


def test_an_index_folder_that_cannot_be_created_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text("Alpha\n\nBody.\n", encoding="utf-8")
    (tmp_path / "blocker").write_text("a file, not a folder", encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(
        "sources:\n  - name: news\n    path: news\nindex_dir: blocker/index\n", encoding="utf-8"
    )
    for command in (["index"], ["search", "alpha"]):
        code, out, err = run(capsys, config, *command)
        assert code == EXIT_USAGE and out == ""
        assert err.count("\n") == 1 and "cannot create index folder" in err
