"""Cutting a hit's snippet out of its text, and the spans a query's terms and phrases cover:
the part of `snippets` that needs no Whoosh (a `search --json` command of plain words reads
the index without importing Whoosh, `index.search.lean`, and cuts its snippets here).

`snippets` re-exports all of it: there is one implementation, so both paths give the same
segments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsreader.index.distance import edit_distance

if TYPE_CHECKING:
    from whoosh import query as wq

# (position, startchar, endchar, analysed text)
Token = tuple[int, int, int, str]
Span = tuple[int, int]

SNIPPET_CHARS = 260  # total length aimed at for the fragments of one snippet
CONTEXT = 60  # characters of context on each side of a fragment's matches
FRAGMENT_CHARS = 120  # how far apart the matches grouped into one fragment may be
MAX_FRAGMENTS = 3
LEAD_CHARS = 200  # the start of the body shown when no body term matched
SEPARATOR = " … "
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of snippet text; `match` marks the words the query matched. Plain text, never
    markup: renderers escape it."""

    text: str
    match: bool


@dataclass(frozen=True, slots=True)
class TermSpec:
    """What a query looks for in one field, as analysed terms. NOT-ed parts are left out."""

    words: frozenset[str] = frozenset()
    prefixes: tuple[tuple[str, str], ...] = ()  # (as written, stemmed)
    patterns: tuple[re.Pattern[str], ...] = ()
    fuzzy: tuple[tuple[str, int, int], ...] = ()  # (word as written, maxdist, prefixlength)
    phrases: tuple[tuple[tuple[str, ...], int], ...] = ()  # (words, slop)
    leaves: tuple[wq.Query, ...] = ()  # the expanding leaves (prefix, wildcard, fuzzy)

    def __bool__(self) -> bool:
        return bool(self.words or self.prefixes or self.patterns or self.fuzzy or self.phrases)

    def matches(self, term: str, word: str = "") -> bool:
        """Whether the analysed `term` (lowercased `word` as written) matches one of the
        single-word parts of the spec."""
        if term in self.words:
            return True
        if any(term.startswith(s) or word.startswith(p) for p, s in self.prefixes):
            return True
        if any(p.match(term) or (word and p.match(word)) for p in self.patterns):
            return True
        for text, maxdist, prefixlength in self.fuzzy:
            # Fuzzy terms are measured on the word as written (see query.WordFuzzy), or on the
            # stem for fields without a spelling field.
            candidate = word if word else term
            if candidate[:prefixlength] == text[:prefixlength] and (
                edit_distance(candidate, text, maxdist) <= maxdist
            ):
                return True
        return False


def match_spans(
    tokens: Sequence[Token], spec: TermSpec, single: Callable[[Token], bool]
) -> list[Span]:
    """Sorted, non-overlapping character spans of the tokens `single` accepts and of every
    occurrence of the spec's phrases (one span from the first word to the last). `tokens` must
    be sorted by position."""
    spans = [(t[1], t[2]) for t in tokens if single(t)]
    if spec.phrases:
        wanted = {w for words, _slop in spec.phrases for w in words}
        spans += phrase_spans([t for t in tokens if t[3] in wanted], spec)
    return _merge(spans)


def phrase_spans(tokens: Sequence[Token], spec: TermSpec) -> list[Span]:
    """One span per occurrence of each of the spec's phrases; `tokens` (sorted by position)
    need only hold the tokens of phrase words."""
    spans: list[Span] = []
    by_pos = {pos: (s, e, text) for pos, s, e, text in tokens}
    for words, slop in spec.phrases:
        for pos, s, _e, text in tokens:
            if text == words[0]:
                end = _phrase_end(by_pos, pos, words, slop)
                if end is not None:
                    spans.append((s, end))
    return spans


def _phrase_end(
    by_pos: dict[int, tuple[int, int, str]], pos: int, words: tuple[str, ...], slop: int
) -> int | None:
    end = by_pos[pos][1]
    for word in words[1:]:
        for p in range(pos + 1, pos + slop + 1):
            hit = by_pos.get(p)
            if hit is not None and hit[2] == word:
                pos, end = p, hit[1]
                break
        else:
            return None
    return end


