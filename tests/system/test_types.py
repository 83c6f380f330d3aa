"""mypy on `newsreader.index`, strict, and on `newsreader.tui` and `newsreader.cli` with mypy's
defaults (pyproject.toml's [tool.mypy]): the core is fully typed, the UI and the CLI are checked
where they are annotated.

mypy cannot follow setuptools' editable-install finder, and the modules must carry their
installed names (`newsreader.index...`), so it runs on a link tree made here: newsreader/index ->
index/, newsreader/tui -> tui/, newsreader/cli -> cli/.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_finds_nothing(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    package = tmp_path / "newsreader"
    package.mkdir()
    for folder in ("index", "tui", "cli", "samples"):
        (package / folder).symlink_to(ROOT / folder, target_is_directory=True)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(tmp_path / "cache"),
         "-p", "newsreader.index", "-p", "newsreader.tui", "-p", "newsreader.cli"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
