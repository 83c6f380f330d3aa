"""Align two articles: the passages they share, the sentences they paraphrase, the quotes they
have in common, and what each says alone.

`compare` is a pure, deterministic function of two Articles (stdlib only). All spans are
character offsets into each article's `body`.

- Shared passages: greedy string tiling of the normalised words (case, punctuation, quote styles,
  dashes and whitespace do not count), runs of at least `min_words`; every run of that many
  words common to both is covered, on one side at least, by a reported passage.
- Paraphrase pairs: one-to-one sentence pairs scored by idf-weighted content stems (names and
  numbers up-weighted) blended with letter trigrams; the sentences carrying one matched
  statement quote pair first; next to a pair, a neighbouring pair needs less in common.
- Quotes: matched one-to-one across the sides by the speaker's surname (allowing for
  transliterated spellings) and their content, worded alike or not.

Similarity: the share of all words of both articles that have a counterpart on the other side,
`(matched_a + matched_b) / (words_a + words_b)`, where a side's matched words are its words inside
shared passages plus, for each paraphrase pair, the pair's score times the words of its
sentence that lie outside shared passages. Identical bodies give 1.0; no common run and no pair
give 0.0. `shared_share_a`/`shared_share_b` count shared passages only, per side.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from newsreader.index.compare import text as tx
from newsreader.index.compare.verdict import Difference, judge, quote_differences
from newsreader.index.model import Article

PAIR_THRESHOLD = 0.4  # sentence pairs scoring below this are not reported
# Next to a pair, a sentence pair needs only this score and this many content words in common.
NEIGHBOUR_THRESHOLD = 0.25
NEIGHBOUR_COMMON = 3
QUOTE_SAME_SPEAKER = 0.2  # content agreement enough for two quotes of one speaker to match
# A word stem in more sentences than this (of both texts together) says nothing about which
# sentences or quotes correspond; it is left out, which keeps huge or repetitive texts fast.
_MAX_POSTINGS = 200
_ENTITY_BOOST = 1.5  # names and numbers are strong evidence that two sentences tell the same


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of one article's body: `body[start:end] == text`."""

    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "span": [self.start, self.end]}


@dataclass(frozen=True, slots=True)
class SharedPassage:
    """A maximal run of words (normalised) common to both sides, numbered in A's order."""

    number: int
    a: Span
    b: Span
    words: int

    @property
    def text(self) -> str:
        return self.a.text

    def to_json(self) -> dict[str, object]:
        return {
            "n": self.number,
            "text": self.a.text,
            "a": [self.a.start, self.a.end],
            "b": [self.b.start, self.b.end],
            "b_text": self.b.text,
            "words": self.words,
        }


@dataclass(frozen=True, slots=True)
class SentencePair:
    """Two sentences about the same thing. `score` (0..1) orders pairs by how surely they say
    the same (see `verdict`); `verdict` is "agree" or "differs", `differences` what differs
    with spans into each body; `link` (0..1) is how strongly the alignment ties the two."""

    a: Span
    b: Span
    score: float
    via_quote: bool = False  # the two sentences carry the same (matched) quote
    link: float = 0.0
    verdict: str = "agree"
    differences: tuple[Difference, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "a": self.a.text,
            "b": self.b.text,
            "score": round(self.score, 3),
            "verdict": self.verdict,
            "link": round(self.link, 3),
            "a_span": [self.a.start, self.a.end],
            "b_span": [self.b.start, self.b.end],
            "via_quote": self.via_quote,
            "differences": [d.to_json() for d in self.differences],
        }

    def swapped(self) -> SentencePair:
        return SentencePair(
            self.b,
            self.a,
            self.score,
            self.via_quote,
            self.link,
            self.verdict,
            tuple(sorted((d.swapped() for d in self.differences), key=_difference_order)),
        )


def _difference_order(d: Difference) -> tuple[int, int, int, int]:
    return (*(d.a or (1 << 60, 0)), *(d.b or (1 << 60, 0)))


@dataclass(frozen=True, slots=True)
class Quote:
    """A quoted passage (the words inside the marks) and its speaker where the text names one."""

    span: Span
    speaker: str | None


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """The same quote on both sides, worded alike or not; `score` in 0..1. `differences`: the
    quote given to different speakers (`attribution`), words one side has in other wording."""

    a: Quote
    b: Quote
    score: float
    differences: tuple[Difference, ...] = ()

    @property
    def speaker(self) -> str | None:
        """The speaker as named on either side, the fuller name when both name one
        ("Andrey Rudenko" over "Rudenko"); A's on a tie."""
        x, y = self.a.speaker, self.b.speaker
        if x and y:
            return y if len(y.split()) > len(x.split()) else x
        return x or y


