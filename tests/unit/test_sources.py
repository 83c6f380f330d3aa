"""Scanning source folders: which files count, in which order, and what a broken tree does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsreader.index.config import SourceConfig
from newsreader.index.store.sources import SourceFile, _glob_regex, scan


def write(path: Path, text: str = "Title\n\nBody text.\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def rels(files: list[SourceFile]) -> list[str]:
    return [f.rel for f in files]


def run(*sources: SourceConfig) -> tuple[list[SourceFile], list[str]]:
    warnings: list[str] = []
    return list(scan(sources, warnings.append)), warnings


def test_finds_article_files_sorted_and_skips_hidden_and_other_suffixes(tmp_path: Path) -> None:
    for name in ("b.txt", "a.md", "sub/c.html", "sub/deeper/d.json", "e.jsonl", "z.htm"):
        write(tmp_path / name)
    for name in ("notes.pdf", "image.png", ".hidden.txt", ".git/config.txt", "sub/.cache/x.md"):
        write(tmp_path / name)
    files, warnings = run(SourceConfig("lib", tmp_path))
    assert rels(files) == ["a.md", "b.txt", "e.jsonl", "sub/c.html", "sub/deeper/d.json", "z.htm"]
    assert warnings == []
    assert all(f.path == tmp_path / f.rel for f in files)


def test_source_file_key_and_fingerprint(tmp_path: Path) -> None:
    path = write(tmp_path / "sub" / "a.txt", "Hello\n\nWorld\n")
    os.utime(path, ns=(1_000_000_000, 1_700_000_000_123_456_789))
    [found], _ = run(SourceConfig("lib", tmp_path))
    assert found.key == "lib\x1fsub/a.txt"
    assert found.fingerprint == f"1700000000123456789:{path.stat().st_size}"


def test_names_that_are_not_ascii_keep_their_own_paths(tmp_path: Path) -> None:
    """A scan keeps no path per file, only its key: an ASCII one is the path below the source
    folder; a folder or file name that is not ASCII (escaped in its key) keeps its path."""
    write(tmp_path / "café" / "a.txt")
    write(tmp_path / "naïve.md")
    write(tmp_path / "plain" / "b.txt")
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9-bytes.txt"), "wb") as f:
        f.write(b"Title\n\nBody text.\n")
    files, warnings = run(SourceConfig("lib", tmp_path))
    assert rels(files) == ["caf\\xe9-bytes.txt", "café/a.txt", "naïve.md", "plain/b.txt"]
    assert [f.path.read_text(encoding="utf-8") for f in files] == ["Title\n\nBody text.\n"] * 4
    assert warnings == []


def test_an_escaped_name_that_spells_another_files_name_is_one_file(tmp_path: Path) -> None:
    write(tmp_path / "caf\\xe9.txt", "Ascii\n\nA backslash, x, e, 9.\n")
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt"), "wb") as f:
        f.write(b"Bytes\n\nNot UTF-8.\n")
    files, _ = run(SourceConfig("lib", tmp_path))
    assert rels(files) == ["caf\\xe9.txt"]  # one key, one file: the path that sorts first
    assert files[0].path.read_text(encoding="utf-8").startswith("Ascii")


@pytest.mark.parametrize(
    ("glob", "expected"),
    [
        ("**/*", ["2024/a.txt", "2024/b.md", "top.txt"]),
        ("*.txt", ["top.txt"]),
        ("**/*.txt", ["2024/a.txt", "top.txt"]),
        ("2024/*", ["2024/a.txt", "2024/b.md"]),
        ("2024/?.md", ["2024/b.md"]),
        ("**/[ab].*", ["2024/a.txt", "2024/b.md"]),
    ],
)
def test_glob_selects_files_like_pathlib(tmp_path: Path, glob: str, expected: list[str]) -> None:
    for name in ("top.txt", "2024/a.txt", "2024/b.md"):
        write(tmp_path / name)
    files, _ = run(SourceConfig("lib", tmp_path, glob=glob))
    assert rels(files) == expected
    by_pathlib = sorted(
        p.relative_to(tmp_path).as_posix() for p in tmp_path.glob(glob) if p.is_file()
    )
    assert rels(files) == by_pathlib


def test_glob_regex_keeps_stars_within_a_segment() -> None:
    assert _glob_regex("*.txt").fullmatch("a.txt")
    assert not _glob_regex("*.txt").fullmatch("dir/a.txt")
    assert _glob_regex("**/x/*.md").fullmatch("x/a.md")
    assert _glob_regex("**/x/*.md").fullmatch("p/q/x/a.md")
    assert not _glob_regex("[!a]*.md").fullmatch("a.md")
    assert _glob_regex("[!a]*.md").fullmatch("b.md")


def test_missing_source_folder_warns_once_and_other_sources_are_scanned(tmp_path: Path) -> None:
    write(tmp_path / "good" / "a.txt")
    missing = tmp_path / "gone"
    files, warnings = run(SourceConfig("gone", missing), SourceConfig("good", tmp_path / "good"))
    assert rels(files) == ["a.txt"]
    assert len(warnings) == 1
    assert "gone" in warnings[0] and str(missing) in warnings[0]


def test_a_file_as_source_folder_warns(tmp_path: Path) -> None:
    path = write(tmp_path / "file.txt")
    files, warnings = run(SourceConfig("odd", path))
    assert files == []
    assert len(warnings) == 1 and str(path) in warnings[0]


def test_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    write(tmp_path / "a" / "x.txt")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "back").symlink_to(tmp_path, target_is_directory=True)
    files, warnings = run(SourceConfig("lib", tmp_path))
    assert rels(files) == ["a/x.txt"]
    assert warnings == []


def test_symlinked_folder_outside_the_source_is_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside / "y.md")
    lib = tmp_path / "lib"
    write(lib / "x.txt")
    (lib / "linked").symlink_to(outside, target_is_directory=True)
    files, _ = run(SourceConfig("lib", lib))
    assert rels(files) == ["linked/y.md", "x.txt"]


def test_dangling_symlink_warns_and_the_rest_is_scanned(tmp_path: Path) -> None:
    write(tmp_path / "a.txt")
    (tmp_path / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    files, warnings = run(SourceConfig("lib", tmp_path))
    assert rels(files) == ["a.txt"]
    assert len(warnings) == 1 and "broken.txt" in warnings[0]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable folders")
def test_unreadable_subfolder_warns_and_the_rest_is_scanned(tmp_path: Path) -> None:
    write(tmp_path / "a.txt")
    locked = tmp_path / "locked"
    write(locked / "b.txt")
    locked.chmod(0)
    try:
        files, warnings = run(SourceConfig("lib", tmp_path))
    finally:
        locked.chmod(0o755)
    assert rels(files) == ["a.txt"]
    assert len(warnings) == 1 and str(locked) in warnings[0]


def test_sources_keep_config_order(tmp_path: Path) -> None:
    write(tmp_path / "one" / "z.txt")
    write(tmp_path / "two" / "a.txt")
    files, _ = run(SourceConfig("one", tmp_path / "one"), SourceConfig("two", tmp_path / "two"))
    assert [(f.source.name, f.rel) for f in files] == [("one", "z.txt"), ("two", "a.txt")]


def test_a_subfolders_scan_finds_what_the_whole_scan_finds_there(tmp_path: Path) -> None:
    from newsreader.index.store.sources import scan_files, scan_folder

    for name in ("a.txt", "town/b.txt", "town/deep/c.md", "town/.hidden/d.txt", "town/e.pdf"):
        write(tmp_path / name)
    (tmp_path / "town" / "deep" / "up").symlink_to(tmp_path, target_is_directory=True)
    source = SourceConfig("lib", tmp_path)
    [whole] = scan_files([source], print)
    part = scan_folder(source, "town", print)
    below = {k: v for k, v in whole.files.items() if k.startswith("lib\x1ftown/")}
    assert part.files == below and sorted(below) == ["lib\x1ftown/b.txt", "lib\x1ftown/deep/c.md"]
