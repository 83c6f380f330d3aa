"""Sentences of each side and the one-to-one pairs between them.

`Side` cuts an article's body into words, sentences (each with its content stems, names and
numbers marked, and letter trigrams) and quotes. `pair_sentences` pairs sentences one to one:
scored by idf-weighted content stems (names and numbers up-weighted) blended with letter
trigrams; the sentences carrying one matched statement quote pair first; next to a pair, a
neighbouring pair needs less in common. The score here is the *link* strength: how surely two
sentences are about the same thing; whether they say the same is `verdict`'s question.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from newsreader.index.compare import text as tx
from newsreader.index.compare.quotes import find_quotes, is_statement
from newsreader.index.compare.records import QuoteMatch, Span

PAIR_THRESHOLD = 0.4  # sentence pairs scoring below this are not reported
# Next to a pair, a sentence pair needs only this score and this many content words in common.
NEIGHBOUR_THRESHOLD = 0.25
NEIGHBOUR_COMMON = 3
# A word stem in more sentences than this (of both texts together) says nothing about which
# sentences or quotes correspond; it is left out, which keeps huge or repetitive texts fast.
MAX_POSTINGS = 200
_ENTITY_BOOST = 1.5  # names and numbers are strong evidence that two sentences tell the same


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    first: int  # index of its first word
    last: int  # one past its last word
    stems: dict[str, bool] = field(default_factory=dict)  # content stem -> is a name/number
    grams: frozenset[str] = frozenset()


class Side:
    """One article's body cut into words, sentences and quotes."""

    def __init__(self, body: str) -> None:
        self.body = body
        toks = tx.words(body)
        self.norms = [t[0] for t in toks]
        self.starts = [t[1] for t in toks]
        self.ends = [t[2] for t in toks]
        self.covered = bytearray(len(toks))
        self.sentences: list[_Sentence] = []
        for start, end in tx.sentences(body):
            first, last = bisect_left(self.starts, start), bisect_left(self.starts, end)
            sent = _Sentence(start, end, first, last)
            for t in range(first, last):
                norm = self.norms[t]
                if norm in tx.STOPWORDS:
                    continue
                head = body[self.starts[t]]
                entity = head.isdigit() or (head.isupper() and t != first)
                key = tx.stem(norm)
                sent.stems[key] = sent.stems.get(key, False) or entity
            sent.grams = tx.trigrams(sent.stems)
            self.sentences.append(sent)
        self.sentence_starts = [s.start for s in self.sentences]
        self.quotes = find_quotes(body)

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.body[start:end])

    def sentences_over(self, span: Span) -> list[int]:
        n = max(0, bisect_right(self.sentence_starts, span.start) - 1)
        found = []
        while n < len(self.sentences) and self.sentences[n].start < span.end:
            if span.start < self.sentences[n].end:
                found.append(n)
            n += 1
        return found

    def uncovered(self, sent: _Sentence) -> int:
        return (sent.last - sent.first) - self.covered.count(1, sent.first, sent.last)


def idf_of(sa: Side, sb: Side) -> dict[str, float]:
    df: dict[str, int] = {}
    for sent in sa.sentences + sb.sentences:
        for key in sent.stems:
            df[key] = df.get(key, 0) + 1
    total = len(sa.sentences) + len(sb.sentences)
    return {key: math.log(1 + total / count) for key, count in df.items() if count <= MAX_POSTINGS}


def _weights(stems: dict[str, bool], idf: dict[str, float]) -> dict[str, float]:
    return {k: idf[k] * (_ENTITY_BOOST if ent else 1.0) for k, ent in stems.items() if k in idf}


