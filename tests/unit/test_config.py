"""Config loading: lookup order, typed settings, and one-line errors naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.index.config import (
    ConfigError,
    builtin_settings,
    default_index_dir,
    find_config,
    load_config_file,
    load_settings,
)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    (tmp_path / "news").mkdir()
    (tmp_path / "wire").mkdir()
    return tmp_path


def write(folder: Path, text: str) -> Path:
    path = folder / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_config_is_typed_and_paths_resolve_against_the_file(library: Path) -> None:
    path = write(
        library,
        "name: My news\n"
        "sources:\n"
        "  - name: news\n"
        "    path: news\n"
        "    glob: '*.txt'\n"
        "    outlet: The Daily Example\n"
        "  - name: wire\n"
        "    path: ./wire\n"
        "    format: jsonl\n"
        "index_dir: idx\n"
        "state_dir: state\n"
        "theme: nord\n"
        "keys:\n"
        "  search: ctrl+f\n",
    )
    settings = load_config_file(path)
    assert [s.name for s in settings.sources] == ["news", "wire"]
    news, wire = settings.sources
    assert news.path == library / "news"
    assert news.glob == "*.txt"
    assert news.outlet == "The Daily Example"
    assert news.format is None
    assert wire.format == "jsonl"
    assert wire.glob == "**/*"
    assert settings.index_dir == library / "idx"
    assert settings.state_dir == library / "state"
    assert settings.theme == "nord"
    assert settings.keys == {"search": "ctrl+f"}
    assert settings.name == "My news"
    assert settings.config_path == path


def test_default_index_dir_is_per_config_and_outside_sources(library: Path) -> None:
    path = write(library, "sources:\n  - {name: news, path: news}\n")
    settings = load_config_file(path)
    assert settings.index_dir == default_index_dir(path)
    assert not settings.index_dir.is_relative_to(library)
    other = library / "other"
    other.mkdir()
    assert default_index_dir(write(other, "sources: []\n")) != settings.index_dir


def test_a_missing_source_folder_is_not_a_config_error(library: Path) -> None:
    # An unmounted drive: the scan warns and keeps its articles (tests/test_hostile.py).
    settings = load_config_file(write(library, "sources:\n  - {name: x, path: nowhere}\n"))
    assert settings.sources[0].path == library / "nowhere"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sources: [\n", ":2: YAML syntax error"),
        ("sources:\n  - name: news\n    path: news\ncolour: red\n", ":4: colour: unknown key"),
        ("sources:\n  - name: news\n    path: news\n    colour: red\n", ":4: sources[0].colour"),
        ("sources: news\n", ":1: sources: expected a list, found a string"),
        ("sources:\n  - name: 12\n    path: news\n", ":2: sources[0].name: expected a string"),
        ("sources:\n  - name: news\n", ":2: sources[0].path: missing"),
        ("sources:\n  - name: x\n    path: config.yaml\n", ":3: sources[0].path: not a folder"),
        ("sources:\n  - name: x\n    path: news\n    format: pdf\n", ":4: sources[0].format"),
        ("theme: nord\n", "sources: missing"),
        ("sources:\n  - {name: a, path: news}\n  - {name: A, path: wire}\n", "duplicate source"),
        ("sources:\n  - {name: a/b, path: news}\n", "must not contain"),
        ("sources:\n  - {name: a, path: news}\nindex_dir: news/idx\n", ":3: index_dir: must not"),
        ("sources:\n  - {name: a, path: news}\nkeys: [a]\n", ":3: keys: expected a mapping"),
        ("", "the config file is empty"),
    ],
)
def test_bad_config_gives_one_line_naming_file_line_and_key(
    library: Path, text: str, expected: str
) -> None:
    path = write(library, text)
    with pytest.raises(ConfigError) as info:
        load_config_file(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert expected in message


def test_alias_bomb_is_refused_before_it_is_built(library: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    path = write(library, "\n".join(lines) + "\n")
    with pytest.raises(ConfigError, match="too many YAML aliases"):
        load_config_file(path)


def test_not_utf8_and_missing_file(library: Path) -> None:
    path = library / "config.yaml"
    path.write_bytes(b"sources: \xff\xfe\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config_file(path)
    with pytest.raises(ConfigError, match="not found"):
        load_config_file(library / "absent.yaml")


def test_lookup_order(
    library: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    xdg = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    monkeypatch.delenv("NEWSREADER_CONFIG", raising=False)
    elsewhere = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(elsewhere)
    assert find_config(None) is None

    user = xdg / "newsreader" / "config.yaml"
    user.parent.mkdir()
    user.write_text("sources: []\n")
    assert find_config(None) == user

    local = write(elsewhere, "sources: []\n")
    assert find_config(None) == local.resolve()

    env = write(library, "sources: []\n")
    monkeypatch.setenv("NEWSREADER_CONFIG", str(env))
    assert find_config(None) == env

    explicit = library / "explicit.yaml"
    assert find_config(explicit) == explicit


def test_no_config_means_the_builtin_samples(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("NEWSREADER_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    settings = load_settings(None)
    assert settings == builtin_settings()
    assert len(settings.sources) >= 4
    for source in settings.sources:
        assert source.path.is_dir()
        assert source.outlet
        assert any(source.path.iterdir())


def test_the_repository_config_lists_the_builtin_samples() -> None:
    repo_config = Path(__file__).resolve().parents[2] / "config.yaml"
    listed = {(s.path.name, s.outlet) for s in load_config_file(repo_config).sources}
    assert listed == {(s.path.name, s.outlet) for s in builtin_settings().sources}
