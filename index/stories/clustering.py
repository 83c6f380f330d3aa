"""Grouping articles into stories: a pure function of their vectors and dates.

Two levels, both single-link over similarity graphs, so the result depends only on the articles
and not on the order they arrived in:

1. **Events.** Two dated articles at most `event_days` apart whose cosine is at least
   `event_similarity` report the same event; events are the connected groups.
2. **Stories.** Two events whose time spans are at most `story_days` apart (the gap between the
   end of one and the start of the other) belong to one story when the cosine of their centroids
   (the normalised sum of their articles' vectors) is at least `story_similarity +
   story_slope * gap`. Comparing centroids rather than single articles is what lets a follow-up
   a week later (an inquiry into the same collapse, with the same names and numbers) join while a
   different match of the same club a week later does not: the centroid of several reports
   weighs what they agree on.
3. **Undated articles** have no time to check, so an undated article joins at most one story: the
   story of the dated article most like it, when their cosine is at least `undated_similarity`.
   It never joins two stories together, and two undated articles are never grouped on their own
   (without dates, a report cannot be told from one about a similar event years apart).

The thresholds were chosen on tests/data/stories (pairwise precision and recall 1.0 for any
event threshold 0.2-0.3 and story threshold 0.36-0.40) and on the five seed articles with the BBC
corpus (one story of exactly the five); see /work/notes and the README's Stories section.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from newsreader.index.stories.identity import PARAMS, Params
from newsreader.index.stories.vectors import Cancelled

_CHUNK = 2048  # rows multiplied at a time: bounds the memory of one sparse product
_PAIR_ROWS = 256
"""Rows (in date order) of one block of `_dated_pairs`: small, so that a block spans little
time beyond the window each row needs."""
_DENSE_GAIN = 16
"""A dense block's product costs one multiply per term of a row and article of the window, a
sparse one a multiply per shared term plus its bookkeeping (several times dearer): dense when
its multiplies are at most this many times the sparse one's."""
_DENSE_CELLS = 8_000_000
"""Most cells (float32) of a dense block of the window's articles on a block's terms: 32 MB."""


@dataclass(frozen=True, slots=True)
class Clusters:
    """`event[i]` and `story[i]` label article i (labels are arbitrary small integers; an
    undated article's event is its own)."""

    event: np.ndarray
    story: np.ndarray


def cluster(
    matrix: sparse.csr_matrix,
    days: np.ndarray,
    params: Params = PARAMS,
    cancelled: Callable[[], bool] = lambda: False,
) -> Clusters:
    """Events and stories of the articles whose unit vectors are the rows of `matrix` and whose
    dates are `days` (days as floats, NaN when undated). Article order decides nothing but
    ties between equally similar best matches of an undated article (the earlier row wins)."""
    n = matrix.shape[0]
    matrix = sparse.csr_matrix(matrix, dtype=np.float32)
    dated = ~np.isnan(days)
    event = _components(n, *_dated_pairs(matrix, days, params, cancelled))
    # Every undated article is an event of its own.
    if cancelled():
        raise Cancelled
    story_of_event = _story_links(matrix, days, event, params, cancelled)
    story = story_of_event[event]
    undated = np.flatnonzero(~dated)
    with_dates = np.flatnonzero(dated)
    if len(undated) and len(with_dates):
        best, best_sim = best_matches(matrix[undated], matrix[with_dates])
        linked = best_sim >= params.undated_similarity
        story[undated[linked]] = story[with_dates[best[linked]]]
    return Clusters(_compact(event), _compact(story))


def _dated_pairs(
    matrix: sparse.csr_matrix,
    days: np.ndarray,
    params: Params,
    cancelled: Callable[[], bool] = lambda: False,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i, j) of dated articles at most `event_days` apart with cosine >= the event
    threshold, found `_PAIR_ROWS` rows (in date order) at a time against the rows dated from
    the first of them to `event_days` after the last: small blocks, so that little of each
    product falls outside the window (articles fetched together are dated within days, and
    a block of 2,048 rows then multiplied against twice the rows it needed)."""
    order = np.flatnonzero(~np.isnan(days))
    order = order[np.argsort(days[order], kind="stable")]
    sorted_days = days[order]
    sub = matrix[order]
    found_a: list[np.ndarray] = []
    found_b: list[np.ndarray] = []
    for start in range(0, len(order), _PAIR_ROWS):
        if cancelled():
            raise Cancelled
        stop = min(start + _PAIR_ROWS, len(order))
        reach = int(
            np.searchsorted(sorted_days, sorted_days[stop - 1] + params.event_days, "right")
        )
        i, j = similar_pairs(sub[start:stop], sub[start:reach], params.event_similarity)
        i += start
        j += start
        keep = (j > i) & (sorted_days[j] - sorted_days[i] <= params.event_days)
        found_a.append(order[i[keep]])
        found_b.append(order[j[keep]])
    if not found_a:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(found_a), np.concatenate(found_b)


def similar_pairs(
    rows: sparse.csr_matrix, others: sparse.csr_matrix, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) of every entry of `rows @ others.T` that is >= `threshold` (> 0), each entry the
    very float32 the sparse product gives. When the block is dense (many articles with the
    same words: a burst of one story, or a generated library), the product goes through a
    dense matrix of `others` on `rows`' terms: scipy's sparse-times-dense loop adds each
    entry's terms in the same order as its sparse-times-sparse one (each row of `rows` in
    its stored order, float32), so the entries are equal, but without a hash step per term
    and article. Sparse blocks (the usual news library) stay sparse."""
    counts = np.bincount(others.indices, minlength=rows.shape[1])
    sparse_ops = int(counts[rows.indices].sum())
    terms = np.unique(rows.indices)
    if (
        rows.nnz * others.shape[0] <= _DENSE_GAIN * sparse_ops
        and len(terms) * others.shape[0] <= _DENSE_CELLS
    ):
        local = np.full(rows.shape[1], -1, dtype=np.int64)
        local[terms] = np.arange(len(terms))
        compact = sparse.csr_matrix(
            (rows.data, local[rows.indices], rows.indptr), shape=(rows.shape[0], len(terms))
        )
        found = others.tocoo()
        at = local[found.col]
        on = at >= 0
        dense = np.zeros((len(terms), others.shape[0]), dtype=np.float32)
        dense[at[on], found.row[on]] = found.data[on]
        i, j = np.nonzero(np.asarray(compact @ dense) >= threshold)
        return i.astype(np.int64), j.astype(np.int64)
    product = sparse.csr_matrix(rows @ others.T)
    at = np.flatnonzero(product.data >= threshold)
    i = np.searchsorted(product.indptr, at, side="right") - 1
    return i.astype(np.int64), product.indices[at].astype(np.int64)


