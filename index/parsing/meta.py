"""What a reader learns about an article while it reads: title, author, outlet, URL, tags, and
the dates offered (the best-ranked one wins)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from newsreader.index.model import Date
from newsreader.index.untrusted import one_line

TITLE_MAX = 200


@dataclass
class Meta:
    title: str = ""
    author: str = ""
    outlet: str = ""
    url: str = ""
    tags: list[str] = field(default_factory=list)
    dates: list[tuple[int, Date]] = field(default_factory=list)
    inferred_outlet: str = ""

    def date(self, value: Date | None, rank: int) -> None:
        """Offer a date; the lowest rank wins (0 published, 1 stated nearby, 2 updated)."""
        if value is not None:
            self.dates.append((rank, value))

    def best_date(self) -> Date | None:
        return min(self.dates, key=lambda d: d[0])[1] if self.dates else None

    def set(self, name: str, value: str) -> None:
        """Set a field unless it is already known (the first statement wins)."""
        value = one_line(value)
        if value and not getattr(self, name):
            setattr(self, name, value)

    def add_tags(self, value: Any) -> None:
        items = re.split(r"[,;|•·]", value) if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            return
        for item in items:
            if isinstance(item, str | int | float) and not isinstance(item, bool):
                tag = one_line(str(item)).lstrip("#")
                if tag and tag not in self.tags:
                    self.tags.append(tag)


def same_title(line: str, title: str) -> bool:
    norm = re.compile(r"\W+")
    a, b = norm.sub("", line.casefold()), norm.sub("", title.casefold())
    return bool(a) and a == b


def cut_title(text: str) -> str:
    text = one_line(text)
    if len(text) <= TITLE_MAX:
        return text
    cut = text[:TITLE_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"
