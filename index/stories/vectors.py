"""What an article is about, as a vector: the weights of its most telling words, computed from the
index's own postings and document frequencies, so that clustering reads no file and re-tokenises
nothing it does not have to.

A word's weight is `(1 + ln tf) * ln(N / df)`: `tf` counts the word in the body plus
`TITLE_WEIGHT` times in the title (the schema's title boost), `df` is the number of articles with
the word in the title or the body (the larger of the two fields' counts), `N` the articles in the
index. Stopwords (the compare module's list, stemmed) weigh nothing: in a small library they are
the words most articles share and would make unrelated articles look alike. Each article keeps its
`TOP_TERMS` heaviest words, L2-normalised, so the cosine of two articles is a dot product over at
most 40 words. Words are keyed by a 64-bit hash of the index term, so vectors written at different
times (and with different vocabularies) stay comparable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from whoosh.searching import Searcher

from newsreader.index.compare.text import STOPWORDS
from newsreader.index.store.schema import TEXT_ANALYZER
from newsreader.index.store.whoosh import engine

TOP_TERMS = 40
"""Words kept per article. On the labelled set and the seeds with the BBC corpus 25, 40 and 100
separate stories alike (2024-05); 40 keeps the stored vectors small (320 bytes an article)."""
TITLE_WEIGHT = 2.5
FIELDS = ("title", "body")

_STOP_TERMS = frozenset(t.text.encode("utf-8") for word in STOPWORDS for t in TEXT_ANALYZER(word))


class Cancelled(Exception):
    """The caller's cancel event was set: stop, write nothing."""


def term_key(term: bytes) -> int:
    """A stable signed 64-bit key of an index term (the same on every machine and run)."""
    return int.from_bytes(hashlib.blake2b(term, digest_size=8).digest(), "little", signed=True)


@dataclass(frozen=True, slots=True)
class Vector:
    """One article's words (term keys, ascending) and their weights (unit length)."""

    terms: np.ndarray  # int64
    weights: np.ndarray  # float32

    def to_bytes(self) -> tuple[bytes, bytes]:
        return self.terms.astype("<i8").tobytes(), self.weights.astype("<f4").tobytes()

    @classmethod
    def from_bytes(cls, terms: bytes, weights: bytes) -> Vector:
        return cls(
            np.frombuffer(terms, dtype="<i8").astype(np.int64),
            np.frombuffer(weights, dtype="<f4").astype(np.float32),
        )


EMPTY = Vector(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))


def weigh(tf: Mapping[bytes, float], df: Mapping[bytes, int], total: int) -> Vector:
    """The vector of one article from its term frequencies and the terms' document frequencies."""
    keys: list[int] = []
    weights: list[float] = []
    for term, count in tf.items():
        if term in _STOP_TERMS or count <= 0:
            continue
        idf = np.log(total / max(df.get(term, 1), 1))
        if idf <= 0:
            continue
        keys.append(term_key(term))
        weights.append((1.0 + np.log(count)) * idf)
    if not keys:
        return EMPTY
    return _top(np.array(keys, dtype=np.int64), np.array(weights, dtype=np.float64))


def _top(keys: np.ndarray, weights: np.ndarray) -> Vector:
    # Heaviest first, ties by key, so the cut at TOP_TERMS is the same on every run; weighed in
    # float32 as library_vectors keeps them, so both cut at the same words.
    weights = weights.astype(np.float32).astype(np.float64)
    order = np.lexsort((keys, -weights))[:TOP_TERMS]
    keys, weights = keys[order], weights[order]
    norm = float(np.sqrt(np.sum(weights * weights)))
    back = np.argsort(keys)
    return Vector(keys[back], (weights[back] / norm).astype(np.float32))


def article_vector(
    searcher: Searcher, title: str, body: str
) -> tuple[Vector, list[tuple[bytes, float]]]:
    """The vector of an article that is in the index, from its text analysed as the index did
    (the schema's own fields), with the index's document frequencies; and its kept words as
    index terms with their weights (for asking the query engine for similar articles)."""
    schema = searcher.schema
    tf: dict[bytes, float] = {}
    for name, text in zip(FIELDS, (title, body), strict=True):
        if not text:
            continue
        scale = TITLE_WEIGHT if name == "title" else 1.0
        for btext, freq, _weight, _value in schema[name].index(text):
            tf[btext] = tf.get(btext, 0.0) + scale * freq
    df = {t: max(searcher.doc_frequency(f, t) for f in FIELDS) for t in tf}
    vector = weigh(tf, df, max(searcher.doc_count(), 1))
    by_key = {term_key(t): t for t in tf}
    words = [(by_key[int(k)], float(w)) for k, w in zip(vector.terms, vector.weights, strict=True)]
    return vector, words


