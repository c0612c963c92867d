"""Fusion: articles ranked by weighted reciprocal rank fusion, then turned into sources.

An article ranks in each search where its best chunk does; the fused score gets a freshness
bonus relative to the reference date (mild for every question, larger when the question asks
for recent news: "latest", "this week"). An article stays only if its best dense similarity
reaches ``relevance_floor`` or one of its chunks holds most of the question's words. The best
``k`` become sources numbered 1..k, each with its best ``chunks_per_article`` chunks in article
order and the outlets of its syndicated copies.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from assistant.answer import RetrievedChunk, Source
from assistant.filters import aware
from assistant.retrieval.plan import SearchPlan
from assistant.retrieval.search import Pool
from index.reader import StoredHit

__all__ = ["Fusion", "fuse_rankings", "published_of"]

T = TypeVar("T", bound=Hashable)


def fuse_rankings(
    rankings: Sequence[Sequence[T]], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[T, float]]:
    """Fuse ranked lists (best first) into one: ``score(d) = sum_i w_i / (k + rank_i(d))``.

    Ranks start at 1; an item repeated within one list counts at its first position. Ties keep
    the order of first appearance (earlier lists first). Returns ``(item, score)``, best first.
    """
    if k < 0:
        raise ValueError("k must be >= 0")
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(weights)} weights given for {len(rankings)} rankings")
    scores: dict[T, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        seen: set[T] = set()
        for rank, item in enumerate(ranking, start=1):
            if item in seen:
                continue
            seen.add(item)
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    order = {item: i for i, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda pair: (-pair[1], order[pair[0]]))


@dataclass(frozen=True)
class Fusion:
    """The tuning of the fusion (see the module docstring; measured with
    ``benchmarks/bench_retrieval.py``)."""

    relevance_floor: float  # best cosine similarity that keeps an article
    chunks_per_article: int
    rrf_k: int = 60
    recency_weight: float = 1.0  # bonus for a fresh article when the question wants recent news
    recency_prior: float = 0.3  # the same bonus, smaller, for every question (a mild prior)
    recency_half_life_days: float = 30.0
    keyword_coverage: float = 0.6  # share of question words that lets a chunk pass the floor

    def rank_articles(self, pool: Pool, plan: SearchPlan) -> list[tuple[str, float]]:
        """The relevant articles of ``pool`` with their fused scores, best first."""
        rankings = [pool.article_ranking(name) for name in pool.rankings]
        fused = dict(fuse_rankings(rankings, k=self.rrf_k, weights=list(pool.weights.values())))
        weight = self.recency_weight if plan.constraint.prefers_recent else self.recency_prior
        if weight:
            for article_id in fused:
                fused[article_id] += weight * self.freshness(pool.published_ts(article_id), plan)
        kept = [(a, s) for a, s in fused.items() if self.relevant(pool, a)]
        return sorted(kept, key=lambda pair: -pair[1])

    def freshness(self, published_ts: int | None, plan: SearchPlan) -> float:
        """1/(rrf_k+1) (a first rank's worth) for an article from today, halving per half-life."""
        if published_ts is None:
            return 0.0
        age_days = max(0.0, (plan.reference.timestamp() - published_ts) / 86400)
        return math.pow(0.5, age_days / self.recency_half_life_days) / (self.rrf_k + 1)

    def relevant(self, pool: Pool, article_id: str) -> bool:
        """Close enough to the question by meaning, or holding most of its words."""
        similarity = pool.best_similarity.get(article_id)
        if similarity is not None and similarity >= self.relevance_floor:
            return True
        return pool.best_coverage(article_id) >= self.keyword_coverage

    def sources(
        self, pool: Pool, ranked: list[tuple[str, float]], also_in: dict[str, list[str]]
    ) -> list[Source]:
        """Numbered sources for the ``ranked`` articles (``also_in``: their copies' outlets)."""
        chunk_scores = dict(
            fuse_rankings(list(pool.rankings.values()), self.rrf_k, list(pool.weights.values()))
        )
        sources = []
        for n, (article_id, score) in enumerate(ranked, start=1):
            chunk_ids = sorted(pool.by_article[article_id], key=lambda c: -chunk_scores.get(c, 0))
            best = chunk_ids[: self.chunks_per_article]
            best.sort(key=lambda c: int(pool.chunks[c].metadata.get("chunk_index", 0)))
            chunks = tuple(
                _retrieved_chunk(pool.chunks[c], chunk_scores.get(c, 0.0), pool.similarity.get(c))
                for c in best
            )
            meta = pool.chunks[best[0]].metadata
            sources.append(
                Source(
                    n=n,
                    article_id=article_id,
                    title=str(meta.get("title") or ""),
                    source=meta.get("source") or None,
                    url=meta.get("url") or None,
                    published=published_of(meta),
                    chunks=chunks,
                    score=score,
                    also_in=tuple(also_in.get(article_id, ())),
                )
            )
        return sources


def published_of(metadata: dict[str, Any]) -> datetime | None:
    """The publication datetime stored in chunk metadata (ISO text, else the timestamp)."""
    text = metadata.get("published") or ""
    if text:
        try:
            return aware(datetime.fromisoformat(str(text)))
        except ValueError:
            pass
    ts = metadata.get("published_ts")
    return datetime.fromtimestamp(int(ts), tz=UTC) if ts is not None else None


def _retrieved_chunk(hit: StoredHit, score: float, similarity: float | None) -> RetrievedChunk:
    start = int(hit.metadata.get("body_start") or 0)
    body = hit.text[start:] if 0 < start <= len(hit.text) else hit.text
    return RetrievedChunk(
        chunk_id=hit.chunk_id,
        text=hit.text,
        body=body.strip(),
        score=score,
        similarity=similarity,
    )
