"""Each source prepared once per answer: the one object the gate, the reader, the extractive
answerer and the citation verifier read.

A :class:`GroundedSource` holds a source's quotable sentences (instructions to a model left
out, prompt-like markup neutralised, :mod:`assistant.untrusted`) with their positions, stems
and polarity, and its *windows* (two adjacent sentences with the header: title, outlet, date).
A :class:`Grounding` holds the sources of one answer and embeds each sentence at most once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numpy as np
import numpy.typing as npt

from assistant.answer import Source
from assistant.claims import contradicts, is_negated
from assistant.text import split_sentences
from assistant.untrusted import REDACTED, neutralize, redact_instructions
from index.text import content_stems, words

Vector = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into normalised vectors (``index.embeddings`` models, the test fakes)."""

    def embed(self, texts: list[str]) -> npt.ArrayLike: ...


@dataclass(frozen=True)
class Sentence:
    """One quotable sentence of source ``n``: its place in the source text and its words."""

    n: int
    position: int  # index among the source text's sentences (gaps: left-out sentences)
    text: str
    stems: frozenset[str]
    negated: bool


@dataclass(frozen=True)
class Passage:
    """Two adjacent sentences of source ``n`` (``text``) with the title's words (``stems``)."""

    n: int
    position: int
    text: str
    stems: frozenset[str]


class GroundedSource:
    """One source, split, cleaned and stemmed once."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.n = source.n
        # a removed instruction is a sentence of its own: the one after it is kept
        text = neutralize(redact_instructions(source.text)).replace(REDACTED, f"\n{REDACTED}\n")
        self.sentences: tuple[Sentence, ...] = tuple(
            Sentence(source.n, i, s, frozenset(content_stems(s)), is_negated(s))
            for i, s in enumerate(split_sentences(text))
            if REDACTED not in s and words(s)
        )
        published = source.published
        date = f"{published.year} {published:%B} {published.day}" if published else ""
        self.title_stems = frozenset(content_stems(source.title))
        self.header_stems = frozenset(content_stems(f"{source.title} {source.source or ''} {date}"))
        stems = [s.stems for s in self.sentences]
        following = [*stems[1:], frozenset()][: len(stems)]
        self.windows: list[frozenset[str]] = [
            self.header_stems | a | b for a, b in zip(stems, following, strict=True)
        ] or [self.header_stems]
        self.stems: frozenset[str] = frozenset().union(*self.windows)
        # how many of the article's sentences hold each word: a word in every sentence (the
        # story's subject) says little about which sentence supports a claim
        self._spread = Counter(
            stem for sentence in [self.header_stems, *stems] for stem in sentence
        )

    @property
    def quotable(self) -> list[str]:
        """The title, then the body sentences: what a citation's snippet may quote."""
        return [self.source.title, *(s.text for s in self.sentences)]

    def passages(self) -> list[Passage]:
        """Every window of two adjacent sentences, with the title's words."""
        found = []
        for i, sentence in enumerate(self.sentences):
            pair = self.sentences[i : i + 2]
            stems = self.title_stems.union(*(s.stems for s in pair))
            text = " ".join(s.text for s in pair)
            found.append(Passage(self.n, sentence.position, text, stems))
        return found

    def coverage(
        self, stems: AbstractSet[str], required: AbstractSet[str], negated: bool = False
    ) -> float | None:
        """Best share of ``stems`` in one window holding all of ``required`` that does not
        contradict the claim (see :func:`~assistant.claims.contradicts`), None if none does."""
        shares = []
        for i, window in enumerate(self.windows):
            if not required <= window:
                continue
            pair = [(set(s.stems), s.negated) for s in self.sentences[i : i + 2]]
            if contradicts(set(stems), negated, window, pair):
                continue
            shares.append(len(stems & window) / len(stems))
        return max(shares) if shares else None

    def best_sentence(self, stems: AbstractSet[str]) -> str:
        """The sentence sharing most of the claim's words (the snippet), each word weighted by
        how few of the article's sentences hold it; the title only when no sentence shares any."""
        if not self.sentences:
            return self.source.title
        overlaps = [
            sum(1.0 / self._spread[stem] for stem in stems & sentence.stems)
            for sentence in self.sentences
        ]
        best = int(np.argmax(overlaps))
        if overlaps[best] == 0:
            return self.source.title
        return self.sentences[best].text


class Grounding:
    """The sources of one answer, each prepared once, and their sentence vectors (embedded on
    first use, each text at most once)."""

    def __init__(self, sources: Sequence[Source], embedder: Embedder | None = None) -> None:
        self.sources: tuple[GroundedSource, ...] = tuple(GroundedSource(s) for s in sources)
        self.by_n: dict[int, GroundedSource] = {g.n: g for g in self.sources}
        self.embedder = embedder
        self._vectors: dict[str, Vector] = {}

    @classmethod
    def of(
        cls, sources: Sequence[Source] | Grounding, embedder: Embedder | None = None
    ) -> Grounding:
        """``sources`` prepared (a Grounding is returned as it is)."""
        return sources if isinstance(sources, Grounding) else cls(sources, embedder)

    def __len__(self) -> int:
        return len(self.sources)

    @property
    def raw(self) -> list[Source]:
        """The sources as retrieved."""
        return [g.source for g in self.sources]

    def sentences(self, limit: int | None = None) -> list[Sentence]:
        """Every sentence of the first ``limit`` sources (all: None), source by source."""
        return [s for g in self.sources[:limit] for s in g.sentences]

    @cached_property
    def passage_list(self) -> list[Passage]:
        """Every passage of every source (see :meth:`GroundedSource.passages`)."""
        return [p for g in self.sources for p in g.passages()]

    def vectors(self, texts: Iterable[str]) -> Vector:
        """The embeddings of ``texts`` (rows in order); raises when there is no embedder."""
        if self.embedder is None:
            raise ValueError("this grounding has no embedder")
        texts = list(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            embedded = np.asarray(self.embedder.embed(missing), dtype=np.float32)
            self._vectors.update(zip(missing, embedded, strict=True))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts])

    def similarities(self, text: str, others: Sequence[str]) -> list[float]:
        """Cosine similarity of ``text`` to each of ``others`` (zeros without an embedder)."""
        if self.embedder is None or not others:
            return [0.0] * len(others)
        matrix = self.vectors([text, *others])
        return [float(value) for value in matrix[1:] @ matrix[0]]


__all__ = ["Embedder", "GroundedSource", "Grounding", "Passage", "Sentence"]
