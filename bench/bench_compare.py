"""Time `index.compare.compare` on generated long articles, and optionally on real files.

Run: `python bench/bench_compare.py [--screen] [FILE ...]`. Prints figures, asserts nothing;
`--screen` also times the compare screen, headless. The generated
pairs are built deterministically from this file's own word list: B copies some of A's
paragraphs verbatim (reordered), rewords others, and quotes the same speakers differently.
With files, every pair of the articles read from them is compared as well.
"""

from __future__ import annotations

import itertools
import random
import statistics
import sys
import time
from pathlib import Path

from newsreader.index.compare import compare
from newsreader.index.model import Article

_FUNCTION_WORDS = (
    "a the of to in on for with by from at as and or but after before during under over it is "
    "was were has have had be been that this which who said warned announced expected agreed"
)
_FUNCTION = tuple(_FUNCTION_WORDS.split())
_SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ren",
    "tor",
    "vas",
    "el",
    "un",
    "dra",
    "pen",
    "sil",
    "quo",
    "bar",
    "nes",
    "ti",
    "gor",
    "ala",
    "fen",
    "mur",
    "ost",
)


def _vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    """Made-up content words, so the figures do not depend on any real text."""
    words = {"".join(rng.choices(_SYLLABLES, k=rng.randrange(2, 4))) for _ in range(size)}
    return sorted(words)


_NAMES = ("Halvorsen", "Okafor", "Lindqvist", "Marchetti", "Tanaka", "Dubois", "Kowalski")
_SYNONYMS = {
    "said": "stated",
    "warned": "cautioned",
    "expected": "likely",
    "the": "a",
    "agreed": "accepted",
    "after": "following",
    "during": "in",
    "announced": "declared",
}


_VOCAB = _vocabulary(random.Random(0))
# Zipf-like frequencies, as in real prose: a few content words are everywhere, most are rare.
_CUM_WEIGHTS = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(_VOCAB))))


def _sentence(rng: random.Random, n: int) -> str:
    words = [
        rng.choice(_FUNCTION)
        if rng.random() < 0.45
        else rng.choices(_VOCAB, cum_weights=_CUM_WEIGHTS)[0]
        for _ in range(n)
    ]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), str(rng.randrange(10, 5000)))
    return " ".join(words).capitalize() + "."


def _quote(speaker: str, words: list[str]) -> str:
    return f"“{' '.join(words).capitalize()},” {speaker} said."


def make_pair(total_words: int, seed: int = 1) -> tuple[Article, Article]:
    """Two articles of about `total_words` words each that overlap like two outlets' reports."""
    rng = random.Random(seed)
    paras_a: list[str] = []
    paras_b: list[str] = []
    count = 0
    while count < total_words:
        sents = [_sentence(rng, rng.randrange(8, 25)) for _ in range(rng.randrange(2, 5))]
        para = " ".join(sents)
        count += len(para.split())
        kind = rng.random()
        paras_a.append(para)
        if kind < 0.3:
            paras_b.append(para)  # wire copy
        elif kind < 0.5:
            paras_b.append(" ".join(_SYNONYMS.get(w, w) for w in para.split()))  # reworded
        elif kind < 0.75:
            words = sents[0].rstrip(".").split()
            speaker = rng.choice(_NAMES)
            paras_a[-1] += " " + _quote(speaker, words)
            paras_b.append(_quote(speaker, [_SYNONYMS.get(w, w) for w in words]))
        else:
            paras_b.append(" ".join(_sentence(rng, rng.randrange(8, 25)) for _ in range(3)))
    rng.shuffle(paras_b)
    a = Article(id="gen/a", title="A", body="\n\n".join(paras_a), source="gen", path="a")
    b = Article(id="gen/b", title="B", body="\n\n".join(paras_b), source="gen", path="b")
    return a, b


def _time(a: Article, b: Article, repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        compare(a, b)
        runs.append((time.perf_counter() - start) * 1000)
    return runs


def main(argv: list[str]) -> None:
    for size, repeat in ((500, 20), (2000, 20), (5000, 5), (20000, 2)):
        a, b = make_pair(size)
        runs = _time(a, b, repeat)
        result = compare(a, b)
        print(
            f"generated {len(a.body.split()):>6} + {len(b.body.split()):>6} words: "
            f"median {statistics.median(runs):7.1f} ms, best {min(runs):7.1f} ms "
            f"(shared {len(result.shared)}, pairs {len(result.pairs)}, "
            f"quotes {len(result.quotes)}, similarity {result.similarity:.3f})"
        )
    if "--screen" in argv:
        argv = [x for x in argv if x != "--screen"]
        _screen()
    if argv:
        _files(argv)


def _screen() -> None:
    """How long the compare screen takes, headless, from being pushed to showing the aligned
    articles (two generated articles of about 2,000 words), and for one `]`; next to what the
    same steps cost with a screen that does nothing (Pilot's own overhead)."""
    import asyncio

    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import Static

    from newsreader.tui.screens.compare import CompareScreen

    a, b = make_pair(2000)

    class Idle(Screen[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Static("idle")

    async def run(make: object) -> tuple[float, float]:
        app: App[None] = App()
        async with app.run_test(size=(140, 40)) as pilot:
            start = time.perf_counter()
            await app.push_screen(make())  # type: ignore[operator]
            await app.workers.wait_for_complete()
            await pilot.pause()
            opened = time.perf_counter() - start
            start = time.perf_counter()
            await pilot.press("right_square_bracket")
            await pilot.pause()
            return opened * 1000, (time.perf_counter() - start) * 1000

    for name, make in (
        ("idle screen", Idle),
        ("compare screen, 2,000 + 2,000 words", lambda: CompareScreen(None, a, b)),
    ):
        times = [asyncio.run(run(make)) for _ in range(3)]
        print(
            f"{name}: open {min(t[0] for t in times):.0f} ms, "
            f"']' {min(t[1] for t in times):.0f} ms (best of 3, headless, Pilot overhead included)"
        )


def _files(paths: list[str]) -> None:
    try:
        from newsreader.index.parsing.articles import read_articles
    except ImportError:
        read_articles = None
    articles: list[Article] = []
    for name in paths:
        path = Path(name).resolve()
        if read_articles is not None:
            articles += read_articles(path, source="bench", root=path.parent)
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
            title, _, body = text.partition("\n")
            articles.append(Article(path.name, title, body.strip(), "bench", str(path)))
    for a, b in itertools.combinations(articles, 2):
        runs = _time(a, b, 5)
        result = compare(a, b)
        print(
            f"{a.id} vs {b.id}: median {statistics.median(runs):.1f} ms, "
            f"similarity {result.similarity:.3f}, shared {len(result.shared)}, "
            f"pairs {len(result.pairs)}, quotes {len(result.quotes)}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
