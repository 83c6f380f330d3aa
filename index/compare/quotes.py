"""Quotes: found in one text with their speakers, and matched across the two sides.

`find_quotes` pairs quote marks of any style within a paragraph and names the speaker where the
text does ("…,” harbour master Ola Brekke said", "Brekke said: “…”", a pronoun after a named
quote). `match_quotes` pairs quotes one-to-one across the sides by the speaker's surname
(allowing for transliterated spellings) and their content, worded alike or not, and records
how a matched pair differs (`differences.quote_differences`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsreader.index.compare import text as tx
from newsreader.index.compare.differences import quote_differences
from newsreader.index.compare.records import Quote, QuoteMatch
from newsreader.index.distance import edit_distance

if TYPE_CHECKING:
    from newsreader.index.compare.sentences import Side

QUOTE_SAME_SPEAKER = 0.2  # content agreement enough for two quotes of one speaker to match
MAX_POSTINGS = 200  # as in `sentences`: a stem in more quotes than this matches nothing

_WORD_RE = tx.WORD_RE
_wordset = tx.wordset

# --- finding quotes in one text ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """A quoted passage: `start`/`end` bound the words inside the marks."""

    start: int
    end: int
    speaker: str | None


_DOUBLE = '"“”„‟«»'
_OPEN_ONLY = "“„‟«"
_CLOSE_ONLY = "”»"
_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))['‘](?=\w)")
_SINGLE_CLOSE = re.compile(r"(?<=[^\s])['’](?![\w])")
_PARA_RE = re.compile(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*")
_NAME = r"(?:[A-Z][\w'’.-]*[ \t]+){0,5}[A-Z][\w'’-]+"
_VERB = (
    r"(?:said|says|say|told|tells|added|adds|warned|warns|stated|states|noted|notes|stressed|"
    r"argued|argues|explained|insisted|claimed|claims|declared|wrote|writes|asked|replied|"
    r"continued|emphasi[sz]ed|underlined|accused|announced|suggested|reiterated|assured|"
    r"pointed out|commented|remarked|recalled|observed|concluded|urged|believes|thinks|"
    r"accuses|urges|insists|stresses|explains|declares|announces|asks|reiterates|repeated)"
)
_ADVERB = r"(?:[ \t]+(?:also|further|later|then|again|once again|previously|earlier))?"
_AFTER_VERB_NAME = re.compile(rf"^[\s,—–-]*{_VERB}[ \t]+(?P<name>{_NAME})")
_AFTER_NAME_VERB = re.compile(
    rf"^[\s,—–-]*(?:[a-z][\w-]*[ \t]+){{0,4}}?(?P<name>{_NAME})(?:,[^,\n]{{1,80}},|,)?{_ADVERB}"
    rf"[ \t]+{_VERB}\b"
)
# "said the owner, Lise Marten" / "said its spokesman, Jo Berg"
_AFTER_VERB_ROLE_NAME = re.compile(
    rf"^[\s,—–-]*{_VERB}[ \t]+(?:[a-z][\w'’-]*[ \t]+){{0,4}}?[a-z][\w'’-]*,[ \t]+"
    rf"(?P<name>{_NAME})"
)
# The subject a paragraph opens with: "Greta Holm, 71, who drove a crane, ..."
_OPENING_NAME = re.compile(r"(?P<name>(?:[A-Z][\w'’.-]*[ \t]+){0,3}[A-Z][\w'’-]+)(?=,|[ \t]+[a-z])")
_AFTER_PRONOUN = re.compile(rf"^[\s,—–-]*(?:(?:he|she)[ \t]+{_VERB}|{_VERB}[ \t]+(?:he|she))\b")
_NAME_VERB = re.compile(rf"(?P<name>{_NAME})(?:,[^,\n]{{1,80}},|,)?{_ADVERB}[ \t]+{_VERB}\b")
_ACCORDING = re.compile(rf"\baccording to (?:the )?(?P<name>{_NAME})")
_PRONOUN_BEFORE = re.compile(rf"\b(?:he|she)[ \t]+{_VERB}\b[^.!?]*$", re.IGNORECASE)
# Capitalised words that introduce or describe a speaker rather than name one.
_NOT_NAMES = _wordset(
    """the a an he she it they we i this that deputy foreign minister secretary president
    prime chief spokesman spokeswoman spokesperson director general secretary-general head
    chairman senator governor mayor ambassador envoy official officials leader premier
    chancellor king queen prince defense defence interior finance state vice former acting
    senior press counterpart commander minister's on in at meanwhile earlier later also but and
    however mr mrs ms dr prof"""
)


def find_quotes(text: str) -> list[QuoteSpan]:
    """The quoted passages of `text` in order, with their speakers where the text names one.

    Double quotes of any style pair up within a paragraph (a stray opening mark is skipped when a
    closing mark follows, and taken as the closing mark when none does); single quotes count
    only outside double quotes, opening after a space and closing before a non-letter.
    """
    raw: list[tuple[int, int, int, int]] = []  # (mark start, inner start, inner end, mark end)
    for para in _PARA_RE.finditer(text):
        raw.extend(_doubles(text, para.start(), para.end()))
    raw = _with_singles(text, raw)
    quotes: list[QuoteSpan] = []
    last_speaker: str | None = None
    last_close = -1
    for open_at, start, end, close_at in raw:
        start, end = _trim(text, start, end)
        if not _WORD_RE.search(text, start, end):
            continue
        speaker = _speaker(text, open_at, close_at, last_speaker, last_close)
        if speaker is None and last_close >= 0 and "\n\n" not in text[last_close:open_at]:
            speaker = last_speaker  # a quote carried on in the same paragraph: same voice
        last_speaker, last_close = speaker or last_speaker, close_at
        quotes.append(QuoteSpan(start, end, speaker))
    return quotes


def _doubles(text: str, lo: int, hi: int) -> list[tuple[int, int, int, int]]:
    found: list[tuple[int, int, int, int]] = []
    marks = [i for i in range(lo, hi) if text[i] in _DOUBLE]
    last_close = max((i for i in marks if text[i] in _CLOSE_ONLY), default=-1)
    opened: int | None = None
    for i in marks:
        ch = text[i]
        if opened is None:
            if ch in _CLOSE_ONLY and not (i + 1 < hi and text[i + 1].isalnum()):
                continue  # a closing mark with nothing open: stray
            opened = i
        elif ch in _OPEN_ONLY and i < last_close:
            continue  # a stray opening mark inside a quote that closes later
        else:
            found.append((opened, opened + 1, i, i + 1))
            opened = None
    if opened is not None and len(_WORD_RE.findall(text, opened, hi)) >= 3:
        found.append((opened, opened + 1, hi, hi))  # runs on to the paragraph's end
    return found


def _with_singles(
    text: str, doubles: list[tuple[int, int, int, int]]
) -> list[tuple[int, int, int, int]]:
    inside = bytearray(len(text) + 1)
    for open_at, _, _, close_at in doubles:
        inside[open_at:close_at] = b"\x01" * (close_at - open_at)
    singles: list[tuple[int, int, int, int]] = []
    for m in _SINGLE_OPEN.finditer(text):
        i = m.start()
        if inside[i] or (singles and i < singles[-1][3]):
            continue
        close = _SINGLE_CLOSE.search(text, i + 2, min(len(text), i + 200))
        if close and "\n\n" not in text[i : close.start()] and not inside[close.start()]:
            singles.append((i, i + 1, close.start(), close.end()))
    return sorted(doubles + singles)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-"):
        end -= 1
    return start, end


def _speaker(
    text: str, open_at: int, close_at: int, last: str | None, last_close: int = -1
) -> str | None:
    para_end = text.find("\n\n", close_at)
    after = text[close_at : min(close_at + 160, para_end if para_end >= 0 else len(text))]
    for pattern in (_AFTER_VERB_NAME, _AFTER_NAME_VERB, _AFTER_VERB_ROLE_NAME):
        m = pattern.match(after)
        if m and (name := _person(m.group("name"))):
            return name
    if _AFTER_PRONOUN.match(after):
        return _pronoun(text, open_at, last, last_close)
    # The speaker is named in the same sentence, not far before the quote.
    lo = max(0, open_at - 300)
    sentence_start = max(text.rfind(c, lo, open_at) for c in (".\n", "\n\n", ". ", "? ", "! "))
    before = text[max(sentence_start + 1, lo) : open_at]
    names = [_person(m.group("name")) for m in _NAME_VERB.finditer(before)]
    names = [n for n in names if n]
    if names:
        return names[-1]
    m = _ACCORDING.search(after) or _ACCORDING.search(before)
    if m and (name := _person(m.group("name"))):
        return name
    if _PRONOUN_BEFORE.search(before):
        return _pronoun(text, open_at, last, last_close)
    return None


def _pronoun(text: str, open_at: int, last: str | None, last_close: int) -> str | None:
    """Who "he"/"she" is for the quote opening at `open_at`: the person last named in its
    paragraph (unless a quote of the paragraph came after that name: then its speaker), else
    the previous quote's speaker, else the last person named with a speech verb before it."""
    para_start = text.rfind("\n\n", 0, open_at) + 1
    named = [
        (m.start(), name)
        for m in _NAME_VERB.finditer(text, para_start, open_at)
        if (name := _person(m.group("name")))
    ]
    if not named:
        opening = _OPENING_NAME.match(
            text, para_start + (text[para_start : para_start + 1] == "\n")
        )
        if opening and (name := _person(opening.group("name"))) and " " in name:
            named = [(opening.start(), name)]
    if named and not (last and last_close > named[-1][0]):
        return named[-1][1]
    return last or _last_named(text, open_at)


