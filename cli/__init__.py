"""The `newsreader` command line: argument parsing, the commands, and the text report of a compare.

`main` is the console entry point. No Textual or Whoosh import at module level, so `--help` and
`--version` stay quick.
"""

from __future__ import annotations

import sys
import types


def _dataclasses_without_inspect() -> None:
    """Import `dataclasses` with a stand-in for `inspect`, which it imports at the top for one
    call (`inspect.signature`, the docstring of a dataclass that has none). `inspect` (with
    ast, dis and tokenize) was an eighth of a `search` command's imports (bench/bench_cli.py);
    the stand-in imports the real module on first use, and is gone from `sys.modules`
    afterwards so that any later `import inspect` gets the real one."""
    if "dataclasses" in sys.modules or "inspect" in sys.modules:
        return
    stand_in = types.ModuleType("inspect")

    def real(name: str) -> object:
        if name.startswith("__"):  # the import system's own questions (__path__, __spec__...)
            raise AttributeError(name)
        import importlib

        return getattr(importlib.import_module("inspect"), name)

    stand_in.__getattr__ = real  # type: ignore[method-assign]  # (PEP 562)
    sys.modules["inspect"] = stand_in
    try:
        import dataclasses  # noqa: F401
    finally:
        if sys.modules.get("inspect") is stand_in:
            del sys.modules["inspect"]


_dataclasses_without_inspect()
