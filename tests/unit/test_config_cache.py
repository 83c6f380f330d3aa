"""The config's YAML tree kept in the user's cache folder (index/config_yaml.py): a second
load of the same text reads no YAML, and gives exactly what the first load gave."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsreader.index.config import ConfigError, load_config_file

CONFIG = (
    "name: Cached\n"
    "fetch_on_start: yes\n"
    "theme: nord\n"
    "sources:\n"
    "  - name: news\n"
    "    path: news\n"
    "    outlet: The Daily Example\n"
    "  - name: wire\n"
    "    feed: http://127.0.0.1:9/feed.xml\n"
    "keys:\n"
    "  main.search: ctrl+f\n"
)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    (tmp_path / "news").mkdir()
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def cached_files(cache: Path) -> list[Path]:
    return sorted((cache / "newsreader" / "config").glob("*.json"))


def load_in_a_fresh_process(path: Path) -> dict[str, object]:
    """What a command sees: its settings (as text), its error, and whether PyYAML was loaded."""
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from newsreader.index.config import ConfigError, load_config_file\n"
        "try:\n"
        f"    out = repr(load_config_file(Path({str(path)!r})))\n"
        "except ConfigError as exc:\n"
        "    out = 'error: ' + str(exc)\n"
        "print(json.dumps({'settings': out, 'yaml': 'yaml' in sys.modules}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_a_second_load_reads_the_cache_not_yaml(
    config: Path, _own_cache_folder: Path
) -> None:
    first = load_in_a_fresh_process(config)
    assert first["yaml"] is True
    assert len(cached_files(_own_cache_folder)) == 1
    second = load_in_a_fresh_process(config)
    assert second == {"settings": first["settings"], "yaml": False}
    settings = load_config_file(config)
    assert repr(settings) == first["settings"]
    # yes/no booleans and the lines of keys survive the cache
    assert settings.fetch_on_start is True
    assert settings.where == {"theme": f"{config}:3", "keys.main.search": f"{config}:11"}


def test_the_cache_is_the_users_alone(config: Path, _own_cache_folder: Path) -> None:
    # A config can hold a private feed's URL with its token: the copy is readable by no one else.
    load_config_file(config)
    [entry] = cached_files(_own_cache_folder)
    assert entry.stat().st_mode & 0o777 == 0o600
    assert entry.parent.stat().st_mode & 0o777 == 0o700


def test_a_changed_file_is_read_again(config: Path, _own_cache_folder: Path) -> None:
    load_config_file(config)
    config.write_text(CONFIG.replace("name: Cached", "name: Changed"), encoding="utf-8")
    assert load_config_file(config).name == "Changed"
    assert len(cached_files(_own_cache_folder)) == 2
    # Same text again (another file, even): the first entry answers
    other = config.with_name("other.yaml")
    other.write_text(CONFIG, encoding="utf-8")
    assert load_in_a_fresh_process(other)["yaml"] is False


def test_errors_are_the_same_from_the_cache(config: Path, _own_cache_folder: Path) -> None:
    # The validator runs on every load: its messages name the same lines from a cached tree,
    # and what depends on the disk (a source path that became a file) is checked again.
    load_config_file(config)
    (config.parent / "news").rmdir()
    (config.parent / "news").write_text("not a folder", encoding="utf-8")
    after = load_in_a_fresh_process(config)
    assert after == {
        "settings": f"error: {config}:6: sources[0].path: not a folder: {config.parent / 'news'}",
        "yaml": False,
    }


def test_a_bad_file_is_never_cached(tmp_path: Path, _own_cache_folder: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("sources: [\n", encoding="utf-8")
    messages = set()
    for _ in range(2):
        with pytest.raises(ConfigError) as info:
            load_config_file(path)
        messages.add(str(info.value))
    assert len(messages) == 1 and "YAML syntax error" in messages.pop()
    bomb = "a: &a [x]\n" + "".join(f"b{i}: *a\n" for i in range(70)) + "sources: []\n"
    path.write_text(bomb, encoding="utf-8")
    with pytest.raises(ConfigError, match="too many YAML aliases"):
        load_config_file(path)
    assert cached_files(_own_cache_folder) == []


def test_a_damaged_cache_file_is_read_past(config: Path, _own_cache_folder: Path) -> None:
    expected = repr(load_config_file(config))
    [entry] = cached_files(_own_cache_folder)
    for damage in ("{", '{"format": 2, "text": 5}', json.dumps({"format": 2})):
        entry.write_text(damage, encoding="utf-8")
        assert repr(load_config_file(config)) == expected
    # Another text under this file's name (a checksum collision) is a miss, never its tree
    entry.write_text(
        json.dumps({"format": 2, "text": "sources: []\n", "tree": None}), encoding="utf-8"
    )
    assert repr(load_config_file(config)) == expected


def test_no_cache_folder_to_write_is_no_error(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # a file where the folder would be
    assert load_config_file(config).name == "Cached"
    assert load_config_file(config).name == "Cached"


BOOLEANS = [("fetch_on_start: Off\n", False), ("fetch_on_start: ON\n", True),
            ("fetch_on_start: no\n", False)]  # fmt: skip


@pytest.mark.parametrize(("line", "expected"), BOOLEANS)
def test_yaml_booleans_read_as_pyyaml_reads_them(
    tmp_path: Path, line: str, expected: bool
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(line + "sources:\n  - name: a\n    path: a\n", encoding="utf-8")
    for _ in range(2):  # composed, then from the cache
        assert load_config_file(path).fetch_on_start is expected


def test_a_key_that_yaml_reads_as_a_boolean_is_named_as_written(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("sources: []\nyes: 1\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ConfigError, match=r"config.yaml:2: yes: unknown key"):
            load_config_file(path)
