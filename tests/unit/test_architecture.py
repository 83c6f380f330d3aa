"""The core stays UI-free: importing every `index` module loads no Textual, Rich, tui, cli."""

from __future__ import annotations

import ast
import pkgutil
import re
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


def test_the_app_loads_no_stories_code_until_a_story_is_opened() -> None:
    # tui.app imports every screen (HELP_SECTIONS); the stories package loads numpy and scipy
    # (0.6 s on the 2-core machine), so the story screens import it in their workers.
    code = (
        "import sys\n"
        "import newsreader.tui.app\n"
        "heavy = sorted(m for m in sys.modules\n"
        "               if m.split('.')[0] in ('numpy', 'scipy')\n"
        "               or m.startswith('newsreader.index.stories'))\n"
        "print('LOADED:' + ','.join(heavy))\n"
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


# ---- layering, read from the sources (docs/ARCHITECTURE.md, Layering rules) ------------------

ROOT = Path(__file__).resolve().parents[2]


def _imports(
    path: Path, *, module_level_only: bool = False, skip_type_checking: bool = False
) -> list[tuple[int, str]]:
    """(line, module) of every import in `path`; with `module_level_only`, only those run when
    the module is imported (not inside functions, nor under `if TYPE_CHECKING:`); with
    `skip_type_checking`, every one but those under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                found.extend((node.lineno, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.append((node.lineno, node.module))
            if module_level_only:
                if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                    continue
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    if isinstance(node, ast.ClassDef):
                        visit(node.body)
                    continue
                for field in ("body", "orelse", "finalbody", "handlers"):
                    visit(getattr(node, field, []))
            else:
                if (skip_type_checking and isinstance(node, ast.If)
                        and "TYPE_CHECKING" in ast.unparse(node.test)):
                    continue
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.stmt | ast.ExceptHandler):
                        visit([child] if isinstance(child, ast.stmt) else child.body)

    visit(tree.body)
    return found


def _breaches(folder: str, banned: tuple[str, ...], *, module_level: bool = False) -> list[str]:
    """Imports of a `banned` module (or one below it) in the files under `folder`."""
    out = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for line, module in _imports(path, module_level_only=module_level):
            if any(module == b or module.startswith(b + ".") for b in banned):
                out.append(f"{path.relative_to(ROOT)}:{line}: {module}")
    return out


def test_the_source_checks_see_imports() -> None:
    # The checks below would pass on files they cannot read: make sure they can see one.
    assert _breaches("tui/screens", ("textual",), module_level=True)
    assert not _breaches("tui/screens", ("newsreader.cli",))


def test_index_never_imports_ui_code() -> None:
    assert _breaches("index", ("textual", "rich", "newsreader.tui", "newsreader.cli")) == []


def test_widgets_import_no_screens() -> None:
    assert _breaches("tui/widgets", ("newsreader.tui.screens", "newsreader.tui.app")) == []


def test_jobs_import_no_screens_and_no_widgets() -> None:
    # A job (tui/jobs) owns a worker and posts what it found; what the user sees is the
    # screen's to decide.
    banned = ("newsreader.tui.screens", "newsreader.tui.widgets", "newsreader.tui.app")
    assert _breaches("tui/jobs", banned) == []


def test_the_data_side_of_the_reader_imports_no_ui() -> None:
    # The loaders run in worker threads and return the records of tui/models.py: neither
    # touches a widget, so neither imports Textual, Rich or a widget (tests can use them bare).
    banned = ("textual", "rich", "newsreader.tui.widgets", "newsreader.tui.screens",
              "newsreader.tui.app", "newsreader.tui.text")
    for module in ("tui/models.py", "tui/loaders.py"):
        path = ROOT / module
        found = [m for _, m in _imports(path, module_level_only=True)
                 if any(m == b or m.startswith(b + ".") for b in banned)]
        assert found == [], module


def test_nothing_imports_the_app_back() -> None:
    # tui/app.py imports the screens (HELP_SECTIONS); a screen, widget or helper that imported
    # the app, even inside a function, would make a cycle (app -> commands -> help -> app was
    # one). They reach it through `self.app` (screens.base.reader_app); types only under
    # TYPE_CHECKING.
    found = []
    for path in sorted((ROOT / "tui").rglob("*.py")):
        for line, module in _imports(path, skip_type_checking=True):
            if module == "newsreader.tui.app":
                found.append(f"{path.relative_to(ROOT)}:{line}")
    assert found == []


def test_the_cli_imports_no_ui_framework_when_loaded() -> None:
    # Textual, Rich and Whoosh are imported inside the commands that need them.
    banned = ("textual", "rich", "whoosh")
    assert _breaches("cli", banned, module_level=True) == []


def test_importing_patches_nothing_until_install_is_called() -> None:
    modules = [
        m.name for m in pkgutil.walk_packages(newsreader.index.__path__, "newsreader.index.")
    ]
    code = (
        "import importlib\n"
        "from whoosh import writing\n"
        "from whoosh.codec import whoosh3\n"
        "before = (writing.SegmentWriter.add_document, writing.PostingPool,\n"
        "          whoosh3.W3PerDocReader.has_column, whoosh3.W3PerDocReader.doc_field_length)\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "after = (writing.SegmentWriter.add_document, writing.PostingPool,\n"
        "         whoosh3.W3PerDocReader.has_column, whoosh3.W3PerDocReader.doc_field_length)\n"
        "print(before == after)\n"
        "from newsreader.index.store.whoosh import patches\n"
        "patches.install()\n"
        "print(writing.PostingPool.__module__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["True", "newsreader.index.store.whoosh.pool"]


def test_ci_runs_the_readmes_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = readme.split("this is what CI runs):", 1)[1].split("```sh\n", 1)[1].split("\n")[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci == command


def test_every_file_the_docs_link_to_is_in_the_project() -> None:
    # A picture or page linked from the README that is not committed shows as a broken link to
    # every reader of the project's page.
    missing = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s#]+)", text):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (doc.parent / target).exists():
                missing.append(f"{doc.relative_to(ROOT)}: {target}")
    assert missing == []


def test_no_long_module_without_its_reason() -> None:
    # ~400 lines is where a newcomer stops reading a module whole; past it, the module's
    # docstring says why it is one module ("Size: ...").
    long = []
    for folder in ("index", "cli", "tui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            doc = ast.get_docstring(ast.parse(text)) or ""
            if text.count("\n") > 420 and "Size:" not in doc:
                long.append(str(path.relative_to(ROOT)))
    assert long == []
