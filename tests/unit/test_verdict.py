"""The verdict on a sentence pair and the differences inside it (index.compare.verdict), on sentence
pairs written for these tests, alone and through `compare`."""

from __future__ import annotations

import pytest

from newsreader.index.compare import Judgement, compare, judge
from newsreader.index.model import Article


def art(body: str, aid: str = "t/a") -> Article:
    return Article(id=aid, title=aid, body=body, source="t", path=f"/tmp/{aid}")


def judged(a: str, b: str) -> Judgement:
    return judge(a, (0, len(a)), b, (0, len(b)))


def marks(a: str, b: str) -> list[tuple[str, str | None, str | None]]:
    """Each difference as (kind, A's words, B's words)."""
    return [
        (d.kind, a[d.a[0] : d.a[1]] if d.a else None, b[d.b[0] : d.b[1]] if d.b else None)
        for d in judged(a, b).differences
    ]


REWORDED = (
    "The minister warned that sanctions would hurt farmers across the region.",
    "Sanctions will hurt farmers throughout the region, the minister cautioned.",
)
NUMBER = (
    "The storm killed 75 people in the coastal town of Marden on Monday.",
    "The storm killed 62 people in the coastal town of Marden on Monday.",
)
NAME = (
    "Mayor Alma Reyes said the bridge would reopen in March.",
    "Mayor Tomas Berg said the bridge would reopen in March.",
)
NEGATION = (
    "The port authority will raise the harbour fees next year.",
    "The port authority will not raise the harbour fees next year.",
)
DENIAL = (
    "The ministry confirmed that the talks had collapsed.",
    "The ministry denied that the talks had collapsed.",
)
DATE = (
    "The council approved the new budget on Tuesday.",
    "The council approved the new budget on Friday.",
)
EXTRA = (
    "The council approved the new budget on Tuesday.",
    "The council approved the new budget on Tuesday after a four-hour debate in which two "
    "members walked out in protest.",
)


def test_a_pure_rewording_agrees() -> None:
    result = judged(*REWORDED)
    assert result.verdict == "agree" and result.score >= 0.5
    assert not any(d.conflict for d in result.differences)


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        (NUMBER, ("number", "75", "62")),
        (NAME, ("name", "Alma Reyes", "Tomas Berg")),
        (NEGATION, ("negation", None, "not")),
        (DENIAL, ("negation", "confirmed", "denied")),
        (DATE, ("date", "Tuesday", "Friday")),
    ],
    ids=["number", "name", "negation", "denial", "date"],
)
def test_a_changed_fact_differs_and_is_marked_on_both_sides(
    pair: tuple[str, str], expected: tuple[str, str | None, str | None]
) -> None:
    result = judged(*pair)
    assert result.verdict == "differs"
    assert marks(*pair) == [expected]
    assert [d.conflict for d in result.differences] == [True]


def test_figures_are_read_as_values() -> None:
    a = "The ferry carried 1,200 passengers when it ran aground near Ostby."
    b = "The ferry was carrying 1,100 passengers when it ran aground near Ostby."
    assert marks(a, b) == [("number", "1,200", "1,100")]
    # The same figure in words or in digits, or with its thousands separator, is no difference.
    same = judged(
        "Rescuers pulled 40 survivors from the water.",
        "Rescuers pulled forty survivors from the water.",
    )
    assert same.verdict == "agree" and same.differences == ()
    assert judged("It cost 1,200 crowns.", "It cost 1200 crowns.").differences == ()


def test_extra_detail_is_one_sided_other_words_and_lowers_the_score() -> None:
    result = judged(*EXTRA)
    assert marks(*EXTRA) == [
        ("other", None, "four-hour debate in which two members walked out in protest")
    ]
    assert not any(d.conflict for d in result.differences)
    assert result.verdict == "differs"  # a whole further claim
    small = judged(DATE[0], "The city council approved the new budget on Tuesday.")
    assert small.verdict == "agree" and marks(
        DATE[0], "The city council approved the new budget on Tuesday."
    ) == [("other", None, "city")]
    assert small.score > result.score


def test_the_score_orders_rewording_above_extra_claims() -> None:
    assert judged(*REWORDED).score > judged(*EXTRA).score
    unrelated = judged(DATE[0], "Heavy rain closed two schools in the valley.")
    assert unrelated.score < judged(*EXTRA).score


def test_a_negation_in_other_words_is_no_difference() -> None:
    a = "The company doesn't expect further layoffs this year."
    b = "The company does not expect further layoffs this year."
    assert judged(a, b).verdict == "agree"


def test_hedging_counts_as_a_negation_difference() -> None:
    a = "The regulator will fine the bank for the breach."
    b = "The regulator may fine the bank for the breach."
    assert marks(a, b) == [("negation", None, "may")]
    assert judged(a, b).verdict == "differs"


@pytest.mark.parametrize("pair", [REWORDED, NUMBER, NAME, NEGATION, DENIAL, DATE, EXTRA])
def test_judging_is_symmetric(pair: tuple[str, str]) -> None:
    a, b = pair
    one, other = judged(a, b), judged(b, a)
    assert one.score == other.score and one.verdict == other.verdict
    assert sorted((d.kind, d.a, d.b) for d in one.differences) == sorted(
        (d.kind, d.b, d.a) for d in other.differences
    )


