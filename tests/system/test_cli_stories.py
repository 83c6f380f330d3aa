"""`newsreader stories` and `newsreader story ID`: DESIGN.md's JSON shapes, filters, errors,
and hostile text kept out of the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsreader.cli.main import EXIT_OK, EXIT_USAGE, main

ARTICLES = [
    {
        "outlet": "Vell Gazette",
        "date": "2024-04-01T08:00:00Z",
        "title": "Ferry crews strike, halting Vell Island crossings",
        "body": "Ferry crews walked out on Monday, halting every crossing to Vell Island. "
        "Union steward Ola Dahl said the crews' rota had broken them.\n\n"
        "The Skerry Line ferry company said 14 sailings were cancelled.",
    },
    {
        "outlet": "Harbour Post",
        "date": "2024-04-01T11:30:00Z",
        "title": "Vell Island cut off as Skerry Line ferry crews walk out",
        "body": "No ferry reached Vell Island on Monday after Skerry Line crews went on strike "
        "over their rota, steward Ola Dahl said.\n\n"
        "Fourteen sailings were cancelled and shops on the island ran short of milk.",
    },
    {
        "outlet": "Island Radio \x1b[31m[bold]",
        "date": "2024-04-03T09:00:00Z",
        "title": "Skerry Line ferry strike ends after rota deal \x1b]0;pwned\x07",
        "body": "The strike by Skerry Line ferry crews ended on Wednesday when the company agreed "
        "a new rota, steward Ola Dahl said. Sailings to Vell Island resume on Thursday; "
        "14 were cancelled during the walkout.",
    },
    {
        "outlet": "Vell Gazette",
        "date": "2024-04-02T10:00:00Z",
        "title": "Vell Island choir wins county prize",
        "body": "The Vell Island choir won the county singing prize for the third year running, "
        "conductor Mira Sand said.",
    },
]


# Unrelated articles: word weights come from the library, and four articles alone give none.
OTHERS = [
    ("Bakery wins bread award", "A family bakery in Ostmark won the national sourdough award."),
    ("Council approves cycle lanes", "The council voted for nine kilometres of new cycle lanes."),
    (
        "Museum reopens after repairs",
        "The maritime museum reopened after two years of roof repairs.",
    ),
    ("Striker signs for Dunmoor", "Forward Piet Hald signed a three-year contract with Dunmoor."),
    ("Heatwave warning for the south", "Forecasters warned of temperatures above 30 degrees."),
    ("Library extends opening hours", "The central library will open on Sundays from May."),
    ("Tech firm cuts jobs", "Software maker Kestrel will cut 200 jobs in a restructuring."),
    ("New bridge design unveiled", "Architects showed a footbridge design for the canal crossing."),
]


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    news = tmp_path / "news"
    news.mkdir()
    for k, article in enumerate(ARTICLES):
        (news / f"n{k}.json").write_text(json.dumps(article), encoding="utf-8")
    for k, (title, body) in enumerate(OTHERS):
        other = {
            "title": title,
            "body": body,
            "date": f"2024-03-{10 + k}",
            "outlet": "Ostmark Times",
        }
        (news / f"o{k}.json").write_text(json.dumps(other), encoding="utf-8")
    path = tmp_path / "config.yaml"
    path.write_text(
        "sources:\n  - name: news\n    path: news\nindex_dir: index\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return path


def run(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(config), *args])
    out, err = capsys.readouterr()
    return code, out, err


def stories_json(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run(capsys, config, "stories", *args, "--json")
    assert code == EXIT_OK, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_stories_json_shape(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    data = stories_json(capsys, config)
    assert list(data) == ["stories"]
    [story] = data["stories"]
    assert set(story) >= {"id", "headline", "outlets", "count", "first", "last", "articles"}
    assert story["count"] == 3
    assert story["outlets"][:2] == ["Vell Gazette", "Harbour Post"]
    assert story["first"] == "2024-04-01T08:00:00+00:00"
    assert story["last"] == "2024-04-03T09:00:00+00:00"
    assert [a["id"] for a in story["articles"]] == ["news/n0.json", "news/n1.json", "news/n2.json"]
    assert set(story["articles"][0]) >= {"id", "title", "outlet", "date"}


def test_stories_filters(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    assert len(stories_json(capsys, config, "--min-outlets", "3")["stories"]) == 1
    assert stories_json(capsys, config, "--min-outlets", "4")["stories"] == []
    assert len(stories_json(capsys, config, "--since", "2024-04-03")["stories"]) == 1
    assert stories_json(capsys, config, "--since", "2024-04-04")["stories"] == []
    assert len(stories_json(capsys, config, "--limit", "1")["stories"]) == 1


def test_story_json_and_what_changed(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    [story] = stories_json(capsys, config)["stories"]
    code, out, err = run(capsys, config, "story", story["id"], "--json")
    assert code == EXIT_OK, err
    data = json.loads(out)
    assert data["id"] == story["id"] and data["articles"] == story["articles"]
    changes = data["changes"]
    assert [c["id"] for c in changes] == [a["id"] for a in story["articles"]]
    assert changes[0]["new"] == []  # the first report is where the story starts
    assert any("rota" in s for s in changes[2]["new"])  # the deal is what the last one adds


def test_story_text(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    [story] = stories_json(capsys, config)["stories"]
    code, out, _err = run(capsys, config, "story", story["id"])
    assert code == EXIT_OK
    assert "(first report)" in out.splitlines()[4]
    assert "What changed:" in out
    code, out, _err = run(capsys, config, "stories")
    assert code == EXIT_OK and story["id"] in out and "3 articles · 3 outlets" in out


def test_hostile_text_never_reaches_the_terminal(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    [story] = stories_json(capsys, config)["stories"]
    for args in (("stories",), ("story", story["id"]), ("story", story["id"], "--json")):
        code, out, _err = run(capsys, config, *args)
        assert code == EXIT_OK
        assert "\x1b" not in out and "\x07" not in out
    assert "[bold]" in out  # markup stays literal text


def test_unknown_story_and_bad_date_exit_2(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    code, out, err = run(capsys, config, "story", "nosuch")
    assert code == EXIT_USAGE and out == ""
    assert err.strip() == "newsreader: no story with id 'nosuch' (see 'newsreader stories')"
    code, _out, err = run(capsys, config, "stories", "--since", "April")
    assert code == EXIT_USAGE and len(err.strip().splitlines()) == 1
    code, _out, err = run(capsys, config, "stories", "--min-outlets", "0")
    assert code == EXIT_USAGE