@dataclass(frozen=True, slots=True)
class Alignment:
    """What `compare(a, b)` found. Tuples are in order of appearance in A (B for B-only)."""

    a_id: str
    b_id: str
    similarity: float
    shared_share_a: float
    shared_share_b: float
    shared: tuple[SharedPassage, ...] = ()
    pairs: tuple[SentencePair, ...] = ()
    quotes: tuple[QuoteMatch, ...] = ()
    quotes_only_a: tuple[Quote, ...] = ()
    quotes_only_b: tuple[Quote, ...] = ()
    only_a: tuple[Span, ...] = ()
    only_b: tuple[Span, ...] = ()
    min_words: int = field(default=6)

    def to_json(self) -> dict[str, object]:
        """DESIGN.md's compare JSON; quotes found on one side only have null on the other."""
        quotes = [_quote_json(m.a, m.b, m.speaker, m.score, m.differences) for m in self.quotes]
        quotes += [_quote_json(q, None, q.speaker, None, ()) for q in self.quotes_only_a]
        quotes += [_quote_json(None, q, q.speaker, None, ()) for q in self.quotes_only_b]
        return {
            "a": self.a_id,
            "b": self.b_id,
            "similarity": round(self.similarity, 4),
            "shared_share_a": round(self.shared_share_a, 4),
            "shared_share_b": round(self.shared_share_b, 4),
            "min_words": self.min_words,
            "shared": [p.to_json() for p in self.shared],
            "pairs": [p.to_json() for p in self.pairs],
            "quotes": quotes,
            "only_a": [s.to_json() for s in self.only_a],
            "only_b": [s.to_json() for s in self.only_b],
        }

    def swapped(self) -> Alignment:
        """The same alignment seen from B: what `compare(b, a)` gives for ordinary texts."""
        by_b = sorted(self.shared, key=lambda p: p.b.start)
        return Alignment(
            a_id=self.b_id,
            b_id=self.a_id,
            similarity=self.similarity,
            shared_share_a=self.shared_share_b,
            shared_share_b=self.shared_share_a,
            shared=tuple(SharedPassage(n, p.b, p.a, p.words) for n, p in enumerate(by_b, 1)),
            pairs=tuple(
                sorted(
                    (p.swapped() for p in self.pairs),
                    key=lambda p: p.a.start,
                )
            ),
            quotes=tuple(
                sorted(
                    (
                        QuoteMatch(
                            m.b,
                            m.a,
                            m.score,
                            tuple(
                                sorted((d.swapped() for d in m.differences), key=_difference_order)
                            ),
                        )
                        for m in self.quotes
                    ),
                    key=lambda m: m.a.span.start,
                )
            ),
            quotes_only_a=self.quotes_only_b,
            quotes_only_b=self.quotes_only_a,
            only_a=self.only_b,
            only_b=self.only_a,
            min_words=self.min_words,
        )


def _quote_json(
    a: Quote | None,
    b: Quote | None,
    speaker: str | None,
    score: float | None,
    differences: tuple[Difference, ...],
) -> dict[str, object]:
    return {
        "a": a.span.text if a else None,
        "b": b.span.text if b else None,
        "speaker": speaker,
        "score": round(score, 3) if score is not None else None,
        "a_span": [a.span.start, a.span.end] if a else None,
        "b_span": [b.span.start, b.span.end] if b else None,
        "a_speaker": a.speaker if a else None,
        "b_speaker": b.speaker if b else None,
        "differences": [d.to_json() for d in differences],
    }


# --- analysis of one side --------------------------------------------------------------------


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    first: int  # index of its first word
    last: int  # one past its last word
    stems: dict[str, bool] = field(default_factory=dict)  # content stem -> is a name/number
    grams: frozenset[str] = frozenset()


class _Side:
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
        self.quotes = tx.find_quotes(body)

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


# --- the comparison --------------------------------------------------------------------------


