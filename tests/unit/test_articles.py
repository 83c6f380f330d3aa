"""Reading article files: every plain-text shape, Markdown, HTML, JSON, JSONL and encodings.

The fixtures are short articles written for these tests, in the shapes real outlets produce.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from newsreader.index.model import Article
from newsreader.index.parsing import (
    MAX_FILE_BYTES,
    ArticleError,
    parse_articles,
    read_articles,
)


def parse(text: str | bytes, fmt: str = "txt", outlet: str = "") -> list[Article]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_articles(
        data,
        path=Path(f"/lib/a.{fmt}"),
        article_id=f"src/a.{fmt}",
        source="src",
        fmt=fmt,
        outlet=outlet,
    )


def one(text: str | bytes, fmt: str = "txt", outlet: str = "") -> Article:
    [article] = parse(text, fmt, outlet)
    return article


# ---- plain text shapes -------------------------------------------------------------------------

DATE_GLUED = """ date 2024-05-02 Harbour board votes to dredge the Salt Channel

The harbour board voted on Thursday to dredge the Salt Channel for the first time in a decade.

"The silt has beaten us for ten years," board chair Ines Varga said after the vote.

Work is due to start in the autumn.
"""


def test_a_date_glued_to_the_title_line_is_pulled_out() -> None:
    article = one(DATE_GLUED)
    assert article.title == "Harbour board votes to dredge the Salt Channel"
    assert article.date == dt.date(2024, 5, 2)
    assert "2024" not in article.body
    assert article.body.startswith("The harbour board voted on Thursday")
    assert article.body.endswith("Work is due to start in the autumn.")
    assert article.body.count("\n\n") == 2


UPDATED_AND_REPORTED = """Updated June 3rd, 2024 at 09:15 IST

Ferry fares to rise by a tenth from July

The island ferry company will raise fares by ten per cent from July, it said on Monday.

Reported by: Tomas Ek
Image: Harbour archive | Image: Tomas Ek
Advertisement

The island ferry company will raise fares by ten per cent from July, it said on Monday, citing fuel.

Commuters said the rise came at a bad time.

Image: Harbour archive

Advertisement

Published June 3rd, 2024 at 09:15 IST
"""


def test_updated_line_byline_and_boilerplate_leave_the_body() -> None:
    article = one(UPDATED_AND_REPORTED)
    assert article.title == "Ferry fares to rise by a tenth from July"
    assert article.author == "Tomas Ek"
    assert article.date is not None and article.date.isoformat().startswith("2024-06-03")
    for boilerplate in ("Advertisement", "Image:", "Reported by", "Published", "Updated"):
        assert boilerplate not in article.body
    assert "Commuters said the rise came at a bad time." in article.body
    # The standfirst the lead repeats is shown once, and the lead keeps its whole sentence.
    assert article.body.count("The island ferry company will raise fares") == 1
    assert "citing fuel." in article.body


TITLE_REPEATED_WITH_BYLINE = """Glassworks reopens after fire

Mira Lund Feature 14 March 2023
Glassworks reopens after fire

The old glassworks on Kiln Street reopened on Tuesday, months after a fire gutted its furnace hall.

"We never thought we would blow glass here again," owner Piet Haas said.
"""


def test_title_repeated_under_a_byline_with_a_date() -> None:
    article = one(TITLE_REPEATED_WITH_BYLINE)
    assert article.title == "Glassworks reopens after fire"
    assert article.author == "Mira Lund"
    assert article.date == dt.date(2023, 3, 14)
    assert "Glassworks reopens after fire" not in article.body
    assert "Mira Lund" not in article.body
    assert article.body.startswith("The old glassworks on Kiln Street")


BARE_DATE_AND_URL = """Lighthouse keeper retires after forty years
20220918
https://www.capenews.example/coast/lighthouse-keeper-retires
"The lamp never went out on my watch," said Oskar Brand, who retires this week.
Brand took over the light at Cape Morrow in 1982.
He plans to stay in the keeper's cottage.
"""


def test_bare_date_and_url_lines_under_the_title_no_blank_lines() -> None:
    article = one(BARE_DATE_AND_URL)
    assert article.title == "Lighthouse keeper retires after forty years"
    assert article.date == dt.date(2022, 9, 18)
    assert article.url == "https://www.capenews.example/coast/lighthouse-keeper-retires"
    assert article.outlet == "capenews.example"  # from the URL, as nothing else names one
    assert "20220918" not in article.body and "https://" not in article.body
    paragraphs = article.body.split("\n\n")
    assert paragraphs == [
        '"The lamp never went out on my watch," said Oskar Brand, who retires this week.',
        "Brand took over the light at Cape Morrow in 1982.",
        "He plans to stay in the keeper's cottage.",
    ]


FOLLOW_US_TRAILER = """Orchard growers fear late frost

Apple growers in the valley lit fires among the trees overnight to fight a late frost.

"One cold night can take a whole year," grower Lena Sved said.

In Valley Post We will keep following the harvest as it comes in.

