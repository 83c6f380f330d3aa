"""The reader tried as a new user would (issue 10): each test presses the keys that broke or
confused, on the test library of tests/tui/conftest.py."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from newsreader.index.config import Settings, SourceConfig
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.screens.main import MainScreen
from newsreader.tui.screens.welcome import WelcomeScreen
from newsreader.tui.widgets.article_list import ArticleList

Settle = Callable[[Pilot[None]], Awaitable[None]]
SIZE = (120, 40)


@pytest.fixture
def reader(
    tmp_path: Path,
    indexed_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
) -> Callable[..., NewsreaderApp]:
    """The app on the test library, indexed; keyword arguments go to the settings."""
    return lambda **extra: new_app(indexed_settings(tmp_path, **extra))


def list_lines(app: NewsreaderApp, selector: str = "#articles") -> list[str]:
    article_list = app.screen.query_one(selector, ArticleList)
    height = article_list.scrollable_content_region.height
    return [article_list.render_line(y).text.rstrip() for y in range(height)]


# -- 1. the welcome screen's R -----------------------------------------------------------------


async def test_r_on_the_welcome_screen_reads_the_new_file(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    app = new_app(make_settings(tmp_path, sources=[SourceConfig("mine", folder)]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        (folder / "first.txt").write_text("A first article\n\nIt has one paragraph of text.\n")
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "A first article" in "\n".join(list_lines(app))


async def test_a_footer_whose_screen_is_gone_does_not_rebuild(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    # The crash above, made certain: the welcome screen's footer had queued a rebuild when R
    # closed the screen, and the rebuild ran on a footer without a screen.
    from newsreader.tui.widgets.footer import Footer

    folder = tmp_path / "empty"
    folder.mkdir()
    app = new_app(make_settings(tmp_path, sources=[SourceConfig("mine", folder)]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        footer = app.screen.query_one(Footer)
        await pilot.press("escape")
        await settle(pilot)
        footer.bindings_changed(app.screen)
        await footer.recompose()


# -- 4. every screen's keys in help, the palette and the keymap ----------------------------------


def help_text(app: NewsreaderApp) -> list[str]:
    """The help table's lines, as plain text."""
    from textual.widgets import Static

    table = app.screen.query_one("#help-table", Static).content
    lines = app.console.render_lines(table, app.console.options.update_width(100))
    return ["".join(seg.text for seg in line).rstrip() for line in lines]


async def open_compare(pilot: Pilot[None], settle: Settle) -> None:
    """Mark the first article, compare it with the second."""
    await pilot.press("space", "j", "c")
    await settle(pilot)


async def test_help_on_the_compare_screen_lists_its_keys_first(
    reader: Callable[..., NewsreaderApp], settle: Settle
) -> None:
    from newsreader.tui.screens.compare import CompareScreen
    from newsreader.tui.screens.help import HelpScreen

    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_compare(pilot, settle)
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        lines = help_text(app)
        first = next(i for i, line in enumerate(lines) if line.strip())
        assert lines[first].strip().startswith("Compare screen · here")
        text = "\n".join(lines)
        for key_id in ("compare.next", "compare.previous", "compare.sync", "compare.swap",
                       "compare.differences", "compare.down", "help.close", "welcome.rescan"):
            assert key_id in text
        await pilot.press("escape")
        assert isinstance(app.screen, CompareScreen)  # help closed onto the screen it came from


def test_every_binding_has_an_id_and_a_place_in_help() -> None:
    import importlib
    import inspect
    import pkgutil

    from textual.binding import Binding
    from textual.dom import DOMNode

    import newsreader.tui
    from newsreader.tui.app import HELP_SECTIONS, all_binding_ids
    from newsreader.tui.screens.base import HELP_KEY

    listed = {cls for _, cls in HELP_SECTIONS}
    found = []
    for module_info in pkgutil.walk_packages(newsreader.tui.__path__, "newsreader.tui."):
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, DOMNode) or not cls.__module__.startswith("newsreader."):
                continue
            own = cls.__dict__.get("BINDINGS", [])
            if own == [HELP_KEY]:
                # The reader's modal screens' base: `?` on them is the app's own help key
                # (the same binding, listed under "Everywhere"), not a key of its own.
                assert HELP_KEY in NewsreaderApp.BINDINGS
                continue
            if own:
                found.append(cls)
                assert cls in listed, f"{cls.__name__}'s keys are not in the help"
            for item in own:
                binding = item if isinstance(item, Binding) else Binding(*item)
                assert binding.id, f"{cls.__name__}: {binding.key} has no id"
    ids = all_binding_ids()
    assert len(ids) == len(set(ids)), "two bindings share an id"
    assert len(found) >= 10


