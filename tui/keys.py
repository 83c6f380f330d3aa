"""Rebinding keys from config.yaml: binding ids -> Textual key names.

Users write keys the way they type them (`/`, `?`, `ctrl+f`); Textual's keymap wants key names
(`slash`, `question_mark`). `Binding.make_bindings` does that translation for `BINDINGS`, so the
same public API normalises the config's keys here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.binding import Binding


def normalize_keys(keys: str) -> str:
    """`"/, ctrl+f"` -> `"slash,ctrl+f"`; raises ValueError for an empty key list."""
    parts = [k.strip() for k in keys.split(",") if k.strip()]
    if not parts:
        raise ValueError("no key given")
    names: list[str] = []
    for part in parts:
        bindings = list(Binding.make_bindings([Binding(part, "noop")]))
        names.extend(b.key for b in bindings)
    return ",".join(names)


def build_keymap(keys: Mapping[str, str], known: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """The keymap to give `App.set_keymap`, and one warning per id or key that cannot be used."""
    known_ids = set(known)
    keymap: dict[str, str] = {}
    warnings: list[str] = []
    for given, value in keys.items():
        # Screen-wide and app-wide bindings may be named without their prefix: `search` for
        # `main.search`, `quit` for `app.quit` (as README and config.yaml show).
        binding_id = next(
            (c for c in (given, f"main.{given}", f"app.{given}") if c in known_ids), None
        )
        if binding_id is None:
            warnings.append(f"keys: unknown binding id {given!r} (press ? to list them)")
            continue
        try:
            keymap[binding_id] = normalize_keys(value)
        except ValueError as exc:
            warnings.append(f"keys.{binding_id}: {exc}")
    return keymap, warnings