Follow us on Google News, Facebook and Twitter to stay informed.
"""


def test_follow_us_trailer_dropped_and_the_outlet_named_in_a_promo_line() -> None:
    article = one(FOLLOW_US_TRAILER)
    assert "Follow us on" not in article.body
    assert article.outlet == "Valley Post"
    # The promo line is a real sentence of the article: it stays.
    assert "In Valley Post We will keep following the harvest" in article.body


def test_outlet_from_asked_for_comment_sentence() -> None:
    text = (
        "Mill closes\n\nThe paper mill in Strand closed on Friday.\n\n"
        "The owners have been asked for comment by Coast Daily.\n"
    )
    assert one(text).outlet == "Coast Daily"


def test_config_outlet_is_the_default_and_the_file_wins() -> None:
    plain = "Mill closes\n\nThe paper mill in Strand closed on Friday after ninety years.\n"
    assert one(plain, outlet="Strand Gazette").outlet == "Strand Gazette"
    stated = one(FOLLOW_US_TRAILER, outlet="Strand Gazette")
    assert stated.outlet == "Valley Post"


def test_hard_wrapped_paragraphs_are_joined() -> None:
    text = (
        "Rail strike called off\n\n"
        "Train drivers called off a strike planned for Monday after the operator\n"
        "agreed to reopen talks on rosters, the union said late on Friday\n"
        "evening.\n\n"
        "Trains will run to the normal timetable.\n"
    )
    article = one(text)
    assert article.body.split("\n\n")[0] == (
        "Train drivers called off a strike planned for Monday after the operator agreed to "
        "reopen talks on rosters, the union said late on Friday evening."
    )


def test_crlf_line_endings() -> None:
    article = one(DATE_GLUED.replace("\n", "\r\n"))
    assert article.title == "Harbour board votes to dredge the Salt Channel"
    assert "\r" not in article.body


def test_a_file_with_only_a_title_line_uses_it() -> None:
    article = one("Just a headline with nothing under it\n")
    assert article.title == "Just a headline with nothing under it"


# ---- encodings ---------------------------------------------------------------------------------

ACCENTED = "Café owner wins award\n\nZoë Brännström’s café in Malmö won the prize — again.\n"


@pytest.mark.parametrize(
    "data",
    [
        ACCENTED.encode("utf-8"),
        b"\xef\xbb\xbf" + ACCENTED.encode("utf-8"),
        ACCENTED.encode("utf-16"),  # with BOM
        ACCENTED.encode("utf-16-be").join([b"\xfe\xff", b""]),
        ACCENTED.encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "cp1252"],
)
def test_encodings(data: bytes) -> None:
    article = one(data)
    assert article.title == "Café owner wins award"
    assert article.body == "Zoë Brännström’s café in Malmö won the prize — again."


def test_latin1_only_bytes_fall_back() -> None:
    data = "Señor Núñez\n\nEl señor Núñez habló.\n".encode("latin-1")
    assert one(data).body == "El señor Núñez habló."


# ---- files that cannot be read ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "fmt", "reason"),
    [
        (b"", "txt", "empty"),
        (b"   \n\n  ", "txt", "empty"),
        (bytes(range(256)) * 8, "txt", "binary"),
        (b'{"title": "x", "body": ', "json", "JSON"),
        (b"---\ntitle: [unclosed\n---\nBody text here.\n", "md", "front matter"),
    ],
    ids=["empty", "blank", "binary", "broken-json", "broken-front-matter"],
)
def test_unreadable_data_raises_one_line_naming_the_file(
    data: bytes, fmt: str, reason: str
) -> None:
    with pytest.raises(ArticleError) as info:
        parse(data, fmt)
    message = str(info.value)
    assert message.startswith(f"/lib/a.{fmt}: ")
    assert "\n" not in message
    assert reason.casefold() in message.casefold()


def test_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ArticleError, match="MiB"):
        read_articles(big, source="src", root=tmp_path)


def test_read_articles_ids_are_relative_posix_paths(tmp_path: Path) -> None:
    (tmp_path / "2024" / "may").mkdir(parents=True)
    path = tmp_path / "2024" / "may" / "dredging.txt"
    path.write_text(DATE_GLUED, encoding="utf-8")
    [article] = read_articles(path, source="coast", root=tmp_path)
    assert article.id == "coast/2024/may/dredging.txt"
    assert article.source == "coast"
    assert article.path == str(path)


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(ArticleError, match="unknown suffix"):
        read_articles(path, source="src", root=tmp_path)


def test_forced_format_reads_any_suffix(tmp_path: Path) -> None:
    path = tmp_path / "story.data"
    path.write_text(DATE_GLUED, encoding="utf-8")
    [article] = read_articles(path, source="src", root=tmp_path, fmt="txt")
    assert article.title == "Harbour board votes to dredge the Salt Channel"


# ---- Markdown ----------------------------------------------------------------------------------

MARKDOWN = """---
title: "Night trains return to the coast line"
date: 2024-11-02T18:30:00+01:00
outlet: Rail Review
author: [Ada Kim, Bo Lind]
url: https://railreview.example/night-trains
tags: [rail, travel]
---

