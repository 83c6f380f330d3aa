"""Where two stretches of text differ: the words of each side that the other lacks, in runs,
paired when they stand in each other's place, each of a kind.

Kinds: `number` (figures and number words, compared as values: "1,200" = 1200, "forty" = 40),
`name` (capitalised words inside a sentence), `date` (days, months, years; "today" or
"yesterday" depend on when each piece was written and never conflict), `negation` (a negation
or a hedge: "not", "denied", "may"; any two negations meet each other), `other`; for quotes,
`attribution` (the same words given to another speaker) and `wording`. A difference is a
*conflict* when one side's number, date or name stands where the other has a different one, or
when one side negates or hedges: a clause one side adds is `other`, on that side only.

Words meet by stem, by the stem's first five letters, or through a small table of news
synonyms. `verdict` scores a pair from the same tokens.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from newsreader.index.compare import text as tx

KINDS = ("number", "name", "date", "negation", "other", "attribution", "wording")
CONFLICTS = frozenset({"number", "name", "date", "negation", "attribution"})


_wordset = tx.wordset


# News verbs and nouns that outlets swap for each other; each row meets as its first word.
_SYNONYMS = (
    "rose gained climbed jumped increased rallied advanced rise rises rising",
    "fell dropped declined slid decreased eased dipped slipped fall falls falling",
    "said told stated noted",
    "company firm",
    "shares stock stocks",
    "percent cent",
    "killed dead died deaths death",
    "arrested detained",
    "big large major",
    "began start started begin",
    "warned cautioned",
    "talks negotiations",
)
_SYNONYM_KEY = {w: row.split()[0] for row in _SYNONYMS for w in row.split()}
# A claim and its denial: any two of these meet each other ("doesn't" and "not" agree).
_NEGATIONS = _wordset(
    """not no never nor none nothing neither cannot cant dont didnt doesnt isnt wasnt werent
    wont wouldnt couldnt shouldnt arent hasnt havent hadnt deny denies denied denying refuse
    refused refuses"""
)
# A claim made unsure. "could" is left out: "could face 17 years" states a fact about the law.
_HEDGES = _wordset("may might reportedly allegedly possibly perhaps unlikely apparently")
_NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "dozen": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "thousand": 1000,
}
# Days and months name a date; "today", "yesterday" or "last week" depend on when each piece
# was written, so two of them never conflict.
_DATE_WORDS = _wordset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december jan feb mar apr jun jul aug sep sept
    oct nov dec"""
)  # "may" is far more often the hedge than the month
_WORD_RE = tx.WORD_RE  # the compare's words, with their offsets
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")


@dataclass(frozen=True, slots=True)
class Difference:
    """One place where a pair differs: `kind` (one of KINDS), and the stretch on each side as
    (start, end) offsets into that side's body with its text, None where the side has nothing
    there."""

    kind: str
    a: tuple[int, int] | None
    b: tuple[int, int] | None
    a_text: str | None = None
    b_text: str | None = None

    @property
    def conflict(self) -> bool:
        """A fact one side contradicts (not merely adds): both sides have one, or a negation."""
        return self.kind in CONFLICTS and (
            self.kind in ("negation", "attribution") or (self.a is not None and self.b is not None)
        )

    def swapped(self) -> Difference:
        return Difference(self.kind, self.b, self.a, self.b_text, self.a_text)

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "conflict": self.conflict,
            "a": self.a_text,
            "b": self.b_text,
            "a_span": list(self.a) if self.a else None,
            "b_span": list(self.b) if self.b else None,
        }


@dataclass(slots=True)
class Token:
    start: int
    end: int
    key: str  # what the word meets the other side's words by
    role: str  # "content", "number", "negation", "stop"
    value: float | None = None  # a number's value
    date: bool = False
    name: bool = False
    matched: bool = False


@lru_cache(maxsize=1 << 16)
def _key(norm: str) -> str:
    if norm in _SYNONYM_KEY:
        return _SYNONYM_KEY[norm]
    # The stem's first five letters meet "Iraq"/"Iraqi", "falsifying"/"falsified",
    # "juvenile"/"juveniles" where the light stemmer leaves them apart.
    stem = tx.stem(norm)
    return stem[:5] if len(stem) >= 5 and stem.isalpha() else stem


