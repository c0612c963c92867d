"""Calibrated refusals: "not covered" decided from the retrieved evidence, before any model."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.answer import RetrievedChunk
from assistant.backends.extractive_backend import ExtractiveBackend
from assistant.backends.fake import ScriptedBackend
from assistant.chain import AnswerChain
from assistant.evidence import assess_evidence
from assistant.prompts import NOT_COVERED
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
