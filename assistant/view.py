"""What the reader sees: the sentences of the top sources most likely to hold the answer.

Each sentence is scored by three signals (:func:`score_sentences`):

- *words*: the question's content words it holds, each weighted by its rarity among the
  candidate sentences (a rare name counts more than the story's subject);
- *meaning*: the cosine similarity of the sentence with its neighbour to the question (the
  embedder already loaded for retrieval);
- *type*: whether it holds an item of the type asked (a number for "how many" ...);

and, to break ties, the lede and the source's rank. The extractive answerer scores with the
same signals and one more, what a sentence says beyond the question (its :data:`Weights`).

:func:`select_view` keeps the best sentences within a character budget, and with each one the
neighbour that completes it (a sentence opening with "He" / "It" / "The company" keeps the one
before it, which names who; a very short one keeps the next). The selector named ``lexical``
is the words-only ranking used before; ``blend`` (the default) uses all three.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal, NamedTuple

from assistant.grounding import Grounding, Sentence
from assistant.question import QuestionAnalysis

Selector = Literal["lexical", "dense", "blend"]
SELECTORS: tuple[Selector, ...] = ("lexical", "dense", "blend")
DEFAULT_SELECTOR: Selector = "blend"
VIEW_SOURCES = 3
"""Sources whose sentences the reader may see (``NEWSDESK_VIEW_SOURCES`` changes it)."""
VIEW_CHARS = 1400
"""The default budget, characters of source text (``NEWSDESK_VIEW_CHARS``). All 5 sources at
2,400 characters hold the gold answer more often (0.759 against 0.691 on all 619 RealTimeQA
questions) but the 0.5B reader answers fewer right from them (BENCHMARKS.md, issue 18)."""


class Weights(NamedTuple):
    """How much each signal counts in a sentence's score (see the module doc)."""

    words: float
    meaning: float
    kind: float  # holds an item of the type asked
    lede: float = 0.02  # 1 / (1 + position): news puts the answer first
    rank: float = 0.01  # 1 / (1 + the source's rank)
    novelty: float = 0.0  # share of the sentence's words the question does not hold


