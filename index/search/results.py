"""Searching the library: hits with snippets, "did you mean", related articles, and the
spans the article pane highlights.

`library` is anything with `searcher()` (a context manager yielding a fresh Whoosh searcher),
i.e. `index.store.Library`. Query syntax is Whoosh's (see `index.search.query`); a malformed query
degrades to its plain words with a notice instead of raising.

Size: a search's hits, the snippets and suggestion it can give later (the reader asks for them
after showing the hits) and related articles share the searcher handling and the records;
`related` is the part to move to its own module next.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from whoosh import classify, sorting
from whoosh import query as wq
from whoosh.searching import Searcher

from newsreader.index.model import Date, iso_date, path_text, stored_date
from newsreader.index.search.cutter import Segment, Token, match_spans, snippet
from newsreader.index.search.query import degrade, prepare
from newsreader.index.search.snippets import (
    expanded_words,
    highlight_spans,
    matched_tokens,
    term_spec,
)
from newsreader.index.search.spelling import suggest
from newsreader.index.store.lock import StoreError
from newsreader.index.store.whoosh import light

__all__ = [
    "ArticleNotFound",
    "Hit",
    "RelatedHit",
    "Results",
    "Segment",
    "did_you_mean",
    "highlight_spans",
    "hit_snippets",
    "key_terms",
    "related",
    "related_json",
    "search",
]

SORTS = ("relevance", "date")
# more-like-this: how many key terms describe an article, and how much more a title word
# counts than a body word when picking them (a story's title names it).
RELATED_TERMS = 25
TITLE_REPEAT = 3


class SearchLibrary(Protocol):
    def searcher(self) -> AbstractContextManager[Searcher]: ...


class ArticleNotFound(KeyError):
    """No article with this id in the index."""

    def __init__(self, article_id: str) -> None:
        super().__init__(article_id)
        self.article_id = article_id

    def __str__(self) -> str:
        return f"no article with id {self.article_id!r}"


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result; `snippet` is empty when snippets were not asked for."""

    id: str
    title: str
    source: str
    outlet: str
    date: Date | None
    url: str
    score: float
    snippet: tuple[Segment, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "outlet": self.outlet,
            "date": iso_date(self.date),
            "url": self.url,
            "score": round(self.score, 4),
            "snippet": [{"text": s.text, "match": s.match} for s in self.snippet],
        }


@dataclass(frozen=True, slots=True)
class Results:
    """A page of hits. `total` counts every matching article (with the filters applied);
    `suggestion` is a corrected query that finds more than this one: when it found nothing,
    or when a word of it is rare and a much more frequent neighbour exists (`query.suggest`);
    `notice` says how a malformed query was read."""

    query: str
    total: int
    took_ms: float
    hits: list[Hit]
    suggestion: str | None = None
    notice: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The `search --json` shape (docs/ARCHITECTURE.md), plus "notice"."""
        return {
            "query": self.query,
            "total": self.total,
            "took_ms": round(self.took_ms, 2),
            "hits": [h.to_json() for h in self.hits],
            "suggestion": self.suggestion,
            "notice": self.notice,
        }


@dataclass(frozen=True, slots=True)
class RelatedHit:
    """One article of `related`: what the CLI prints and the reader lists."""

    id: str
    title: str
    outlet: str
    date: Date | None
    score: float

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "date": iso_date(self.date),
            "score": round(self.score, 4),
        }


def related_json(article_id: str, hits: list[RelatedHit]) -> dict[str, Any]:
    """The `related --json` shape (docs/ARCHITECTURE.md, Contracts)."""
    return {"id": article_id, "hits": [h.to_json() for h in hits]}


def search(
    library: SearchLibrary,
    query: str,
    *,
    limit: int = 20,
    source: str | None = None,
    outlet: str | None = None,
    sort: str = "relevance",
    snippets: bool = True,
    snippet_limit: int | None = None,
    suggest: bool = True,
) -> Results:
    """The best `limit` articles for `query` (newest first with sort="date"), optionally only
    from one source or outlet (case-insensitive). An empty query finds nothing; a malformed one
    is searched as plain words with a notice. With `snippet_limit`, only the first that many
    hits get their snippets (the rest an empty one: `hit_snippets` gives theirs when they are
    wanted); with `suggest=False`, no suggestion (`did_you_mean` gives it later). Raises
    ValueError for an unknown `sort`, and StoreError when the index cannot be opened or read."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    start = time.perf_counter()

    def done(total: int, hits: list[Hit], suggestion: str | None, notice: str | None) -> Results:
        took = (time.perf_counter() - start) * 1000
        return Results(query, total, took, hits, suggestion, notice)

    # An argument from a shell may hold bytes that are not UTF-8 (lone surrogates in Python):
    # Whoosh cannot encode those, so they become "\xe9" escapes, as in article ids.
    query = path_text(query)
    prepared = prepare(query)
    if prepared.query is None:
        return done(0, [], None, prepared.notice)
    filters = _filter(source, outlet)
    with library.searcher() as searcher:
        run = _runner(searcher, limit, filters, sort, snippets, snippet_limit)
        try:
            total, hits = run(prepared.query)
        except Exception as exc:
            # A tree Whoosh parsed but cannot execute: the query's fault, not the library's.
            prepared = degrade(query, f"can't run it: {type(exc).__name__}")
            total, hits = 0, []
            if prepared.query is not None:
                try:
                    total, hits = run(prepared.query)
                except Exception as again:
                    # Plain words always run on a sound index: the index is damaged (a
                    # truncated segment file, say), and saying "bad query" would mislead.
                    raise StoreError(_damaged(again)) from None
        suggestion = None
        if suggest and not prepared.degraded:
            suggestion = _did_you_mean(searcher, query, filters, total)
    return done(total, hits, suggestion, prepared.notice)