def centroids(matrix: sparse.csr_matrix, labels: np.ndarray, count: int) -> sparse.csr_matrix:
    """Unit-length sums of the rows of each label."""
    n = matrix.shape[0]
    member = sparse.csr_matrix((np.ones(n, np.float32), (labels, np.arange(n))), shape=(count, n))
    sums = (member @ matrix).tocsr()
    norms = np.sqrt(np.asarray(sums.multiply(sums).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ sums, dtype=np.float32)


def spans(days: np.ndarray, labels: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last day of each label (NaN for a label with no dated member)."""
    lo = np.full(count, np.inf)
    hi = np.full(count, -np.inf)
    dated = ~np.isnan(days)
    np.minimum.at(lo, labels[dated], days[dated])
    np.maximum.at(hi, labels[dated], days[dated])
    lo[np.isinf(lo)] = np.nan
    hi[np.isinf(hi)] = np.nan
    return lo, hi


def _story_links(
    matrix: sparse.csr_matrix,
    days: np.ndarray,
    event: np.ndarray,
    params: Params,
    cancelled: Callable[[], bool] = lambda: False,
) -> np.ndarray:
    """The story label of each event: events linked by their centroids (module docstring)."""
    count = int(event.max()) + 1 if len(event) else 0
    if count == 0:
        return np.zeros(0, np.int64)
    lo, hi = spans(days, event, count)
    cents = centroids(matrix, event, count)
    a, b = event_pairs(cents, lo, hi, params, cancelled)
    return _components(count, a, b)


def event_pairs(
    cents: sparse.csr_matrix,
    lo: np.ndarray,
    hi: np.ndarray,
    params: Params,
    cancelled: Callable[[], bool] = lambda: False,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of dated events (rows of `cents`, spans `lo`..`hi`) that belong to one story."""
    order = np.flatnonzero(~np.isnan(lo))
    order = order[np.argsort(lo[order], kind="stable")]
    s_lo, s_hi = lo[order], hi[order]
    sub = cents[order]
    found_a: list[np.ndarray] = []
    found_b: list[np.ndarray] = []
    for start in range(0, len(order), _CHUNK):
        if cancelled():
            raise Cancelled
        stop = min(start + _CHUNK, len(order))
        # An event starting later than every end in this chunk plus the window links to none.
        reach = int(np.searchsorted(s_lo, np.max(s_hi[start:stop]) + params.story_days, "right"))
        product = (sub[start:stop] @ sub[start:reach].T).tocoo()
        i = product.row + start
        j = product.col + start
        gap = np.maximum(0.0, s_lo[j] - s_hi[i])
        keep = (
            (j > i)
            & (gap <= params.story_days)
            & (product.data >= params.story_similarity + params.story_slope * gap)
        )
        found_a.append(order[i[keep]])
        found_b.append(order[j[keep]])
    if not found_a:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(found_a), np.concatenate(found_b)


def best_matches(
    rows: sparse.csr_matrix, matrix: sparse.csr_matrix
) -> tuple[np.ndarray, np.ndarray]:
    """For each of `rows`, the most similar row of `matrix` and the cosine (-1 and -1.0 when
    none shares a word); ties go to the lower row number."""
    best = np.full(rows.shape[0], -1, dtype=np.int64)
    best_sim = np.full(rows.shape[0], -1.0)
    for start in range(0, rows.shape[0], _CHUNK):
        stop = min(start + _CHUNK, rows.shape[0])
        product = (rows[start:stop] @ matrix.T).tocoo()
        r, c, v = product.row, product.col, product.data.astype(np.float64)
        if not len(r):
            continue
        order = np.lexsort((c, -v, r))  # per row: most similar first, then the lower row
        r, c, v = r[order], c[order], v[order]
        first = np.ones(len(r), dtype=bool)
        first[1:] = r[1:] != r[:-1]
        best[start + r[first]] = c[first]
        best_sim[start + r[first]] = v[first]
    return best, best_sim


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    graph = sparse.coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1].astype(np.int64)


def _compact(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered 0.. in order of first appearance."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse]