WEIGHTS: dict[Selector, Weights] = {
    "lexical": Weights(1.0, 0.0, 0.0),
    "dense": Weights(0.0, 1.0, 0.0),
    "blend": Weights(0.3, 0.55, 0.15),
}
"""The weights of each selector; the lede and the source's rank only break ties."""
PAIRS = False
"""Read a sentence's meaning with the next one (measured: BENCHMARKS.md, issue 18)."""
_SHORT_WORDS = 8
_LEANS_BACK = re.compile(
    r"^(?:he|she|it|they|his|her|its|their|this|that|these|those|the (?:company|group|"
    r"minister|president|official|agency|team|firm|report|move|bill|plan|deal))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Scored:
    """A sentence and its score for the question."""

    sentence: Sentence
    score: float


def score_sentences(
    analysis: QuestionAnalysis,
    grounding: Grounding,
    selector: Selector = DEFAULT_SELECTOR,
    sources: int | None = VIEW_SOURCES,
    min_words: int = 1,
    weights: Weights | None = None,
    pairs: bool = PAIRS,
) -> list[Scored]:
    """Sentences of the first ``sources`` sources with at least ``min_words`` content words,
    best first (see the module doc); ``weights`` replace the selector's; ``pairs``: a
    sentence's meaning is read with the next sentence (else alone)."""
    candidates = [s for s in grounding.sentences(sources) if len(s.stems) >= min_words]
    if not candidates:
        return []
    w = weights or WEIGHTS[selector]
    if grounding.embedder is None and w.meaning:
        w = w._replace(words=w.words + w.meaning, meaning=0.0)  # no embedder: words stand in
    lexical = _lexical(analysis, candidates)
    meaning = [0.0] * len(candidates)
    if w.meaning:
        texts = [_with_next(s, grounding) if pairs else s.text for s in candidates]
        meaning = grounding.similarities(analysis.text, texts)
    typed = [1.0 if analysis.items(s.text) else 0.0 for s in candidates]
    rank = {g.n: i for i, g in enumerate(grounding.sources)}
    scored = [
        Scored(
            s,
            w.words * lex
            + w.meaning * sim
            + w.kind * kind
            + w.lede / (1 + s.position)
            + w.rank / (1 + rank[s.n])
            + w.novelty * len(s.stems - analysis.stems) / max(len(s.stems), 1),
        )
        for s, lex, sim, kind in zip(candidates, lexical, meaning, typed, strict=True)
    ]
    return sorted(scored, key=lambda item: -item.score)


def select_view(
    analysis: QuestionAnalysis,
    grounding: Grounding,
    budget_chars: int = VIEW_CHARS,
    selector: Selector = DEFAULT_SELECTOR,
    sources: int | None = VIEW_SOURCES,
) -> dict[int, str]:
    """The best sentences within ``budget_chars``, per source n, in text order (a gap shown as
    an ellipsis). Always keeps the best sentence; sources with none chosen are left out."""
    chosen: dict[tuple[int, int], Sentence] = {}
    used = 0
    for item in score_sentences(analysis, grounding, selector, sources):
        group = [item.sentence]
        if selector != "lexical":  # the words-only selector is kept as it was, to measure
            group = _completed(item.sentence, grounding)
        group = [s for s in group if (s.n, s.position) not in chosen]
        cost = sum(len(s.text) + 1 for s in group)
        if chosen and used + cost > budget_chars:
            if len(item.sentence.text) + used + 1 > budget_chars:
                continue
            group = [item.sentence]  # no room for the neighbour: the sentence alone
            cost = len(item.sentence.text) + 1
        for sentence in group:
            chosen[(sentence.n, sentence.position)] = sentence
        used += cost
    by_source: dict[int, list[Sentence]] = {}
    for sentence in chosen.values():
        by_source.setdefault(sentence.n, []).append(sentence)
    return {n: _join(found) for n, found in sorted(by_source.items())}


def _lexical(analysis: QuestionAnalysis, candidates: list[Sentence]) -> list[float]:
    """Share of the question's words in each sentence, each weighted by its rarity."""
    weights = {
        stem: math.log(1 + len(candidates) / (1 + sum(stem in s.stems for s in candidates)))
        for stem in analysis.stems
    }
    total = sum(weights.values()) or 1.0
    return [sum(weights[stem] for stem in analysis.stems & s.stems) / total for s in candidates]


def _with_next(sentence: Sentence, grounding: Grounding) -> str:
    """The sentence with the next one of its source (the meaning of a short one is there)."""
    following = _neighbour(sentence, grounding, +1)
    return f"{sentence.text} {following.text}" if following else sentence.text


def _completed(sentence: Sentence, grounding: Grounding) -> list[Sentence]:
    """The sentence with the neighbour that completes it (see the module doc)."""
    group = [sentence]
    if _LEANS_BACK.match(sentence.text):
        before = _neighbour(sentence, grounding, -1)
        if before is not None:
            group.insert(0, before)
    if len(sentence.text.split()) < _SHORT_WORDS:
        after = _neighbour(sentence, grounding, +1)
        if after is not None:
            group.append(after)
    return group


def _neighbour(sentence: Sentence, grounding: Grounding, step: int) -> Sentence | None:
    source = grounding.by_n[sentence.n].sentences
    index = next((i for i, s in enumerate(source) if s.position == sentence.position), None)
    if index is None or not 0 <= index + step < len(source):
        return None
    other = source[index + step]
    return other if abs(other.position - sentence.position) == 1 else None


def _join(sentences: list[Sentence]) -> str:
    """Sentences in text order; a gap between them is shown as an ellipsis."""
    text = ""
    previous = None
    for sentence in sorted(sentences, key=lambda s: s.position):
        if previous is not None:
            text += " " if sentence.position == previous + 1 else " … "
        text += sentence.text
        previous = sentence.position
    return text


__all__ = [
    "DEFAULT_SELECTOR",
    "SELECTORS",
    "VIEW_CHARS",
    "VIEW_SOURCES",
    "Scored",
    "Selector",
    "Weights",
    "score_sentences",
    "select_view",
]
