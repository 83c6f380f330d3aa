"""Where a query matches inside a text: spans for the article pane, segments for hit snippets.

Both work on analysed tokens (position, start, end, stemmed text): `highlight_spans` tokenises
the text with the schema's analyzer; snippets read the matched terms' character offsets from
the index postings (the fields keep `chars=True`) so a hit's body is never re-tokenised.

Size: spans and snippets share the term matching (stems, prefixes, fuzzy, phrases); the
snippet cutter could move to its own module next.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from whoosh import query as wq
from whoosh.analysis.analyzers import Analyzer
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from newsreader.index.distance import edit_distance
from newsreader.index.search.query import prepare
from newsreader.index.store.schema import fast_parts

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


def term_spec(q: wq.Query | None, fieldname: str) -> TermSpec:
    """The positive terms of `q` for `fieldname` (terms under NOT or ANDNOT's right side are
    excluded; terms restricted to other fields are ignored)."""
    words: set[str] = set()
    prefixes: list[tuple[str, str]] = []
    patterns: list[re.Pattern[str]] = []
    fuzzy: list[tuple[str, int, int]] = []
    phrases: list[tuple[tuple[str, ...], int]] = []
    leaves: list[wq.Query] = []

    def visit(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            visit(node.a)
            return
        field = getattr(node, "fieldname", None)
        if isinstance(node, wq.Phrase):
            if field == fieldname and node.words:
                phrases.append((tuple(node.words), max(1, node.slop)))
            return
        if isinstance(node, wq.FuzzyTerm):
            if field == fieldname:
                raw = getattr(node, "raw", None)
                prefix = max(1, node.prefixlength) if raw else node.prefixlength
                fuzzy.append((raw or node.text, node.maxdist, prefix))
                leaves.append(node)
            return
        if isinstance(node, wq.Prefix):
            if field == fieldname and node.text:
                prefixes.append((node.text, getattr(node, "stemmed", node.text)))
                leaves.append(node)
            return
        if isinstance(node, wq.Wildcard):
            if field == fieldname:
                patterns.append(re.compile(fnmatch.translate(node.text)))
                leaves.append(node)
            return
        if isinstance(node, wq.Term):
            if field == fieldname and isinstance(node.text, str):
                words.add(node.text)
            return
        for child in node.children():
            visit(child)

    if q is not None:
        visit(q)
    return TermSpec(
        frozenset(words), tuple(prefixes), tuple(patterns), tuple(fuzzy), tuple(phrases),
        tuple(leaves),
    )  # fmt: skip


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


# ---- spans in an article -------------------------------------------------------------------


def tokenize(text: str, analyzer: Analyzer) -> list[Token]:
    """`text` analysed as the index analyses it, with character offsets."""
    # The schema's analyzer is regex tokenizer | lowercase | stem: doing those three steps
    # directly is about twice as fast as Whoosh's token pipeline (10k words in ~15 ms instead of
    # ~32 ms). Any other analyzer takes the general path.
    fast = fast_parts(analyzer)
    if fast is not None:
        expression, stem, ignore, _memo = fast
        cache: dict[str, str] = {}
        out: list[Token] = []
        append = out.append
        for pos, m in enumerate(expression.finditer(text)):
            low = m.group(0).lower()
            term = cache.get(low)
            if term is None:
                term = cache[low] = low if low in ignore else stem(low)
            append((pos, m.start(), m.end(), term))
        return out
    return [
        (t.pos, t.startchar, t.endchar, t.text)
        for t in analyzer(text, positions=True, chars=True, mode="index", removestops=False)
    ]


@lru_cache(maxsize=64)
def _spec_for(query: str, fieldname: str) -> TermSpec:
    return term_spec(prepare(query).query, fieldname)


def highlight_spans(query: str, text: str, field: str = "body") -> list[Span]:
    """Character spans in `text` of every token the query matches in `field`: plain terms in
    any stemmed form, each phrase occurrence as one span, prefix/wildcard/fuzzy terms; NOT-ed
    terms and terms restricted to other fields excluded. Sorted and non-overlapping. A
    malformed query highlights the plain words it was degraded to. Never raises."""
    from newsreader.index.search.query import default_schema

    schema = default_schema()
    if field not in schema or not text:
        return []
    spec = _spec_for(query, field)
    if not spec:
        return []
    analyzer = schema[field].analyzer
    fast = fast_parts(analyzer)
    if fast is None:
        tokens = tokenize(text, analyzer)
        return match_spans(tokens, spec, _token_matcher(spec, text))
    # One pass, deciding once per distinct token: 10k words in well under 20 ms.
    expression, stem, ignore, _memo = fast
    phrase_words = {w for words, _slop in spec.phrases for w in words}
    kinds: dict[str, int] = {}  # token as written -> 1 matches alone | 2 phrase word
    stems: dict[str, str] = {}
    spans: list[Span] = []
    ptokens: list[Token] = []
    for pos, m in enumerate(expression.finditer(text)):
        raw = m.group()
        kind = kinds.get(raw)
        if kind is None:
            low = raw.lower()
            term = stems[raw] = low if low in ignore else stem(low)
            kind = kinds[raw] = (1 if spec.matches(term, low) else 0) | (
                2 if term in phrase_words else 0
            )
        if kind:
            if kind & 1:
                spans.append(m.span())
            if kind & 2:
                ptokens.append((pos, m.start(), m.end(), stems[raw]))
    if ptokens:
        spans += phrase_spans(ptokens, spec)
    return _merge(spans)


def _token_matcher(spec: TermSpec, text: str) -> Callable[[Token], bool]:
    # Prefix and fuzzy terms look at the word as written, so check both forms.
    memo: dict[str, bool] = {}

    def check(token: Token) -> bool:
        word = text[token[1] : token[2]].lower()
        key = token[3] + "\0" + word
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = spec.matches(token[3], word)
        return hit

    return check


# ---- snippets for hits ---------------------------------------------------------------------


def expanded_words(searcher: Searcher, spec: TermSpec) -> tuple[frozenset[str], frozenset[str]]:
    """The indexed terms the spec can match on their own (prefixes etc. expanded), and the
    words of its phrases."""
    reader = searcher.reader()
    singles = set(spec.words)
    for leaf in spec.leaves:
        for _field, btext in leaf.expanded_terms(reader):
            singles.add(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
    phrase_words = {w for phrase, _slop in spec.phrases for w in phrase}
    return frozenset(singles), frozenset(phrase_words)


POSTINGS_WORDS_MAX = 64
"""Above this many words (`a*` expands to over 1,000 at 100,000 articles), re-tokenising the
hits' texts is quicker than walking each word's postings to each hit: 0.1 s instead of 0.8 s
for 200 hits."""


def matched_tokens(
    searcher: Searcher,
    fieldname: str,
    words: Iterable[str],
    docnums: Iterable[int],
    texts: Mapping[int, str] | None = None,
) -> dict[int, list[Token]]:
    """For each document, the tokens of `words` in `fieldname` with their positions and
    character offsets, read from the postings; or, given each document's text of the field
    and many words, from the texts analysed again (the same tokens)."""
    docs = sorted(set(docnums))
    words = frozenset(words)
    if texts is not None and len(words) > POSTINGS_WORDS_MAX:
        analyzer = searcher.schema[fieldname].analyzer
        return {d: [t for t in tokenize(texts[d], analyzer) if t[3] in words] for d in docs}
    out: dict[int, list[Token]] = {d: [] for d in docs}
    # The reader's postings, not the searcher's: positions need no score, and Searcher.postings
    # first builds a BM25 scorer, whose idf is log(N / (df + 1)) for the word whether the index
    # holds it or not: log(0), "math domain error", on an index of no documents (an empty
    # library, or the empty index a reader falls back to), and every search failed there.
    reader = searcher.reader()
    for word in words:
        try:
            m = reader.postings(fieldname, word)
        except TermNotFound:
            continue
        for d in docs:
            if not m.is_active():
                break
            if m.id() < d:
                m.skip_to(d)
                if not m.is_active():
                    break
            if m.id() == d:
                out[d].extend((p, s, e, word) for p, s, e in m.value_as("characters"))
    for tokens in out.values():
        tokens.sort()
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
