"""Plain-text analysis for the compare: words, letter trigrams, shared runs, sentences, stems.

Every function works on the original text and reports character offsets into it, so callers
can highlight exactly what was found. Nothing here depends on any other part of newsreader.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Apostrophes inside a word keep it whole ("Ukraine's", "don’t"); every other non-word character
# (punctuation, quote marks of any style, dashes, whitespace) separates words.
_WORD_RE = re.compile(r"\w+(?:['’]\w+)*")
WORD_RE = _WORD_RE  # what a word is, for the other compare modules that need offsets
# At most the first this many occurrences of a k-gram in B are tried per k-gram of A: a cap that
# only a text repeating one phrase dozens of times reaches, and that keeps the work linear.
MAX_CANDIDATES = 64


def norm_word(word: str) -> str:
    """The comparison form of one word: NFKC, case-folded, apostrophes dropped."""
    if not word.isascii():
        word = unicodedata.normalize("NFKC", word).replace("’", "'")
    return word.casefold().replace("'", "")


def words(text: str) -> list[tuple[str, int, int]]:
    """Each word of `text` as (normalised form, start, end), in order."""
    return [(norm_word(m.group()), m.start(), m.end()) for m in _WORD_RE.finditer(text)]


def normalize_words(text: str) -> list[str]:
    """The normalised words of `text`: two texts that differ only in case, punctuation, quote
    styles, dashes or whitespace give the same list."""
    return [norm_word(m.group()) for m in _WORD_RE.finditer(text)]


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


wordset = _wordset  # a set of words written as one string, for the other compare modules


def trigrams(words: Iterable[str]) -> frozenset[str]:
    """The letter trigrams of `words`, each padded with a space on both sides."""
    grams: set[str] = set()
    for w in words:
        padded = f" {w} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def dice(x: frozenset[str], y: frozenset[str]) -> float:
    """Dice coefficient of two sets, 0 when either is empty."""
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def contained(x: frozenset[str], y: frozenset[str]) -> float:
    """How much of the smaller set lies in the other, 0 when either is empty."""
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


# --- shared runs -------------------------------------------------------------------------


def shared_runs(na: list[str], nb: list[str], k: int) -> list[tuple[int, int, int]]:
    """Non-overlapping runs (i in A, j in B, length) of >= k equal words, in A's order.

    Longest first, as greedy string tiling does: every maximal match of the two word lists is
    found through B's k-grams, then the longest still-free one is taken (on a tie, the one
    nearest both starts) and matches it overlaps are cut down to their free pieces. A run
    repeated on one side is thus reported once, at its best occurrence, and swapping A and B
    swaps the result. Texts so repetitive that this would get slow fall back to one greedy scan.
    """
    n, m = len(na), len(nb)
    if n < k or m < k:
        return []
    grams: dict[tuple[str, ...], list[int]] = {}
    for j in range(m - k + 1):
        grams.setdefault(tuple(nb[j : j + k]), []).append(j)
    budget = 16 * (n + m)  # word comparisons; ordinary prose needs about one per word
    heap: list[tuple[int, int, int, int]] = []
    for i in range(n - k + 1):
        for j in grams.get(tuple(na[i : i + k]), ())[:MAX_CANDIDATES]:
            if i and j and na[i - 1] == nb[j - 1]:
                continue  # part of the match that starts one word earlier
            length = k
            while i + length < n and j + length < m and na[i + length] == nb[j + length]:
                length += 1
            heap.append((-length, i + j, i, j))
            budget -= length
        if budget < 0:
            return _greedy_runs(na, nb, k, grams)
    heapq.heapify(heap)
    used_a, used_b = bytearray(n), bytearray(m)
    runs: list[tuple[int, int, int]] = []
    while heap:
        neg, _, i, j = heapq.heappop(heap)
        length = -neg
        if used_a.find(1, i, i + length) == -1 and used_b.find(1, j, j + length) == -1:
            runs.append((i, j, length))
            used_a[i : i + length] = b"\x01" * length
            used_b[j : j + length] = b"\x01" * length
            continue
        t = 0
        while t < length:  # push back the pieces still free on both sides
            start = t
            while t < length and not used_a[i + t] and not used_b[j + t]:
                t += 1
            if t - start >= k:
                heapq.heappush(heap, (start - t, i + j + 2 * start, i + start, j + start))
            t += 1
    return sorted(runs)


def _greedy_runs(
    na: list[str], nb: list[str], k: int, grams: dict[tuple[str, ...], list[int]]
) -> list[tuple[int, int, int]]:
    """shared_runs in one scan of A, taking at each word the longest free match in B."""
    n, m = len(na), len(nb)
    used = bytearray(m)
    runs: list[tuple[int, int, int]] = []
    i = 0
    while i <= n - k:
        best, best_j = 0, -1
        for j in grams.get(tuple(na[i : i + k]), ())[:MAX_CANDIDATES]:
            if used.find(1, j, j + k) != -1:
                continue
            length = k
            while i + length < n and j + length < m and not used[j + length]:
                if na[i + length] != nb[j + length]:
                    break
                length += 1
            if length > best:
                best, best_j = length, j
                if length == n - i:
                    break
        if best_j < 0:
            i += 1
            continue
        runs.append((i, best_j, best))
        used[best_j : best_j + best] = b"\x01" * best
        i += best
    return runs


# --- sentences -------------------------------------------------------------------------------

# A terminator run with its closing quotes/brackets, followed by whitespace; or a blank line.
_END_RE = re.compile(r"[.!?…]+[\"”’'»)\]]*(?=\s)|\n[ \t]*\n")
_PREV_WORD_RE = re.compile(r"([\w.]+)$")
# Abbreviations after which a full stop does not end the sentence, whatever follows: titles,
# and the country/organisation initialisms that news writes before capitalised nouns.
_ABBREVIATIONS = _wordset(
    "mr mrs ms dr prof gen sen rep gov lt col capt cmdr adm sgt rev hon pres st mt ft fr "
    "u.s u.k u.n e.u u.s.a e.g i.e vs approx dept est no nos jan feb mar apr jun jul aug sep "
    "sept oct nov dec"
)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of `text`, without surrounding whitespace.

    A sentence ends at `.`, `!`, `?` or `…` (with any closing quotes or brackets) followed by
    whitespace and a word that does not start in lower case or with a digit, and at every blank
    line. A full stop after a known abbreviation or a single capital initial ends nothing.
    Spans holding no word are left out.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END_RE.finditer(text):
        if m.group()[0] == "\n":
            end, nxt = m.start(), m.end()
        else:
            if not _ends_sentence(text, m.start(), m.end()):
                continue
            end, nxt = m.end(), m.end()
        _add_span(text, start, end, spans)
        start = nxt
    _add_span(text, start, len(text), spans)
    return spans


def _ends_sentence(text: str, stop: int, after: int) -> bool:
    follow = text[after : after + 3].lstrip()
    if follow and (follow[0].islower() or follow[0].isdigit()):
        return False
    if text[stop] == "." and text[stop : stop + 2] != "..":
        prev = _PREV_WORD_RE.search(text, max(0, stop - 12), stop)
        if prev:
            word = prev.group(1).lower().strip(".")
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                return False
    return True


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if _WORD_RE.search(text, start, end):
        spans.append((start, end))


# --- content words ---------------------------------------------------------------------------

STOPWORDS = _wordset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves may might must shall us said says say told tell tells added adds according mr
    mrs ms one two also however yet still even since though although whether across around
    among within without upon per via including amid new"""
)

# Longest first: a tiny suffix stripper, enough to make inflected forms meet.
_SUFFIXES = (
    "ations",
    "ation",
    "ingly",
    "ings",
    "ing",
    "edly",
    "ness",
    "ies",
    "ied",
    "ed",
    "ly",
    "es",
    "s",
)


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light stem of a normalised word (English inflections only); stable and cheap."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                base += "y"
            elif suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            word = base
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # "stopped" -> "stopp" -> "stop"
    return word
