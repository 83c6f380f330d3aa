"""Web pages as articles (index.parsing.html): the story, not the page around it.

Each page here is written for this test and reproduces one way real pages defeated the old
hand-written reader: the story outside the page's only <article>, comments marked up as
<article>s, a <form> around the whole page, no semantic tags and heavy menus, paywall and
newsletter boxes inside the story.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from newsreader.index.model import Article
from newsreader.index.parsing import MAX_FILE_BYTES, ArticleError, parse_articles, read_html

STORY = [
    "The harbour authority in Kestrel Bay voted on Thursday to rebuild the eastern breakwater, "
    "which storms have battered for three winters running, at a cost of about 14 million euros "
    "spread over the next four years.",
    "Engineers told the board that the old stone wall, finished in 1911, had shifted by almost "
    "half a metre since the storm of January, and that another winter like the last could open "
    "a breach wide enough to flood the fish market behind it.",
    "Fishing crews who moor inside the breakwater welcomed the vote but asked for the works to "
    "pause during the herring season, when as many as sixty boats use the inner harbour every "
    "night and the quays are already crowded with lorries.",
    "The authority's chair, Mirela Voss, said the schedule would be agreed with the crews before "
    "any contract is signed, and that the first phase would reinforce the seaward face with "
    "concrete blocks cast on the site to spare the town's roads.",
    "Opponents on the board argued that the money would be better spent on a new sea wall along "
    "the promenade, where spray now reaches the houses, but their amendment was defeated by "
    "seven votes to three after a debate of nearly two hours.",
    "Work on the first phase is expected to begin in the spring, once the environmental survey "
    "of the seabed is complete and the regional government has released its share of the "
    "funding, which it promised in its budget last autumn.",
]
TITLE = "Kestrel Bay votes to rebuild its storm-battered breakwater"

MENU = "".join(
    f'<li><a href="/{w.lower()}">{w}</a></li>'
    for w in ("Home", "News", "Politics", "Business", "Sport", "Culture", "Weather", "Travel",
              "Podcasts", "Video", "Opinion", "Puzzles", "Jobs", "Property", "Menuwordzebra")
)  # fmt: skip


def paragraphs(story: list[str] = STORY) -> str:
    return "".join(f"<p>{p}</p>" for p in story)


def page(body: str, head: str = "") -> bytes:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{TITLE} | Kestrel Gazette</title>{head}</head><body>{body}</body></html>"
    ).encode()


def read(data: bytes, url: str = "", warnings: list[str] | None = None) -> Article:
    return read_html(
        data,
        url,
        article_id="web/page.html",
        source="web",
        path="web/page.html",
        warn=None if warnings is None else warnings.append,
    )


def assert_story(article: Article, *absent: str) -> None:
    """Every paragraph of the story is in the body, in order, and nothing from `absent`."""
    body = article.body
    positions = [body.find(p) for p in STORY]
    assert all(pos >= 0 for pos in positions), body
    assert positions == sorted(positions)
    for word in absent:
        assert word.casefold() not in body.casefold(), (word, body)


# ---- the failures of the old reader -----------------------------------------------------------


def test_story_outside_the_only_article_element() -> None:
    # The page's only <article> is a teaser for another story, below this one.
    teaser = (
        "<div class='related'><article class='teaser'><h3>Lighthouse keeper retires</h3><p>"
        "Teaserwordotter After forty years the last keeper of the Kestrel light hands over the "
        "keys.</p></article></div>"
    )
    html = page(
        f"<header><ul>{MENU}</ul></header><div class='content'><h1>{TITLE}</h1>"
        f"<div class='story-body'>{paragraphs()}</div></div>{teaser}"
        "<footer>© Kestrel Gazette 2024. All rights reserved.</footer>"
    )
    assert_story(read(html), "Teaserwordotter", "Menuwordzebra", "rights reserved")


def test_comments_as_article_elements() -> None:
    comments = "".join(
        f"<article class='comment'><p class='author'>Reader{n}</p><p>Commentwordheron {text}"
        "</p></article>"
        for n, text in enumerate(
            [
                "I have lived by this harbour all my life and I can tell you that the council "
                "has been promising this for twenty years, and every year the wall gets worse "
                "while they argue about money that somehow always appears for other projects "
                "such as the new car park and the festival that nobody asked for in the first "
                "place, so forgive me if I do not believe a word of it until I see the cranes.",
                "Fourteen million for a wall? Who is paying for this?",
                "Good news for the crews at last.",
            ]
        )
    )
    html = page(
        f"<nav><ul>{MENU}</ul></nav><main><div class='story'><h1>{TITLE}</h1>{paragraphs()}"
        f"</div><section class='comments'><h2>Comments (3)</h2>{comments}</section></main>"
    )
    assert_story(read(html), "Commentwordheron", "Menuwordzebra")


def test_story_in_line_breaks_inside_article_beside_many_paragraphs() -> None:
    # The story has no <p> (paragraphs cut by <br>s); the comments below it have many.
    comments = "".join(
        f"<p>Commentwordheron {n}: I walk past that wall every morning and the council has "
        "known for years that it was moving, so why did nobody act before the storm?</p>"
        for n in range(12)
    )
    html = page(
        f"<article><h1>{TITLE}</h1><div class='text'>{'<br><br>'.join(STORY)}</div></article>"
        f"<div class='comments'>{comments}</div>"
    )
    assert_story(read(html), "Commentwordheron")


def test_site_wide_form() -> None:
    # Old ASP.NET sites wrap the whole page in one <form>.
    html = page(
        "<form id='aspnetForm' method='post' action='/news/breakwater.aspx'>"
        "<input type='hidden' name='__VIEWSTATE' value='dDwtMTA4MzE0MjEwNTs7Pg=='>"
        f"<div id='menu'><ul>{MENU}</ul></div><div id='main'><h1>{TITLE}</h1>"
        f"<div id='ctl00_body'>{paragraphs()}</div></div></form>"
    )
    assert_story(read(html), "Menuwordzebra", "VIEWSTATE")


def test_no_semantic_tags_and_heavy_menus() -> None:
    links = "".join(
        f"<div class='link'><a href='/s/{n}'>Menuwordzebra section {n} latest headlines</a></div>"
        for n in range(120)
    )
    most_read = "".join(
        f"<div class='mr'><a href='/r/{n}'>Popularwordlynx: council row number {n} deepens"
        "</a></div>"
        for n in range(15)
    )
    html = page(
        f"<div class='top'>{links}</div><div class='wrap'><div class='left'>{most_read}</div>"
        f"<div class='centre'><div class='headline'>{TITLE}</div>"
        + "".join(f"<div class='para'>{p}</div>" for p in STORY)
        + f"</div></div><div class='bottom'>{links}</div>"
    )
    assert_story(read(html), "Menuwordzebra", "Popularwordlynx")


def test_paywall_and_newsletter_boxes_inside_the_story() -> None:
    newsletter = (
        "<div class='newsletter-signup'><h3>Newsletterwordmoth: the Bay Briefing</h3>"
        "<p>Sign up to our free newsletter and get the day's headlines every morning.</p>"
        "<form><input type='email' placeholder='Your email'><button>Sign up</button></form>"
        "</div>"
    )
    paywall = (
        "<div class='paywall-banner'><p>Paywallwordbadger You have two free articles left "
        "this month.</p><p><a href='/subscribe'>Subscribe for 1 euro a week</a></p></div>"
    )
    html = page(
        f"<nav><ul>{MENU}</ul></nav><article><h1>{TITLE}</h1>{paragraphs(STORY[:3])}"
        f"{newsletter}{paragraphs(STORY[3:])}{paywall}</article>"
    )
    assert_story(read(html), "Newsletterwordmoth", "Paywallwordbadger", "Menuwordzebra")


# ---- metadata --------------------------------------------------------------------------------

META = f"""
<meta property="og:title" content="{TITLE} - Kestrel Gazette">
<meta property="og:site_name" content="Kestrel Gazette">
<meta name="author" content="Ilse Marquart">
<meta name="description" content="The harbour authority approved a four-year rebuild.">
<meta property="article:published_time" content="2024-03-07T18:30:00+01:00">
<link rel="canonical" href="/2024/03/07/breakwater">
"""


def test_metadata_from_the_page() -> None:
    url = "https://kestrel-gazette.example/2024/03/07/breakwater?utm_source=feed"
    article = read(page(f"<article><h1>{TITLE}</h1>{paragraphs()}</article>", META), url)
    assert article.title == TITLE  # the " - Kestrel Gazette" suffix is the site's name
    assert article.outlet == "Kestrel Gazette"
    assert article.author == "Ilse Marquart"
    assert article.date == dt.datetime(
        2024, 3, 7, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )
    # A relative canonical link is resolved against the page's address.
    assert article.url == "https://kestrel-gazette.example/2024/03/07/breakwater"
    assert_story(article)


def test_outlet_author_and_date_from_json_ld() -> None:
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Site search"},
            {
                "@type": "NewsArticle",
                "headline": TITLE,
                "datePublished": "2024-03-07",
                "author": [{"@type": "Person", "name": "Ilse Marquart"}],
                "publisher": {"@type": "Organization", "name": "Kestrel Gazette"},
            },
        ],
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    article = read(page(f"<main><h1>{TITLE}</h1>{paragraphs()}</main>", head))
    assert (article.title, article.outlet, article.author) == (
        TITLE,
        "Kestrel Gazette",
        "Ilse Marquart",
    )
    assert article.date == dt.date(2024, 3, 7)


def test_title_suffix_named_after_the_host() -> None:
    # No site name in the page: the " | Kestrel Gazette" suffix matches the host's name.
    article = read(
        page(f"<article>{paragraphs()}</article>"), url="https://www.kestrelgazette.example/a"
    )
    assert article.title == TITLE
    assert article.url == "https://www.kestrelgazette.example/a"


def test_site_name_before_the_title_and_og_url() -> None:
    html = (
        f"<html><head><title>Kestrel Gazette | {TITLE}</title><meta property='og:url' "
        "content='https://kestrel.example/breakwater'><meta property='og:site_name' "
        f"content='Kestrel Gazette'></head><body><article>{paragraphs()}</article></body></html>"
    ).encode()
    article = read(html)
    assert (article.title, article.url) == (TITLE, "https://kestrel.example/breakwater")


def test_date_from_the_markup_when_no_meta_tag_states_it() -> None:
    html = page(
        f"<article><h1>{TITLE}</h1><p class='byline'>By Ilse Marquart</p>"
        "<time class='published' datetime='2024-03-07'>7 March 2024</time>"
        f"{paragraphs()}</article>"
    )
    assert read(html).date == dt.date(2024, 3, 7)


@pytest.mark.parametrize(
    "comment",
    [
        "<!-- saved from url=(0043)https://www.kestrelgazette.example/breakwater -->",
        "<!--\n Page saved with SingleFile \n url: https://www.kestrelgazette.example/breakwater"
        " \n saved date: Thu Mar 07 2024 19:02:11 GMT+0100\n-->",
    ],
)
def test_url_of_a_saved_page_from_the_browsers_comment(comment: str) -> None:
    article = read(comment.encode() + page(f"<article>{paragraphs()}</article>"))
    assert article.url == "https://www.kestrelgazette.example/breakwater"
    assert article.title == TITLE  # the host names the site: its suffix goes


def test_a_title_with_a_dash_that_is_not_the_site_is_kept() -> None:
    title = "Breakwater vote - what happens next"
    html = (
        f"<html><head><title>{title}</title><meta property='og:site_name' content='Gazette'>"
        f"</head><body><article>{paragraphs()}</article></body></html>"
    ).encode()
    assert read(html).title == title


def test_no_date_rather_than_a_wrong_one() -> None:
    # Dates in the text (a decision "on 12 March 2019", a footer year) are not the article's.
    story = [*STORY, "The last repairs, agreed on 12 March 2019, cost 2 million euros."]
    html = page(
        f"<article><h1>{TITLE}</h1>{paragraphs(story)}</article>"
        "<footer>Updated daily. © 2021 Kestrel Gazette</footer>"
    )
    assert read(html).date is None


# ---- nothing lost silently ---------------------------------------------------------------------


def test_page_without_a_story_keeps_title_and_description_with_a_warning() -> None:
    html = page(
        "<div id='player' data-src='/video/123.m3u8'></div><ul><li><a href='/'>Home</a></li></ul>",
        '<meta name="description" content="Watch: waves break over the Kestrel Bay wall.">'
        '<meta property="og:site_name" content="Kestrel Gazette">',
    )
    warnings: list[str] = []
    article = read(html, warnings=warnings)
    assert article.title == TITLE
    assert article.body == "Watch: waves break over the Kestrel Bay wall."
    assert len(warnings) == 1 and "no article text" in warnings[0]


def test_page_too_large_to_extract_keeps_its_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("newsreader.index.parsing.html.MAX_TREE_NODES", 10)
    warnings: list[str] = []
    article = read(page(f"<nav>Menuwordzebra</nav><article>{paragraphs()}</article>"), "", warnings)
    assert_story(article)
    assert warnings == []


def test_page_with_no_text_at_all_is_an_error() -> None:
    with pytest.raises(ArticleError):
        read(b"<html><head></head><body><div><img src='x.png'></div></body></html>")


def test_warning_names_the_file_once_when_indexed(tmp_path: Path) -> None:
    from newsreader.index.config import SourceConfig, settings_for
    from newsreader.index.store import Library

    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "video.html").write_bytes(
        page("<div id='player'></div>", '<meta name="description" content="Waves, filmed.">')
    )
    (folder / "story.html").write_bytes(page(f"<article>{paragraphs()}</article>"))
    library = Library(settings_for([SourceConfig("web", folder)], tmp_path / "index"))
    warnings: list[str] = []
    report = library.update(warn=warnings.append)
    assert report.articles == 2
    assert len(warnings) == 1 and str(folder / "video.html") in warnings[0], warnings
    video = library.get("web/video.html")
    assert video is not None and video.body == "Waves, filmed."
    # An unchanged file is neither read nor warned about again.
    warnings.clear()
    library.update(warn=warnings.append)
    assert warnings == []


# ---- bytes: sizes, encodings, hostile text ------------------------------------------------------


def test_oversized_page_is_refused() -> None:
    with pytest.raises(ArticleError, match="limit"):
        read(b"<p>" + b"x" * MAX_FILE_BYTES)


@pytest.mark.parametrize(
    ("encoding", "declared"),
    [("cp1251", "windows-1251"), ("shift_jis", "shift_jis"), ("cp1252", None), ("utf-16", None)],
)
def test_encodings(encoding: str, declared: str | None) -> None:
    words = {
        "cp1251": "Гавань Кестрел голосует за новый волнолом",
        "shift_jis": "ケストレル湾の防波堤を再建",
        "cp1252": "Señor Núñez said the café would stay open",
        "utf-16": "Ωmega harbour café",
    }[encoding]
    charset = f"<meta charset='{declared}'>" if declared else ""
    html = (
        f"<html><head>{charset}<title>{words}</title></head><body><article><h1>{words}</h1>"
        f"<p>{words}, the board said.</p>{paragraphs()}</article></body></html>"
    )
    article = read(html.encode(encoding))
    assert article.title == words
    assert words in article.body
    assert_story(article)


def test_escape_sequences_from_entities_never_reach_a_field() -> None:
    esc = "&#27;[2J&#x1b;]0;pwned&#7;&#155;31m"
    html = page(
        f"<article><h1>Harbour {esc} vote</h1><p>{esc}{STORY[0]}</p>{paragraphs(STORY[1:])}"
        "</article>",
        f'<meta name="author" content="Ilse {esc}Marquart">',
    )
    article = read(html)
    for value in (article.title, article.body, article.author):
        assert not any(c in value for c in "\x1b\x07\x9b"), value
    assert_story(article)


def test_read_html_takes_text_already_decoded() -> None:
    article = read_html(page(f"<article>{paragraphs()}</article>").decode(), source="feed")
    assert article.source == "feed"
    assert_story(article)


def test_parse_articles_reads_html_through_read_html() -> None:
    [article] = parse_articles(
        page(f"<article>{paragraphs()}</article>"),
        path=Path("lib/a.html"),
        article_id="lib/a.html",
        source="lib",
        fmt="html",
        outlet="Default Outlet",
    )
    assert article.id == "lib/a.html" and article.source == "lib"
    assert article.outlet == "Default Outlet"  # the page names no site
    assert_story(article)


# ---- imports: trafilatura only when an HTML page is read -------------------------------------


def test_html_libraries_are_imported_only_for_html(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nA plain text article body.\n", encoding="utf-8")
    (tmp_path / "b.html").write_bytes(page(f"<article>{paragraphs()}</article>"))
    code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        import newsreader.cli.main, newsreader.index.store
        from newsreader.index.parsing import read_articles
        root = Path({str(tmp_path)!r})
        read_articles(root / "a.txt", source="s", root=root)
        print(sorted(m for m in ("trafilatura", "lxml") if m in sys.modules))
        read_articles(root / "b.html", source="s", root=root)
        print(sorted(m for m in ("trafilatura", "lxml") if m in sys.modules))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:2] == ["[]", "['lxml', 'trafilatura']"]
