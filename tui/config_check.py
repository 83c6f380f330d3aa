"""The config checks only the UI layer can make (binding ids, key names, themes are Textual's),
worded as `index.config.ConfigError` words its own: `<file>:<line>: <key>: <what is wrong>`.

No Textual import at module level: the CLI runs these before every command whose config sets
`theme:` or `keys:`, and importing Textual's themes costs 0.15 s (2-core Xeon, 2026-12).
"""

from __future__ import annotations

from collections.abc import Iterable

from newsreader.index.config import Settings

THEMES = (
    "textual-dark", "textual-light", "nord", "gruvbox", "catppuccin-mocha", "dracula",
    "tokyo-night", "monokai", "flexoki", "catppuccin-latte", "catppuccin-frappe",
    "catppuccin-macchiato", "solarized-light", "solarized-dark", "rose-pine", "rose-pine-moon",
    "rose-pine-dawn", "atom-one-dark", "atom-one-light", "ansi-dark", "ansi-light",
)
"""Textual's built-in themes (`textual.theme.BUILTIN_THEMES`; tests/test_cli_library.py checks
the two agree), so the CLI can check `theme:` without importing Textual."""


def located(settings: Settings | None, key: str, message: str) -> str:
    """`<file>:<line>: <key>: <message>` when the config file set `key`, else `<key>: ...`."""
    where = settings.where.get(key) if settings is not None else None
    return f"{where}: {key}: {message}" if where else f"{key}: {message}"


def theme_problem(settings: Settings, available: Iterable[str] = THEMES) -> str | None:
    """Why `settings.theme` cannot be used, or None when it can."""
    names = list(available)
    if settings.theme in names:
        return None
    return located(settings, "theme",
                   f"unknown theme {settings.theme!r} (expected one of: {', '.join(names)})")


def config_problems(settings: Settings) -> list[str]:
    """Every problem of the config's `theme:` and `keys:`, one line each: what the CLI reports
    as a config error (the reader warns and keeps the defaults instead)."""
    problems: list[str] = []
    theme = theme_problem(settings)
    if theme:
        problems.append(theme)
    if settings.keys:
        # Binding ids live on the screens: only a config that rebinds pays for importing them.
        from newsreader.tui.keys import build_keymap
        from newsreader.tui.screens.help import all_binding_ids

        problems += build_keymap(settings.keys, all_binding_ids(), settings)[1]
    return problems