def _merge(spans: list[Span]) -> list[Span]:
    spans.sort()
    out: list[Span] = []
    for s, e in spans:
        if out and s < out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def snippet(text: str, spans: Sequence[Span]) -> tuple[Segment, ...]:
    """Up to MAX_FRAGMENTS fragments of `text` around `spans` (about SNIPPET_CHARS in all),
    matches marked, whitespace collapsed, fragments joined by " … ". With no spans: the start of
    the text."""
    if not text:
        return ()
    if not spans:
        end = _word_end(text, min(len(text), LEAD_CHARS))
        return _segments(text, 0, end, [])
    frags = _fragments(text, spans)
    out: list[Segment] = []
    for k, (start, end, inner) in enumerate(frags):
        if k:
            out.append(Segment(SEPARATOR, False))
        out.extend(_segments(text, start, end, inner))
    return _tidy(out)


def _fragments(text: str, spans: Sequence[Span]) -> list[tuple[int, int, list[Span]]]:
    groups: list[list[Span]] = []
    for span in spans:
        if groups and span[1] - groups[-1][0][0] <= FRAGMENT_CHARS:
            groups[-1].append(span)
        else:
            groups.append([span])

    # Prefer fragments showing the most distinct matched words, then the earliest.
    def distinct(g: list[Span]) -> int:
        return len({text[s:e].lower() for s, e in g})

    ranked = sorted(range(len(groups)), key=lambda i: (-distinct(groups[i]), i))
    chosen: list[int] = []
    budget = SNIPPET_CHARS
    for i in ranked:
        if len(chosen) == MAX_FRAGMENTS or budget <= 0:
            break
        g = groups[i]
        chosen.append(i)
        budget -= g[-1][1] - g[0][0] + 2 * CONTEXT
    frags: list[tuple[int, int, list[Span]]] = []
    context = CONTEXT if len(chosen) > 1 else CONTEXT + 40
    for i in sorted(chosen):
        g = groups[i]
        start = _word_start(text, max(0, g[0][0] - context))
        end = _word_end(text, min(len(text), g[-1][1] + context))
        if frags and start <= frags[-1][1]:
            prev = frags[-1]
            frags[-1] = (prev[0], max(prev[1], end), prev[2] + g)
        else:
            frags.append((start, end, list(g)))
    return frags


def _word_start(text: str, i: int) -> int:
    """`i` moved forward to the start of a word, unless that loses too much."""
    if i == 0 or text[i - 1].isspace():
        return i
    j = i
    while j < len(text) and j - i < 15 and not text[j].isspace():
        j += 1
    return j + 1 if j < len(text) and text[j].isspace() else i


def _word_end(text: str, i: int) -> int:
    """`i` moved back to the end of a word, unless that loses too much."""
    if i >= len(text) or text[i].isspace():
        return i
    j = i
    while j > 0 and i - j < 15 and not text[j - 1].isspace():
        j -= 1
    return j - 1 if j > 0 and text[j - 1].isspace() else i


def _segments(text: str, start: int, end: int, spans: Sequence[Span]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    cur = start
    for s, e in spans:
        if s < cur or e > end:
            continue
        if s > cur:
            out.append(Segment(_SPACE.sub(" ", text[cur:s]), False))
        out.append(Segment(_SPACE.sub(" ", text[s:e]), True))
        cur = e
    if cur < end:
        out.append(Segment(_SPACE.sub(" ", text[cur:end]), False))
    return _tidy(out)


def _tidy(segments: list[Segment]) -> tuple[Segment, ...]:
    """Adjacent segments of the same kind joined, empty ones dropped, the ends stripped."""
    out: list[Segment] = []
    for seg in segments:
        if not seg.text:
            continue
        if out and out[-1].match == seg.match:
            out[-1] = Segment(out[-1].text + seg.text, seg.match)
        else:
            out.append(seg)
    if out and not out[0].match:
        out[0] = Segment(out[0].text.lstrip(), False)
    if out and not out[-1].match:
        out[-1] = Segment(out[-1].text.rstrip(), False)
    return tuple(s for s in out if s.text)
