"""Searching the library.

- `query`: reading the user's query (Whoosh's parser, `simple_query`); `spelling`: the checks,
  plain words and "did you mean", which need no Whoosh.
- `results`: hits with snippets, totals and order; related articles.
- `snippets`: where a query matches inside a text: pane highlights and snippet segments;
  `cutter`: the snippet cutter and span matching, which need no Whoosh.
- `lean`: `search --json` of plain words and phrases without Whoosh (the command's start-up).
"""

from __future__ import annotations

import importlib
from typing import Any

# What each exported name is read from. Looked up on first use (PEP 562), so that importing a
# submodule (`search.lean`) does not import Whoosh through `results`.
_EXPORTS = {
    "ArticleNotFound": "results",
    "Hit": "results",
    "RelatedHit": "results",
    "Results": "results",
    "related": "results",
    "related_json": "results",
    "search": "results",
    "Segment": "snippets",
    "highlight_spans": "snippets",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
