"""The reader's view: sentences chosen by meaning, rare words and answer type, completed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.backends.prompting import READER
from assistant.grounding import Grounding
from assistant.question import analyse
from assistant.view import Weights, score_sentences, select_view
from index.fakes import FakeEmbedder
from tests.fixtures.answering.sources import make_source

FILLER = " ".join(f"Officials in the capital discussed item {n} of the agenda." for n in range(12))
TEXT = (
    f"{FILLER} Former finance minister Lena Park will lead the negotiations. "
    "She said talks start in March. The weather was mild."
)


def _grounding(embedder: FakeEmbedder | None = None) -> Grounding:
    return Grounding([make_source(1, "Budget talks", TEXT)], embedder)


def test_the_view_keeps_the_sentence_that_answers_within_the_budget() -> None:
    analysis = analyse("Who will lead the budget negotiations?")
    view = select_view(analysis, _grounding(FakeEmbedder()), budget_chars=120)
    assert "Lena Park will lead the negotiations" in view[1]
    assert len(view[1]) <= 120 + 10


def test_a_sentence_that_points_back_keeps_the_one_naming_who() -> None:
    analysis = analyse("When do the talks start?")
    view = select_view(analysis, _grounding(), budget_chars=150, selector="blend")
    assert "She said talks start in March." in view[1]
    assert "Lena Park" in view[1]  # "She" is completed by the sentence before it


def test_the_words_only_selector_is_kept_as_it_was() -> None:
    analysis = analyse("When do the talks start?")
    view = select_view(analysis, _grounding(), budget_chars=40, selector="lexical")
    assert view == {1: "She said talks start in March."}


@pytest.mark.parametrize("selector", ["lexical", "dense", "blend"])
def test_every_selector_ranks_every_sentence(selector) -> None:
    grounding = _grounding(FakeEmbedder())
    scored = score_sentences(analyse("Who will lead the negotiations?"), grounding, selector)
    assert len(scored) == len(grounding.sentences())
    assert scored == sorted(scored, key=lambda item: -item.score)


def test_the_answer_type_lifts_sentences_holding_one() -> None:
    analysis = analyse("How many agenda items were discussed?")
    typed = score_sentences(analysis, _grounding(), weights=Weights(0.0, 0.0, 1.0))
    assert any(ch.isdigit() for ch in typed[0].sentence.text)


def test_a_view_of_five_sources_reaches_the_fifth() -> None:
    others = [
        make_source(n, f"Harbour report {n}", f"Ferries ran late on route {n}. Fares stayed flat.")
        for n in range(1, 5)
    ]
    answer = make_source(5, "Budget talks", "Finance minister Lena Park will lead the talks.")
    grounding = Grounding([*others, answer], FakeEmbedder())
    analysis = analyse("Who will lead the budget talks?")
    assert not [v for v in READER.views(analysis, grounding) if v["n"] == 5]  # 3 by default
    views = replace(READER, sources=5).views(analysis, grounding)
    assert [v["text"] for v in views if v["n"] == 5] == [answer.text]