def compare(a: Article, b: Article, *, min_words: int = 6) -> Alignment:
    """Align `a` with `b`: shared runs of at least `min_words` words, paraphrased sentence
    pairs, matched quotes, the sentences each side has alone, and the similarity figure."""
    if min_words < 1:
        raise ValueError("min_words must be at least 1")
    sa, sb = _Side(a.body), _Side(b.body)
    shared: list[SharedPassage] = []
    for n, (i, j, length) in enumerate(tx.shared_runs(sa.norms, sb.norms, min_words), 1):
        sa.covered[i : i + length] = b"\x01" * length
        sb.covered[j : j + length] = b"\x01" * length
        shared.append(
            SharedPassage(
                n,
                sa.span(sa.starts[i], sa.ends[i + length - 1]),
                sb.span(sb.starts[j], sb.ends[j + length - 1]),
                length,
            )
        )
    idf = _idf(sa, sb)
    qmatches, qonly_a, qonly_b = _match_quotes(sa, sb, idf)
    pairs = _pair_sentences(sa, sb, idf, qmatches)

    paired_a = {i for i, _, _, _ in pairs}
    paired_b = {j for _, j, _, _ in pairs}
    matched = float(sa.covered.count(1) + sb.covered.count(1))
    for i, j, score, _ in pairs:
        matched += score * (sa.uncovered(sa.sentences[i]) + sb.uncovered(sb.sentences[j]))
    total = len(sa.norms) + len(sb.norms)
    return Alignment(
        a_id=a.id,
        b_id=b.id,
        similarity=min(1.0, matched / total) if total else 0.0,
        shared_share_a=sa.covered.count(1) / len(sa.norms) if sa.norms else 0.0,
        shared_share_b=sb.covered.count(1) / len(sb.norms) if sb.norms else 0.0,
        shared=tuple(shared),
        pairs=tuple(_judged(sa, sb, i, j, score, via) for i, j, score, via in sorted(pairs)),
        quotes=tuple(qmatches),
        quotes_only_a=tuple(qonly_a),
        quotes_only_b=tuple(qonly_b),
        only_a=_alone(sa, paired_a, min_words),
        only_b=_alone(sb, paired_b, min_words),
        min_words=min_words,
    )


def _judged(sa: _Side, sb: _Side, i: int, j: int, link: float, via: bool) -> SentencePair:
    x, y = sa.sentences[i], sb.sentences[j]
    judgement = judge(sa.body, (x.start, x.end), sb.body, (y.start, y.end))
    return SentencePair(
        sa.span(x.start, x.end),
        sb.span(y.start, y.end),
        judgement.score,
        via,
        link,
        judgement.verdict,
        judgement.differences,
    )


def _alone(side: _Side, paired: set[int], min_words: int) -> tuple[Span, ...]:
    """The sentences without a counterpart: in no pair, and holding less of a shared passage
    than a passage's minimum length (so a run that spills a word or two over a sentence
    boundary, "...on Tuesday. The", does not give the next sentence a counterpart)."""
    alone = []
    for n, s in enumerate(side.sentences):
        length = s.last - s.first
        if n not in paired and length and length - side.uncovered(s) < min(min_words, length):
            alone.append(side.span(s.start, s.end))
    return tuple(alone)


def _idf(sa: _Side, sb: _Side) -> dict[str, float]:
    df: dict[str, int] = {}
    for sent in sa.sentences + sb.sentences:
        for key in sent.stems:
            df[key] = df.get(key, 0) + 1
    total = len(sa.sentences) + len(sb.sentences)
    return {key: math.log(1 + total / count) for key, count in df.items() if count <= _MAX_POSTINGS}


def _weights(stems: dict[str, bool], idf: dict[str, float]) -> dict[str, float]:
    return {k: idf[k] * (_ENTITY_BOOST if ent else 1.0) for k, ent in stems.items() if k in idf}


