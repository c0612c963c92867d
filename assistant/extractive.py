"""The ``extractive`` backend: no LLM, the answer is the sources' best sentences, cited.

Its sentence ranking also trims the prompt of the small local model to the sentences most
likely to hold the answer (:func:`select_sentences`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.answer import Source
from assistant.prompts import NOT_COVERED, REDACTED, redact_instructions
from assistant.text import content_stems, split_sentences
from index.text import SENTENCE_DATELINE as _DATELINE

MIN_SCORE = 0.2
"""A sentence scoring below this (0..1) is not an answer; below it for all, reply not covered."""
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
        """The best one or two sentences from ``sources`` with their ``[n]``, or NOT_COVERED."""
        ranked = rank_sentences(question, sources, self.embedder)
        if not ranked or ranked[0].score < MIN_SCORE:
            return NOT_COVERED
        best = ranked[0].score
        chosen = [ranked[0]]
        chosen += [
            s for s in ranked[1 : self.max_sentences] if s.score >= SECOND_SENTENCE_RATIO * best
        ]
        return " ".join(_cite(sentence) for sentence in chosen)


def rank_sentences(
    question: str, sources: Sequence[Source], embedder: Any = None, min_words: int = 3
) -> list[ScoredSentence]:
    """Every sentence of ``sources`` with at least ``min_words`` content words, best first."""
    candidates = [
        (source.n, position, sentence)
        for source in sources
        for position, sentence in enumerate(split_sentences(redact_instructions(source.text)))
        if len(content_stems(sentence)) >= min_words and REDACTED not in sentence
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