def tokens(body: str, start: int, end: int) -> list[Token]:
    """The words of body[start:end]; a figure such as "1,520.15" is one token with its value."""
    numbers = [(m.start(), m.end(), m.group()) for m in _NUMBER_RE.finditer(body, start, end)]
    out: list[Token] = []
    n = 0
    first = True
    for m in _WORD_RE.finditer(body, start, end):
        s, e = m.start(), m.end()
        while n < len(numbers) and numbers[n][1] <= s:
            n += 1
        if n < len(numbers) and numbers[n][0] <= s < numbers[n][1]:
            ns, ne, figure = numbers[n]
            if out and out[-1].start == ns:
                continue  # the rest of a figure already taken whole
            value = float(figure.replace(",", "")) if figure.count(".") <= 1 else None
            is_year = bool(_YEAR_RE.fullmatch(figure))
            out.append(
                Token(
                    ns,
                    ne,
                    f"#{value if value is not None else figure}",
                    "number",
                    value,
                    date=is_year,
                )
            )
            first = False
            continue
        norm = tx.norm_word(m.group())
        word = m.group()
        if norm in _NUMBER_WORDS:
            value = float(_NUMBER_WORDS[norm])
            out.append(Token(s, e, f"#{value}", "number", value))
        elif norm in _NEGATIONS:
            out.append(Token(s, e, "!not", "negation"))
        elif norm == "may" and word[0] == "M" and not first:
            out.append(Token(s, e, "may", "content", date=True))  # the month, mid-sentence
        elif norm in _HEDGES:
            out.append(Token(s, e, "?may", "negation"))
        elif norm in tx.STOPWORDS:
            out.append(Token(s, e, norm, "stop"))
        else:
            out.append(
                Token(
                    s,
                    e,
                    _key(norm),
                    "content",
                    date=norm in _DATE_WORDS,
                    name=word[:1].isupper() and not first,
                )
            )
        first = False
    return out


def with_texts(
    differences: tuple[Difference, ...], body_a: str, body_b: str
) -> tuple[Difference, ...]:
    return tuple(
        Difference(
            d.kind,
            d.a,
            d.b,
            body_a[d.a[0] : d.a[1]] if d.a else None,
            body_b[d.b[0] : d.b[1]] if d.b else None,
        )
        for d in differences
    )


def match(ta: list[Token], tb: list[Token]) -> None:
    """Mark the tokens whose key the other side has too (numbers by value)."""
    ka = {t.key for t in ta}
    kb = {t.key for t in tb}
    for t in ta:
        t.matched = t.key in kb
    for t in tb:
        t.matched = t.key in ka


def _runs(tokens: list[Token]) -> list[tuple[str, int, int, str]]:
    """Stretches of unmatched words: (kind, start, end, anchor), the anchor being the key of the
    matched word before the stretch. Stop words join two unmatched words but start none."""
    runs: list[tuple[str, int, int, str]] = []
    anchor = "^"
    current: list[Token] = []

    def close() -> None:
        if current:
            runs.append((_kind(current), current[0].start, current[-1].end, anchor))
            current.clear()

    for t in tokens:
        if t.matched:
            close()
            anchor = t.key
        elif t.role != "stop":
            # A negation stands alone, so that "not" is never folded into a name or a figure.
            if t.role == "negation" or (current and current[-1].role == "negation"):
                close()
            current.append(t)
    close()
    return runs


def _kind(run: list[Token]) -> str:
    """A negation anywhere; else what at least half the words are (a figure with its unit, a
    name); a run that merely contains a figure ("a four-hour debate in which two members
    walked out") is other detail."""
    if any(t.role == "negation" for t in run):
        return "negation"
    half = (len(run) + 1) // 2
    tests: tuple[tuple[str, Callable[[Token], object]], ...] = (
        ("date", lambda t: t.date),
        ("number", lambda t: t.role == "number"),
        ("name", lambda t: t.name),
    )
    for kind, test in tests:
        if sum(1 for t in run if test(t)) >= half:
            return kind
    return "other"


