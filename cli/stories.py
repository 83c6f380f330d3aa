"""`newsreader stories` and `newsreader story ID`: the stories the index update grouped."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from newsreader.tui.terminal import printable

if TYPE_CHECKING:
    from newsreader.index.store.library import Library
    from newsreader.index.stories.model import Story


def add_parsers(
    commands: argparse._SubParsersAction[Any],
    positive: Callable[[str], int],
) -> None:
    stories = commands.add_parser(
        "stories", help="stories: the articles from any outlets that report the same event"
    )
    stories.add_argument(
        "--since", type=_date, metavar="DATE", help="only stories with an article on or after DATE"
    )
    stories.add_argument(
        "--min-outlets", type=positive, default=1, metavar="N", help="told by at least N outlets"
    )
    stories.add_argument("--limit", type=positive, default=20, metavar="N")
    stories.add_argument("--json", action="store_true", help="print JSON")

    story = commands.add_parser("story", help="one story: its articles and how the reports differ")
    story.add_argument("id", metavar="ID")
    story.add_argument("--json", action="store_true", help="print JSON")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def cmd_stories(library: Library, args: argparse.Namespace,
                print_json: Callable[[object], None]) -> int:
    from newsreader.index.stories import StoryIndex

    index = StoryIndex(library.index_dir)
    found = index.stories(since=args.since, min_outlets=args.min_outlets, limit=args.limit)
    if args.json:
        print_json({"stories": [s.to_json() for s in found]})
        return 0
    if not found:
        print("No stories.")
        return 0
    for story in found:
        print(f"{story.id}  {_line(story.headline)}")
        print(f"{'':{len(story.id)}}  {_summary(story)}")
    return 0


def cmd_story(library: Library, args: argparse.Namespace,
              print_json: Callable[[object], None]) -> int:
    from newsreader.index.stories import StoryIndex, StoryNotFound
    from newsreader.index.stories.coverage import changes

    try:
        story = StoryIndex(library.index_dir).story(args.id)
    except StoryNotFound as exc:
        raise LookupError(f"{exc} (see 'newsreader stories')") from None
    articles = [a for a in (library.get(s.id) for s in story.articles) if a is not None]
    developments = changes(articles)
    if args.json:
        data = story.to_json()
        data["changes"] = [c.to_json() for c in developments]
        print_json(data)
        return 0
    out = sys.stdout
    print(_line(story.headline), file=out)
    print(_summary(story), file=out)
    print("\nCoverage:", file=out)
    # An article that names no outlet shows its source's name, as the story's outlets count it.
    names = [_line(a.outlet or a.id.split("/", 1)[0]) for a in story.articles]
    width = max((len(n) for n in names), default=0)
    for a, name in zip(story.articles, names, strict=True):
        mark = "  (first report)" if a.first else ""
        when = _when(a.date) or "undated"
        print(f"  {when:<16}  {name:<{width}}  {_line(a.title)}{mark}", file=out)
        print(f"  {'':<16}  {'':<{width}}  [{_line(a.id)}]", file=out)
    later = [c for c in developments[1:] if c.new or c.differs]
    if later:
        print("\nWhat changed:", file=out)
    for c in later:
        name = _line(c.outlet or c.id.split("/", 1)[0])
        print(f"  {_when(c.date) or 'undated'} · {name}  [{_line(c.id)}]", file=out)
        for fact in c.differs:
            print(f"    {fact.kind}: was “{_line(fact.was)}”, now “{_line(fact.now)}”", file=out)
        for span in c.new[:3]:
            print(f"    + {_line(span.text)}", file=out)
        if len(c.new) > 3:
            print(f"    (and {len(c.new) - 3} more new sentences)", file=out)
    return 0


def _summary(story: Story) -> str:
    articles = "article" if story.count == 1 else "articles"
    outlets = "outlet" if len(story.outlets) == 1 else "outlets"
    span = ""
    if story.first is not None and story.last is not None:
        first, last = story.first.isoformat()[:10], story.last.isoformat()[:10]
        span = f" · {first}" if first == last else f" · {first} to {last}"
    return f"{story.count} {articles} · {len(story.outlets)} {outlets}{span}"


def _when(value: dt.date | None) -> str:
    if value is None:
        return ""
    text = value.isoformat()
    return text[:10] if len(text) == 10 else text[:16].replace("T", " ")


def _line(text: str) -> str:
    return printable(text, newlines=False)
