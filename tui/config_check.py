"""The config checks only the UI layer can make (themes are Textual's; binding ids and key
names are checked by `tui.keys.build_keymap`), worded as `index.config.ConfigError` words its
own: `<file>:<line>: <key>: <what is wrong>`.

No Textual import here: the CLI checks `theme:` before every command (cli.main
`_ui_config_problems`), and importing Textual's themes costs 0.15 s (2-core Xeon, 2026-12).
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