def test_compare_json_carries_the_verdict_and_differences_with_body_spans() -> None:
    a = art("Flooding closed the Harlow road. The storm killed 75 people in Marden on Monday.")
    b = art(
        "Officials in Marden said the storm killed 62 people on Monday. Schools stay shut.",
        "t/b",
    )
    data = compare(a, b).to_json()
    [pair] = data["pairs"]
    assert pair["verdict"] == "differs"
    assert 0 <= pair["score"] <= 1 and 0 <= pair["link"] <= 1
    number = next(d for d in pair["differences"] if d["kind"] == "number")
    assert number["a"] == "75" and number["b"] == "62" and number["conflict"] is True
    assert a.body[slice(*number["a_span"])] == "75"
    assert b.body[slice(*number["b_span"])] == "62"


def test_compare_marks_the_same_quote_given_to_another_speaker() -> None:
    a = art("“We will rebuild the pier before winter,” harbour master Ola Brekke said.")
    b = art("“We will rebuild the pier before winter,” mayor Siv Lund said.", "t/b")
    [match] = compare(a, b).quotes
    assert [d.kind for d in match.differences] == ["attribution"]
    assert match.differences[0].conflict
    quote = compare(a, b).to_json()["quotes"][0]
    assert quote["differences"][0]["kind"] == "attribution"


def test_compare_marks_one_speakers_quote_worded_differently() -> None:
    a = art("“The pier will be rebuilt before winter,” harbour master Ola Brekke said.")
    b = art("“The pier will be repaired before the winter storms,” Brekke said.", "t/b")
    [match] = compare(a, b).quotes
    kinds = [(d.kind, a.body[d.a[0] : d.a[1]] if d.a else None) for d in match.differences]
    assert ("wording", "rebuilt") in kinds
    assert all(kind == "wording" for kind, _ in kinds)


def test_swapping_sides_mirrors_verdicts_and_differences() -> None:
    a = art("The storm killed 75 people in Marden on Monday.")
    b = art("The storm killed 62 people in Marden on Monday.", "t/b")
    forward, backward = compare(a, b).to_json(), compare(b, a).to_json()
    fp, bp = forward["pairs"][0], backward["pairs"][0]
    assert fp["verdict"] == bp["verdict"] and fp["score"] == bp["score"]
    assert [(d["a"], d["b"]) for d in fp["differences"]] == [
        (d["b"], d["a"]) for d in bp["differences"]
    ]
    assert compare(a, b).swapped().to_json()["pairs"] == backward["pairs"]


# --- "Where they differ" in the CLI's report ------------------------------------------------

DIFFER_A = (
    "Rain closed the Harlow road on Sunday.\n\n"
    "The storm killed 75 people in the coastal town of Marden on Monday.\n\n"
    "“We will rebuild the pier before winter,” harbour master Ola Brekke said."
)
DIFFER_B = (
    "The storm killed 62 people in the coastal town of Marden on Monday.\n\n"
    "“We will rebuild the pier before winter,” mayor Siv Lund said.\n\n"
    "A choir sang at the memorial."
)


def test_report_lists_where_they_differ_first() -> None:
    from newsreader.cli.compare_report import report_lines

    a, b = art(DIFFER_A), art(DIFFER_B, "t/b")
    lines = list(report_lines(a, b, compare(a, b), color=False))
    text = "\n".join(lines)
    headings = [line for line in lines if line and not line.startswith(" ") and "(" in line]
    assert headings[0].startswith("Similarity")
    # The pair that differs by a number, the sentences of the quote (who says it differs), and
    # the quote itself (attribution).
    assert headings[1] == "Where they differ (3)"
    assert "number: A “75”, B “62”" in text
    assert "attribution: the same words given to another speaker" in text
    assert "Ola Brekke / Siv Lund" in text
    assert "differs · score" in text  # the pair's verdict in "Said in other words" too
    assert "\ue000" not in text and "\ue001" not in text and "\x1b" not in text
    assert all(len(line) <= 100 for line in lines)


def test_report_paints_the_differing_words_in_colour() -> None:
    from newsreader.cli.compare_report import report_lines

    a, b = art(DIFFER_A), art(DIFFER_B, "t/b")
    text = "\n".join(report_lines(a, b, compare(a, b), color=True))
    assert "\x1b[1;31m75\x1b[0m" in text and "\x1b[1;31m62\x1b[0m" in text


def test_report_drops_private_marks_from_hostile_text() -> None:
    from newsreader.cli.compare_report import report_lines

    a = art("The storm killed 75 \ue001people\ue000 in Marden on Monday.")
    b = art("The storm killed 62 people in Marden on Monday.", "t/b")
    for color in (False, True):
        text = "\n".join(report_lines(a, b, compare(a, b), color=color))
        section = text.split("Where they differ (1)")[1].split("Said in other words")[0]
        assert "\ue000" not in section and "\ue001" not in section
        assert "people" in section
        if color:
            assert section.count("\x1b[1;31m") == 2 and "\x1b[1;31m75\x1b[0m" in section
