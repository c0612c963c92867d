"""One analysis per question: the answer type, its items, terms, names and time phrase."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.question import DATE, NAME, NUMBER, PLACE, analyse, typed_items


@pytest.mark.parametrize(
    ("question", "answer_type"),
    [
        ("Who leads the ECB?", NAME),
        ("Which comedian does the administration want fired?", NAME),
        ("When is the deadline for a deal on Kosovo?", DATE),
        ("What year did Musk acquire Twitter?", DATE),
        ("How many workers were flown to shore?", NUMBER),
        ("How much did the ECB raise rates?", NUMBER),
        ("What is the new fee to climb Mount Everest?", NUMBER),
        ("Where did Kosovo Serbs rally?", PLACE),
        ("Which country recognised Kosovo?", PLACE),
        ("What did Sony say it will stop producing?", None),
        ("What is the new owner of the estate Granogue?", NAME),
        ("What is the name of the rocket Blue Origin launched?", NAME),
        # the phrase that asks comes first; a "when" / "who" after a noun only relates
        ("Which country was among the hardest hit when the hurricane tore through?", PLACE),
        ("How old was she when she won the Oscar?", NUMBER),
        ("Which popular European tourist destination doubled its entry fee?", PLACE),
        ("Which tech company cut 9,000 jobs as part of cost-reduction measures?", NAME),
        ("Which state recorded the highest average gas price this week?", PLACE),
        ("Women who drink what beverage age more healthily?", None),
        ("A rocket launched from where before crashing into the sea?", PLACE),
        ("Which US holiday takes place on the third Monday of February?", None),
        ("What happened to the company after the vote?", None),
        ("The average price of gas dropped below which level this week?", NUMBER),
    ],
)
def test_the_answer_type_asked_for(question, answer_type):
    assert analyse(question).answer_type == answer_type


def test_typed_items_leave_out_what_the_question_names():
    sentence = "ECB President Jean-Claude Trichet said on Thursday that 4 percent was right."
    assert "Jean-Claude Trichet" in " ".join(analyse("Who leads the ECB?").items(sentence))
    assert typed_items(sentence, DATE) == ["Thursday"]
    assert "4 percent" in typed_items(sentence, NUMBER)
    assert analyse("Who leads the ECB?").items("The ECB met.") == []


def test_the_analysis_holds_terms_names_and_the_time_phrase_once() -> None:
    as_of = datetime(2025, 3, 14, tzinfo=UTC)
    analysis = analyse("How many migrants crossed into Greece last week?", as_of)
    assert analysis.answer_type == NUMBER
    assert analysis.names == {"greec"}
    assert "migrant" in analysis.terms and "mani" not in analysis.terms  # the frame is left out
    assert analysis.time.matched_text == "last week"
    assert analysis.time.since is not None and analysis.time.since.day == 3
    assert analyse(analysis) is analysis


def test_a_yes_or_no_question_opens_with_an_auxiliary_and_asks_no_wh_word() -> None:
    from assistant.question import asks_yes_or_no

    assert asks_yes_or_no("Did the ECB raise rates?")
    assert asks_yes_or_no("Is Kosovo independent?")
    assert not asks_yes_or_no("Which country shut its airport?")
    assert not asks_yes_or_no("Was it Kuwait or Qatar that shut which airport?")
    assert not asks_yes_or_no("Israel and Hamas agreed to a ceasefire in which territory?")
    assert not asks_yes_or_no("")


@pytest.mark.parametrize(
    ("question", "heads"),
    [
        ("When will the ECB next raise rates in Kosovo?", {"ecb", "kosovo"}),
        ("Which drink did President Donald Trump allow in US schools?", {"trump"}),
        ("Which celebration is observed across the US each June?", set()),
        ("Who called Robert F. Kennedy Jr a predator?", {"kennedi"}),
        ("Trump sold gold cards this week. Around how much do they cost?", set()),
    ],
)
def test_the_names_a_source_must_hold_are_each_names_last_word(question, heads) -> None:
    assert analyse(question).name_heads == heads
