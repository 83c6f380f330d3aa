"""Searching the library.

- `query`: reading the user's query (Whoosh's parser, checks, "did you mean").
- `results`: hits with snippets, totals and order; related articles.
- `snippets`: where a query matches inside a text: pane highlights and snippet segments.
"""

from newsreader.index.search.results import (
    ArticleNotFound,
    Hit,
    RelatedHit,
    Results,
    related,
    related_json,
    search,
)
from newsreader.index.search.snippets import Segment, highlight_spans

__all__ = [
    "ArticleNotFound",
    "Hit",
    "RelatedHit",
    "Results",
    "Segment",
    "highlight_spans",
    "related",
    "related_json",
    "search",
]
