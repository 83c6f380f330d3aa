"""Key bindings: how a binding's keys are shown, which ones a class declares, and rebinding keys
from config.yaml, checked against what Textual knows.

The help screen, the command palette, the search status and the config check all use these;
none of them needs a screen, so this module imports none (`tui.app.HELP_SECTIONS` lists where
bindings live).

Users write keys the way they type them (`/`, `?`, `ctrl+f`); Textual's keymap wants key names
(`slash`, `question_mark`). `Binding.make_bindings` does that translation for `BINDINGS`, so the
same public API normalises the config's keys here. It accepts any string, though: a key name no
terminal sends (`ctrl+shift+banana`) would replace a working key with a dead one, so each key is
checked first, and a bad one is a config error for the CLI and a warning in the reader, which
keeps that binding's default.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, NoReturn

from textual.binding import Binding
from textual.keys import REPLACED_KEYS, Keys, key_to_character

from newsreader.index.config import Settings
from newsreader.tui.config_check import located

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


def bindings_of(node_type: type[DOMNode]) -> Iterator[Binding]:
    """The bindings a class declares itself, with an id (the ones users can rebind)."""
    for item in node_type.__dict__.get("BINDINGS", []):
        binding = item if isinstance(item, Binding) else Binding(*item)
        if binding.id:
            yield binding


def binding_ids(classes: Iterable[type[DOMNode]]) -> list[str]:
    """The ids of the bindings `classes` declare, in order."""
    return [b.id for cls in classes for b in bindings_of(cls) if b.id]


def key_display(app: App[object], binding: Binding, keymap: Mapping[str, str]) -> str:
    """How the keys of `binding` are shown, after the user's rebinding (`keymap`: binding id
    -> keys, as `build_keymap` made it)."""
    keys = keymap.get(binding.id or "", binding.key)
    return ", ".join(
        app.get_key_display(binding.with_key(key.strip(), key_display=None))
        for key in keys.split(",")
        if key.strip()
    )


@lru_cache(maxsize=1)
def _named_keys() -> frozenset[str]:
    """Key names a terminal sends: Textual's special keys (`f5`, `pageup`, `escape`, ...) and
    the names of the printable ASCII characters (`slash`, `question_mark`, ...)."""
    names = {k.value for k in Keys if "+" not in k.value and not k.value.startswith("<")}
    names.update(REPLACED_KEYS)
    # (A comma separates keys in a binding, so Textual cannot take it alone: it is `comma`.)
    names.update(_char_name(c) for c in string.printable if not c.isspace() and c != ",")
    names.add("comma")
    return frozenset(names)


def _char_name(character: str) -> str:
    """Textual's key name of one character (`/` -> `slash`)."""
    return next(iter(Binding.make_bindings([Binding(character, "noop")]))).key


def check_key(key: str) -> str:
    """One key as a Textual key name (`ctrl+/` -> `ctrl+slash`); raises ValueError naming what
    is wrong for a key no terminal sends."""
    if len(key) == 1:
        return _char_name(key) if key.isprintable() else _bad(key, key)
    *mods, base = key.split("+")
    for mod in mods:
        if mod.lower() not in MODIFIERS:
            raise ValueError(
                f"unknown modifier {mod!r} in {key!r} (expected {', '.join(MODIFIERS)})"
            )
    if len(base) == 1 and base.isprintable():
        name = _char_name(base)
    elif base in _named_keys() or _is_named_letter(base):
        name = base
    else:
        return _bad(base, key)
    return "+".join([*(m.lower() for m in mods), name])


def _is_named_letter(name: str) -> bool:
    # Textual names a non-ASCII key by its Unicode name (`latin_small_letter_e_with_acute`).
    # Only letters and digits count: `banana` is a Unicode name too (of an emoji no keyboard has).
    character = key_to_character(name)
    return character is not None and character.isalnum()


def _bad(name: str, key: str) -> NoReturn:
    where = f" in {key!r}" if name != key else ""
    raise ValueError(
        f"unknown key name {name!r}{where} (keys look like a, R, /, f5, pageup, ctrl+f, "
        "shift+tab)"
    )


def normalize_keys(keys: str) -> str:
    """`"/, ctrl+f"` -> `"slash,ctrl+f"`; raises ValueError for an empty key list or a key
    that is not one (see `check_key`)."""
    parts = [k.strip() for k in keys.split(",") if k.strip()]
    if not parts:
        raise ValueError("no key given")
    return ",".join(check_key(part) for part in parts)


def build_keymap(
    keys: Mapping[str, str], known: Iterable[str], settings: Settings | None = None
) -> tuple[dict[str, str], list[str]]:
    """The keymap to give `App.set_keymap`, and one problem per id or key that cannot be used
    (naming the config file and line when `settings` came from one). A binding with a problem
    is left out of the keymap, so it keeps its default keys."""
    known_ids = set(known)
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for given, value in keys.items():
        # Screen-wide and app-wide bindings may be named without their prefix: `search` for
        # `main.search`, `quit` for `app.quit` (as README and config.yaml show).
        binding_id = next(
            (c for c in (given, f"main.{given}", f"app.{given}") if c in known_ids), None
        )
        if binding_id is None:
            problems.append(located(settings, f"keys.{given}",
                                     "unknown binding id (press ? in the reader to list them)"))
            continue
        try:
            keymap[binding_id] = normalize_keys(value)
        except ValueError as exc:
            problems.append(located(settings, f"keys.{given}", str(exc)))
    return keymap, problems
