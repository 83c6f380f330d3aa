"""Loading `config.yaml` into typed settings, with errors that name the file, line and key.

Lookup order (docs/ARCHITECTURE.md, Contracts): `--config PATH`, `$NEWSREADER_CONFIG`,
`./config.yaml`, `$XDG_CONFIG_HOME/newsreader/config.yaml`; with none, the built-in samples.

Size: one validator walking the YAML tree, each key with its check and its error; the
feed and key/theme keys could move out next.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from newsreader.index.config_yaml import MAPPING, SCALAR, SEQUENCE, Node, YamlError, compose


def _import_platformdirs() -> None:
    """Import platformdirs with a stand-in `tempfile`: platformdirs.unix imports two of its
    functions for runtime directories, which this project never asks for, and tempfile brings
    shutil and random (4% of a `search` command's instructions). The stand-in's functions
    import the real tempfile when called; it is gone from `sys.modules` afterwards, so anything
    importing tempfile later gets the real one (as `store.whoosh.startup` does for Whoosh)."""
    import sys

    if "platformdirs" in sys.modules or "tempfile" in sys.modules:
        return
    import types

    def deferred(name: str) -> object:
        def call(*args: object, **kwargs: object) -> object:
            import importlib

            return getattr(importlib.import_module("tempfile"), name)(*args, **kwargs)

        return call

    stand_in = types.ModuleType("tempfile")
    stand_in.__getattr__ = deferred  # type: ignore[method-assign]  # any name it imports
    sys.modules["tempfile"] = stand_in
    try:
        import platformdirs  # noqa: F401
    finally:
        if sys.modules.get("tempfile") is stand_in:
            del sys.modules["tempfile"]


_import_platformdirs()
from platformdirs import user_config_path, user_data_path, user_state_path  # noqa: E402

APP_NAME = "newsreader"
MAX_CONFIG_BYTES = 1024 * 1024


class ConfigError(Exception):
    """A configuration problem, as one line: `<file>:<line>: <key>: <what is wrong>`."""


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One folder of articles, or one feed (or OPML file of feeds) fetched into a folder."""

    name: str
    """Shown in the source list and used as the first part of every article id."""
    path: Path
    """The folder, absolute. A feed source's is below `Settings.feeds_dir` (see `feed_source`)."""
    glob: str = "**/*"
    """Which files below the folder to read (pathlib glob)."""
    format: str | None = None
    """Force one format for every file instead of guessing it from the suffix."""
    outlet: str = ""
    """The publication of articles that do not name one themselves."""
    feed: str = ""
    """The feed URL of a `feed:` source; empty for other sources."""
    opml: Path | None = None
    """The OPML file of an `opml:` source, absolute; None for other sources."""
    full_text: str = "auto"
    """Feed sources: `auto` (fetch the page of a teaser entry), `always` or `never`."""

    @property
    def is_feed(self) -> bool:
        """A source whose articles are fetched entries (ids drop the files' `.json`)."""
        return bool(self.feed) or self.opml is not None


FULL_TEXT_MODES = ("auto", "always", "never")


def feed_source(
    name: str,
    feeds_dir: Path,
    *,
    feed: str = "",
    opml: Path | None = None,
    outlet: str = "",
    full_text: str = "auto",
) -> SourceConfig:
    """A `feed:` or `opml:` source: its entries are JSON files in `feeds_dir / name`."""
    return SourceConfig(name, feeds_dir / name, "**/*.json", "json", outlet, feed, opml, full_text)


def default_feeds_dir() -> Path:
    """Where fetched entries live when the config does not say: the per-user data folder."""
    return user_data_path(APP_NAME) / "feeds"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything newsreader needs to know about where things are and how they look."""

    sources: tuple[SourceConfig, ...]
    index_dir: Path
    """Where the Whoosh index lives; never inside a source folder."""
    theme: str = "textual-dark"
    """A Textual theme name."""
    keys: Mapping[str, str] = field(default_factory=dict)
    """Binding id -> keys (comma-separated), to rebind the TUI."""
    config_path: Path | None = None
    """The file these settings came from; None for the built-in sample library."""
    state_dir: Path = field(default_factory=lambda: user_state_path(APP_NAME))
    """Where read/unread state and other user data live."""
    name: str = "newsreader"
    """The library's name, shown in the header."""
    where: Mapping[str, str] = field(default_factory=dict)
    """Config key (`theme`, `keys.search`) -> `<file>:<line>` where it was set: what the UI
    layer's checks (binding ids, key names, themes: only Textual knows them) put in a message."""
    feeds_dir: Path = field(default_factory=default_feeds_dir)
    """Where fetched feed entries are kept (user data: never deleted by newsreader)."""
    fetch_on_start: bool = False
    """The reader fetches every feed when it opens."""

    @property
    def feed_sources(self) -> tuple[SourceConfig, ...]:
        return tuple(s for s in self.sources if s.is_feed)


def samples_dir() -> Path:
    """The sample library shipped with the package."""
    # importlib.resources and hashlib (below) are imported by the function that uses them:
    # every command loads the config, few need these (bench/bench_cli.py).
    from importlib import resources

    return Path(str(resources.files("newsreader.samples")))


def find_config(explicit: Path | None = None) -> Path | None:
    """The config file to use, in the contract's lookup order; None means the built-in samples."""
    if explicit is not None:
        return explicit
    env = os.environ.get("NEWSREADER_CONFIG")
    if env:
        return Path(env)
    local = Path("config.yaml")
    if local.is_file():
        return local.resolve()
    user = user_config_path(APP_NAME) / "config.yaml"
    if user.is_file():
        return user
    return None


def default_index_dir(config_path: Path | None) -> Path:
    """A per-user index folder, one per config file so two libraries never share an index."""
    import hashlib

    resolved = config_path.resolve() if config_path else None
    key = str(resolved) if resolved else "built-in samples"
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    stem = resolved.parent.name if resolved else "samples"
    return user_data_path(APP_NAME) / "indexes" / f"{_slug(stem)}-{digest}"


def settings_for(
    sources: list[SourceConfig] | tuple[SourceConfig, ...],
    index_dir: Path,
    state_dir: Path | None = None,
    **extra: object,
) -> Settings:
    """Settings built in code (tests, benchmarks), bypassing any config file."""
    if state_dir is None:
        state_dir = index_dir.parent / "state"
    extra.setdefault("feeds_dir", index_dir.parent / "feeds")
    # `extra` holds further Settings fields by name; the dataclass checks them when called.
    return Settings(sources=tuple(sources), index_dir=index_dir, state_dir=state_dir, **extra)  # type: ignore[arg-type]


def load_settings(explicit: Path | None = None) -> Settings:
    """Find and load the configuration; raise ConfigError with file, line and key when it is bad."""
    path = find_config(explicit)
    if path is None:
        return builtin_settings()
    return load_config_file(path)


SAMPLE_OUTLETS = {
    "kallenport-herald": "The Kallenport Herald",
    "estmark-courier": "The Estmark Courier",
    "bellwether-review": "Bellwether Review",
    "circuit-signal": "Circuit & Signal",
    "lodestar-wire": "Lodestar Wire",
}
"""The sample library's folders and the outlet each one's articles come from (config.yaml
lists the same): one source per outlet, as a user with folders per publication would have."""


def builtin_settings() -> Settings:
    """The sample library that ships with newsreader."""
    root = samples_dir()
    return Settings(
        sources=tuple(
            SourceConfig(name=folder, path=root / folder, outlet=outlet)
            for folder, outlet in SAMPLE_OUTLETS.items()
        ),
        index_dir=default_index_dir(None),
        name="sample library",
    )


def load_config_file(path: Path) -> Settings:
    """Parse and validate one config file."""
    shown = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{shown}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read config file: {exc.strerror}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{shown}: config file is larger than {MAX_CONFIG_BYTES} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{shown}: not UTF-8 (byte {exc.start})") from None
    try:
        root = compose(text, shown)  # from the cache when this text was read before
    except YamlError as exc:
        raise ConfigError(str(exc)) from None
    return _Validator(path, shown).settings(root)


class _Validator:
    """Turns a YAML node tree into Settings, naming the line and key of anything wrong."""

    TOP_KEYS = (
        "name", "sources", "index_dir", "state_dir", "feeds_dir", "fetch_on_start", "theme",
        "keys",
    )  # fmt: skip
    SOURCE_KEYS = ("name", "path", "feed", "opml", "glob", "format", "outlet", "full_text")
    KINDS = ("path", "feed", "opml")

    def __init__(self, path: Path, shown: str) -> None:
        self.base = path.resolve().parent
        self.path = path
        self.shown = shown

    def error(self, node: Node | None, key: str, message: str) -> ConfigError:
        line = f":{node.line}" if node is not None else ""
        return ConfigError(f"{self.shown}{line}: {key}: {message}")

    def mapping(self, node: Node, key: str, allowed: tuple[str, ...]) -> dict[str, Node]:
        if node.kind != MAPPING:
            raise self.error(node, key, f"expected a mapping, found {_kind(node)}")
        items: dict[str, Node] = {}
        for knode, vnode in node.value:
            name = knode.value if knode.kind == SCALAR else None
            where = f"{key}.{name}" if key else str(name)
            if name not in allowed:
                choices = ", ".join(allowed)
                raise self.error(knode, where, f"unknown key (expected one of: {choices})")
            if name in items:
                raise self.error(knode, where, "key given twice")
            items[name] = vnode
        return items

    def string(self, node: Node, key: str, *, empty: bool = False) -> str:
        if node.kind != SCALAR or node.tag != "tag:yaml.org,2002:str":
            raise self.error(node, key, f"expected a string, found {_kind(node)}")
        value = str(node.value)
        if not empty and not value.strip():
            raise self.error(node, key, "must not be empty")
        return value

    def folder(self, node: Node, key: str) -> Path:
        return (self.base / Path(self.string(node, key)).expanduser()).resolve()

    def settings(self, root: Node | None) -> Settings:
        if root is None:
            raise self.error(None, "sources", "the config file is empty")
        top = self.mapping(root, "", self.TOP_KEYS)
        if "sources" not in top:
            raise self.error(root, "sources", "missing (list the folders of articles to read)")
        feeds_dir = (
            self.folder(top["feeds_dir"], "feeds_dir")
            if "feeds_dir" in top
            else default_feeds_dir()
        )
        sources = self.sources(top["sources"], feeds_dir)
        index_dir = (
            self.folder(top["index_dir"], "index_dir")
            if "index_dir" in top
            else default_index_dir(self.path)
        )
        for source in sources:
            if index_dir.is_relative_to(source.path):
                node = top.get("index_dir", top["sources"])
                raise self.error(
                    node, "index_dir", f"must not be inside the source folder {source.path}"
                )
        extra: dict[str, object] = {"feeds_dir": feeds_dir}
        where: dict[str, str] = {}
        if "fetch_on_start" in top:
            extra["fetch_on_start"] = self.boolean(top["fetch_on_start"], "fetch_on_start")
        if "state_dir" in top:
            extra["state_dir"] = self.folder(top["state_dir"], "state_dir")
        if "theme" in top:
            extra["theme"] = self.string(top["theme"], "theme")
            where["theme"] = self.at(top["theme"])
        if "name" in top:
            extra["name"] = self.string(top["name"], "name")
        if "keys" in top:
            extra["keys"] = self.keys(top["keys"], where)
        return Settings(
            sources=tuple(sources),
            index_dir=index_dir,
            config_path=self.path.resolve(),
            where=where,
            **extra,  # type: ignore[arg-type]  # validated field by field above
        )

    def boolean(self, node: Node, key: str) -> bool:
        if node.kind != SCALAR or node.tag != "tag:yaml.org,2002:bool":
            raise self.error(node, key, f"expected true or false, found {_kind(node)}")
        # PyYAML's reading of the YAML 1.1 booleans its resolver tagged (yes/no, on/off too)
        return str(node.value).lower() in ("yes", "true", "on")

    def feed_url(self, node: Node, key: str) -> str:
        url = self.string(node, key).strip()
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise self.error(node, key, f"expected an http:// or https:// URL, found {url!r}")
        return url

    def sources(self, node: Node, feeds_dir: Path) -> list[SourceConfig]:
        if node.kind != SEQUENCE:
            raise self.error(node, "sources", f"expected a list, found {_kind(node)}")
        result: list[SourceConfig] = []
        seen: set[str] = set()
        for i, item in enumerate(node.value):
            key = f"sources[{i}]"
            fields = self.mapping(item, key, self.SOURCE_KEYS)
            if "name" not in fields:
                raise self.error(item, f"{key}.name", "missing")
            kinds = [k for k in self.KINDS if k in fields]
            if not kinds:
                raise self.error(item, f"{key}.path", "missing (or feed: URL, or opml: PATH)")
            if len(kinds) > 1:
                raise self.error(
                    fields[kinds[1]], f"{key}.{kinds[1]}", f"a source has one of path, feed, opml "
                    f"(this one has {' and '.join(kinds)})",
                )  # fmt: skip
            name = self.string(fields["name"], f"{key}.name").strip()
            if "/" in name or "\\" in name or "#" in name:
                raise self.error(fields["name"], f"{key}.name", "must not contain / \\ or #")
            if name.casefold() in seen:
                raise self.error(fields["name"], f"{key}.name", f"duplicate source name {name!r}")
            seen.add(name.casefold())
            if kinds[0] != "path":
                result.append(self.feed_source(name, kinds[0], fields, key, feeds_dir))
                continue
            if "full_text" in fields:
                raise self.error(
                    fields["full_text"], f"{key}.full_text", "only for feed: and opml: sources"
                )
            path = self.folder(fields["path"], f"{key}.path")
            # A missing folder is not a config error: it may be a drive not mounted right now.
            # The scan warns about it and its articles stay in the index (README, Reliability).
            # Something that is there but is not a folder is a mistake in the config.
            if path.exists() and not path.is_dir():
                raise self.error(fields["path"], f"{key}.path", f"not a folder: {path}")
            glob = self.string(fields["glob"], f"{key}.glob") if "glob" in fields else "**/*"
            fmt = None
            if "format" in fields:
                # Imported here: every command loads the config, and the parsers' modules cost
                # a search command a quarter of its imports (bench/bench_cli.py).
                from newsreader.index.parsing.articles import FORMATS

                fmt = self.string(fields["format"], f"{key}.format").lower()
                if fmt not in FORMATS:
                    raise self.error(
                        fields["format"], f"{key}.format", f"expected one of {', '.join(FORMATS)}"
                    )
            outlet = (
                self.string(fields["outlet"], f"{key}.outlet", empty=True).strip()
                if "outlet" in fields
                else ""
            )
            result.append(SourceConfig(name, path, glob, fmt, outlet))
        return result

    def feed_source(
        self, name: str, kind: str, fields: dict[str, Node], key: str, feeds_dir: Path
    ) -> SourceConfig:
        for only in ("glob", "format"):
            if only in fields:
                raise self.error(fields[only], f"{key}.{only}", "only for path: sources")
        full_text = "auto"
        if "full_text" in fields:
            full_text = self.string(fields["full_text"], f"{key}.full_text").strip().lower()
            if full_text not in FULL_TEXT_MODES:
                raise self.error(
                    fields["full_text"], f"{key}.full_text",
                    f"expected one of {', '.join(FULL_TEXT_MODES)}",
                )  # fmt: skip
        outlet = (
            self.string(fields["outlet"], f"{key}.outlet", empty=True).strip()
            if "outlet" in fields
            else ""
        )
        if kind == "feed":
            url = self.feed_url(fields["feed"], f"{key}.feed")
            return feed_source(name, feeds_dir, feed=url, outlet=outlet, full_text=full_text)
        opml = self.folder(fields["opml"], f"{key}.opml")
        # Like a source folder, a missing OPML file is not a config error (a drive not mounted):
        # fetch reports it. Something there that is not a file is a mistake in the config.
        if opml.exists() and not opml.is_file():
            raise self.error(fields["opml"], f"{key}.opml", f"not a file: {opml}")
        return feed_source(name, feeds_dir, opml=opml, outlet=outlet, full_text=full_text)

    def keys(self, node: Node, where: dict[str, str]) -> dict[str, str]:
        if node.kind != MAPPING:
            raise self.error(node, "keys", f"expected a mapping, found {_kind(node)}")
        keys: dict[str, str] = {}
        for knode, vnode in node.value:
            binding = self.string(knode, "keys")
            if binding in keys:
                raise self.error(knode, f"keys.{binding}", "key given twice")
            keys[binding] = self.string(vnode, f"keys.{binding}")
            where[f"keys.{binding}"] = self.at(knode)
        return keys

    def at(self, node: Node) -> str:
        """`<file>:<line>` of a node, for checks made later (see `Settings.where`)."""
        return f"{self.shown}:{node.line}"


def _kind(node: Node) -> str:
    if node.kind == MAPPING:
        return "a mapping"
    if node.kind == SEQUENCE:
        return "a list"
    tag = node.tag.rsplit(":", 1)[-1]
    names = {"str": "a string", "int": "a number", "float": "a number", "bool": "true/false"}
    return "nothing" if tag == "null" else names.get(tag, tag)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-") or "library"
