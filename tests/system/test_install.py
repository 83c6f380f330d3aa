"""Installing newsreader puts one import name in site-packages: `newsreader.index`,
`newsreader.tui`, `newsreader.cli`, `newsreader.samples`, and no top-level `index`, `tui` or
`cli` that another project may own.

Both installs are checked in a fresh venv, offline: the wheel and the editable wheel are built
here with the test extras' setuptools (setuptools' own build hooks, as pip calls them) and
installed with `--no-deps --no-index`; the dependencies are lent by this test run's environment
through a `.pth` file. The checks run from a folder outside the repository, so the repository's
own top-level folders cannot stand in for the installed package.
"""

from __future__ import annotations

import json
import shutil
import site as sitepackages
import subprocess
import sys
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TOP = {"index": "newsreader.index", "tui": "newsreader.tui", "cli": "newsreader.cli",
       "samples": "newsreader.samples"}

PROBE = r"""
import importlib, importlib.util, json, sys
from importlib import resources
names = json.loads(sys.argv[1])
print(json.dumps({
    "found": {n: importlib.import_module(n).__name__ == n for n in names},
    "top": {n: importlib.util.find_spec(n) is not None for n in ("index", "tui", "cli")},
    "tcss": sorted(p.name for p in resources.files("newsreader.tui").iterdir()
                   if p.name.endswith(".tcss")),
    "samples": sorted(p.name for p in resources.files("newsreader.samples").iterdir()
                      if p.is_dir() and not p.name.startswith("__")),
    "index_file": importlib.import_module("newsreader.index").__file__,
}))
"""


def repo_packages() -> list[str]:
    """Every package folder of the repository, by the name it installs under."""
    names = []
    for folder, name in TOP.items():
        for init in sorted((ROOT / folder).rglob("__init__.py")):
            rel = init.parent.relative_to(ROOT / folder).parts
            names.append(".".join((name, *rel)))
    return names


def build(hook: str, out: Path) -> Path:
    """A wheel built by setuptools' PEP 517/660 hook (`build_wheel` or `build_editable`).

    The regular wheel is built from a copy of the sources, so its build/ folder stays out of
    the repository; the editable one must point at the repository itself."""
    source = ROOT
    if hook == "build_wheel":
        source = out.parent / "source"
        source.mkdir()
        for name in ("pyproject.toml", "README.md", *TOP):
            copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
            copy(ROOT / name, source / name)  # type: ignore[operator]
    code = f"from setuptools import build_meta; print(build_meta.{hook}({str(out)!r}))"
    done = subprocess.run([sys.executable, "-c", code], cwd=source, capture_output=True,
                          text=True, check=True)
    return out / done.stdout.strip().splitlines()[-1]


def install(wheel: Path, where: Path) -> Path:
    """A fresh venv at `where` with `wheel` installed; its python."""
    venv.create(where, with_pip=False, symlinks=True)
    python = where / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True)
    # Lend this environment's dependencies (plain path lines: the .pth files in those folders,
    # such as this environment's own editable install of newsreader, are not read).
    (site,) = (where / "lib").glob("python*/site-packages")
    (site / "_lent_dependencies.pth").write_text("\n".join(sitepackages.getsitepackages()))
    return python


def probe(python: Path, cwd: Path) -> dict[str, object]:
    done = subprocess.run([str(python), "-c", PROBE, json.dumps(repo_packages())], cwd=cwd,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("hook", ["build_wheel", "build_editable"])
def test_installs_under_one_name(hook: str, tmp_path: Path) -> None:
    wheel = build(hook, tmp_path / "dist")
    python = install(wheel, tmp_path / "venv")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    got = probe(python, outside)
    assert got["top"] == {"index": False, "tui": False, "cli": False}
    missing = [name for name, found in got["found"].items() if not found]  # type: ignore[union-attr]
    assert missing == []
    assert "app.tcss" in got["tcss"]  # type: ignore[operator]
    assert "lodestar-wire" in got["samples"]  # type: ignore[operator]
    index_file = Path(str(got["index_file"]))
    if hook == "build_wheel":
        assert (tmp_path / "venv") in index_file.parents
    else:
        assert index_file == ROOT / "index" / "__init__.py"
    # The console script is the entry point, and --version needs no dependency.
    version = subprocess.run([str(tmp_path / "venv" / "bin" / "newsreader"), "--version"],
                             capture_output=True, text=True, cwd=outside)
    assert version.returncode == 0, version.stderr
    assert "0.1.0" in version.stdout
