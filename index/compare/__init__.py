"""Comparing two articles: the passages they share, the sentences one paraphrases from the
other, the quotes they have in common, and what each says alone.

- `alignment`: `compare(a, b) -> Alignment`.
- `text`: words, sentences, stems and quoted passages of plain text.
"""

from newsreader.index.compare.alignment import (
    Alignment,
    Quote,
    QuoteMatch,
    SentencePair,
    SharedPassage,
    Span,
    compare,
)

__all__ = [
    "Alignment",
    "Quote",
    "QuoteMatch",
    "SentencePair",
    "SharedPassage",
    "Span",
    "compare",
]