def _pair_sentences(
    sa: _Side, sb: _Side, idf: dict[str, float], qmatches: list[QuoteMatch]
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
        if not _is_statement(m):
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


# --- quotes ----------------------------------------------------------------------------------


def _match_quotes(
    sa: _Side, sb: _Side, idf: dict[str, float]
) -> tuple[list[QuoteMatch], list[Quote], list[Quote]]:
    """Quotes matched one-to-one, best first, then the unmatched quotes of each side.

    Two quotes match when they share the speaker's surname and some content, when they agree
    closely with one speaker unnamed, or when they are nearly the same words regardless.
    """
    qa = [_quote_info(sa, q, idf) for q in sa.quotes]
    qb = [_quote_info(sb, q, idf) for q in sb.quotes]
    postings: dict[str, list[int]] = {}
    exact: dict[tuple[str, ...], list[int]] = {}
    for y, (_, stems_b, _, words_b) in enumerate(qb):
        exact.setdefault(words_b, []).append(y)
        for key in stems_b:
            postings.setdefault(key, []).append(y)
    candidates: list[tuple[float, int, int]] = []
    for x, (quote_a, stems_a, grams_a, words_a) in enumerate(qa):
        # Only quotes with a content word in common (or the very same words) can match.
        ys = set(exact.get(words_a, ())[: tx.MAX_CANDIDATES])
        for key in stems_a:
            if len(hits := postings.get(key, ())) <= _MAX_POSTINGS:
                ys.update(hits)
        for y in sorted(ys):
            quote_b, stems_b, grams_b, words_b = qb[y]
            if words_a == words_b:
                content = 1.0
            else:
                content = _quote_content(stems_a, stems_b, grams_a, grams_b)
            same = _same_speaker(quote_a.speaker, quote_b.speaker)
            if same is True and content >= QUOTE_SAME_SPEAKER:
                candidates.append((0.5 + 0.5 * content, x, y))
            elif content >= 0.8 or (
                same is None and content >= 0.5 and min(len(stems_a), len(stems_b)) >= 2
            ):
                candidates.append((content, x, y))
    candidates.sort(key=lambda c: (-c[0], c[1] + c[2], c[1], c[2]))
    used_a, used_b = set[int](), set[int]()
    found: list[tuple[int, int, float]] = []
    for s, x, y in candidates:
        if x not in used_a and y not in used_b:
            used_a.add(x)
            used_b.add(y)
            found.append((x, y, s))
    found.sort()
    return (
        [_quote_match(sa, sb, qa[x][0], qb[y][0], s) for x, y, s in found],
        [q[0] for x, q in enumerate(qa) if x not in used_a],
        [q[0] for y, q in enumerate(qb) if y not in used_b],
    )


def _quote_match(sa: _Side, sb: _Side, a: Quote, b: Quote, score: float) -> QuoteMatch:
    differences = quote_differences(
        sa.body,
        (a.span.start, a.span.end),
        a.speaker,
        sb.body,
        (b.span.start, b.span.end),
        b.speaker,
        _same_speaker(a.speaker, b.speaker),
    )
    return QuoteMatch(a, b, score, differences)


def _quote_content(
    stems_a: dict[str, float],
    stems_b: dict[str, float],
    grams_a: frozenset[str],
    grams_b: frozenset[str],
) -> float:
    """0..1: the Dice of the weighted content words (which prefers quotes of like length)
    blended with how much of the shorter quote's letter trigrams recur in the other (which lets
    a fragment of a longer quote, or a name spelt another way, count)."""
    common = sum(stems_a[k] for k in sorted(stems_a.keys() & stems_b.keys()))
    total = sum(stems_a.values()) + sum(stems_b.values())
    dice = 2 * common / total if total else 0.0
    return round(0.5 * dice + 0.5 * tx.contained(grams_a, grams_b), 6)


def _quote_info(
    side: _Side, quote: tx.QuoteSpan, idf: dict[str, float]
) -> tuple[Quote, dict[str, float], frozenset[str], tuple[str, ...]]:
    start, end, speaker = quote.start, quote.end, quote.speaker
    first, last = bisect_left(side.starts, start), bisect_left(side.starts, end)
    norms = side.norms[first:last]
    keys = sorted({tx.stem(w) for w in norms if w not in tx.STOPWORDS})
    stems = {k: idf[k] for k in keys if k in idf}
    return Quote(side.span(start, end), speaker), stems, tx.trigrams(keys), tuple(norms)


# A quote this many words long, on one side at least, is a statement rather than a quoted term.
STATEMENT_WORDS = 5


def _is_statement(m: QuoteMatch) -> bool:
    """Whether a matched quote is somebody's statement (so the sentences carrying it say the same
    thing): an attributed speaker on both sides, or a quote of some length. Scare quotes and
    quoted titles ("rich display", "[citation needed]") are matched as quotes but pair nothing."""
    if m.a.speaker and m.b.speaker:
        return True
    longest = max(len(tx.normalize_words(m.a.span.text)), len(tx.normalize_words(m.b.span.text)))
    return longest >= STATEMENT_WORDS


def _same_speaker(x: str | None, y: str | None) -> bool | None:
    """None when either speaker is unnamed; else whether the surnames agree, allowing for the
    spellings two outlets transliterate one name into (Sorokin/Sorokine, Zelensky/Zelenskiy)."""
    if not x or not y:
        return None
    p, q = tx.surname(x), tx.surname(y)
    if p == q:
        return True
    if p[:1] != q[:1] or min(len(p), len(q)) < 5:
        return False
    return _edit_distance(p, q, max(1, min(len(p), len(q)) // 4)) is not None


def _edit_distance(p: str, q: str, limit: int) -> int | None:
    """Levenshtein distance of `p` and `q` if it is at most `limit`, else None."""
    if abs(len(p) - len(q)) > limit:
        return None
    row = list(range(len(q) + 1))
    for i, cp in enumerate(p, 1):
        prev, row[0] = row[0], i
        for j, cq in enumerate(q, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (cp != cq))
        if min(row) > limit:
            return None
    return row[-1] if row[-1] <= limit else None