@dataclass(frozen=True, slots=True)
class LibraryVectors:
    """Every live document's vector: `docnums[i]` has row i of a CSR matrix whose columns are
    the term keys in `keys`."""

    docnums: np.ndarray
    matrix: sparse.csr_matrix
    keys: np.ndarray

    def vector(self, row: int) -> Vector:
        start, end = self.matrix.indptr[row], self.matrix.indptr[row + 1]
        return Vector(
            self.keys[self.matrix.indices[start:end]],
            self.matrix.data[start:end].astype(np.float32),
        )


def library_vectors(
    searcher: Searcher, cancelled: Callable[[], bool] = lambda: False
) -> LibraryVectors:
    """The vectors of every live document of the index, read from the postings a whole posting
    list at a time (no stored field is read): what clustering from scratch starts from. Built a
    term (column) at a time, so no step sorts all the postings at once."""
    live = np.array(sorted(searcher.reader().all_doc_ids()), dtype=np.int64)
    n = len(live)
    boosts = {f: (searcher.schema[f].format.field_boost or 1.0) for f in FIELDS}
    # Each term's live postings per field, as (rows, term counts).
    per_term: dict[bytes, list[tuple[np.ndarray, np.ndarray]]] = {}
    df: dict[bytes, int] = {}
    for fieldname in FIELDS:
        scale = (TITLE_WEIGHT if fieldname == "title" else 1.0) / boosts[fieldname]
        seen: dict[bytes, int] = {}
        for k, (btext, ids, weights) in enumerate(engine.field_postings(searcher, fieldname)):
            if k % 4096 == 0 and cancelled():
                raise Cancelled
            if btext in _STOP_TERMS:
                continue
            rows = np.searchsorted(live, ids).astype(np.int32)
            per_term.setdefault(btext, []).append((rows, (weights * scale).astype(np.float32)))
            seen[btext] = seen.get(btext, 0) + len(ids)
        for btext, count in seen.items():
            df[btext] = max(df.get(btext, 0), count)
    if not per_term or not n:
        empty = sparse.csr_matrix((n, 0), dtype=np.float32)
        return LibraryVectors(live, empty, np.zeros(0, np.int64))
    # Columns in term-key order, so that ties in weight fall to the lower key as in `_top`.
    terms = sorted(per_term, key=term_key)
    keys = np.array([term_key(t) for t in terms], dtype=np.int64)
    columns: list[np.ndarray] = []
    values: list[np.ndarray] = []
    indptr = np.zeros(len(terms) + 1, dtype=np.int64)
    for column, term in enumerate(terms):
        parts = per_term.pop(term)
        if len(parts) == 1:
            r, tf = parts[0]
        else:  # the term is in titles and bodies (or in several segments): add them up
            r, inverse = np.unique(np.concatenate([p[0] for p in parts]), return_inverse=True)
            tf = np.bincount(inverse, weights=np.concatenate([p[1] for p in parts]))
        idf = np.log(n / max(df[term], 1))
        columns.append(r.astype(np.int32))
        values.append(((1.0 + np.log(tf)) * idf).astype(np.float32))
        indptr[column + 1] = indptr[column] + len(r)
    by_term = sparse.csc_matrix(
        (np.concatenate(values), np.concatenate(columns), indptr), shape=(n, len(terms))
    )
    del columns, values
    matrix = by_term.tocsr()  # rows now hold their columns (keys) in ascending order
    del by_term
    _keep_top(matrix)
    return LibraryVectors(live, sparse.csr_matrix(matrix, dtype=np.float32), keys)


def _keep_top(matrix: sparse.csr_matrix) -> None:
    """In place: each row keeps its TOP_TERMS heaviest positive weights (ties: the lower
    column, i.e. the lower key, as `_top` cuts), then is scaled to unit length."""
    data, indptr = matrix.data, matrix.indptr
    np.maximum(data, 0.0, out=data)
    for row in range(matrix.shape[0]):
        start, end = indptr[row], indptr[row + 1]
        d = data[start:end]
        if end - start > TOP_TERMS:
            cut = np.partition(d, -TOP_TERMS)[-TOP_TERMS]
            above = d > cut
            room = TOP_TERMS - int(above.sum())
            tied = np.flatnonzero(d == cut)
            keep = above
            keep[tied[:room]] = True
            d[~keep] = 0.0
        norm = float(np.sqrt(np.dot(d, d)))
        if norm:
            d /= norm
    matrix.eliminate_zeros()


def stack(vectors: Iterable[Vector]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Vectors as rows of one CSR matrix over the union of their term keys (returned)."""
    vectors = list(vectors)
    if not vectors:
        return sparse.csr_matrix((0, 0), dtype=np.float32), np.zeros(0, dtype=np.int64)
    lengths = np.array([len(v.terms) for v in vectors])
    all_terms = (
        np.concatenate([v.terms for v in vectors]) if lengths.sum() else np.zeros(0, np.int64)
    )
    all_weights = (
        np.concatenate([v.weights for v in vectors]) if lengths.sum() else np.zeros(0, np.float32)
    )
    keys, columns = np.unique(all_terms, return_inverse=True)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    matrix = sparse.csr_matrix((all_weights, columns, indptr), shape=(len(vectors), len(keys)))
    return matrix, keys
