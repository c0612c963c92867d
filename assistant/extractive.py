"""The ``extractive`` backend: no LLM, the answer is the source sentence that answers, cited.

The answer is the best-scoring sentence that covers the question's topic and holds something
of the type asked (a name for "who", a date for "when", a number for "how many / how much",
see :mod:`assistant.question`). When several names compete, the one most candidate sentences
agree on wins; then the shortest of the near-best sentences naming it. On weak evidence it
replies not covered. It reads the answer's :class:`~assistant.grounding.Grounding`: the
sentences, stems and vectors the gate and the verifier read too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer import Source
from assistant.grounding import Embedder, Grounding
from assistant.prompts import NOT_COVERED
from assistant.question import NAME, QuestionAnalysis, analyse
from assistant.view import score_sentences, select_view
from index.text import SENTENCE_DATELINE as _DATELINE
from index.text import content_stems

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
    stems: frozenset[str]  # its content words, stemmed (the grounding's)


class ExtractiveAnswerer:
    """Answers with the source sentences closest to the question; every sentence is cited.

    Sentences are scored by the question's content words they contain (weighted by rarity
    across the candidates) and, when the grounding has an embedder, by embedding similarity.
    """

    name = "extractive"

    def __init__(self, embedder: Embedder | None = None, max_sentences: int = 2) -> None:
        self.embedder = embedder
        self.max_sentences = max_sentences

    def answer(
        self, question: str | QuestionAnalysis, sources: Sequence[Source] | Grounding
    ) -> str:
        """The sentence of ``sources`` that answers ``question``, with its ``[n]``; or
        NOT_COVERED when no sentence covers the question and holds what it asks for."""
        analysis = analyse(question)
        candidates = answering_sentences(analysis, Grounding.of(sources, self.embedder))
        if not candidates:
            return NOT_COVERED
        candidates = _naming_the_likeliest_item(analysis, candidates)
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


def _naming_the_likeliest_item(
    analysis: QuestionAnalysis, candidates: list[ScoredSentence]
) -> list[ScoredSentence]:
    """The candidates that name the item of the asked type the candidates agree on most.

    Each item (its words, less the question's) gets the summed scores of the candidate
    sentences holding its words: news repeats the answer, so the name reported in several
    sentences and articles is likelier the one asked for than the one in one close sentence.
    Ties go to the item of the better sentence. Only names are voted on: places (datelines)
    and numbers (years) repeat in news whether or not they answer (BENCHMARKS.md, issue 18)."""
    if analysis.answer_type != NAME:
        return candidates
    items = list(
        dict.fromkeys(
            key
            for c in candidates
            for item in analysis.items(c.text)
            if (key := frozenset(content_stems(item)) - analysis.stems)
        )
    )  # in the order of the best sentence naming each
    if not items:
        return candidates
    votes = [sum(c.score for c in candidates if item <= c.stems) for item in items]
    likeliest = items[votes.index(max(votes))]
    return [c for c in candidates if likeliest <= c.stems]


def answering_sentences(
    question: str | QuestionAnalysis, sources: Sequence[Source] | Grounding
) -> list[ScoredSentence]:
    """Sentences that could answer ``question``, best first: they score at least MIN_SCORE,
    cover MIN_COVERAGE of its topic words (with their title and next sentence) and hold an
    item of the type asked that the question does not already name."""
    analysis = analyse(question)
    grounding = Grounding.of(sources)
    terms = analysis.terms
    windows = {(p.n, p.position): p.stems for p in grounding.passage_list}
    found = []
    for sentence in rank_sentences(analysis, grounding):
        if sentence.score < MIN_SCORE:
            break
        if sentence.text.rstrip(" \"'”’)").endswith("?"):
            continue  # an article's own question is no answer
        window = windows.get((sentence.n, sentence.position), frozenset())
        if terms and len(terms & window) < MIN_COVERAGE * len(terms):
            continue
        if analysis.answer_type is not None and not analysis.items(sentence.text):
            continue
        found.append(sentence)
    return found


def rank_sentences(
    question: str | QuestionAnalysis, sources: Sequence[Source] | Grounding, min_words: int = 3
) -> list[ScoredSentence]:
    """Every sentence of ``sources`` with at least ``min_words`` content words, best first:
    half rare question words, half meaning (words alone without an embedder)."""
    scored = score_sentences(
        analyse(question), Grounding.of(sources), sources=None, min_words=min_words,
        weights=(0.5, 0.5, 0.0), pairs=False,
    )  # fmt: skip
    return [
        ScoredSentence(
            i.sentence.n, i.sentence.position, i.sentence.text, i.score, i.sentence.stems
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
