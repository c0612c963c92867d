"""Searching: the candidate chunks of the dense and keyword searches, pooled.

The top ``candidates`` chunks of each search (dense: Chroma; keyword: the keyword index, both
read through ``index.reader.IndexReader``) and the best chunk of each of the top ``candidates / 2``
articles by BM25 over whole articles. When the question names a period, the dense and chunk
searches run once more inside it (``-window`` rankings), so the period's articles are
candidates even when older stories on the topic fill the unrestricted top ``candidates``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from assistant.retrieval.plan import SearchPlan, term_coverage
from index.reader import KeywordHits, SearchBounds, StoredHit


class QueryEmbedder(Protocol):
    """Texts to vectors (``index.embeddings.Embedder``)."""

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class DenseSearch(Protocol):
    """Nearest chunks to a vector within bounds (``index.reader.IndexReader``: Chroma)."""

    def query(
        self, embedding: np.ndarray, n: int, bounds: SearchBounds = ...
    ) -> list[StoredHit]: ...


class KeywordSearch(Protocol):
    """BM25 search and the article facts of the catalog (``index.reader.IndexReader``)."""

    def search(
        self,
        terms: Iterable[str],
        n: int,
        bounds: SearchBounds = ...,
        *,
        articles: int | None = None,
    ) -> KeywordHits: ...

    def outlets(self) -> list[str]: ...

    def also_in(self, article_ids: Sequence[str]) -> dict[str, list[str]]: ...

    def syndicated_in(self, sources: Sequence[str]) -> list[str]: ...


@dataclass(frozen=True)
class Weights:
    """How much each search counts in the fusion (0 for ``article``: not searched)."""

    dense: float
    keyword: float
    article: float
    window: float  # times the search's weight, for its candidates inside the question's period


@dataclass
class Pool:
    """Every chunk found by any search, the rankings they came in, and per-article facts."""

    terms: frozenset[str]
    chunks: dict[str, StoredHit] = field(default_factory=dict)
    rankings: dict[str, list[str]] = field(default_factory=dict)  # search name -> chunk ids
    weights: dict[str, float] = field(default_factory=dict)
    by_article: dict[str, list[str]] = field(default_factory=dict)
    similarity: dict[str, float] = field(default_factory=dict)  # chunk id -> cosine
    best_similarity: dict[str, float] = field(default_factory=dict)  # article id -> cosine
    _coverage: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, hits: list[StoredHit], weight: float, *, dense: bool = False) -> None:
        """Add one search's ranking (best first) with its fusion weight."""
        self.rankings[name] = [hit.chunk_id for hit in hits]
        self.weights[name] = weight
        for hit in hits:
            article_id = article_of(hit)
            if hit.chunk_id not in self.chunks:
                self.chunks[hit.chunk_id] = hit
                self.by_article.setdefault(article_id, []).append(hit.chunk_id)
            if dense:
                self.similarity[hit.chunk_id] = hit.score
                best = self.best_similarity.get(article_id, -1.0)
                self.best_similarity[article_id] = max(best, hit.score)

    def article_ranking(self, name: str) -> list[str]:
        """Articles in the order their best chunk appears in one search."""
        return list(dict.fromkeys(article_of(self.chunks[c]) for c in self.rankings[name]))

    def published_ts(self, article_id: str) -> int | None:
        """The article's publication time (epoch seconds), None when undated."""
        value = self.chunks[self.by_article[article_id][0]].metadata.get("published_ts")
        return int(value) if value is not None else None

    def best_coverage(self, article_id: str) -> float:
        """The largest share of the question's terms that one of the article's chunks holds."""
        if article_id not in self._coverage:
            texts = [self.chunks[c].text for c in self.by_article[article_id]]
            self._coverage[article_id] = max(term_coverage(self.terms, t) for t in texts)
        return self._coverage[article_id]


def gather(
    question: str,
    plan: SearchPlan,
    *,
    embedder: QueryEmbedder | None,
    dense: DenseSearch | None,
    keyword: KeywordSearch | None,
    n: int,
    weights: Weights,
) -> Pool:
    """Run the searches given (None: not searched) and pool their candidates."""
    pool = Pool(terms=plan.terms)
    window = window_bounds(plan)
    if dense is not None and embedder is not None:
        vector = np.asarray(embedder.embed([question]), dtype=np.float32)[0]
        hits = dense.query(vector, n, plan.bounds)
        pool.add("dense", hits, weights.dense, dense=True)
        if window is not None:
            inside = dense.query(vector, n, window)
            pool.add("dense-window", inside, weights.dense * weights.window, dense=True)
    if keyword is not None:
        articles = n // 2 if weights.article > 0 else 0
        found = keyword.search(plan.keyword_terms, n, plan.bounds, articles=articles)
        pool.add("keyword", found.chunks, weights.keyword)
        if window is not None:
            inside = keyword.search(plan.keyword_terms, n, window, articles=0).chunks
            pool.add("keyword-window", inside, weights.keyword * weights.window)
        if weights.article > 0:
            pool.add("article", found.articles, weights.article)
    return pool


def article_of(hit: StoredHit) -> str:
    """The id of the article a chunk belongs to."""
    return str(hit.metadata.get("article_id") or hit.chunk_id.split("#")[0])


def window_bounds(plan: SearchPlan) -> SearchBounds | None:
    """The plan's bounds narrowed to the question's period (None: the question names none);
    the plan has already fitted the period inside the explicit filters and the as-of cut."""
    if plan.window is None:
        return None
    since, until = plan.window
    return replace(plan.bounds, since_ts=since, until_ts=until)
