"""Measure compare's sentence pairs on labelled sentence pairs: does it link the right sentences,
and does its pair score tell "says the same" from "says something else"?

Run: `python bench/bench_pairs.py PAIRS.tsv [--size 12] [--seed 1] [--folds 0]`.

PAIRS.tsv is tab-separated with a header, in the MSR Paraphrase Corpus's layout: `Quality`
(1 = paraphrase, 0 = not), `#1 ID`, `#2 ID`, `#1 String`, `#2 String`. The data stays outside
the repository: this script takes a path.

The method (issue 17's): the pairs are cut, in file order, into articles of `--size` pairs;
article A holds each pair's first sentence, one paragraph each, in order; article B holds the
second sentences in an order shuffled with `--seed`. `compare(A, B)` runs on each article pair.
- a link is a compare pair (or a shared passage covering a whole sentence on both sides) that
  joins the paragraphs of one labelled pair;
- link recall: the share of paraphrase pairs (Quality 1) with a link;
- link precision: the share of compare's links (pairs) that join the two sentences of one
  labelled pair, whatever its label;
- AUC: how well the score of each labelled pair's link (0 when compare did not link it)
  separates paraphrases from the rest (Mann-Whitney, ties count half); `--score` picks
  `pairs[].score` (the agreement score) or `link` (the strength of the alignment).
Also printed: word-overlap Jaccard's AUC on the same pairs, for reference. Prints figures,
asserts nothing.

`--fit` instead fits `index.compare.verdict`'s logistic model on the file's pairs (each pair's two
sentences judged directly) and prints the weights to paste into `index/verdict.py`, with the
AUC of 10-fold cross-validation repeated `--repeats` times: the honest figure for the pairs
the weights were fitted on.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from bisect import bisect_right
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsreader.index.compare import compare
from newsreader.index.compare import text as tx
from newsreader.index.compare.verdict import signals
from newsreader.index.model import Article


def read_pairs(path: Path) -> list[tuple[int, str, str]]:
    """(label, sentence 1, sentence 2) from an MSRP-style TSV; a clear error on a bad row."""
    pairs: list[tuple[int, str, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        # MSRP's strings hold bare quote marks: read tabs only, no CSV quoting.
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rows, None)
        if not header or header[0].strip().lower() != "quality":
            raise SystemExit(f"{path}: line 1: expected a header starting with 'Quality'")
        for line, row in enumerate(rows, 2):
            if not row or not "".join(row).strip():
                continue
            if len(row) < 5 or row[0].strip() not in ("0", "1"):
                raise SystemExit(f"{path}: line {line}: expected Quality(0/1), 2 IDs, 2 strings")
            pairs.append((int(row[0]), row[3].strip(), row[4].strip()))
    return pairs


def auc(scores: list[float], labels: list[int]) -> float:
    """Area under the ROC curve: the chance that a random positive outscores a random
    negative, ties counting half."""
    order = sorted(range(len(scores)), key=lambda n: scores[n])
    ranks = [0.0] * len(scores)
    n = 0
    while n < len(order):
        m = n
        while m + 1 < len(order) and scores[order[m + 1]] == scores[order[n]]:
            m += 1
        for k in range(n, m + 1):
            ranks[order[k]] = (n + m) / 2 + 1
        n = m + 1
    pos = sum(labels)
    neg = len(labels) - pos
    if not pos or not neg:
        return float("nan")
    rank_sum = sum(r for r, y in zip(ranks, labels, strict=True) if y)
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def jaccard(x: str, y: str) -> float:
    a, b = set(tx.normalize_words(x)), set(tx.normalize_words(y))
    return len(a & b) / len(a | b) if a | b else 0.0


def _body(sentences: list[str]) -> tuple[str, list[int]]:
    """The sentences as paragraphs, and where each paragraph starts."""
    starts, pos = [], 0
    for s in sentences:
        starts.append(pos)
        pos += len(s) + 2
    return "\n\n".join(sentences), starts


def evaluate(
    pairs: list[tuple[int, str, str]], size: int, seed: int, which: str
) -> tuple[list[float], int, int, float]:
    """Per labelled pair its link's score (0 when unlinked); links; right links; seconds."""
    rng = random.Random(seed)
    scores = [0.0] * len(pairs)
    links = right = 0
    took = 0.0
    for at in range(0, len(pairs), size):
        chunk = pairs[at : at + size]
        order = list(range(len(chunk)))
        rng.shuffle(order)  # order[k] = the pair whose second sentence is B's paragraph k
        body_a, starts_a = _body([p[1] for p in chunk])
        body_b, starts_b = _body([chunk[k][2] for k in order])
        a = Article(id=f"a{at}", title="", body=body_a, source="bench", path="a")
        b = Article(id=f"b{at}", title="", body=body_b, source="bench", path="b")
        t0 = time.perf_counter()
        al = compare(a, b)
        took += time.perf_counter() - t0
        found: list[tuple[int, int, float]] = []
        for p in al.pairs:
            score = p.score if which == "score" else getattr(p, "link", p.score)
            found.append(
                (
                    bisect_right(starts_a, p.a.start) - 1,
                    order[bisect_right(starts_b, p.b.start) - 1],
                    score,
                )
            )
        for sp in al.shared:
            # A sentence wholly inside a shared passage gets no pair: the passage is its link.
            i = bisect_right(starts_a, sp.a.start) - 1
            k = bisect_right(starts_b, sp.b.start) - 1
            if sp.words >= min(
                len(tx.normalize_words(chunk[i][1])), len(tx.normalize_words(chunk[order[k]][2]))
            ):
                found.append((i, order[k], 1.0))
        for i, j, score in found:
            links += 1
            if i == j:
                right += 1
                scores[at + i] = max(scores[at + i], score)
    return scores, links, right, took