# Whoosh gives an article without a date the column's "missing" value, the largest one: it
# would sort first when newest-first; map it below every real date so undated come last.
_MISSING = 2**64 - 1


def _newest_first() -> sorting.FacetType:
    return sorting.TranslateFacet(
        lambda key: -1 if key >= _MISSING else key, sorting.FieldFacet("date")
    )


def _filter(source: str | None, outlet: str | None) -> wq.Query | None:
    parts: list[wq.Query] = []
    if source:
        parts.append(wq.Term("source", source.lower()))
    if outlet:
        parts.append(wq.Term("outlet_key", outlet.lower()))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _runner(
    searcher: Searcher,
    limit: int,
    filters: wq.Query | None,
    sort: str,
    snippets: bool,
    snippet_limit: int | None = None,
) -> Callable[[wq.Query], tuple[int, list[Hit]]]:
    def run(q: wq.Query) -> tuple[int, list[Hit]]:
        newest_by = "date" if sort == "date" else None
        found = _top(searcher, q, limit=limit, filters=filters, newest_by=newest_by)
        if found is not None:
            total, scored = found
        else:
            total, scored = _whoosh_top(searcher, q, limit, filters, sort)
        docnums = [d for d, _ in scored]
        stored = _stored_fields(searcher, docnums)
        cut = len(docnums) if snippet_limit is None else max(0, snippet_limit)
        segments = _snippets(searcher, q, docnums[:cut], stored[:cut]) if snippets else {}
        hits = [
            Hit(
                id=f.get("id", ""),
                title=f.get("title", ""),
                source=f.get("source", ""),
                outlet=f.get("outlet", ""),
                date=stored_date(f),
                url=f.get("url", "") or "",
                score=score if sort == "relevance" else 0.0,
                snippet=segments.get(d, ()),
            )
            for (d, score), f in zip(scored, stored, strict=True)
        ]
        return total, hits

    return run


_STORED: OrderedDict[tuple[str, int], dict[str, Any]] = OrderedDict()
_STORED_LOCK = threading.Lock()
STORED_KEPT = 1000
"""Hits whose stored fields are kept (~3 KB each, the body included): typing a query asks
for the same hits again and again, and each costs a zlib and an unpickling (7 ms for the
reader's 200 hits at 100,000 articles)."""


def _stored_fields(searcher: Searcher, docnums: list[int]) -> list[dict[str, Any]]:
    """`searcher.stored_fields` of each document, the recently asked ones from a cache keyed
    by segment id (a segment's stored fields never change once written). The dicts are
    shared: read them, never change them."""
    leaves = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]
    starts = [offset for _, offset in leaves]
    out: list[dict[str, Any]] = []
    for d in docnums:
        reader, offset = leaves[bisect.bisect_right(starts, d) - 1]
        segment = getattr(reader, "segment", None)
        info = segment() if callable(segment) else None
        if info is None:  # not a segment's reader (the empty index's): nothing to key on
            out.append(searcher.stored_fields(d))
            continue
        key = (info.segment_id(), d - offset)
        with _STORED_LOCK:
            fields = _STORED.get(key)
            if fields is not None:
                _STORED.move_to_end(key)
        if fields is None:
            fields = reader.stored_fields(d - offset)
            with _STORED_LOCK:
                _STORED[key] = fields
                if len(_STORED) > STORED_KEPT:
                    _STORED.popitem(last=False)
        out.append(fields)
    return out


