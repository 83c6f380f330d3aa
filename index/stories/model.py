"""The records `stories` and `story` give: a story, its articles, and their JSON shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newsreader.index.model import Date, iso_date


@dataclass(frozen=True, slots=True)
class StoryArticle:
    id: str
    title: str
    outlet: str
    date: Date | None
    first: bool = False
    """The story's first report (the earliest dated article)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "date": iso_date(self.date),
        }


@dataclass(frozen=True, slots=True)
class Story:
    """A set of articles that report the same event. `outlets` in order of their first report
    (an article that names no outlet counts under its source's name); `first`/`last` the
    earliest and latest article dates (undated articles count in neither); `articles` in date
    order, undated ones last."""

    id: str
    headline: str
    outlets: tuple[str, ...]
    count: int
    first: Date | None
    last: Date | None
    articles: tuple[StoryArticle, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """DESIGN.md's story shape."""
        return {
            "id": self.id,
            "headline": self.headline,
            "outlets": list(self.outlets),
            "count": self.count,
            "first": iso_date(self.first),
            "last": iso_date(self.last),
            "articles": [a.to_json() for a in self.articles],
        }


class StoryNotFound(KeyError):
    def __init__(self, story_id: str) -> None:
        super().__init__(story_id)
        self.story_id = story_id

    def __str__(self) -> str:
        return f"no story with id {self.story_id!r}"