# Night trains return to the coast line

Sleeper services return to the coast line in **December**, the operator said on
Saturday, after a gap of six years.

> "People asked for this every single week," said planner Sara Holt.

- Two trains a week at first
- Daily from March
"""


def test_markdown_front_matter_and_body() -> None:
    article = one(MARKDOWN, "md")
    assert article.title == "Night trains return to the coast line"
    assert article.date == dt.datetime(
        2024, 11, 2, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )
    assert article.outlet == "Rail Review"
    assert article.author == "Ada Kim, Bo Lind"
    assert article.url == "https://railreview.example/night-trains"
    assert article.tags == ("rail", "travel")
    assert "# Night trains" not in article.body  # the heading repeats the title
    assert "**" not in article.body
    assert (
        "Sleeper services return to the coast line in December, the operator said on Saturday"
        in (article.body)
    )
    assert '"People asked for this every single week," said planner Sara Holt.' in article.body
    assert "Two trains a week at first" in article.body and "Daily from March" in article.body


def test_markdown_without_front_matter_takes_the_heading_as_title() -> None:
    article = one(
        "# Tide tables printed wrong\n\nThe council printed the wrong tide tables.\n", "md"
    )
    assert article.title == "Tide tables printed wrong"
    assert article.body == "The council printed the wrong tide tables."


def test_yaml_alias_bomb_in_front_matter_is_refused() -> None:
    bomb = (
        "---\na: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "title: boom\n---\nBody.\n"
    )
    with pytest.raises(ArticleError, match="front matter"):
        parse(bomb, "md")


# ---- HTML --------------------------------------------------------------------------------------

HTML = """<!doctype html>
<html><head>
<meta charset="utf-8">
<title>Bridge closes for repairs | Town Crier</title>
<meta property="og:title" content="Bridge closes for repairs">
<meta property="og:site_name" content="Town Crier">
<meta name="author" content="Elin Berg">
<meta property="article:published_time" content="2023-08-01T07:00:00Z">
<link rel="canonical" href="https://towncrier.example/bridge">
<style>p { color: red }</style>
<script>alert("not article text")</script>
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>Bridge closes for repairs</h1>
<p>The Old Bridge will close for three weeks from Monday while engineers replace its bearings.</p>
<p>Buses will take the ring road, adding &amp; about ten minutes.</p>
</article>
<footer>© Town Crier. All rights reserved.</footer>
</body></html>
"""


def test_html_main_text_and_meta_tags() -> None:
    article = one(HTML, "html")
    assert article.title == "Bridge closes for repairs"
    assert article.outlet == "Town Crier"
    assert article.author == "Elin Berg"
    assert article.url == "https://towncrier.example/bridge"
    assert article.date == dt.datetime(2023, 8, 1, 7, 0, tzinfo=dt.UTC)
    assert article.body == (
        "The Old Bridge will close for three weeks from Monday while engineers replace its "
        "bearings.\n\nBuses will take the ring road, adding & about ten minutes."
    )


# ---- JSON and JSONL ----------------------------------------------------------------------------


def test_json_single_object_with_common_field_names() -> None:
    data = json.dumps(
        {
            "headline": "Library extends opening hours",
            "published": "2024-02-10",
            "source": {"name": "Civic Daily"},
            "byline": "Hana Ito",
            "link": "https://civic.example/library",
            "content": "The central library will open until ten at night.\n\nIt starts in March.",
        }
    )
    article = one(data, "json")
    assert article.id == "src/a.json"
    assert article.title == "Library extends opening hours"
    assert article.date == dt.date(2024, 2, 10)
    assert article.outlet == "Civic Daily"
    assert article.author == "Hana Ito"
    assert article.url == "https://civic.example/library"
    assert (
        article.body == "The central library will open until ten at night.\n\nIt starts in March."
    )


def test_json_list_gives_numbered_ids_and_skips_entries_without_text() -> None:
    data = json.dumps(
        [
            {"title": "First", "body": "One body."},
            {"title": "", "body": ""},
            {"title": "Third", "text": "Three body."},
        ]
    )
    articles = parse(data, "json")
    assert [(a.id, a.title, a.body) for a in articles] == [
        ("src/a.json#1", "First", "One body."),
        ("src/a.json#3", "Third", "Three body."),
    ]


def test_jsonl_numbers_lines_and_skips_a_bad_one() -> None:
    data = "\n".join(
        [
            json.dumps({"title": "Alpha", "body": "Alpha body."}),
            "",
            "{not json",
            json.dumps({"title": "Beta", "description": "Beta body.", "date": "2021-03-04"}),
        ]
    )
    articles = parse(data, "jsonl")
    assert [(a.id, a.title) for a in articles] == [
        ("src/a.jsonl#1", "Alpha"),
        ("src/a.jsonl#3", "Beta"),
    ]
    assert articles[1].date == dt.date(2021, 3, 4)


def test_deeply_nested_json_is_refused_cleanly() -> None:
    data = "[" * 100_000 + "]" * 100_000
    with pytest.raises(ArticleError):
        parse(data, "json")
