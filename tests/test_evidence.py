"""Calibrated refusals: "not covered" decided from the retrieved evidence, before any model."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from assistant.answer import RetrievedChunk
from assistant.backends.extractive_backend import ExtractiveBackend
from assistant.backends.fake import ScriptedBackend
from assistant.chain import AnswerChain
from assistant.evidence import assess_evidence
from assistant.prompts import NOT_COVERED
from assistant.question import analyse
from assistant.testing import FakeRetriever
from tests.fixtures.answering.sources import three_sources


@pytest.mark.parametrize(
    "question",
    [
        "What is the deadline for a deal on Kosovo?",
        "How many workers were flown to shore from the North Sea platforms?",
        "Who is the president of the European Central Bank?",
        "When is the Kosovo deadline?",
    ],
)
def test_questions_the_sources_answer_are_answerable(question):
    evidence = assess_evidence(question, three_sources())
    assert evidence.answerable, evidence


@pytest.mark.parametrize(
    "question",
    [
        # close to the stories' topics, but the stories do not say
        "Who is the prime minister of Kosovo?",
        "How many people live in Mitrovica?",
        "When did Norway discover oil in the Snorre field?",
        "Who won the football World Cup?",
        "What is the deadline for a deal on Cyprus?",
    ],
)
def test_close_topic_questions_the_sources_do_not_answer_are_refused(question):
    evidence = assess_evidence(question, three_sources())
    assert not evidence.answerable, evidence
    assert evidence.reason


def test_retrieval_far_from_the_question_is_refused():
    sources = [
        replace(s, chunks=tuple(replace(c, similarity=0.05) for c in s.chunks))
        for s in three_sources()
    ]
    evidence = assess_evidence("What is the deadline for a deal on Kosovo?", sources)
    assert not evidence.answerable and "far from" in evidence.reason
    assert not assess_evidence("Anything?", []).answerable


def test_the_chain_refuses_weak_evidence_without_calling_the_model():
    llm = ScriptedBackend(["Cyprus must agree by December 10 [1]."])
    chain = AnswerChain(FakeRetriever(three_sources()), llm, k=5)
    parts = list(chain.stream("What is the deadline for a deal on Cyprus?"))
    answer = parts[-1]
    assert parts[:-1] == [NOT_COVERED]
    assert (answer.text, answer.covered, answer.citations) == (NOT_COVERED, False, [])
    assert [s.article_id for s in answer.sources] == ["kosovo", "ecb", "storm"]
    assert llm.sent == []


@pytest.mark.parametrize("backend", ["model", "extractive"])
def test_every_backend_refuses_alike(backend):
    llm = ExtractiveBackend() if backend == "extractive" else ScriptedBackend(["x [1]."])
    chain = AnswerChain(FakeRetriever(three_sources()), llm, k=5)
    answer = list(chain.stream("Who is the prime minister of Kosovo?"))[-1]
    assert not answer.covered


def test_an_article_that_answers_is_not_refused_when_similarity_is_modest():
    chunk = RetrievedChunk("k#0", "", three_sources()[0].text, score=0.02, similarity=0.42)
    sources = [replace(three_sources()[0], chunks=(chunk,))]
    assert assess_evidence("What is the deadline for a deal on Kosovo?", sources).answerable


KOSOVO_THIS_WEEK = "What is the deadline for a deal on Kosovo this week?"


@pytest.mark.parametrize(
    ("question", "as_of", "answerable"),
    [
        # the article (27 November 2007) is from the week asked about
        (KOSOVO_THIS_WEEK, datetime(2007, 11, 28, tzinfo=UTC), True),
        # ... or a few days before it
        (KOSOVO_THIS_WEEK, datetime(2007, 12, 5, tzinfo=UTC), True),
        # months later, "this week" is another week: the story answers an older question
        (KOSOVO_THIS_WEEK, datetime(2008, 3, 5, tzinfo=UTC), False),
        # a past period named outright is history, not the present's news
        (
            "What was the deadline for a deal on Kosovo in 2007?",
            datetime(2009, 1, 5, tzinfo=UTC),
            True,
        ),
        ("What is the deadline for a deal on Kosovo?", datetime(2008, 3, 5, tzinfo=UTC), True),
    ],
)
def test_the_present_s_news_needs_a_source_from_that_period(question, as_of, answerable):
    kosovo = three_sources()[:1]
    evidence = assess_evidence(analyse(question, as_of), kosovo)
    assert evidence.answerable is answerable, evidence
    assert evidence.outside_period is not answerable


def test_an_undated_source_may_be_from_the_period():
    undated = [replace(three_sources()[0], published=None)]
    analysis = analyse(KOSOVO_THIS_WEEK, datetime(2008, 3, 5, tzinfo=UTC))
    assert assess_evidence(analysis, undated).answerable


def test_the_refusal_says_nothing_is_from_the_period_asked_about():
    llm = ScriptedBackend(["The deadline is December 10 [1]."])
    chain = AnswerChain(FakeRetriever(three_sources()[:1]), llm, k=5)
    answer = list(chain.stream(KOSOVO_THIS_WEEK, as_of=datetime(2008, 3, 5, tzinfo=UTC)))[-1]
    assert not answer.covered and llm.sent == []
    assert answer.text == (
        f"{NOT_COVERED} Nothing found was published in the period asked about "
        "(3 March 2008 to 9 March 2008)."
    )


def test_a_one_day_period_is_named_once():
    analysis = analyse("Who did the Kosovo envoy meet today?", datetime(2008, 3, 5, tzinfo=UTC))
    refusal = assess_evidence(analysis, three_sources()[:1]).refusal(analysis.time)
    assert refusal.endswith("Nothing found was published in the period asked about (5 March 2008).")
