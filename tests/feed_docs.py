"""Feed documents for the tests, written for them: RSS 2.0/1.0/0.91, Atom 1.0, JSON Feed 1.1."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

LONG_TEXT = (
    "The harbour authority of Kallenport said on Tuesday that the northern breakwater would "
    "close for repairs through the winter, after storms in October cracked two of its "
    "concrete caissons. Fishing boats will use the inner basin until the work is done. "
)


@dataclass
class Item:
    title: str
    link: str = ""
    guid: str = ""
    date: str = "Tue, 05 Mar 2024 09:30:00 GMT"
    description: str = ""
    content: str = ""
    author: str = ""
    tags: list[str] = field(default_factory=list)


def long_paragraphs(topic: str, n: int = 4) -> str:
    """Several paragraphs of HTML, comfortably longer than a teaser."""
    return "".join(f"<p>{escape(topic)}: paragraph {i + 1}. {LONG_TEXT}</p>" for i in range(n))


def rss20(items: list[Item], *, title: str = "Kallenport Herald", encoding: str = "utf-8") -> str:
    parts = []
    for it in items:
        x = [f"<title>{escape(it.title)}</title>"]
        if it.link:
            x.append(f"<link>{escape(it.link)}</link>")
        if it.guid:
            x.append(f'<guid isPermaLink="false">{escape(it.guid)}</guid>')
        if it.date:
            x.append(f"<pubDate>{it.date}</pubDate>")
        if it.author:
            x.append(f"<dc:creator>{escape(it.author)}</dc:creator>")
        if it.description:
            x.append(f"<description>{escape(it.description)}</description>")
        if it.content:
            x.append(f"<content:encoded><![CDATA[{it.content}]]></content:encoded>")
        x.extend(f"<category>{escape(t)}</category>" for t in it.tags)
        parts.append("<item>" + "".join(x) + "</item>")
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>'
        f"<title>{escape(title)}</title><link>https://herald.example/</link>"
        "<description>News from Kallenport</description>\n"
        + "\n".join(parts)
        + "</channel></rss>\n"
    )


def rss10(items: list[Item], *, title: str = "Estmark Courier") -> str:
    lis = "".join(f'<rdf:li rdf:resource="{escape(i.link)}"/>' for i in items)
    entries = "".join(
        f'<item rdf:about="{escape(i.link)}"><title>{escape(i.title)}</title>'
        f"<link>{escape(i.link)}</link><description>{escape(i.description)}</description>"
        f"<dc:date>2024-03-05T09:30:00Z</dc:date></item>"
        for i in items
    )
    return (
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="https://courier.example/"><title>{escape(title)}</title>'
        f"<link>https://courier.example/</link><description>d</description>"
        f"<items><rdf:Seq>{lis}</rdf:Seq></items></channel>{entries}</rdf:RDF>\n"
    )


def rss091(items: list[Item], *, title: str = "Bellwether Review") -> str:
    entries = "".join(
        f"<item><title>{escape(i.title)}</title><link>{escape(i.link)}</link>"
        f"<description>{escape(i.description)}</description></item>"
        for i in items
    )
    return (
        '<?xml version="1.0"?>\n<rss version="0.91"><channel>'
        f"<title>{escape(title)}</title><link>https://review.example/</link>"
        f"<description>d</description><language>en</language>{entries}</channel></rss>\n"
    )


def atom(items: list[Item], *, title: str = "Circuit &amp; Signal") -> str:
    entries = "".join(
        f'<entry><title type="html">{escape(i.title)}</title>'
        f'<link rel="alternate" href="{escape(i.link)}"/><id>{escape(i.guid or i.link)}</id>'
        f"<updated>2024-03-05T09:30:00Z</updated><published>2024-03-04T08:00:00+01:00</published>"
        f"<author><name>{escape(i.author)}</name></author>"
        + (f"<summary>{escape(i.description)}</summary>" if i.description else "")
        + (f'<content type="html">{escape(i.content)}</content>' if i.content else "")
        + "</entry>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title type="html">{title}</title><id>urn:signal</id>'
        '<link rel="alternate" href="https://signal.example/"/>'
        f"<updated>2024-03-05T09:30:00Z</updated>{entries}</feed>\n"
    )


def json_feed(items: list[Item], *, title: str = "Lodestar Wire") -> str:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "home_page_url": "https://wire.example/",
            "items": [
                {
                    "id": i.guid or i.link,
                    "url": i.link,
                    "title": i.title,
                    "content_html": i.content or None,
                    "summary": i.description or None,
                    "date_published": "2024-03-05T09:30:00Z",
                    "authors": [{"name": i.author}] if i.author else [],
                    "tags": i.tags,
                }
                for i in items
            ],
        }
    )


def opml(groups: dict[str, list[tuple[str, str]]], top: list[tuple[str, str]] = ()) -> str:  # type: ignore[assignment]
    """An OPML 2.0 file: folders of (title, xmlUrl), and feeds outside any folder."""

    def outline(title: str, url: str) -> str:
        return f'<outline type="rss" text="{escape(title)}" xmlUrl="{escape(url)}"/>'

    body = "".join(outline(t, u) for t, u in top)
    for folder, feeds in groups.items():
        body += f'<outline text="{escape(folder)}">' + "".join(outline(t, u) for t, u in feeds)
        body += "</outline>"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>subs</title>'
        f"</head><body>{body}</body></opml>\n"
    )