def _last_named(text: str, pos: int) -> str | None:
    names = [_person(m.group("name")) for m in _NAME_VERB.finditer(text, max(0, pos - 1500), pos)]
    names = [n for n in names if n]
    return names[-1] if names else None


def _person(run: str) -> str | None:
    """The name in a capitalised run: its last one or two words that are not titles."""
    parts = [p for p in run.split() if p.casefold().rstrip(".") not in _NOT_NAMES]
    if not parts:
        return None
    return " ".join(parts[-2:]) if len(parts) >= 2 else parts[-1]


def surname(speaker: str) -> str:
    """The comparison key of a speaker: the normalised last word of the name."""
    last = speaker.split()[-1]
    return tx.norm_word(re.sub(r"['’]s$", "", last))


# --- matching quotes across the two sides -----------------------------------------------


def match_quotes(
    sa: Side, sb: Side, idf: dict[str, float]
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
            if len(hits := postings.get(key, ())) <= MAX_POSTINGS:
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


def _quote_match(sa: Side, sb: Side, a: Quote, b: Quote, score: float) -> QuoteMatch:
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
    side: Side, quote: QuoteSpan, idf: dict[str, float]
) -> tuple[Quote, dict[str, float], frozenset[str], tuple[str, ...]]:
    start, end, speaker = quote.start, quote.end, quote.speaker
    first, last = bisect_left(side.starts, start), bisect_left(side.starts, end)
    norms = side.norms[first:last]
    keys = sorted({tx.stem(w) for w in norms if w not in tx.STOPWORDS})
    stems = {k: idf[k] for k in keys if k in idf}
    return Quote(side.span(start, end), speaker), stems, tx.trigrams(keys), tuple(norms)


# A quote this many words long, on one side at least, is a statement rather than a quoted term.
STATEMENT_WORDS = 5


def is_statement(m: QuoteMatch) -> bool:
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
    p, q = surname(x), surname(y)
    if p == q:
        return True
    if p[:1] != q[:1] or min(len(p), len(q)) < 5:
        return False
    limit = max(1, min(len(p), len(q)) // 4)
    return edit_distance(p, q, limit, transpositions=False) <= limit
