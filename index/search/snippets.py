"""Where a query matches inside a text: spans for the article pane, segments for hit snippets.

Both work on analysed tokens (position, start, end, stemmed text): `highlight_spans` tokenises
the text with the schema's analyzer; snippets read the matched terms' character offsets from
the index postings (the fields keep `chars=True`) so a hit's body is never re-tokenised.

The snippet cutter and the span matching need no Whoosh: they live in `cutter` and are
re-exported here.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from whoosh import query as wq
from whoosh.analysis.analyzers import Analyzer
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

# The snippet cutter and the span matching need no Whoosh: they live in `cutter` (the lean
# `search` command uses them too) and are re-exported here.
from newsreader.index.search.cutter import (  # noqa: F401
    CONTEXT,
    FRAGMENT_CHARS,
    LEAD_CHARS,
    MAX_FRAGMENTS,
    SEPARATOR,
    SNIPPET_CHARS,
    Segment,
    Span,
    TermSpec,
    Token,
    _merge,
    match_spans,
    phrase_spans,
    snippet,
)
from newsreader.index.search.query import prepare
from newsreader.index.store.schema import fast_parts


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
