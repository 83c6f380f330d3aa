"""Importing Whoosh without what a search never uses: the start-up cost of a `search` command.

Two imports every Whoosh module pays for and this project never uses (bench/bench_cli.py,
`python -X importtime`, before this module: a fifth of the command's imports):
- `whoosh.compat` does `from urllib.request import urlretrieve` for a WordNet downloader: that
  line loads urllib.request, http.client, email, ssl and socket;
- `whoosh.query.terms` does `from whoosh.lang.morph_en import variations` for the `Variations`
  query (word forms), whose module compiles a few hundred regular expressions on import.
Each is imported with a stand-in module holding a function that imports the real one when first
called; the stand-ins are gone from `sys.modules` afterwards, so anything importing those
modules later gets the real ones.

A third is used: `whoosh.filedb.filetables` hashes every term it looks up with `hashlib.md5`,
and `hashlib` loads OpenSSL's libcrypto (2% of a `search` command's instructions, most of it the
dynamic linker's). Python's own `_md5` gives the same digests: that module gets it, through a
stand-in `hashlib` holding it (when this Python has `_md5`).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any


def _deferred(module: str, name: str) -> Callable[..., Any]:
    """`module.name`, imported when first called."""

    def call(*args: Any, **kwargs: Any) -> Any:
        import importlib

        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = name
    return call


# (module to stand in for, its function Whoosh imports, the Whoosh module that imports it)
_STAND_INS = (
    ("urllib.request", "urlretrieve", "whoosh.compat"),
    ("whoosh.lang.morph_en", "variations", "whoosh.query.terms"),
)


def _own_md5() -> Callable[..., Any] | None:
    try:
        from _md5 import md5
    except ImportError:  # a Python built without it: hashlib's, then
        return None
    return md5


def import_whoosh() -> None:
    """Import Whoosh's query modules with the stand-ins in place. Does nothing for a module
    that is loaded already (the stand-in would not be used)."""
    stand_ins: list[tuple[str, str, str, Callable[..., Any]]] = [
        (module, name, importer, _deferred(module, name))
        for module, name, importer in _STAND_INS
    ]
    md5 = _own_md5()
    if md5 is not None:
        stand_ins.append(("hashlib", "md5", "whoosh.filedb.filetables", md5))
    for module, name, importer, function in stand_ins:
        if importer in sys.modules or module in sys.modules:
            continue
        stand_in = types.ModuleType(module)
        setattr(stand_in, name, function)
        sys.modules[module] = stand_in
        try:
            __import__(importer)
        finally:
            if sys.modules.get(module) is stand_in:
                del sys.modules[module]