def _top(
    searcher: Searcher, q: wq.Query, **kwargs: Any
) -> tuple[int, list[tuple[int, float]]] | None:
    """`engine.top`: in plain Python (`store.whoosh.light`) while this process has not loaded
    numpy and the query's postings are few (a `search` command: numpy's import would cost more
    than the query), else numpy's engine, imported here. None: Whoosh's matchers answer."""
    if light.wanted():
        found = light.top(searcher, q, **kwargs)
        if found is not None:
            return found
    from newsreader.index.store.whoosh import engine

    return engine.top(searcher, q, **kwargs)


def _whoosh_top(
    searcher: Searcher, q: wq.Query, limit: int, filters: wq.Query | None, sort: str
) -> tuple[int, list[tuple[int, float]]]:
    """What `engine.top` gives, from Whoosh's matchers (any query, and the date order)."""
    kwargs: dict[str, Any] = {"limit": max(1, limit), "filter": filters}
    if sort == "date":
        kwargs.update(sortedby=_newest_first(), reverse=True)
    results = searcher.search(q, **kwargs)
    # Slice, not list(): list() asks len() for a size hint, a second pass over the matches.
    page = results[: max(0, limit)]
    if sort == "date":
        total = len(results)  # the sorting collector visited every match
    else:
        # Not len(): Whoosh's top collector skips what cannot make the page (matcher.replace,
        # block quality), and with a date range or a NOT in the query it takes the matches
        # it visited for the total: "harbour date:2021" said 71 of 472. Count them all.
        total = len(searcher.search(q, limit=None, filter=filters, scored=False))
    return total, [(h.docnum, float(h.score) if h.score is not None else 0.0) for h in page]


def _snippets(
    searcher: Searcher, q: wq.Query, docnums: list[int], stored: list[dict[str, Any]]
) -> dict[int, tuple[Segment, ...]]:
    spec = term_spec(q, "body")
    tokens: dict[int, list[Token]] = {}
    singles: frozenset[str] = frozenset()
    if spec:
        singles, phrase_words = expanded_words(searcher, spec)
        bodies = {d: f.get("body", "") or "" for d, f in zip(docnums, stored, strict=True)}
        tokens = matched_tokens(searcher, "body", singles | phrase_words, docnums, bodies)
    out: dict[int, tuple[Segment, ...]] = {}
    for docnum, fields in zip(docnums, stored, strict=True):
        body = fields.get("body", "") or ""
        found = tokens.get(docnum)
        # Postings tokens are expanded terms already; a phrase's words alone are not matches.
        spans = match_spans(found, spec, lambda t: t[3] in singles) if found else []
        out[docnum] = snippet(body, spans)
    return out


def hit_snippets(
    library: SearchLibrary, results: Results, ids: list[str]
) -> dict[str, tuple[Segment, ...]]:
    """The snippets the search that gave `results` gives the articles `ids` (those still in
    the index), for hits it left without one (`snippet_limit`). Raises StoreError."""
    query = path_text(results.query)
    prepared = prepare(query)
    if prepared.notice != results.notice:
        # The search could not run the parsed tree and searched the plain words instead.
        prepared = degrade(query, "")
    if prepared.query is None or not ids:
        return {}
    with library.searcher() as searcher:
        found = (searcher.document_number(id=path_text(article_id)) for article_id in ids)
        docnums = [d for d in found if d is not None]
        stored = _stored_fields(searcher, docnums)
        try:
            segments = _snippets(searcher, prepared.query, docnums, stored)
        except Exception as exc:
            raise StoreError(_damaged(exc)) from None
        return {f.get("id", ""): segments[d] for d, f in zip(docnums, stored, strict=True)}


def did_you_mean(
    library: SearchLibrary,
    results: Results,
    *,
    source: str | None = None,
    outlet: str | None = None,
) -> str | None:
    """The suggestion `search` gives with `results` (asked with `suggest=False`)."""
    if results.notice is not None:  # a degraded query: the notice says what was searched
        return None
    with library.searcher() as searcher:
        return _did_you_mean(searcher, path_text(results.query), _filter(source, outlet),
                             results.total)  # fmt: skip


