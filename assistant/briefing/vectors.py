"""One vector per article for near-duplicate detection: stored first-chunk vectors, or embedded.

``StoredVectors`` reads the vectors the index already holds (Chroma); ``EmbeddedVectors`` embeds
title and lede with an embedder (the fake for tests, or when the stored vectors are missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from index.stores.period import PeriodArticle

__all__ = ["ArticleVectors", "EmbeddedVectors", "StoredVectors"]


class ArticleVectors(Protocol):
    """Unit vectors for articles, one row each, in the order given."""

    def vectors(self, articles: Sequence[PeriodArticle]) -> np.ndarray: ...


class StoredVectors:
    """The stored vector of each article's first chunk; articles without one are embedded by
    ``fallback`` (or get a zero row, which joins no story, when there is none)."""

    def __init__(self, collection: Any, fallback: ArticleVectors | None = None) -> None:
        self._collection = collection
        self._fallback = fallback

    @classmethod
    def open(cls, settings: Any, fallback: ArticleVectors | None = None) -> StoredVectors:
        """On the Chroma collection of ``settings`` (opened read-only: nothing is created)."""
        from index.stores.chroma_store import connect

        client = connect(settings)
        return cls(client.get_collection(settings.collection, embedding_function=None), fallback)

    def vectors(self, articles: Sequence[PeriodArticle]) -> np.ndarray:
        ids = [article.chunk_id for article in articles]
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), 2000):
            result = self._collection.get(ids=ids[start : start + 2000], include=["embeddings"])
            for chunk_id, vector in zip(result["ids"], result["embeddings"], strict=True):
                found[chunk_id] = np.asarray(vector, dtype=np.float32)
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
        result = self._collection.query(
            query_embeddings=rows,
            n_results=n,
            where={"chunk_index": 0},
            include=["metadatas", "distances"],
        )
        found: dict[str, None] = {}
        for metadatas, distances in zip(result["metadatas"], result["distances"], strict=True):
            for metadata, distance in zip(metadatas, distances, strict=True):
                if 1.0 - float(distance) >= threshold and metadata.get("article_id"):
                    found[str(metadata["article_id"])] = None
        return list(found)


class EmbeddedVectors:
    """Vectors of "title. lede" computed with ``embedder`` (``index.embeddings.Embedder``)."""

    def __init__(self, embedder: Any) -> None:
        self._embedder = embedder

    def vectors(self, articles: Sequence[PeriodArticle]) -> np.ndarray:
        if not articles:
            return np.zeros((0, int(getattr(self._embedder, "dimension", 1))), dtype=np.float32)
        texts = [f"{article.title}. {article.lede}" for article in articles]
        return _normalised(np.asarray(self._embedder.embed(texts), dtype=np.float32))


def _normalised(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)
