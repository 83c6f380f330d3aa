"""The core stays UI-free: importing every `index` module loads no Textual, Rich, tui, cli."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import newsreader.index

UI = "('textual', 'rich') or m.startswith(('newsreader.tui', 'newsreader.cli'))"


def test_index_imports_no_ui_code() -> None:
    modules = [
        m.name for m in pkgutil.walk_packages(newsreader.index.__path__, "newsreader.index.")
    ]
    assert "newsreader.index.config" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"ui = sorted(m for m in sys.modules if m.split('.')[0] in {UI})\n"
        "print(','.join(ui))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_cli_help_does_not_load_textual_or_whoosh() -> None:
    code = (
        "import sys\n"
        "from newsreader.cli.main import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('textual', 'whoosh')]\n"
        "print('LOADED:' + ','.join(sorted(heavy)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "LOADED:"


def test_the_index_check_child_loads_no_ui_code() -> None:
    # The start-up check of a big library runs `tui.index_check` in a child process: it must
    # stay cheap to start and must never draw anything.
    code = (
        "import sys\n"
        "import newsreader.tui.index_check\n"
        "ui = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print('LOADED:' + ','.join(ui))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "LOADED:"


def test_every_package_folder_is_installed() -> None:
    # setuptools installs only the packages pyproject.toml lists (the folders are mapped to
    # newsreader.* names, so automatic discovery cannot name them): a new subpackage left off the
    # list would work from the repository and be missing from a wheel.
    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    listed = set(config["setuptools"]["packages"])
    mapped = config["setuptools"]["package-dir"]
    found = set()
    for name, folder in mapped.items():
        for init in (root / folder).rglob("__init__.py"):
            found.add(".".join((name, *init.parent.relative_to(root / folder).parts)))
    assert found == listed
