"""Align two articles: the passages they share, the sentences they paraphrase, the quotes they
have in common, and what each says alone.

`compare` is a pure, deterministic function of two Articles (stdlib only). All spans are
character offsets into each article's `body`.

- Shared passages: greedy string tiling of the normalised words (case, punctuation, quote styles,
  dashes and whitespace do not count), runs of at least `min_words`; every run of that many
  words common to both is covered, on one side at least, by a reported passage.
- Sentence pairs (`sentences`): one-to-one, by idf-weighted content stems blended with letter
  trigrams, the sentences of one matched statement quote first, neighbours of a pair more
  easily; then each pair is judged (`verdict`): `agree` or `differs`, a score, and where it
  differs (`differences`).
- Quotes (`quotes`): matched one-to-one across the sides by the speaker's surname (allowing for
  transliterated spellings) and their content, worded alike or not, with how they differ.

Similarity: the share of all words of both articles that have a counterpart on the other side,
`(matched_a + matched_b) / (words_a + words_b)`, where a side's matched words are its words inside
shared passages plus, for each paraphrase pair, the pair's link strength times the words of its
sentence that lie outside shared passages. Identical bodies give 1.0; no common run and no pair
give 0.0. `shared_share_a`/`shared_share_b` count shared passages only, per side.
"""

from __future__ import annotations

from newsreader.index.compare import text as tx
from newsreader.index.compare.quotes import match_quotes
from newsreader.index.compare.records import Alignment, SentencePair, SharedPassage, Span
from newsreader.index.compare.sentences import Side, idf_of, pair_sentences
from newsreader.index.compare.verdict import judge
from newsreader.index.model import Article


def compare(a: Article, b: Article, *, min_words: int = 6) -> Alignment:
    """Align `a` with `b`: shared runs of at least `min_words` words, paraphrased sentence
    pairs, matched quotes, the sentences each side has alone, and the similarity figure."""
    if min_words < 1:
        raise ValueError("min_words must be at least 1")
    sa, sb = Side(a.body), Side(b.body)
    shared: list[SharedPassage] = []
    for n, (i, j, length) in enumerate(tx.shared_runs(sa.norms, sb.norms, min_words), 1):
        sa.covered[i : i + length] = b"\x01" * length
        sb.covered[j : j + length] = b"\x01" * length
        shared.append(
            SharedPassage(
                n,
                sa.span(sa.starts[i], sa.ends[i + length - 1]),
                sb.span(sb.starts[j], sb.ends[j + length - 1]),
                length,
            )
        )
    idf = idf_of(sa, sb)
    qmatches, qonly_a, qonly_b = match_quotes(sa, sb, idf)
    pairs = pair_sentences(sa, sb, idf, qmatches)

    paired_a = {i for i, _, _, _ in pairs}
    paired_b = {j for _, j, _, _ in pairs}
    matched = float(sa.covered.count(1) + sb.covered.count(1))
    for i, j, score, _ in pairs:
        matched += score * (sa.uncovered(sa.sentences[i]) + sb.uncovered(sb.sentences[j]))
    total = len(sa.norms) + len(sb.norms)
    return Alignment(
        a_id=a.id,
        b_id=b.id,
        similarity=min(1.0, matched / total) if total else 0.0,
        shared_share_a=sa.covered.count(1) / len(sa.norms) if sa.norms else 0.0,
        shared_share_b=sb.covered.count(1) / len(sb.norms) if sb.norms else 0.0,
        shared=tuple(shared),
        pairs=tuple(_judged(sa, sb, i, j, score, via) for i, j, score, via in sorted(pairs)),
        quotes=tuple(qmatches),
        quotes_only_a=tuple(qonly_a),
        quotes_only_b=tuple(qonly_b),
        only_a=_alone(sa, paired_a, min_words),
        only_b=_alone(sb, paired_b, min_words),
        min_words=min_words,
    )


def _judged(sa: Side, sb: Side, i: int, j: int, link: float, via: bool) -> SentencePair:
    x, y = sa.sentences[i], sb.sentences[j]
    judgement = judge(sa.body, (x.start, x.end), sb.body, (y.start, y.end))
    return SentencePair(
        sa.span(x.start, x.end),
        sb.span(y.start, y.end),
        judgement.score,
        via,
        link,
        judgement.verdict,
        judgement.differences,
    )


def _alone(side: Side, paired: set[int], min_words: int) -> tuple[Span, ...]:
    """The sentences without a counterpart: in no pair, and holding less of a shared passage
    than a passage's minimum length (so a run that spills a word or two over a sentence
    boundary, "...on Tuesday. The", does not give the next sentence a counterpart)."""
    alone = []
    for n, s in enumerate(side.sentences):
        length = s.last - s.first
        if n not in paired and length and length - side.uncovered(s) < min(min_words, length):
            alone.append(side.span(s.start, s.end))
    return tuple(alone)
