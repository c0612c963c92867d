"""The ``extractive`` backend: no LLM, the answer is the source sentence that answers, cited.

The answer is the best-scoring sentence that covers the question's topic and holds something
of the type asked (a name for "who", a date for "when", a number for "how many / how much",
see :mod:`assistant.evidence`); the shortest of the near-best ones wins. On weak evidence it
replies not covered. Its sentence ranking also trims the prompt of the small local model to
the sentences most likely to hold the answer (:func:`select_sentences`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.answer import Source
from assistant.evidence import (
    passages,
    question_kind,
    question_terms,
    source_sentences,
    typed_items,
)
from assistant.prompts import NOT_COVERED
from assistant.text import content_stems
from index.text import SENTENCE_DATELINE as _DATELINE

MIN_SCORE = 0.2
"""A sentence scoring below this (0..1) is not an answer; below it for all, reply not covered."""
MIN_COVERAGE = 0.6
"""Share of the question's topic words a sentence (with its title and next sentence) must hold."""
NEAR_BEST = 0.9
"""Sentences scoring at least this share of the best one compete on length: shortest wins."""
MAX_ANSWER_WORDS = 55
"""A second sentence is added only while the answer stays this short."""
"""A wire story's opening "BRUSSELS (Reuters) - ", dropped from a quoted lede."""
SECOND_SENTENCE_RATIO = 0.85
"""A second sentence is added when it scores at least this share of the best one."""


@dataclass(frozen=True)
class ScoredSentence:
    """A sentence of source ``n`` at ``position`` and how well it matches the question."""

    n: int
    position: int
    text: str
    score: float


class ExtractiveAnswerer:
    """Answers with the source sentences closest to the question; every sentence is cited.

    Sentences are scored by the question's content words they contain (weighted by rarity
    across the candidates) and, when an embedder is given, by embedding similarity.
    """

    name = "extractive"

    def __init__(self, embedder: Any = None, max_sentences: int = 2) -> None:
        self.embedder = embedder
        self.max_sentences = max_sentences

    def answer(self, question: str, sources: Sequence[Source]) -> str:
        """The sentence of ``sources`` that answers ``question``, with its ``[n]``; or
        NOT_COVERED when no sentence covers the question and holds what it asks for."""
        candidates = answering_sentences(question, sources, self.embedder)
        if not candidates:
            return NOT_COVERED
        best = candidates[0].score
        near = [c for c in candidates if c.score >= NEAR_BEST * best]
        first = min(near, key=lambda c: (len(c.text), -c.score))
        chosen = [first]
        for other in candidates[: self.max_sentences]:
            if len(chosen) >= self.max_sentences or other is first:
                continue
            words_so_far = sum(len(c.text.split()) for c in chosen)
            if (
                other.score >= SECOND_SENTENCE_RATIO * best
                and words_so_far + len(other.text.split()) <= MAX_ANSWER_WORDS
            ):
                chosen.append(other)
        return " ".join(_cite(sentence) for sentence in chosen)


def answering_sentences(
    question: str, sources: Sequence[Source], embedder: Any = None
) -> list[ScoredSentence]:
    """Sentences that could answer ``question``, best first: they score at least MIN_SCORE,
    cover MIN_COVERAGE of its topic words (with their title and next sentence) and hold an
    item of the type asked that the question does not already name."""
    kind = question_kind(question)
    terms = question_terms(question)
    windows = {(p.n, p.position): p.stems for p in passages(sources)}
    found = []
    for sentence in rank_sentences(question, sources, embedder):
        if sentence.score < MIN_SCORE:
            break
        if sentence.text.rstrip(" \"'”’)").endswith("?"):
            continue  # an article's own question is no answer
        window = windows.get((sentence.n, sentence.position), frozenset())
        if terms and len(terms & window) < MIN_COVERAGE * len(terms):
            continue
        if kind is not None and not typed_items(sentence.text, kind, question):
            continue
        found.append(sentence)
    return found


def rank_sentences(
    question: str, sources: Sequence[Source], embedder: Any = None, min_words: int = 3
) -> list[ScoredSentence]:
    """Every sentence of ``sources`` with at least ``min_words`` content words, best first."""
    candidates = [
        (source.n, position, sentence)
        for source in sources
        for position, sentence in source_sentences(source)
        if len(content_stems(sentence)) >= min_words
    ]
    if not candidates:
        return []
    question_stems = content_stems(question)
    stems = [content_stems(text) for _, _, text in candidates]
    weights = {
        stem: math.log(1 + len(stems) / (1 + sum(stem in s for s in stems)))
        for stem in question_stems
    }
    total = sum(weights.values()) or 1.0
    scores = [sum(weights[stem] for stem in question_stems & s) / total for s in stems]
    if embedder is not None:
        vectors = np.asarray(
            embedder.embed([question, *(text for _, _, text in candidates)]), dtype=np.float32
        )
        similarity = vectors[1:] @ vectors[0]
        scores = [0.5 * lex + 0.5 * float(sim) for lex, sim in zip(scores, similarity, strict=True)]
    # The lede and the best-ranked source break ties: news puts the answer first.
    ranked = [
        ScoredSentence(n, position, text, score + 0.02 / (1 + position) + 0.01 / n)
        for (n, position, text), score in zip(candidates, scores, strict=True)
    ]
    return sorted(ranked, key=lambda sentence: -sentence.score)


def select_sentences(question: str, sources: Sequence[Source], budget_chars: int) -> dict[int, str]:
    """The best sentences for ``question`` within ``budget_chars``, per source n, in text order.

    Always keeps the best sentence; sources none of whose sentences made it are left out.
    """
    chosen: list[ScoredSentence] = []
    used = 0
    for sentence in rank_sentences(question, sources, min_words=1):
        if chosen and used + len(sentence.text) > budget_chars:
            continue
        chosen.append(sentence)
        used += len(sentence.text) + 1
    by_source: dict[int, list[ScoredSentence]] = {}
    for sentence in chosen:
        by_source.setdefault(sentence.n, []).append(sentence)
    return {n: _join(sentences) for n, sentences in sorted(by_source.items())}


def _join(sentences: list[ScoredSentence]) -> str:
    """Sentences in text order; a gap between them is shown as an ellipsis."""
    text = ""
    previous = None
    for sentence in sorted(sentences, key=lambda s: s.position):
        if previous is not None:
            text += " " if sentence.position == previous + 1 else " … "
        text += sentence.text
        previous = sentence.position
    return text


def _cite(sentence: ScoredSentence) -> str:
    text = _DATELINE.sub("", sentence.text.strip()) if sentence.position == 0 else sentence.text
    text = text.rstrip()
    if text[-1:] in ".!?":
        return f"{text[:-1]} [{sentence.n}]{text[-1]}"
    return f"{text} [{sentence.n}]."