def _did_you_mean(
    searcher: Searcher, query: str, filters: wq.Query | None, total: int
) -> str | None:
    """A corrected query that finds more than the `total` this one found, or None."""
    try:
        fixed = suggest(searcher, query)
        if fixed is None:
            return None
        prepared = prepare(fixed)
        if prepared.query is None or prepared.degraded:
            return None
        return fixed if _finds_more(searcher, prepared.query, filters, total) else None
    except Exception:  # a suggestion is a nicety: never let it break a search
        return None


def _finds_more(searcher: Searcher, q: wq.Query, filters: wq.Query | None, than: int) -> bool:
    found = _top(searcher, q, limit=0, filters=filters)
    if found is not None:
        return bool(found[0] > than)
    if than == 0:
        # scored_length, not len(): len() is a second pass counting every match.
        return searcher.search(q, limit=1, filter=filters).scored_length() > 0
    return len(searcher.search(q, limit=1, filter=filters)) > than


def _damaged(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    what = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return f"cannot read the index ({what}): run `newsreader index --rebuild`"


class _ArrayOr(wq.Or):
    """An OR of many terms that adds its terms' scores up in an array over the segment's
    documents. Whoosh picks that only for segments under 5,000 documents; above, it builds a
    binary tree of union matchers whose block-quality skipping costs far more than it saves for
    50 terms (related went from 50 ms at 2,000 articles to 1 s at 20,000)."""

    matcher_type = wq.Or.ARRAY_MATCHER


def key_terms(
    searcher: Searcher, fieldname: str, text: str, number: int
) -> list[tuple[str, float]]:
    """`searcher.key_terms_from_text(fieldname, text, numterms=number, normalize=True)`, the
    same terms and weights, with half the term lookups: Whoosh asks every segment whether it
    holds each word of the text, then every segment again for the word's frequency (17 ms of
    related's 75 ms at a million articles, three segments). Here only the frequency is asked:
    a word no segment holds has frequency 0, and a held word's is positive (it sums its
    postings' weights, each at least 1 here; at 0 Bo1's score would divide by zero)."""
    expander = classify.Expander(searcher.reader(), fieldname, model=classify.Bo1Model)
    expander.add_text(text)
    if not expander.topN_weight:
        return []
    reader = searcher.reader()
    model = expander.model
    to_bytes = searcher.schema[fieldname].to_bytes
    scored = []
    maxweight = 0
    for word, weight in expander.topN_weight.items():
        cf = reader.frequency(fieldname, to_bytes(word))
        if cf > 0:
            score = model.score(weight, cf, expander.top_total)
            maxweight = max(maxweight, score)
            scored.append((score, word))
    norm = model.normalizer(maxweight, expander.top_total)
    ranked = sorted(((score / norm, word) for score, word in scored), key=lambda x: (-x[0], x[1]))
    return [(word, weight) for weight, word in ranked[:number]]


def related(library: SearchLibrary, article_id: str, *, limit: int = 10) -> list[RelatedHit]:
    """The `limit` articles most like `article_id`, best first, itself excluded: a
    more-like-this query of the article's key terms (title words weighted up) over body and
    title. Raises ArticleNotFound for an unknown id."""
    with library.searcher() as searcher:
        docnum = searcher.document_number(id=path_text(article_id))
        if docnum is None:
            raise ArticleNotFound(article_id)
        fields = searcher.stored_fields(docnum)
        title = fields.get("title", "") or ""
        text = " ".join([title] * TITLE_REPEAT + [fields.get("body", "") or ""])
        if not text.strip():
            return []
        terms = key_terms(searcher, "body", text, RELATED_TERMS)
        if not terms:
            return []
        q = _ArrayOr(
            [wq.Term("body", word, boost=weight) for word, weight in terms]
            + [wq.Term("title", word, boost=weight) for word, weight in terms]
        )
        found = _top(searcher, q, limit=limit, exclude=(docnum,))
        if found is None:
            results = searcher.search(q, limit=max(1, limit), mask={docnum})
            scored = [(h.docnum, float(h.score or 0.0)) for h in results[: max(0, limit)]]
        else:
            scored = found[1]
        out = []
        for d, score in scored:
            f = searcher.stored_fields(d)
            out.append(
                RelatedHit(
                    id=f["id"],
                    title=f.get("title", ""),
                    outlet=f.get("outlet", ""),
                    date=stored_date(f),
                    score=score,
                )
            )
        return out
