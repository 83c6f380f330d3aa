"""A config file's YAML as a plain node tree, kept in the user's cache folder by its text.

Importing PyYAML costs a command more than its config is worth: its reader compiles a regular
expression over all of Unicode on import, an eighth of a `search` command's instructions
(bench/bench_cli.py), for a file that rarely changes. So the first load of a text composes it
with PyYAML's safe loader (aliases counted first: a bomb is refused before any node is built)
and writes the tree as JSON in the user's cache folder (`$XDG_CACHE_HOME/newsreader/config/`);
a later load of the same text (compared in full: a checksum collision is a miss) reads the
JSON and never imports PyYAML.
Only a text that composed is kept, so a bad file is read by PyYAML every time and gives the
same message. The validator (`index.config`) runs on every load either way: what a config
means can depend on the disk (folders that exist, symlinks), its tree cannot.
"""

from __future__ import annotations

import contextlib
import json
import os
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

MAX_ALIASES = 64
"""Anchors/aliases are legitimate YAML, but a handful is all a config needs; more is a bomb."""
MAPPING, SEQUENCE, SCALAR = "mapping", "sequence", "scalar"
_FORMAT = 2  # bump when Node or the JSON layout changes: older cache files are then misses


class Node:
    """One YAML node: its kind, its resolved tag (`tag:yaml.org,2002:str`, ...), its value and
    its 1-based line. A mapping's value is a list of (key, value) node pairs, a sequence's a
    list of nodes, a scalar's text as written (`yes` for a true boolean, say)."""

    __slots__ = ("kind", "line", "tag", "value")
    kind: str
    tag: str
    value: Any  # (one of four shapes, told apart by `kind`)
    line: int

    def __init__(self, kind: str, tag: str, value: Any, line: int) -> None:
        self.kind = kind
        self.tag = tag
        self.value = value
        self.line = line


class YamlError(Exception):
    """The text is not YAML a config can be (syntax, too many aliases): the whole message,
    `<file>[:<line>]: ...`."""


def compose(text: str, shown: str) -> Node | None:
    """The node tree of `text` (None for an empty document); `shown` names the file in errors."""
    folder = _cache_folder()
    name = f"{zlib.crc32(text.encode('utf-8', 'surrogatepass')):08x}-{len(text)}.json"
    if folder is not None:
        cached = _read_cached(folder / name, text)
        if cached is not None:
            return cached[0]
    root = _compose_with_pyyaml(text, shown)
    if folder is not None:
        _write_cached(folder, name, text, root)
    return root


def _cache_folder() -> Path | None:
    from platformdirs import user_cache_path  # (imported by index.config already)

    try:
        return user_cache_path("newsreader") / "config"
    except (OSError, RuntimeError, KeyError):  # no home folder to be found
        return None


def _read_cached(path: Path, text: str) -> tuple[Node | None] | None:
    """(tree,) from a cache file holding exactly `text`, else None (missing, stale, corrupt)."""
    try:
        with open(path, encoding="utf-8") as f:
            entry = json.load(f)
        if entry["format"] != _FORMAT or entry["text"] != text:
            return None
        return (_from_plain(entry["tree"]),)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _write_cached(folder: Path, name: str, text: str, root: Node | None) -> None:
    entry = {"format": _FORMAT, "text": text, "tree": _to_plain(root)}
    temp = folder / f".{name}.{os.getpid()}.tmp"
    try:
        # The user's alone, as the config may be (a private feed's URL can hold a token).
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as f:
            json.dump(entry, f, ensure_ascii=False)
        os.replace(temp, folder / name)  # whole or not at all, for a command reading it now
    except (OSError, ValueError):
        # A read-only or full disk costs the next command PyYAML's import, nothing more.
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


def _to_plain(node: Node | None) -> object:
    if node is None:
        return None
    if node.kind == MAPPING:
        value: object = [[_to_plain(k), _to_plain(v)] for k, v in node.value]
    elif node.kind == SEQUENCE:
        value = [_to_plain(n) for n in node.value]
    else:
        value = node.value
    return [node.kind, node.tag, value, node.line]


def _from_plain(plain: Any) -> Node | None:
    if plain is None:
        return None
    kind, tag, value, line = plain
    if kind == MAPPING:
        value = [(_from_plain(k), _from_plain(v)) for k, v in value]
    elif kind == SEQUENCE:
        value = [_from_plain(n) for n in value]
    elif kind != SCALAR or not isinstance(value, str):
        raise ValueError(f"not a node: {kind!r}")
    if not isinstance(tag, str) or not isinstance(line, int):
        raise ValueError("not a node")
    return Node(kind, tag, value, line)


def _compose_with_pyyaml(text: str, shown: str) -> Node | None:
    import yaml

    try:
        aliases = 0
        # Count aliases while parsing, before any node is built: a bomb never gets to be built.
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    line = event.start_mark.line + 1 if event.start_mark else 0
                    raise YamlError(f"{shown}:{line}: too many YAML aliases")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{shown}:{mark.line + 1}" if mark else shown
        problem = exc.problem or exc.context or "invalid YAML"
        col = f" (column {mark.column + 1})" if mark else ""
        raise YamlError(f"{where}: YAML syntax error: {problem}{col}") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"{shown}: YAML error: {exc}") from None
    return None if root is None else _plain_node(root)


def _plain_node(node: yaml.Node) -> Node:
    import yaml

    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        pairs = [(_plain_node(k), _plain_node(v)) for k, v in node.value]
        return Node(MAPPING, node.tag, pairs, line)
    if isinstance(node, yaml.SequenceNode):
        return Node(SEQUENCE, node.tag, [_plain_node(n) for n in node.value], line)
    return Node(SCALAR, node.tag, node.value, line)
