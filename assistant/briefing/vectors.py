"""One vector per article for near-duplicate detection: stored first-chunk vectors, or embedded.

``StoredVectors`` reads the vectors the index already holds (Chroma); ``EmbeddedVectors`` embeds
title and lede with an embedder (the fake for tests, or when the stored vectors are missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

from index.reader import ChunkVectors, PeriodArticle
from index.settings import Settings

if TYPE_CHECKING:
    from index.embeddings import Embedder

__all__ = ["ArticleVectors", "EmbeddedVectors", "StoredVectors"]


class ArticleVectors(Protocol):
    """Unit vectors for articles, one row each, in the order given."""

    def vectors(self, articles: Sequence[PeriodArticle]) -> np.ndarray: ...


class StoredVectors:
    """The stored vector of each article's first chunk; articles without one are embedded by
    ``fallback`` (or get a zero row, which joins no story, when there is none)."""

    def __init__(self, stored: ChunkVectors, fallback: ArticleVectors | None = None) -> None:
        self._stored = stored
        self._fallback = fallback

    @classmethod
    def open(cls, settings: Settings, fallback: ArticleVectors | None = None) -> StoredVectors:
        """On the Chroma collection of ``settings`` (opened read-only: nothing is created)."""
        return cls(ChunkVectors.open(settings), fallback)

    def vectors(self, articles: Sequence[PeriodArticle]) -> np.ndarray:
        found = self._stored.vectors([article.chunk_id for article in articles])
        if not found and not articles:
            return np.zeros((0, 1), dtype=np.float32)
        missing = [article for article in articles if article.chunk_id not in found]
        extra = self._fallback.vectors(missing) if (missing and self._fallback) else None
        dimension = next(iter(found.values())).shape[0] if found else extra.shape[1]  # type: ignore[union-attr]
        rows = np.zeros((len(articles), dimension), dtype=np.float32)
        filled = 0
        for i, article in enumerate(articles):
            if article.chunk_id in found:
                rows[i] = found[article.chunk_id]
            elif extra is not None:
                rows[i] = extra[filled]
                filled += 1
        return _normalised(rows)

    def neighbours(
        self, articles: Sequence[PeriodArticle], threshold: float, n: int = 10
    ) -> list[str]:
        """Ids of other articles whose first chunk is at least ``threshold`` similar to one of
        these articles' first chunks (near-duplicate reports of the same stories)."""
        rows = self.vectors(articles)
        if not len(rows):
            return []
        found: dict[str, None] = {}
        for nearest in self._stored.nearest_first_chunks(rows, n):
            for article_id, similarity in nearest:
                if similarity >= threshold and article_id:
                    found[article_id] = None
        return list(found)


class EmbeddedVectors:
    """Vectors of "title. lede" computed with ``embedder`` (``index.embeddings.Embedder``)."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def vectors(self, articles: Sequence[PeriodArticle]) -> np.ndarray:
        if not articles:
            return np.zeros((0, int(getattr(self._embedder, "dimension", 1))), dtype=np.float32)
        texts = [f"{article.title}. {article.lede}" for article in articles]
        return _normalised(np.asarray(self._embedder.embed(texts), dtype=np.float32))


def _normalised(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)
