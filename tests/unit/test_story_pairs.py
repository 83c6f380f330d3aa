"""The event pairs of `clustering._dated_pairs` (small date-ordered blocks, dense products for
dense blocks) are exactly those of one whole sparse product, and so are the clusters.

The fixture is vectors made here: bursts of articles sharing a few words (dense blocks, as a
generated library or a big story gives) beside articles with words of their own (sparse
blocks, as most news), dated within days of each other, some undated.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from newsreader.index.stories import clustering
from newsreader.index.stories.identity import PARAMS, Params


def reference_pairs(
    matrix: sparse.csr_matrix, days: np.ndarray, params: Params
) -> set[tuple[int, int]]:
    """Every pair at once: the product of all dated rows with each other, then the filter."""
    dated = np.flatnonzero(~np.isnan(days))
    product = (matrix[dated] @ matrix[dated].T).tocoo()
    i, j = dated[product.row], dated[product.col]
    keep = (
        (product.row < product.col)
        & (product.data >= params.event_similarity)
        & (np.abs(days[j] - days[i]) <= params.event_days)
    )
    return {(min(a, b), max(a, b)) for a, b in zip(i[keep].tolist(), j[keep].tolist(), strict=True)}


def reference_cluster(matrix: sparse.csr_matrix, days: np.ndarray) -> clustering.Clusters:
    """`cluster` with the event pairs of `reference_pairs`."""
    pairs = reference_pairs(matrix, days, PARAMS)
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    original = clustering._dated_pairs
    clustering._dated_pairs = lambda *_args, **_kw: (a, b)  # type: ignore[assignment]
    try:
        return clustering.cluster(matrix, days)
    finally:
        clustering._dated_pairs = original  # type: ignore[assignment]


def vectors(seed: int, n: int = 1500, spread: float = 6.0) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Unit rows: a third in bursts over 12 shared words, the rest over 5,000 words (sparse);
    dates within `spread` days, one in twenty undated."""
    rnd = np.random.default_rng(seed)
    rows, cols, vals = [], [], []
    for r in range(n):
        if r % 3 == 0:
            words = rnd.choice(12, size=8, replace=False)
        else:
            words = rnd.choice(np.arange(12, 5012), size=30, replace=False)
            words[:3] = rnd.choice(40, size=3, replace=False) + 12  # some words widely shared
            words = np.unique(words)
        weights = rnd.random(len(words)).astype(np.float32) + 0.1
        weights /= np.sqrt(np.dot(weights, weights))
        rows += [r] * len(words)
        cols += words.tolist()
        vals += weights.tolist()
    matrix = sparse.csr_matrix(
        (np.array(vals, np.float32), (rows, cols)), shape=(n, 5012), dtype=np.float32
    )
    days = 20_000 + rnd.random(n) * spread
    days[rnd.random(n) < 0.05] = np.nan
    return matrix, days


@pytest.mark.parametrize("gain", [None, 0, 10**9], ids=["chosen", "all-sparse", "all-dense"])
@pytest.mark.parametrize("seed,spread", [(1, 2.0), (2, 6.0), (3, 40.0)])
def test_pairs_and_clusters_equal_one_whole_product(
    monkeypatch: pytest.MonkeyPatch, seed: int, spread: float, gain: int | None
) -> None:
    if gain is not None:
        monkeypatch.setattr(clustering, "_DENSE_GAIN", gain)
    matrix, days = vectors(seed, spread=spread)
    a, b = clustering._dated_pairs(matrix, days, PARAMS)
    found = set(zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist(), strict=True))
    assert len(found) == len(a)  # no pair twice
    expected = reference_pairs(matrix, days, PARAMS)
    assert len(expected) > 100
    assert found == expected
    ours, theirs = clustering.cluster(matrix, days), reference_cluster(matrix, days)
    assert (ours.event == theirs.event).all()
    assert (ours.story == theirs.story).all()
    assert ours.story.max() < len(days) - 50  # stories were formed, not all singletons


def test_similar_pairs_give_the_sparse_products_entries() -> None:
    """Dense or sparse, the entries at or above the threshold are those of the sparse
    product, to the last bit (the same float32 sums in the same order)."""
    matrix, _days = vectors(4, n=600)
    rows, others = matrix[:200], matrix[100:600]
    product = (rows @ others.T).tocoo()
    for threshold in (0.05, 0.25, 0.5):
        keep = product.data >= threshold
        expected = set(zip(product.row[keep].tolist(), product.col[keep].tolist(), strict=True))
        for gain in (0, 10**9):
            clustering_gain = clustering._DENSE_GAIN
            clustering._DENSE_GAIN = gain
            try:
                i, j = clustering.similar_pairs(rows, others, threshold)
            finally:
                clustering._DENSE_GAIN = clustering_gain
            assert set(zip(i.tolist(), j.tolist(), strict=True)) == expected