def _logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> np.ndarray:
    """Weights (bias last) of an L2-penalised logistic regression, by Newton's method."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    penalty = l2 * np.diag(np.r_[np.ones(len(w) - 1), 0.0])  # the bias is not penalised
    for _ in range(50):
        p = 1 / (1 + np.exp(-xb @ w))
        gradient = xb.T @ (p - y) + penalty @ w
        hessian = (xb * (p * (1 - p))[:, None]).T @ xb + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def fit(pairs: list[tuple[int, str, str]], repeats: int) -> None:
    names = list(signals("a", "a"))
    x = np.array([[signals(a, b)[k] for k in names] for _, a, b in pairs])
    y = np.array([label for label, _, _ in pairs], dtype=float)
    rng = np.random.default_rng(0)
    aucs = []
    for _ in range(repeats):
        order = rng.permutation(len(y))
        predicted = np.zeros(len(y))
        for held in np.array_split(order, 10):
            train = np.setdiff1d(order, held)
            w = _logistic(x[train], y[train])
            predicted[held] = x[held] @ w[:-1] + w[-1]
        aucs.append(auc(list(predicted), list(y)))
    w = _logistic(x, y)
    spread = f"{np.mean(aucs):.3f} ± {np.std(aucs):.3f}"
    print(f"{len(pairs)} pairs; 10-fold cross-validated AUC {spread}")
    for name, value in zip(names, w[:-1], strict=True):
        print(f'    "{name}": {value:.3f},')
    print(f"_BIAS = {w[-1]:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pairs", type=Path, help="MSRP-style TSV of labelled sentence pairs")
    parser.add_argument("--size", type=int, default=12, help="labelled pairs per article")
    parser.add_argument("--seed", type=int, default=1, help="seed of B's shuffle")
    parser.add_argument("--score", choices=("score", "link"), default="score")
    parser.add_argument("--fit", action="store_true", help="fit index.compare.verdict's weights")
    parser.add_argument("--repeats", type=int, default=10, help="cross-validation repeats")
    args = parser.parse_args(argv)
    pairs = read_pairs(args.pairs)
    if args.fit:
        fit(pairs, args.repeats)
        return 0
    labels = [p[0] for p in pairs]
    scores, links, right, took = evaluate(pairs, args.size, args.seed, args.score)
    positives = sum(labels)
    linked_pos = sum(1 for s, y in zip(scores, labels, strict=True) if y and s > 0)
    linked_neg = sum(1 for s, y in zip(scores, labels, strict=True) if not y and s > 0)
    print(f"{args.pairs}: {len(pairs)} pairs, {positives} paraphrases, articles of {args.size}")
    print(f"AUC of pairs[].{args.score}: {auc(scores, labels):.3f}")
    print(f"AUC of word Jaccard:     {auc([jaccard(p[1], p[2]) for p in pairs], labels):.3f}")
    print(f"link recall:    {linked_pos / positives if positives else float('nan'):.3f}")
    print(f"link precision: {right / links if links else float('nan'):.3f} ({right}/{links})")
    print(f"non-paraphrases linked: {linked_neg} of {len(pairs) - positives}")
    print(f"compare time: {took:.2f} s for {(len(pairs) + args.size - 1) // args.size} articles")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
