"""The compare report as Markdown, for the compare screen's "save": what `newsreader compare`
prints (`cli/compare_report.py`), section for section and line for line, as a document.

Article text is hostile twice over here: it is made printable and folded onto one line
(`tui.terminal.printable_line`), then every character Markdown gives a meaning to is escaped,
so a title like `# [click](javascript:…)` stays the text it is in any Markdown viewer.
tests/tui/test_reader_trial.py checks that every line of the CLI's report is in this one.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from newsreader.index.compare import (
    Alignment,
    Difference,
    Quote,
    QuoteMatch,
    SentencePair,
    describe,
)
from newsreader.index.model import Article, day_text
from newsreader.tui.terminal import counted, inline, printable_line

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
"""What makes Markdown of inline text: emphasis, code, links and images, HTML, headings, tables,
strike-through. (`-`, `+` and `1.` only at the start of an item: see `_escape`.)"""
_ITEM_START = re.compile(r"^(\s*\d*)([-+.)])(?=\s|$)")


def md(text: str | None) -> str:
    """`text` printable, on one line, every Markdown character escaped."""
    return _escape(printable_line(text))


def _escape(text: str) -> str:
    # A piece of text that starts a line's content could start a list of its own: "- x",
    # "12. x" (the escaped punctuation keeps it text: "\\- x", "12\\. x").
    text = _SPECIAL.sub(r"\\\1", text)
    return _ITEM_START.sub(lambda m: m[1] + "\\" + m[2], text)


def _quoted(text: str) -> str:
    return f"“{md(text)}”"


def report_markdown(a: Article, b: Article, al: Alignment) -> str:
    """The whole report as one Markdown document."""
    return "\n".join(_lines(a, b, al)) + "\n"


def _heading(title: str, count: int) -> list[str]:
    return ["", f"## {title} ({count})", ""]


def _lines(a: Article, b: Article, al: Alignment) -> Iterator[str]:
    yield f"# Comparison: {md(a.title) or '(untitled)'} / {md(b.title) or '(untitled)'}"
    yield ""
    for label, article, share in (("A", a, al.shared_share_a), ("B", b, al.shared_share_b)):
        parts = (md(article.outlet), md(day_text(article.date)), f"{share:.0%} shared")
        meta = " · ".join(x for x in parts if x)
        yield f"- **{label}**  {md(article.title) or '(untitled)'}  "
        yield f"  {meta}  \\[{md(article.id)}\\]"
    yield ""
    quotes_total = len(al.quotes) + len(al.quotes_only_a) + len(al.quotes_only_b)
    yield (
        f"**Similarity {al.similarity:.1%} · {counted(len(al.shared), 'shared passage')} "
        f"(runs of {al.min_words}+ words) · {counted(len(al.pairs), 'paraphrase pair')} · "
        f"{len(al.quotes)} of {quotes_total} quotes matched**"
    )
    yield from _where_they_differ(al)
    if al.shared:
        yield from _heading("Shared passages", len(al.shared))
        for p in al.shared:
            yield f"{p.number}. {p.words} words · A {p.a.start}-{p.a.end}, B {p.b.start}-{p.b.end}"
            yield f"   > {_quoted(p.a.text)}"
    if al.pairs:
        yield from _heading("Said in other words", len(al.pairs))
        for n, pair in enumerate(al.pairs, 1):
            how = " · the same quote" if pair.via_quote else ""
            yield f"{n}. {pair.verdict} · score {pair.score:.2f}{how}"
            yield f"   - **A** {md(pair.a.text)}"
            yield f"   - **B** {md(pair.b.text)}"
    if al.quotes:
        yield from _heading("Quotes on both sides", len(al.quotes))
        for n, m in enumerate(al.quotes, 1):
            who = md(m.speaker) if m.speaker else "speaker not named"
            yield f"{n}. {who} · score {m.score:.2f}"
            yield f"   - **A** {_quoted(m.a.span.text)}"
            yield f"   - **B** {_quoted(m.b.span.text)}"
    for label, quotes in (("A", al.quotes_only_a), ("B", al.quotes_only_b)):
        if quotes:
            yield from _heading(f"Quotes only in {label}", len(quotes))
            for q in quotes:
                yield f"- {_quote_line(q)}"
    for label, alone in (("A", al.only_a), ("B", al.only_b)):
        if alone:
            yield from _heading(f"Only in {label}", len(alone))
            for span in alone:
                yield f"- {md(span.text)}"
    if not (al.shared or al.pairs or al.quotes):
        yield ""
        yield "Nothing in common: no shared passage, no paraphrased sentence, no common quote."


def _where_they_differ(al: Alignment) -> Iterator[str]:
    items: list[SentencePair | QuoteMatch] = [p for p in al.pairs if p.verdict == "differs"]
    items += [m for m in al.quotes if m.differences]
    items.sort(key=lambda x: x.a.start if isinstance(x, SentencePair) else x.a.span.start)
    if not items:
        return
    yield from _heading("Where they differ", len(items))
    for n, item in enumerate(items, 1):
        if isinstance(item, SentencePair):
            a, b, what = item.a, item.b, f"score {item.score:.2f}"
        else:
            a, b, what = item.a.span, item.b.span, "quote"
            speakers = " / ".join(md(q.speaker or "speaker not named") for q in (item.a, item.b))
            what += f" · {speakers}"
        what += f" · {describe(item.differences, md)}"
        yield f"{n}. {what}"
        for label, span, side in (("A", a, "a"), ("B", b, "b")):
            yield f"   - **{label}** {_marked(span.text, span.start, item.differences, side)}"


def _marked(text: str, offset: int, differences: tuple[Difference, ...], side: str) -> str:
    """`text` escaped and on one line, the words that differ on `side` in bold."""
    cuts = sorted(
        (max(0, span[0] - offset), min(len(text), span[1] - offset))
        for d in differences
        if (span := getattr(d, side)) is not None and d.kind != "attribution"
    )
    out, at = [], 0
    for s, e in cuts:
        if s >= at and e > s:
            bold = inline(text[s:e])
            # Markdown's bold needs its text to touch the asterisks: spaces stay outside.
            lead, trail = bold[: len(bold) - len(bold.lstrip())], bold[len(bold.rstrip()) :]
            out += [_escape(inline(text[at:s])), lead, f"**{_escape(bold.strip())}**", trail]
            at = e
    out.append(_escape(inline(text[at:])))
    return " ".join("".join(out).split())


def _quote_line(q: Quote) -> str:
    return _quoted(q.span.text) + (f" ({md(q.speaker)})" if q.speaker else "")


def reports_folder() -> Path:
    """Where saved reports go: `reports/` in the per-user data folder."""
    from platformdirs import user_data_path

    return user_data_path("newsreader") / "reports"


def save_report(a: Article, b: Article, al: Alignment, folder: Path | None = None) -> Path:
    """Write the report to a new file in `folder` (default `reports_folder()`), named after
    the two articles and the time, atomically; returns its path."""
    folder = reports_folder() if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    stem = f"compare-{stamp}-{_slug(a.id)}-vs-{_slug(b.id)}"
    path = folder / f"{stem}.md"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}.md"
        n += 1
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(report_markdown(a, b, al))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def _slug(article_id: str) -> str:
    """An article id as a short, safe piece of a file name."""
    slug = re.sub(r"[^a-z0-9]+", "-", article_id.lower()).strip("-")
    return slug[-40:].strip("-") or "article"
