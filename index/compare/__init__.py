"""Comparing two articles: the passages they share, the sentences they pair, whether each pair
says the same thing and where it differs, the quotes they have in common, and what each says
alone. `compare(a, b) -> Alignment` is the entry point; it is pure and deterministic.

- `alignment`: `compare`, which runs the steps below and works out the similarity figure.
- `records`: what it returns (`Alignment`, `SharedPassage`, `SentencePair`, `QuoteMatch`, ...)
  and their JSON.
- `text`: words, letter trigrams, shared runs of words, sentence boundaries, stems.
- `sentences`: each side's sentences and the one-to-one pairs between them (the link).
- `quotes`: quotes and their speakers in one text, matched across the two.
- `verdict`: does a pair say the same thing (`agree`/`differs`, a score)?
- `differences`: which words differ inside a pair or a quote, and of what kind.
"""

from newsreader.index.compare.alignment import compare
from newsreader.index.compare.differences import Difference, describe
from newsreader.index.compare.records import (
    Alignment,
    Quote,
    QuoteMatch,
    SentencePair,
    SharedPassage,
    Span,
)
from newsreader.index.compare.verdict import Judgement, judge

__all__ = [
    "Alignment",
    "Difference",
    "Judgement",
    "Quote",
    "QuoteMatch",
    "SentencePair",
    "SharedPassage",
    "Span",
    "compare",
    "describe",
    "judge",
]