def differences_of(ta: list[Token], tb: list[Token]) -> tuple[Difference, ...]:
    """The runs of each side, paired where they stand between the same matched words (or, for
    numbers, dates and names, as the n-th of their kind left on each side)."""
    ra, rb = _runs(ta), _runs(tb)
    found: list[Difference] = []
    used_b: set[int] = set()
    left_a: list[int] = []
    for i, (kind, s, e, anchor) in enumerate(ra):
        for j, (kind_b, s_b, e_b, anchor_b) in enumerate(rb):
            if j not in used_b and anchor == anchor_b and _can_pair(ra[i], rb[j]):
                used_b.add(j)
                found.append(Difference(_pair_kind(kind, kind_b), (s, e), (s_b, e_b)))
                break
        else:
            left_a.append(i)
    left_b = [j for j in range(len(rb)) if j not in used_b]
    for kind in ("number", "date", "name"):
        xs = [i for i in left_a if ra[i][0] == kind]
        ys = [j for j in left_b if rb[j][0] == kind]
        for i, j in zip(xs, ys, strict=False):
            found.append(Difference(kind, ra[i][1:3], rb[j][1:3]))
            left_a.remove(i)
            left_b.remove(j)
    found += [Difference(ra[i][0], ra[i][1:3], None) for i in left_a]
    found += [Difference(rb[j][0], None, rb[j][1:3]) for j in left_b]
    found.sort(key=lambda d: (d.a or (1 << 60, 0), d.b or (1 << 60, 0)))
    return tuple(found)


def _can_pair(x: tuple[str, int, int, str], y: tuple[str, int, int, str]) -> bool:
    """A negation stands in the place of a word or two ("denied" for "confirmed"), never of
    a name, a figure or a clause."""
    if (x[0] == "negation") == (y[0] == "negation"):
        return True
    other = y if x[0] == "negation" else x
    return other[0] == "other" and other[2] - other[1] <= 20  # characters: a word or two


def _pair_kind(x: str, y: str) -> str:
    """The kind of two runs that stand in each other's place: a negation on either side
    ("confirmed" where the other says "denied"), else their common kind, else other words."""
    if "negation" in (x, y):
        return "negation"
    return x if x == y else "other"


# --- quotes ----------------------------------------------------------------------------------


def quote_differences(
    body_a: str,
    a: tuple[int, int],
    speaker_a: str | None,
    body_b: str,
    b: tuple[int, int],
    speaker_b: str | None,
    same_speaker: bool | None,
) -> tuple[Difference, ...]:
    """How two matched quotes differ: given to different speakers (`attribution`, the whole
    quotes), and the words one speaker's quote has in other wording (`wording`)."""
    found: list[Difference] = []
    if speaker_a and speaker_b and same_speaker is False:
        # The whole quotes: the words are the same, who said them is not.
        found.append(Difference("attribution", a, b, body_a[a[0] : a[1]], body_b[b[0] : b[1]]))
    ta, tb = tokens(body_a, *a), tokens(body_b, *b)
    match(ta, tb)
    for d in with_texts(differences_of(ta, tb), body_a, body_b):
        kind = "wording" if d.kind == "other" else d.kind
        found.append(Difference(kind, d.a, d.b, d.a_text, d.b_text))
    return tuple(found)


# --- in words --------------------------------------------------------------------------------

_KIND_LABEL = {"negation": "negation or hedge", "other": "other words"}


def describe(differences: tuple[Difference, ...], fold: Callable[[str], str] = str) -> str:
    """What differs, in words, for a list or a report: each conflicting fact ("number: A “75”,
    B “62”"), then in how many places other words stand. `fold` makes article text safe to
    show (the caller's: a terminal's or a widget's)."""
    parts = []
    other = {"A": 0, "B": 0}
    reworded = any(d.kind == "wording" for d in differences)
    for d in differences:
        kind = _KIND_LABEL.get(d.kind, d.kind)
        if d.kind == "attribution":
            parts.append("attribution: the same words given to another speaker")
        elif d.conflict and d.a_text and d.b_text:
            parts.append(f"{kind}: A “{fold(d.a_text)}”, B “{fold(d.b_text)}”")
        elif d.conflict:
            side, text = ("A", d.a_text) if d.a_text else ("B", d.b_text)
            parts.append(f"{kind} only in {side}: “{fold(text or '')}”")
        else:
            other["A"] += d.a is not None
            other["B"] += d.b is not None
    rest = ", ".join(f"{n} in {side}" for side, n in other.items() if n)
    if rest:
        what = "worded otherwise" if reworded else "other words"
        parts.append(f"{what} in {sum(other.values())} places ({rest})")
    return "; ".join(parts) if parts else "says something else"
