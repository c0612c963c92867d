"""The ``extractive`` backend: no LLM, the answer is the source sentences that answer, cited.

Every sentence of the sources is scored by its chance to hold the answer (:data:`ANSWER_WEIGHTS`:
the question's rare words, its meaning, an item of the type asked, the lede, the source's rank,
and how much it says beyond the question). The answer is the likeliest sentence that covers
the question's topic and holds something of the type asked (a name for "who", a date for
"when", a number for "how many / how much", see :mod:`assistant.question`), with the next
likeliest of the same article that keeps the answer short. A sentence answers only from a
source that names all the question names ("Kosovo" in "When will the ECB next raise rates in
Kosovo?"). On weak evidence it replies not covered. It reads the answer's
:class:`~assistant.grounding.Grounding`: the sentences, stems and vectors the gate and the
verifier read too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer import Source
from assistant.grounding import Embedder, Grounding
from assistant.prompts import NOT_COVERED
from assistant.question import QuestionAnalysis, analyse
from assistant.view import Weights, score_sentences, select_view
from index.text import SENTENCE_DATELINE as _DATELINE

ANSWER_WEIGHTS = Weights(words=2.83, meaning=3.65, kind=0.38, lede=0.73, rank=1.24, novelty=2.67)
ANSWER_BIAS = -5.2
"""A logistic model of whether a sentence of the top 5 sources holds the answer, fitted on the
sentences of RealTimeQA questions (``benchmarks/fit_answer_weights.py``, BENCHMARKS.md, issue
18): its likeliest sentence holds the gold for 0.341 of all 619 questions (refitted 2-fold,
0.338 held out), the words-and-meaning ranking it replaces for 0.313. What a sentence says
beyond the question counts: a sentence that only restates it answers nothing."""
MIN_CHANCE = 0.3
"""A sentence less likely than this to hold the answer is none; for all: reply not covered."""
MIN_COVERAGE = 0.6
"""Share of the question's topic words a sentence (with its title and next sentence) must hold."""
MAX_ANSWER_WORDS = 58
MAX_ANSWER_CHARS = 390
"""The likeliest other sentence of the first one's article that keeps the answer this short
is added to it."""


@dataclass(frozen=True)
class ScoredSentence:
    """A sentence of source ``n`` at ``position`` and its chance (0..1) to hold the answer."""

    n: int
    position: int
    text: str
    score: float
    stems: frozenset[str]  # its content words, stemmed (the grounding's)


class ExtractiveAnswerer:
    """Answers with the source sentences likeliest to hold the answer; every one is cited."""

    name = "extractive"

    def __init__(self, embedder: Embedder | None = None, max_sentences: int = 2) -> None:
        self.embedder = embedder
        self.max_sentences = max_sentences

    def answer(
        self, question: str | QuestionAnalysis, sources: Sequence[Source] | Grounding
    ) -> str:
        """The sentences of ``sources`` that answer ``question``, each with its ``[n]``; or
        NOT_COVERED when no sentence covers the question and holds what it asks for."""
        analysis = analyse(question)
        candidates = answering_sentences(analysis, Grounding.of(sources, self.embedder))
        if not candidates:
            return NOT_COVERED
        chosen = [candidates[0]]
        for other in candidates[1:]:
            if len(chosen) >= self.max_sentences:
                break
            if other.n != chosen[0].n:
                continue  # another article's sentence would cite a source without the answer
            text = " ".join(c.text for c in [*chosen, other])
            if len(text.split()) <= MAX_ANSWER_WORDS and len(text) <= MAX_ANSWER_CHARS:
                chosen.append(other)
        return " ".join(_cite(sentence) for sentence in chosen)


def answering_sentences(
    question: str | QuestionAnalysis, sources: Sequence[Source] | Grounding
) -> list[ScoredSentence]:
    """Sentences that could answer ``question``, likeliest first: their chance is at least
    MIN_CHANCE, they cover MIN_COVERAGE of its topic words (with their title and next sentence),
    their source names all the question names, and they hold an item of the type asked that
    the question does not already name."""
    analysis = analyse(question)
    grounding = Grounding.of(sources)
    terms = analysis.terms
    windows = {(p.n, p.position): p.stems for p in grounding.passage_list}
    found = []
    for sentence in rank_sentences(analysis, grounding):
        if sentence.score < MIN_CHANCE:
            break
        if sentence.text.rstrip(" \"'”’)").endswith("?"):
            continue  # an article's own question is no answer
        window = windows.get((sentence.n, sentence.position), frozenset())
        if terms and len(terms & window) < MIN_COVERAGE * len(terms):
            continue
        if not analysis.names <= grounding.by_n[sentence.n].stems:
            continue
        if analysis.answer_type is not None and not analysis.items(sentence.text):
            continue
        found.append(sentence)
    return found


def rank_sentences(
    question: str | QuestionAnalysis, sources: Sequence[Source] | Grounding, min_words: int = 3
) -> list[ScoredSentence]:
    """Every sentence of ``sources`` with at least ``min_words`` content words, likeliest
    to hold the answer first (:data:`ANSWER_WEIGHTS`; words alone without an embedder)."""
    scored = score_sentences(
        analyse(question), Grounding.of(sources), sources=None, min_words=min_words,
        weights=ANSWER_WEIGHTS, pairs=False,
    )  # fmt: skip
    return [
        ScoredSentence(
            i.sentence.n,
            i.sentence.position,
            i.sentence.text,
            1 / (1 + math.exp(-(i.score + ANSWER_BIAS))),
            i.sentence.stems,
        )
        for i in scored
    ]


def select_sentences(
    question: str | QuestionAnalysis, sources: Sequence[Source] | Grounding, budget_chars: int
) -> dict[int, str]:
    """The words-only view of ``sources`` within ``budget_chars`` (the selector used before
    :mod:`assistant.view`; kept to measure against it)."""
    return select_view(analyse(question), Grounding.of(sources), budget_chars, "lexical", None)


def _cite(sentence: ScoredSentence) -> str:
    text = _DATELINE.sub("", sentence.text.strip()) if sentence.position == 0 else sentence.text
    text = text.rstrip()
    if text[-1:] in ".!?":
        return f"{text[:-1]} [{sentence.n}]{text[-1]}"
    return f"{text} [{sentence.n}]."