def pair_sentences(
    sa: Side, sb: Side, idf: dict[str, float], qmatches: list[QuoteMatch]
) -> list[tuple[int, int, float, bool]]:
    """One-to-one sentence pairs (index in A, index in B, score, via a quote), best first.

    Sentences wholly inside shared passages are left out: they already have their counterpart.
    Pairs carrying a matched quote go first, since the same quote is stronger evidence of the
    same statement than any overlap of words.
    """
    wa = {
        i: w
        for i, s in enumerate(sa.sentences)
        if sa.uncovered(s) and (w := _weights(s.stems, idf))
    }
    wb = {
        j: w
        for j, s in enumerate(sb.sentences)
        if sb.uncovered(s) and (w := _weights(s.stems, idf))
    }
    na = {i: math.sqrt(sum(w * w for w in v.values())) for i, v in wa.items()}
    nb = {j: math.sqrt(sum(w * w for w in v.values())) for j, v in wb.items()}
    postings: dict[str, list[int]] = {}
    for j in wb:
        for key in wb[j]:
            postings.setdefault(key, []).append(j)

    def score(i: int, j: int, dot: float | None = None) -> float:
        if dot is None:
            dot = sum(wa[i][k] * wb[j][k] for k in sorted(wa[i].keys() & wb[j].keys()))
        if not dot:
            return 0.0
        grams = tx.dice(sa.sentences[i].grams, sb.sentences[j].grams)
        # Rounded so that the sum's order (A's words or B's) cannot tip a tie either way.
        return round(0.7 * dot / (na[i] * nb[j]) + 0.3 * grams, 6)

    candidates: list[tuple[bool, float, int, int]] = []
    # The trigram part can add at most its weight: pairs whose words alone cannot reach the
    # threshold are not scored in full.
    floor = (PAIR_THRESHOLD - 0.3) / 0.7
    for i in wa:
        dots: dict[int, float] = {}
        counts: dict[int, int] = {}
        for key, weight in wa[i].items():
            for j in postings.get(key, ()):
                dots[j] = dots.get(j, 0.0) + weight * wb[j][key]
                counts[j] = counts.get(j, 0) + 1
        for j, dot in dots.items():
            if (
                counts[j] >= 2
                and dot >= floor * na[i] * nb[j]
                and (s := score(i, j, dot)) >= PAIR_THRESHOLD
            ):
                candidates.append((False, s, i, j))
    for m in qmatches:
        if not is_statement(m):
            continue  # a shared phrase or title in quote marks says nothing about the sentences
        best: tuple[float, int, int] | None = None
        for i in sa.sentences_over(m.a.span):
            for j in sb.sentences_over(m.b.span):
                if i in wa and j in wb:
                    s = score(i, j)
                    if best is None or s > best[0]:
                        best = (s, i, j)
        if best is not None:
            candidates.append((True, max(best[0], m.score), best[1], best[2]))

    candidates.sort(key=lambda c: (not c[0], -c[1], c[2] + c[3], c[2], c[3]))
    taken_a, taken_b = set[int](), set[int]()
    pairs: list[tuple[int, int, float, bool]] = []
    for via, s, i, j in candidates:
        if i not in taken_a and j not in taken_b:
            taken_a.add(i)
            taken_b.add(j)
            pairs.append((i, j, s, via))
    # Context: the sentence right after (or before) a pair, next to the one right after (or
    # before) its partner, needs less in common to count as the same statement; outlets
    # reporting the same remarks tend to keep their order.
    # In rounds, best first, so that the result does not depend on which side is A.
    fresh = [(i, j) for i, j, _, _ in pairs]
    while fresh:
        nearby: list[tuple[float, int, int]] = []
        for i, j in fresh:
            for x, y in ((i + 1, j + 1), (i - 1, j - 1)):
                if x in wa and y in wb and x not in taken_a and y not in taken_b:
                    if len(wa[x].keys() & wb[y].keys()) < NEIGHBOUR_COMMON:
                        continue
                    if (s := score(x, y)) >= NEIGHBOUR_THRESHOLD:
                        nearby.append((s, x, y))
        nearby.sort(key=lambda c: (-c[0], c[1] + c[2], c[1], c[2]))
        fresh = []
        for s, x, y in nearby:
            if x not in taken_a and y not in taken_b:
                taken_a.add(x)
                taken_b.add(y)
                pairs.append((x, y, s, False))
                fresh.append((x, y))
    return pairs
