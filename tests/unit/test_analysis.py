"""The fast analysis (one regex pass, lowercase, stem) gives exactly Whoosh's tokens, for the
index (schema.Text) and for highlights (search.snippets), from one shared `fast_parts`.

The two copies used to disagree on a StemFilter's `ignore` words: the index's copy kept them
unstemmed as Whoosh does, the highlighter's refused the fast path. Whoosh's StemFilter leaves an
ignored word as it is (lowercased), so that is what both do now.
"""

from __future__ import annotations

import pytest
from whoosh.analysis import StemmingAnalyzer
from whoosh.analysis.analyzers import Analyzer
from whoosh.fields import TEXT

from newsreader.index.search.snippets import tokenize
from newsreader.index.store.schema import TEXT_ANALYZER, Text, fast_parts

TEXT_SAMPLE = "Running runners ran; RUNNING runs. The runner's run-ins, running again 2024"


def whoosh_tokens(analyzer: Analyzer, text: str) -> list[tuple[int, int, int, str]]:
    tokens = analyzer(text, positions=True, chars=True, mode="index", removestops=False)
    return [(t.pos, t.startchar, t.endchar, t.text) for t in tokens]


ANALYZERS = {
    "schema": TEXT_ANALYZER,
    "ignore": StemmingAnalyzer(stoplist=None, minsize=1, ignore={"running", "runs"}),
}


@pytest.mark.parametrize("name", ANALYZERS)
def test_the_fast_path_is_taken_and_gives_whooshs_tokens(name: str) -> None:
    analyzer = ANALYZERS[name]
    parts = fast_parts(analyzer)
    assert parts is not None
    assert tokenize(TEXT_SAMPLE, analyzer) == whoosh_tokens(analyzer, TEXT_SAMPLE)


@pytest.mark.parametrize("name", ANALYZERS)
def test_the_index_terms_are_whooshs(name: str) -> None:
    analyzer = ANALYZERS[name]
    fast, plain = Text(analyzer=analyzer, chars=True), TEXT(analyzer=analyzer, chars=True)
    got = {term: (freq, weight) for term, freq, weight, _ in fast.index(TEXT_SAMPLE)}
    want = {term: (freq, weight) for term, freq, weight, _ in plain.index(TEXT_SAMPLE)}
    assert got == want
    assert (b"running" if name == "ignore" else b"run") in got
