"""Alignment of two articles (index.compare) and the text helpers under it (index.compare.text)."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.index.compare import Alignment, compare
from newsreader.index.compare.quotes import find_quotes
from newsreader.index.compare.text import normalize_words, sentences, words
from newsreader.index.model import Article


def art(body: str, aid: str = "t/a") -> Article:
    return Article(id=aid, title=aid, body=body, source="t", path=f"/tmp/{aid}")


# An invented story, told by two outlets: a wire paragraph copied verbatim, a quote from the
# same official worded differently, and a sentence each has alone.
WIRE = (
    "The harbour authority said on Monday that the old swing bridge across the Vell estuary "
    "would stay closed to traffic until engineers had finished a full inspection of its cables."
)
STORY_A = "\n\n".join(
    [
        WIRE,
        "“We cannot take the risk of reopening a structure whose steel we no longer trust,” "
        "harbour director Marta Kessling told the Coastal Herald.",
        "Ferry operators have added four extra crossings a day while the bridge is shut.",
        "Local shopkeepers complained that trade in the old town had fallen by a third since "
        "the closure began in March.",
    ]
)
STORY_B = "\n\n".join(
    [
        "Harbour director Marta Kessling said the authority would not “gamble on reopening a "
        "bridge whose steel cables can no longer be trusted”.",
        WIRE,
        "A cycling club has offered to run a free shuttle for schoolchildren.",
        "Shopkeepers in the old town say their trade has dropped by a third since the bridge "
        "closure started in March.",
    ]
)


def spans_agree(result: Alignment, a: Article, b: Article) -> None:
    for passage in result.shared:
        sa, ea = passage.a.start, passage.a.end
        sb, eb = passage.b.start, passage.b.end
        assert a.body[sa:ea] == passage.a.text and b.body[sb:eb] == passage.b.text
        assert normalize_words(a.body[sa:ea]) == normalize_words(b.body[sb:eb])
        assert len(normalize_words(a.body[sa:ea])) == passage.words >= result.min_words


def test_verbatim_copy_found_with_exact_spans() -> None:
    a, b = art(STORY_A), art(STORY_B, "t/b")
    result = compare(a, b)
    # A passage runs from its first word's first character to its last word's last one.
    assert [p.a.text for p in result.shared] == [WIRE.rstrip(".")]
    assert result.shared[0].b.text == WIRE.rstrip(".")
    assert result.shared[0].number == 1
    spans_agree(result, a, b)
    assert 0 < result.similarity < 1
    assert result.shared_share_a == pytest.approx(len(WIRE.split()) / len(STORY_A.split()))


def test_paraphrased_quote_same_speaker_is_matched_and_paired() -> None:
    result = compare(art(STORY_A), art(STORY_B, "t/b"))
    assert len(result.quotes) == 1
    match = result.quotes[0]
    assert match.a.span.text.startswith("We cannot take the risk")
    assert match.b.span.text.startswith("gamble on reopening")
    assert match.speaker == "Marta Kessling"
    quote_pairs = [p for p in result.pairs if p.via_quote]
    assert len(quote_pairs) == 1
    assert "Kessling told" in quote_pairs[0].a.text
    assert "Kessling said" in quote_pairs[0].b.text


def test_paraphrased_sentence_is_paired_and_the_rest_is_only_one_side() -> None:
    result = compare(art(STORY_A), art(STORY_B, "t/b"))
    texts = {(p.a.text[:20], p.b.text[:20]) for p in result.pairs}
    assert ("Local shopkeepers c", "Shopkeepers in the o") in {(x[:19], y) for x, y in texts}
    assert [s.text[:14] for s in result.only_a] == ["Ferry operator"]
    assert [s.text[:14] for s in result.only_b] == ["A cycling club"]


def test_reordered_paragraphs() -> None:
    paras = [
        "Rain fell on the northern valleys for the third day running, flooding two farms.",
        "The county council opened an emergency shelter in the school gymnasium on Friday.",
        "Forecasters expect the weather to clear by Sunday afternoon across the whole region.",
        "Volunteers from four villages filled sandbags along the river through the night.",
    ]
    a = art("\n\n".join(paras))
    b = art("\n\n".join([paras[2], paras[0], paras[3], paras[1]]), "t/b")
    result = compare(a, b)
    assert [p.a.text for p in result.shared] == [p.rstrip(".") for p in paras]
    assert [p.number for p in result.shared] == [1, 2, 3, 4]
    spans_agree(result, a, b)
    assert result.similarity == 1.0
    assert not result.only_a and not result.only_b and not result.pairs


def test_no_overlap_at_all() -> None:
    a = art("The orchestra rehearsed a new symphony by a young composer from Tallinn.")
    b = art("Wheat prices climbed sharply after drought hit growers in Kansas and Nebraska.", "t/b")
    result = compare(a, b)
    assert result.shared == () and result.pairs == () and result.quotes == ()
    assert result.similarity == pytest.approx(0.0)
    assert len(result.only_a) == 1 and len(result.only_b) == 1


@pytest.mark.parametrize("swap", [False, True])
def test_one_empty_side(swap: bool) -> None:
    full, empty = art(STORY_A), art("", "t/empty")
    a, b = (empty, full) if swap else (full, empty)
    result = compare(a, b)
    assert result.similarity == 0.0 and result.shared == () and result.pairs == ()
    alone = result.only_b if swap else result.only_a
    assert len(alone) == len(sentences(STORY_A))
    assert (result.only_a if swap else result.only_b) == ()
    json.dumps(result.to_json())


def test_identical_articles() -> None:
    a, b = art(STORY_A), art(STORY_A, "t/b")
    result = compare(a, b)
    assert result.similarity == 1.0
    assert result.shared_share_a == result.shared_share_b == 1.0
    assert len(result.shared) == 1
    assert (result.shared[0].a.start, result.shared[0].a.end) == (0, len(STORY_A) - 1)
    assert result.only_a == result.only_b == () and result.pairs == ()
    assert len(result.quotes) == 1 and result.quotes[0].score == 1.0


def test_repeated_run_reported_once() -> None:
    phrase = "the quarterly figures showed a steep fall in exports"
    a = art(f"First, {phrase}. Later the minister repeated it: {phrase}.")
    b = art(f"Analysts noted that {phrase} this spring.", "t/b")
    result = compare(a, b)
    assert len(result.shared) == 1
    assert result.shared[0].a.text == phrase
    assert result.shared[0].a.start == a.body.index(phrase)


def long_article(rng: random.Random, words: int) -> str:
    vocab = [f"{c}{v}{d}" for c in "bdfgklmnprst" for v in "aeiou" for d in "lmnrst"]
    out, count = [], 0
    while count < words:
        sent = [rng.choice(vocab) for _ in range(rng.randrange(6, 20))]
        out.append(" ".join(sent).capitalize() + ".")
        count += len(sent)
    return " ".join(out)


def test_very_long_articles() -> None:
    rng = random.Random(7)
    common = long_article(rng, 3000)
    a = art(long_article(rng, 10000) + "\n\n" + common + "\n\n" + long_article(rng, 7000))
    b = art(long_article(rng, 8000) + "\n\n" + common + "\n\n" + long_article(rng, 9000), "t/b")
    result = compare(a, b)
    spans_agree(result, a, b)
    assert any(p.a.text == common.rstrip(".") for p in result.shared)
    for span in result.only_a:
        assert a.body[span.start : span.end] == span.text


def test_swap_gives_the_mirrored_result() -> None:
    a, b = art(STORY_A), art(STORY_B, "t/b")
    assert compare(b, a) == compare(a, b).swapped()
    assert compare(b, a).swapped() == compare(a, b)


def test_swap_with_a_sentence_repeated_on_one_side() -> None:
    said = "the new ferry timetable will start on the first of June"
    a = art(f"Officials confirmed that {said}. “{said.capitalize()},” Ana Lopes said on Friday.")
    b = art(f"“{said.capitalize()},” Ana Lopes said. Few passengers had noticed.", "t/b")
    forward, backward = compare(a, b), compare(b, a)
    assert backward == forward.swapped()
    assert [p.a.text for p in forward.shared] == [f"{said.capitalize()},” Ana Lopes said"]


def test_deterministic() -> None:
    a, b = art(STORY_A), art(STORY_B, "t/b")
    assert compare(a, b).to_json() == compare(a, b).to_json()


def test_min_words_is_configurable() -> None:
    a = art("The vote was postponed until the spring session of parliament.")
    b = art("Officials said the spring session of parliament would decide.", "t/b")
    assert compare(a, b).shared == ()
    result = compare(a, b, min_words=4)
    assert [p.a.text for p in result.shared] == ["the spring session of parliament"]
    assert result.min_words == 4
    with pytest.raises(ValueError):
        compare(a, b, min_words=0)


def test_quote_styles_dashes_and_case_are_normalised() -> None:
    a = art("He said “we will not give up the fight—ever” to loud cheers in the hall.")
    b = art('HE SAID "We will NOT give up the fight - ever" to loud cheers.', "t/b")
    result = compare(a, b)
    assert len(result.shared) == 1
    passage = result.shared[0]
    assert passage.a.text == "He said “we will not give up the fight—ever” to loud cheers"
    assert passage.b.text == 'HE SAID "We will NOT give up the fight - ever" to loud cheers'
    assert len(result.quotes) == 1 and result.quotes[0].score == 1.0


def test_json_shape() -> None:
    data = compare(art(STORY_A), art(STORY_B, "t/b")).to_json()
    json.dumps(data)
    assert {"a", "b", "similarity", "shared", "pairs", "quotes", "only_a", "only_b"} <= set(data)
    assert data["a"] == "t/a" and data["b"] == "t/b"
    shared = data["shared"][0]
    assert {"text", "a", "b"} <= set(shared) and len(shared["a"]) == 2
    pair = data["pairs"][0]
    assert {"a", "b", "score", "a_span", "b_span"} <= set(pair)
    assert isinstance(pair["a"], str)
    quote = data["quotes"][0]
    assert {"a", "b", "speaker", "score", "a_span", "b_span"} <= set(quote)
    assert quote["speaker"] == "Marta Kessling"
    assert set(data["only_a"][0]) == {"text", "span"}


def test_unmatched_quotes_have_null_on_the_other_side() -> None:
    a = art("“The harvest was the best in a decade,” farmer Ilse Brandt said.")
    b = art("The museum will reopen next week after repairs to its roof.", "t/b")
    quotes = compare(a, b).to_json()["quotes"]
    assert quotes == [
        {
            "a": "The harvest was the best in a decade",
            "b": None,
            "speaker": "Ilse Brandt",
            "score": None,
            "a_span": [1, 37],
            "b_span": None,
            "a_speaker": "Ilse Brandt",
            "b_speaker": None,
            "differences": [],
        }
    ]


def test_sentence_splitting() -> None:
    text = (
        "Mr. Ruiz met Dr. Okoye in the U.S. capital on Jan. 5. Growth was 2.5 percent. "
        "“It is over.” Then silence. “Is it?” she asked. The end"
    )
    got = [text[s:e] for s, e in sentences(text)]
    assert got == [
        "Mr. Ruiz met Dr. Okoye in the U.S. capital on Jan. 5.",
        "Growth was 2.5 percent.",
        "“It is over.”",
        "Then silence.",
        "“Is it?” she asked.",
        "The end",
    ]


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        ("“We will rebuild,” Mayor Ana Lopes said.", "We will rebuild", "Ana Lopes"),
        ("Lopes said: “We will rebuild.” Nobody clapped.", "We will rebuild.", "Lopes"),
        ('"We will rebuild," said Lopes.', "We will rebuild", "Lopes"),
        ("Lopes spoke. “We will rebuild,” she added.", "We will rebuild", None),
        ("Lopes warned it was 'a grave mistake' to wait.", "a grave mistake", "Lopes"),
        ("The stadium is « almost finished » now.", "almost finished", None),
        ("It was Ukraine’s and Chile’s day.", None, None),
    ],
)
def test_find_quotes(text: str, quote: str | None, speaker: str | None) -> None:
    found = find_quotes(text)
    if quote is None:
        assert found == []
        return
    assert [text[q.start : q.end] for q in found] == [quote]
    assert found[0].speaker == speaker


def test_pronoun_speaker_resolved_to_the_last_named_person() -> None:
    text = "“Prices will fall,” Minister Ana Lopes told reporters. “Soon,” she added."
    assert [q.speaker for q in find_quotes(text)] == ["Ana Lopes", "Ana Lopes"]


WORDS = st.sampled_from(["the", "The", "bridge", "closed", "“closed”", "river", "Vell", "a"])
TEXTS = st.lists(
    st.one_of(WORDS, st.text(alphabet=" ,.;—-'’\"“”\n", min_size=1, max_size=2)), max_size=80
).map(" ".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, TEXTS, st.integers(min_value=1, max_value=6))
def test_property_shared_spans_normalise_equal(x: str, y: str, k: int) -> None:
    a, b = art(x), art(y, "t/b")
    result = compare(a, b, min_words=k)
    spans_agree(result, a, b)
    assert 0.0 <= result.similarity <= 1.0
    for passages in (result.shared,):
        ends = sorted((p.a.start, p.a.end) for p in passages)
        assert all(e1 <= s2 for (_, e1), (s2, _) in itertools.pairwise(ends))


def maximal(result: Alignment, a: Article, b: Article, k: int) -> None:
    """No run of k equal words is left out on both sides: greedy tiling covers, on one side
    at least, a word of every k-gram the two texts have in common."""
    na, nb = normalize_words(a.body), normalize_words(b.body)
    starts_a = {s: n for n, (_, s, _) in enumerate(words(a.body))}
    starts_b = {s: n for n, (_, s, _) in enumerate(words(b.body))}
    cov_a, cov_b = bytearray(len(na)), bytearray(len(nb))
    for p in result.shared:
        i, j = starts_a[p.a.start], starts_b[p.b.start]
        cov_a[i : i + p.words] = b"\x01" * p.words
        cov_b[j : j + p.words] = b"\x01" * p.words
    grams: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(nb) - k + 1):
        grams.setdefault(tuple(nb[j : j + k]), []).append(j)
    for i in range(len(na) - k + 1):
        for j in grams.get(tuple(na[i : i + k]), ()):
            assert any(cov_a[i : i + k]) or any(cov_b[j : j + k]), (na[i : i + k], i, j)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, TEXTS, st.integers(min_value=1, max_value=6))
def test_property_every_common_run_is_found(x: str, y: str, k: int) -> None:
    a, b = art(x), art(y, "t/b")
    maximal(compare(a, b, min_words=k), a, b, k)


SENTENCE_WORDS = st.sampled_from(
    [
        "the",
        "minister",
        "said",
        "bridge",
        "river",
        "closed",
        "on",
        "Monday",
        "ferry",
        "will",
        "stay",
        "a",
        "of",
        "to",
        "and",
    ]
)
PROSE = st.lists(
    st.tuples(
        st.lists(SENTENCE_WORDS, min_size=1, max_size=12),
        st.sampled_from([". ", ", ", "! ", ".\n\n", " — ", " “", "” ", "’ "]),
    ),
    max_size=30,
).map(lambda parts: "".join(" ".join(ws) + sep for ws, sep in parts))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROSE, PROSE)
def test_property_on_prose_like_text(x: str, y: str) -> None:
    a, b = art(x), art(y, "t/b")
    result = compare(a, b)
    spans_agree(result, a, b)
    maximal(result, a, b, result.min_words)
    for side, body in (("a", x), ("b", y)):
        for span in result.only_a if side == "a" else result.only_b:
            assert body[span.start : span.end] == span.text
    for m in result.quotes:
        assert x[m.a.span.start : m.a.span.end] == m.a.span.text
        assert y[m.b.span.start : m.b.span.end] == m.b.span.text
    assert compare(b, a) == result.swapped()


# Three invented outlets render one foreign official's warning, each in its own translation
# and with the name spelt its own way: no run of six words in common, yet the same statement.
TRANSLATED = [
    "\n\n".join(
        [
            "Varnia has warned that if Ostland joins the customs union, it will respond.",
            "“We think this would be an extremely risky move that would compel Varnia to answer "
            "in kind,” Deputy Trade Minister Pavel Sorokin told the Meridian news agency.",
            "Talks on the tariff schedule resume in Brenn next month.",
        ]
    ),
    "\n\n".join(
        [
            "Ostland's accession would be a “very risky step”, Varnian Deputy Trade Minister "
            "Pavel Sorokine warned earlier this week, saying Varnia would be forced to respond.",
            "Fishing quotas were not on the agenda, officials in Brenn said.",
        ]
    ),
    "\n\n".join(
        [
            "A Varnian deputy trade minister has warned that any move towards Ostland's "
            "membership will have consequences.",
            "“Ostland's entry into the customs union would be an exceptionally risky step, and "
            "it would force Varnia to react,” Deputy Trade Minister Pavel Sorokin said on "
            "Tuesday.",
            "Analysts expect the dispute to weigh on the currency.",
        ]
    ),
]


@pytest.mark.parametrize(("x", "y"), list(itertools.combinations(range(3), 2)))
def test_the_same_statement_translated_differently_is_paired(x: int, y: int) -> None:
    a, b = art(TRANSLATED[x], f"t/{x}"), art(TRANSLATED[y], f"t/{y}")
    result = compare(a, b)
    assert result.shared == ()
    assert len(result.quotes) == 1
    match = result.quotes[0]
    assert match.speaker is not None and "Soro" in match.speaker
    assert "risky" in match.a.span.text and "risky" in match.b.span.text
    quoted = [p for p in result.pairs if p.via_quote]
    assert len(quoted) == 1
    assert "Sorokin" in quoted[0].a.text and "Sorokin" in quoted[0].b.text
    assert 0 < result.similarity < 0.6


# --- the CLI's text report (cli.compare_report) ----------------------------------------------


def test_report_names_what_was_found() -> None:
    from newsreader.cli.compare_report import report_lines

    a, b = art(STORY_A), art(STORY_B, "t/b")
    lines = list(report_lines(a, b, compare(a, b), color=False))
    text = "\n".join(lines)
    assert lines[0] == "A  t/a" and "[t/a]" in lines[1]
    assert "Similarity" in text and "1 shared passage (runs of 6+ words)" in text
    assert "Shared passages (1)" in text and "Said in other words (" in text
    assert "Quotes on both sides (1)" in text and "Marta Kessling" in text
    assert "Only in A (1)" in text and "Ferry operators" in text
    assert "Only in B (1)" in text and "cycling club" in text
    assert "\x1b" not in text
    assert all(len(line) <= 100 for line in lines)


def test_report_colours_only_when_asked() -> None:
    from newsreader.cli.compare_report import report_lines

    a, b = art(STORY_A), art(STORY_B, "t/b")
    coloured = "\n".join(report_lines(a, b, compare(a, b), color=True))
    assert "\x1b[33m" in coloured and "\x1b[0m" in coloured


def test_report_of_hostile_text_is_printable_and_literal() -> None:
    from newsreader.cli.compare_report import report_lines

    evil = "\x1b]52;c;Zm9v\x07[bold red]Boom[/] went \x1b[2J\x00\u202ethe drum.\n\n" + WIRE
    a = Article(id="t/\x1b[31mx", title="[i]T\x1b[1m", body=evil, source="t", path="/x")
    b = art(WIRE, "t/b")
    for color in (False, True):
        lines = list(report_lines(a, b, compare(a, b), color=color))
        text = "\n".join(lines)
        plain = text.replace("\x1b[0m", "")
        for code in ("1", "2", "33", "36", "35"):
            plain = plain.replace(f"\x1b[{code}m", "")
        assert "\x1b" not in plain and "\x07" not in plain and "\x00" not in plain
        assert "\u202e" not in plain
        assert "[bold red]Boom[/]" in plain and "[i]T" in plain


def test_report_when_nothing_is_in_common() -> None:
    from newsreader.cli.compare_report import report_lines

    a = art("The orchestra rehearsed a new symphony by a young composer from Tallinn.")
    b = art("", "t/b")
    text = "\n".join(report_lines(a, b, compare(a, b)))
    assert "Nothing in common" in text and "Only in A (1)" in text


def test_cli_compare_prints_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.cli.main import main

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text("Bridge stays shut\n\n" + STORY_A + "\n", encoding="utf-8")
    (news / "b.txt").write_text("Vell bridge closed\n\n" + STORY_B + "\n", encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(
        f"sources:\n  - name: news\n    path: news\nindex_dir: {tmp_path / 'index'}\n",
        encoding="utf-8",
    )
    assert main(["--config", str(config), "compare", "news/a.txt", "news/b.txt"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("A  Bridge stays shut\n")
    assert "Shared passages (1)" in out and "Quotes on both sides (1)" in out
    assert "\x1b" not in out  # not a terminal: no colour
    assert main(["--config", str(config), "compare", "news/a.txt", "news/b.txt", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["a"] == "news/a.txt" and len(data["shared"]) == 1


def test_speakers_named_after_a_role_or_earlier_in_the_paragraph() -> None:
    text = (
        "The union said 400 members had joined the strike.\n\n"
        "“It has never been this quiet,” said the owner, Lise Marten.\n\n"
        "Greta Holm, 71, who drove a tram in 1998, brought soup to the depot. "
        "‘We held out for 23 days then,’ she said.\n\n"
        "Mayor Ruben Achterberg urged calm. “Nobody wins a long strike,” he told reporters."
    )
    found = [(text[q.start : q.end], q.speaker) for q in find_quotes(text)]
    assert found == [
        ("It has never been this quiet", "Lise Marten"),
        ("We held out for 23 days then", "Greta Holm"),
        ("Nobody wins a long strike", "Ruben Achterberg"),
    ]


def test_quoted_terms_are_matched_but_pair_no_sentences() -> None:
    a = art("Users who turned off “safe mode” can switch it back on after the update.")
    b = art("The vendor told customers to enable “safe mode” until a patch ships.", "t/b")
    result = compare(a, b)
    assert [m.a.span.text for m in result.quotes] == ["safe mode"]
    assert result.pairs == ()


NEXT_A = (
    "Harbour inspector Nils Dahl confirmed that engineers would examine the Vell ferry ramp on "
    "Monday. However, Dahl pointed out that representatives of other ports had made similar "
    "complaints on many occasions, and a similar approach is written into the harbour statutes. "
    "The cafe on the quay stayed open."
)
NEXT_B = (
    "Engineers will examine the Vell ferry ramp on Monday, harbour inspector Nils Dahl "
    "confirmed. Dahl noted that this is not the first time grumbles of this nature have come "
    "from port representatives elsewhere, adding that the approach is set down in the statutes. "
    "Schools were closed for the holiday."
)


def test_the_sentence_after_a_pair_needs_less_in_common() -> None:
    result = compare(art(NEXT_A), art(NEXT_B, "t/b"))
    pairs = [(p.a.text[:12], p.b.text[:12], p.link) for p in result.pairs]
    assert [p[:2] for p in pairs] == [
        ("Harbour insp", "Engineers wi"),
        ("However, Dah", "Dahl noted t"),
    ]
    assert 0.25 <= pairs[1][2] < 0.4
    assert [s.text for s in result.only_a] == ["The cafe on the quay stayed open."]
    # Alone, without the pair before it, the second sentence pairs with nothing.
    second_a, second_b = art(NEXT_A.split(". ", 1)[1]), art(NEXT_B.split(". ", 1)[1], "t/b")
    assert compare(second_a, second_b).pairs == ()


def test_a_run_spilling_into_the_next_sentence_leaves_it_alone() -> None:
    copy = "Shipping agents said at least fourteen vessels were waiting outside the harbour."
    a = art(copy + "\n\nThe city fleet was not affected.")
    b = art(copy + " The last strike lasted a month.", "t/b")
    result = compare(a, b)
    assert [p.a.text for p in result.shared] == [copy + "\n\nThe"]
    assert [s.text for s in result.only_a] == ["The city fleet was not affected."]
    assert [s.text for s in result.only_b] == ["The last strike lasted a month."]