async def test_compare_keys_can_be_rebound(
    reader: Callable[..., NewsreaderApp], settle: Settle
) -> None:
    from newsreader.tui.screens.compare import CompareScreen

    app = reader(keys={"compare.sync": "y", "compare.next": "n"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.key_warnings
        await open_compare(pilot, settle)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert screen.sync
        await pilot.press("y")
        assert not screen.sync
        await pilot.press("S")  # no longer bound
        assert not screen.sync


async def test_the_palette_shows_capital_letter_keys(
    reader: Callable[..., NewsreaderApp], settle: Settle
) -> None:
    from textual.content import Content

    from newsreader.tui.commands import NewsreaderCommands

    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = NewsreaderCommands(app.screen)
        helps = {Content(str(hit.text)).plain: Content.from_markup(hit.help or "").plain
                 async for hit in provider.discover()}
        assert helps["Re-scan"].endswith("[R]")
        assert helps["Prev hit"].endswith("[N]")
        assert helps["Search"].endswith("[/]")


async def test_help_scrolls_with_j_k_g_and_G(
    reader: Callable[..., NewsreaderApp], settle: Settle
) -> None:
    from textual.containers import VerticalScroll

    app = reader()
    async with app.run_test(size=(90, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        body = app.screen.query_one("#help-body", VerticalScroll)
        assert body.max_scroll_y > 5
        await pilot.press("j", "j")
        assert body.scroll_y == 2
        await pilot.press("k")
        assert body.scroll_y == 1
        await pilot.press("G")
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("g")
        assert body.scroll_y == 0


# -- 9. the source filter in search results ------------------------------------------------------


def status_text(app: NewsreaderApp) -> str:
    from newsreader.tui.widgets.status import StatusLine

    return app.screen.query_one("#status", StatusLine).plain


async def search(pilot: Pilot[None], settle: Settle, text: str) -> None:
    from newsreader.tui.widgets.search_bar import SearchBar

    await pilot.press("slash", *text)
    await pilot.app.screen.query_one(SearchBar).wait_for_debounce()
    await settle(pilot)


async def test_search_results_say_which_source_they_are_in(
    reader: Callable[..., NewsreaderApp], settle: Settle
) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("shift+tab")  # the sources pane
        await pilot.press("j", "j", "enter")  # All, harbour, valley
        await settle(pilot)
        await search(pilot, settle, "ferry")
        assert status_text(app).startswith("1 result in valley ·")
        await pilot.press("escape", "escape", "escape")  # close the search, then back to All
        await settle(pilot)
        await search(pilot, settle, "ferry")
        assert status_text(app).startswith("3 results ·")


# -- 7. columns by content, a sources pane that grows ---------------------------------------------

LONG_TITLES = [
    "Councils agree a shared plan for the winter road gritting",
    "Rail operators publish a joint timetable for spring works",
]


def plain_library(root: Path) -> list[SourceConfig]:
    """Articles that name no outlet and carry no date (as the BBC corpus's files do)."""
    folder = root / "plain"
    folder.mkdir(parents=True)
    for n, title in enumerate(LONG_TITLES):
        (folder / f"{n}.txt").write_text(f"{title}\n\nThe story has one paragraph of text.\n")
    return [SourceConfig("plain", folder)]


async def test_titles_take_the_room_of_empty_outlet_and_date_columns(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    from newsreader.index.store.library import Library

    settings = make_settings(tmp_path, sources=plain_library(tmp_path / "lib"))
    library = Library(settings)
    library.update()
    library.close()
    app = new_app(settings)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        lines = list_lines(app)
        for title in LONG_TITLES:
            assert any(title in line for line in lines), lines


async def test_outlet_column_is_as_wide_as_the_outlets_shown(
    reader: Callable[..., NewsreaderApp], settle: Settle
) -> None:
    app = reader()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        line = next(line for line in list_lines(app) if "Ferry fares rise again" in line)
        # "Harbour Gazette" is the widest outlet: its full name, then the date.
        assert line.endswith("Valley Post      2024-12-05")
        assert "Harbour Gazette  2024-12-01" in "\n".join(list_lines(app))


async def test_the_sources_pane_grows_with_the_terminal(
    reader: Callable[..., NewsreaderApp], settle: Settle
) -> None:
    app = reader()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        narrow = app.screen.query_one("#sources").size.width
        await pilot.resize_terminal(200, 60)
        await settle(pilot)
        assert app.screen.query_one("#sources").size.width >= narrow + 8


# -- 8. narrow mode: the sources by keyboard, a footer that fits --------------------------------


async def test_narrow_layout_reaches_the_sources_with_tab(
    reader: Callable[..., NewsreaderApp], settle: Settle
) -> None:
    from newsreader.tui.widgets.source_list import SourceList

    app = reader()
    async with app.run_test(size=(90, 30)) as pilot:
        await settle(pilot)
        sources = app.screen.query_one(SourceList)
        assert not sources.display or sources.size.width == 0
        await pilot.press("tab")
        assert app.focused is sources
        assert sources.size.width > 40  # in the list's place
        assert app.screen.query_one("#list-pane").size.width == 0
        await pilot.press("j", "j", "enter")  # All, harbour, valley
        await settle(pilot)
        assert isinstance(app.focused, ArticleList)
        assert status_text(app).startswith("valley · 4 articles")
        await pilot.press("shift+tab")
        assert app.focused is sources
        await pilot.press("escape")
        assert isinstance(app.focused, ArticleList)


async def test_narrow_footer_shows_every_key_at_90_columns(
    reader: Callable[..., NewsreaderApp], settle: Settle
) -> None:
    from textual.widgets._footer import FooterKey

    app = reader()
    async with app.run_test(size=(90, 30)) as pilot:
        await settle(pilot)
        keys = list(app.screen.query(FooterKey))
        shown = {key.key_display for key in keys if key.region.right <= 90 and key.region.width}
        for key in ("/", "c", "q", "?"):
            assert key in shown, shown


async def test_narrow_footer_fits_after_a_resize_from_wide(
    reader: Callable[..., NewsreaderApp], settle: Settle
) -> None:
    # Found trying the reader in tmux: narrowed from 160 to 90 columns, the footer kept
    # "^p Commands" and cut "? Help" off until the focus next moved.
    from textual.widgets._footer import FooterKey

    app = reader()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(90, 30)
        await settle(pilot)
        keys = list(app.screen.query(FooterKey))
        shown = {key.key_display for key in keys if key.region.right <= 90 and key.region.width}
        for key in ("/", "c", "q", "?"):
            assert key in shown, shown
        # The palette's key is docked right, over the last keys.
        assert not any(key.action == "command_palette" for key in keys)


# -- 10. first launch: the list says it is filling ----------------------------------------------


async def test_first_launch_list_says_it_is_filling(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_settings: Callable[..., Settings],
    new_app: Callable[[Settings], NewsreaderApp],
    settle: Settle,
) -> None:
    import threading

    from newsreader.index.store.library import Library

    # The indexer waits at its first progress report until the test has looked at the list.
    looked = threading.Event()
    update = Library.update

    def held_update(self: Library, **kwargs: object) -> object:
        progress = kwargs.get("progress")

        def held(p: object) -> None:
            if not looked.is_set() and not getattr(p, "committed", False):
                looked.wait(10)
            progress(p)  # type: ignore[operator]

        if progress is not None:
            kwargs["progress"] = held
        return update(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Library, "update", held_update)
    app = new_app(make_settings(tmp_path))  # no index yet
    async with app.run_test(size=SIZE) as pilot:
        while not (isinstance(app.screen, MainScreen) and app.screen.indexing):
            await pilot.pause()
        await pilot.pause()
        empty = app.screen.query_one(ArticleList).empty_text
        assert empty.startswith("Indexing the library"), empty
        assert "No articles." not in "\n".join(list_lines(app))
        looked.set()
        await settle(pilot)
        assert len(app.screen.query_one(ArticleList)) > 0


# -- 12. rough edges: no "use_url failed", the mark after comparing, the related list ----------


def toasts(app: NewsreaderApp) -> list[tuple[str, str]]:
    """(title, message) of every notification shown so far and still up."""
    return [(str(n.title), str(n.message)) for n in app._notifications]


async def test_no_browser_is_a_clear_message(
    reader: Callable[..., NewsreaderApp], settle: Settle, monkeypatch: pytest.MonkeyPatch
) -> None:
    import webbrowser

    monkeypatch.setattr(webbrowser, "open", lambda _url: False)
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        shown = toasts(app)
        assert not any("failed" in title for title, _ in shown), shown
        assert any("No web browser found to open https://valley.example/fares" in message
                   for _, message in shown), shown


async def test_the_mark_is_cleared_once_compared(
    reader: Callable[..., NewsreaderApp], settle: Settle
) -> None:
    from newsreader.tui.screens.compare import CompareScreen

    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space")
        pane = app.screen.query_one("#list-pane")
        assert "marked" in str(pane.border_subtitle)
        assert not any("Marked" in message for _, message in toasts(app))
        await pilot.press("j", "c")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.marked is None
        assert not any(line.startswith("◆") for line in list_lines(app))
        assert not pane.border_subtitle


async def test_related_list_names_its_article_and_shows_scores(
    reader: Callable[..., NewsreaderApp], settle: Settle
) -> None:
    from newsreader.tui.screens.related import RelatedScreen

    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")  # on "Ferry fares rise again"
        await settle(pilot)
        assert isinstance(app.screen, RelatedScreen)
        said = app.screen.query_one("#related-status").plain  # type: ignore[attr-defined]
        assert said.startswith("Related to Ferry fares rise again · ")
        assert "most alike first" in said
        lines = [line for line in list_lines(app, "#related-list") if line.strip()]
        assert lines and all("score " in line for line in lines), lines


# -- 15. next unread (U), mark all read (A) ------------------------------------------------------


@pytest.mark.parametrize("page_size", [200, 2])  # 2: the list is paged, the search a worker's
async def test_u_goes_to_the_next_unread_article(
    reader: Callable[..., NewsreaderApp], settle: Settle, monkeypatch: pytest.MonkeyPatch,
    page_size: int,
) -> None:
    from newsreader.tui import loaders

    monkeypatch.setattr(loaders, "PAGE_SIZE", page_size)
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        # fares, storm, ferry-winter, lighthouse, ...: storm and ferry-winter read.
        await pilot.press("j", "m", "j", "m", "g")
        await pilot.press("U")
        await settle(pilot)
        assert article_list.cursor == 3
        await pilot.press("U")
        await settle(pilot)
        assert article_list.cursor == 4
        await pilot.press("G", "U")  # past the end: from the top again
        await settle(pilot)
        assert article_list.cursor == 0


async def test_u_while_reading_opens_the_next_unread(
    reader: Callable[..., NewsreaderApp], settle: Settle
) -> None:
    from newsreader.tui.widgets.article_view import ArticleView

    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "m", "g", "enter")  # storm read; open fares
        await settle(pilot)
        assert isinstance(app.focused, ArticleView)
        await pilot.press("U")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        assert view.article is not None and view.article.id == "harbour/ferry-winter.json"
        assert app.read_state.is_read("harbour/ferry-winter.json")


async def test_a_marks_every_article_of_the_source_read_after_asking(
    reader: Callable[..., NewsreaderApp], settle: Settle
) -> None:
    from newsreader.tui.screens.confirm import ConfirmScreen

    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("shift+tab", "j", "j", "enter")  # valley
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Mark 4 unread articles in valley read?" in str(
            app.screen.query_one("#confirm-text").content  # type: ignore[attr-defined]
        )
        await pilot.press("n")  # no: nothing changes
        assert not app.read_state.snapshot()
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        read = app.read_state.snapshot()
        assert len(read) == 4 and all(i.startswith("valley/") for i in read)
        assert not any(line.startswith(" •") for line in list_lines(app) if line.strip())


async def test_the_mark_all_question_is_drawn_on_the_screen(
    reader: Callable[..., NewsreaderApp], settle: Settle
) -> None:
    # The dialog's box had an auto width around a text of width 1fr: an empty 6x4 box was all
    # a user saw (found trying the reader in tmux), while the widget still held the question.
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        text = app.screen.query_one("#confirm-text")
        question = str(text.content)  # type: ignore[attr-defined]
        assert question.startswith("Mark ")
        lines = [strip.text for strip in text.render_lines(text.size.region)]
        assert text.size.width >= len(question.splitlines()[0])
        assert any("Mark " in line for line in lines) and any("y yes" in line for line in lines)


async def test_a_in_a_search_marks_the_hits_read(
    reader: Callable[..., NewsreaderApp], settle: Settle
) -> None:
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search(pilot, settle, "ferry")
        await pilot.press("enter", "A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.read_state.snapshot() == {
            "valley/fares.json", "harbour/ferry-winter.json", "harbour/storm.json"}


# -- 16. save a compare report --------------------------------------------------------------------

REPORT_A = (
    "The harbour council voted on Tuesday to close the old ferry terminal at the end of March. "
    "Seventy-five jobs will move to the new quay, the council said.\n\n"
    '"We cannot keep two terminals open," said Mara Bell, the harbour master. '
    "Passengers will board at the new quay from April.\n\n"
    "The [bold]old terminal[/bold] opened in *1962* and #served the island for sixty years."
)
REPORT_B = (
    "On Tuesday the harbour council voted to close the old ferry terminal at the end of March. "
    "Sixty-two jobs will move to the new quay, according to the council.\n\n"
    '"We cannot keep two terminals open," Mara Bell said. '
    "Fares will not change this year.\n\n"
    "Travellers from the valley will need a bus to reach the quay."
)


def report_articles() -> tuple[object, object]:
    import datetime as dt

    from newsreader.index.model import Article

    a = Article(id="harbour/terminal.txt", title="Council closes the [old] # terminal",
                body=REPORT_A, source="harbour", path="terminal.txt",
                date=dt.date(2024, 3, 5), outlet="Harbour Gazette")
    b = Article(id="valley/terminal.txt", title="Old ferry terminal to shut", body=REPORT_B,
                source="valley", path="terminal.txt", date=dt.date(2024, 3, 6),
                outlet="Valley Post")
    return a, b


def unmarkdown(text: str) -> str:
    """What a Markdown document says, in words: escapes undone, bold and quote marks dropped."""
    import re

    text = re.sub(r"\\(.)", r"\1", text.replace("**", ""))
    text = re.sub(r"(?m)^\s*(?:[->]|#+)\s*", "", text)
    return " ".join(text.split())


def test_the_markdown_report_says_what_the_cli_report_says() -> None:
    from newsreader.cli.compare_report import report_lines
    from newsreader.index.compare import compare
    from newsreader.tui.compare_markdown import report_markdown

    a, b = report_articles()
    alignment = compare(a, b)  # type: ignore[arg-type]
    assert alignment.shared and alignment.pairs and alignment.quotes
    document = report_markdown(a, b, alignment)  # type: ignore[arg-type]
    said = unmarkdown(document)
    for line in report_lines(a, b, alignment, width=100_000):  # type: ignore[arg-type]
        words = " ".join(line.split()).removeprefix("- ")
        if words.startswith(("A ", "B ")) and "·" not in words and "[" not in words:
            words = words[2:]  # the CLI's "A  title" is "**A** title" here
        assert words in said, words
    # Markdown in article text stays text: no heading, link or emphasis made of it.
    assert "\\[bold\\]old terminal\\[/bold\\]" in document and "\\*1962\\*" in document
    assert document.startswith("# Comparison: Council closes the \\[old\\] \\# terminal / ")


async def test_w_on_the_compare_screen_saves_the_report(
    reader: Callable[..., NewsreaderApp], settle: Settle, tmp_path: Path
) -> None:
    from newsreader.tui.screens.compare import CompareScreen

    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_compare(pilot, settle)
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("w")
        await settle(pilot)
        saved = list((tmp_path / "xdg" / "data" / "newsreader" / "reports").glob("*.md"))
        assert len(saved) == 1
        assert any(str(saved[0]) in message for _, message in toasts(app))
        text = saved[0].read_text(encoding="utf-8")
        assert text.startswith("# Comparison: Ferry fares rise again / Storm closes the harbour")
        assert "**Similarity" in text


# -- 11. compare: passages level after ], sync moves both sides a line at a time ------------------

SHARED_1 = "The ferry company said the new timetable would add two crossings on Sundays."
SHARED_2 = "Councillors agreed to review the harbour fees again before the summer season."


def filler(side: str, n: int) -> str:
    """A paragraph only one side has, distinct from every other."""
    words = ["gull", "tide", "rope", "keel", "buoy", "mast", "sail", "dock", "pier", "wave"]
    return " ".join(f"{side}{w}{n}" for w in words * 3) + "."


SYNC_A = "\n\n".join([*(filler("a", n) for n in range(3)), SHARED_1,
                      *(filler("a", n) for n in range(3, 5)), SHARED_2, filler("a", 9)])
SYNC_B = "\n\n".join([*(filler("b", n) for n in range(12)), SHARED_1, filler("b", 12),
                      SHARED_2, *(filler("b", n) for n in range(13, 16))])


def sync_app() -> object:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    from newsreader.index.model import Article
    from newsreader.tui.screens.compare import CompareScreen

    a = Article(id="t/a.txt", title="A", body=SYNC_A, source="t", path="a.txt")
    b = Article(id="t/b.txt", title="B", body=SYNC_B, source="t", path="b.txt")

    class SyncApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("underneath")

        def on_mount(self) -> None:
            self.push_screen(CompareScreen(None, a, b))

    return SyncApp()


def screen_rows(screen: object) -> tuple[float, float]:
    """The screen rows (within each pane) where SHARED_1 starts on each side."""
    pane_a, pane_b = screen.pane_a, screen.pane_b  # type: ignore[attr-defined]
    row_a = pane_a.line_of(SYNC_A.index(SHARED_1)) - pane_a.scroll_y
    row_b = pane_b.line_of(SYNC_B.index(SHARED_1)) - pane_b.scroll_y
    return row_a, row_b


async def test_after_next_both_passages_stand_on_the_same_row() -> None:
    app = sync_app()
    async with app.run_test(size=(160, 45)) as pilot:  # type: ignore[attr-defined]
        await app.workers.wait_for_complete()  # type: ignore[attr-defined]
        await pilot.pause()
        screen = app.screen  # type: ignore[attr-defined]
        for _ in range(len(screen.stops)):
            await pilot.press("right_square_bracket")
            await pilot.pause()
            stop = screen.stops[screen.current]
            a, b = screen.pane_a, screen.pane_b
            assert a.line_of(stop.a[0]) - a.scroll_y == b.line_of(stop.b[0]) - b.scroll_y


async def test_sync_keys_move_each_side_a_line_at_most_and_meet_at_passages() -> None:
    app = sync_app()
    async with app.run_test(size=(160, 45)) as pilot:  # type: ignore[attr-defined]
        await app.workers.wait_for_complete()  # type: ignore[attr-defined]
        await pilot.pause()
        screen = app.screen  # type: ignore[attr-defined]
        a, b = screen.pane_a, screen.pane_b
        assert screen.sync
        margin = max(1, min(a.size.height, b.size.height) // 4)
        positions = [(a.scroll_y, b.scroll_y)]
        met = False
        for _ in range(60):
            await pilot.press("j")
            positions.append((a.scroll_y, b.scroll_y))
            row_a, row_b = screen_rows(screen)
            met = met or (row_a == row_b == margin)
        steps = [(a1 - a0, b1 - b0) for (a0, b0), (a1, b1) in itertools.pairwise(positions)]
        assert all(0 <= da <= 1 and 0 <= db <= 1 for da, db in steps), steps
        assert met  # SHARED_1 reached the margin row on both sides at the same time
        for _ in range(60):
            await pilot.press("k")
        assert (a.scroll_y, b.scroll_y) == (0, 0)
