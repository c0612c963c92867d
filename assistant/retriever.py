"""Hybrid retrieval: dense (Chroma) and keyword (BM25) candidates, fused, grouped by article.

One search, step by step:

1. Constraints: explicit ``Filters`` are hard (a Chroma ``where`` and BM25 masks). With an
   explicit ``as_of`` nothing published after the day after ``as_of`` is returned (undated
   articles are kept). Time words in the question ("this week", "in March 2025") are resolved
   against ``as_of``; by default they *prefer* the period (candidates inside it count once more
   in the fusion) rather than cut everything else, because news questions often name the week
   an event happened while the best report of it is older. ``time_words="filter"`` makes them
   hard.
2. Candidates: the top ``settings.candidates`` chunks of each search (dense: Chroma; keyword:
   the in-memory BM25 of ``index.stores.KeywordIndex``), and the best chunk of each of the top
   ``candidates / 2`` articles by BM25 over whole articles.
3. Fusion: weighted reciprocal rank fusion of the article rankings (an article ranks where its
   best chunk does), plus a freshness bonus relative to ``as_of``: mild for every question,
   larger when the question asks for recent news ("latest", "this week").
4. Relevance floor: an article stays only if its best dense similarity reaches
   ``settings.relevance_floor`` or one of its chunks holds most of the question's words.
5. Sources: the best ``k`` articles, numbered 1..k, each with its best
   ``settings.chunks_per_article`` chunks in article order, and the outlets of syndicated copies.

Weights were tuned on RealTimeQA with ``benchmarks/bench_retrieval.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal, Protocol

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.answer import RetrievedChunk, Source
from assistant.dates import TimeConstraint, parse_time_constraints
from assistant.filters import Filters, aware, resolve_outlets
from assistant.fusion import fuse_rankings
from index.settings import Settings
from index.stores.records import StoredHit
from index.text import QUERY_STOPWORDS, bare_words

__all__ = ["DenseSearch", "HybridRetriever", "KeywordSearch", "Mode"]

Mode = Literal["hybrid", "dense", "keyword"]


class DenseSearch(Protocol):
    """Nearest chunks to a vector (``index.stores.ChromaStore``)."""

    def query(
        self, embedding: np.ndarray, n: int, where: dict | None = None
    ) -> list[StoredHit]: ...


class KeywordSearch(Protocol):
    """BM25 search and article facts (``index.stores.KeywordIndex``)."""

    def keyword_search(
        self,
        query: str,
        n: int,
        since_ts: int | None = None,
        until_ts: int | None = None,
        sources: Sequence[str] | None = None,
    ) -> list[StoredHit]: ...

    def article_search(
        self,
        query: str,
        n: int,
        since_ts: int | None = None,
        until_ts: int | None = None,
        sources: Sequence[str] | None = None,
    ) -> list[StoredHit]: ...

    def outlets(self) -> list[str]: ...

    def also_in(self, article_ids: Sequence[str]) -> dict[str, list[str]]: ...

    def syndicated_in(self, sources: Sequence[str]) -> list[str]: ...


class HybridRetriever(BaseRetriever):
    """Dense + keyword retrieval over the index, one ``Source`` per article (a LangChain retriever).

    Build it from explicit parts (tests pass fakes) or with :meth:`from_settings`.
    ``invoke(question)`` returns one ``Document`` per article, using the ``filters``, ``as_of``
    and ``k`` fields as defaults.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    settings: Settings
    embedder: Any  # index.embeddings.Embedder
    dense: Any  # DenseSearch
    keyword: Any  # KeywordSearch
    mode: Mode = "hybrid"

    # Defaults for invoke(); search() takes them as arguments.
    filters: Filters | None = None
    as_of: datetime | None = None
    k: int | None = None

    # Tuning (measured with benchmarks/bench_retrieval.py).
    rrf_k: int = 60
    dense_weight: float = 1.3
    keyword_weight: float = 1.2  # chunk-level BM25
    article_weight: float = 2.0  # article-level BM25 (whole stories); 0: not searched
    time_words: Literal["prefer", "filter", "ignore"] = "prefer"  # "ignore": no time words at all
    window_weight: float = 0.5  # weight of the candidates inside the question's period
    recency_weight: float = 1.0  # bonus for a fresh article when the question wants recent news
    recency_prior: float = 0.3  # the same bonus, smaller, for every question (a mild prior)
    recency_half_life_days: float = 30.0
    keyword_coverage: float = 0.6  # share of question words that lets a chunk pass the floor

    @classmethod
    def from_settings(
        cls, settings: Settings, *, embedder: Any = None, stores: Any = None, **fields: Any
    ) -> HybridRetriever:
        """A retriever over the index of ``settings`` (opens the stores and the embedding model)."""
        if stores is None:
            from index.stores import open_stores

            stores = open_stores(settings)
        if embedder is None and fields.get("mode", "hybrid") != "keyword":
            from index.embeddings import load_embedder

            embedder = load_embedder(settings)
        return cls(
            settings=settings,
            embedder=embedder,
            dense=stores.chroma,
            keyword=stores.keyword,
            **fields,
        )

    def search(
        self,
        question: str,
        filters: Filters | None = None,
        as_of: datetime | None = None,
        k: int | None = None,
    ) -> list[Source]:
        """The best ``k`` articles for ``question``, numbered 1..k; [] when none is relevant.

        ``as_of`` is the reference date for time words (default: now, UTC); when given, articles
        published after the following day are left out.
        """
        question = question.strip()
        if not question:
            return []
        k = k or self.settings.k
        plan = self._plan(question, filters or Filters(), as_of)
        if plan is None:
            return []
        pool = self._candidates(question, plan)
        if not pool.chunks:
            return []
        ranked = self._rank_articles(pool, plan)
        return self._sources(pool, ranked[:k])

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        sources = self.search(query, filters=self.filters, as_of=self.as_of, k=self.k)
        return [source_document(source) for source in sources]

    # --- steps ---------------------------------------------------------------------------

    def _plan(self, question: str, filters: Filters, as_of: datetime | None) -> _Plan | None:
        filters = resolve_outlets(filters, self.keyword.outlets()) if filters.sources else filters
        reference = aware(as_of) or datetime.now(UTC)
        constraint = (
            TimeConstraint()
            if self.time_words == "ignore"
            else parse_time_constraints(question, reference)
        )
        since, until = filters.since, filters.until
        cut = None
        if as_of is not None:
            cut = datetime.combine(reference.date() + timedelta(days=1), time.max, tzinfo=UTC)
        window: tuple[datetime | None, datetime | None] | None = None
        if constraint.has_range:
            w_since = _latest(since, constraint.since)
            w_until = _earliest(_earliest(until, cut), constraint.until)
            if w_since and w_until and w_since > w_until:
                window = None  # the question's period lies outside the explicit filters
            elif self.time_words == "filter":
                since, until = w_since, w_until
            else:
                window = (w_since, w_until)
        if since and until and since > until:
            return None
        copies = self.keyword.syndicated_in(filters.sources) if filters.sources else []
        return _Plan(
            sources=filters.sources,
            syndicated=tuple(copies),
            since_ts=_ts(since),
            until_ts=_ts(until),
            cut_ts=_ts(cut),
            window=(_ts(window[0]), _ts(window[1])) if window else None,
            constraint=constraint,
            reference=reference,
        )

    def _candidates(self, question: str, plan: _Plan) -> _Pool:
        pool = _Pool(terms=query_terms(question))
        n = self.settings.candidates
        # Articles after as_of are dropped after the dense search rather than by a Chroma
        # filter, which is several times slower than a plain search; SQLite applies the same
        # bound cheaply (there, undated articles drop out; the dense side keeps them).
        fetch = 2 * n if plan.cut_ts is not None else n
        if self.mode in {"hybrid", "dense"}:
            vector = np.asarray(self.embedder.embed([question]), dtype=np.float32)[0]
            where = chroma_where(plan.since_ts, plan.until_ts, plan.sources, plan.syndicated)
            hits = _until(self.dense.query(vector, fetch, where), plan.cut_ts)[:n]
            pool.add("dense", hits, self.dense_weight, dense=True)
            if plan.window:
                pool.add("dense-window", _within(hits, plan.window),
                         self.dense_weight * self.window_weight, dense=True)
        if self.mode in {"hybrid", "keyword"}:
            # Only the content words: the time phrase is handled by the dates, not by
            # matching "week".
            query = " ".join(sorted(query_terms(_without(question, plan.constraint.matched_text))))
            bounds = (plan.since_ts, _earliest_ts(plan.until_ts, plan.cut_ts),
                      list(plan.sources) or None)
            hits = self.keyword.keyword_search(query, n, *bounds)
            pool.add("keyword", hits, self.keyword_weight)
            if plan.window:
                pool.add("keyword-window", _within(hits, plan.window),
                         self.keyword_weight * self.window_weight)
            if self.article_weight > 0:
                pool.add("article", self.keyword.article_search(query, n // 2, *bounds),
                         self.article_weight)
        return pool

    def _rank_articles(self, pool: _Pool, plan: _Plan) -> list[tuple[str, float]]:
        rankings = [pool.article_ranking(name) for name in pool.rankings]
        fused = dict(fuse_rankings(rankings, k=self.rrf_k, weights=list(pool.weights.values())))
        weight = self.recency_weight if plan.constraint.prefers_recent else self.recency_prior
        if weight:
            for article_id in fused:
                fused[article_id] += weight * self._freshness(pool.published_ts(article_id), plan)
        kept = [(a, s) for a, s in fused.items() if self._relevant(pool, a)]
        return sorted(kept, key=lambda pair: -pair[1])

    def _freshness(self, published_ts: int | None, plan: _Plan) -> float:
        """1/(rrf_k+1) (a first rank's worth) for an article from today, halving per half-life."""
        if published_ts is None:
            return 0.0
        age_days = max(0.0, (plan.reference.timestamp() - published_ts) / 86400)
        return math.pow(0.5, age_days / self.recency_half_life_days) / (self.rrf_k + 1)

    def _relevant(self, pool: _Pool, article_id: str) -> bool:
        similarity = pool.best_similarity.get(article_id)
        if similarity is not None and similarity >= self.settings.relevance_floor:
            return True
        return pool.best_coverage(article_id) >= self.keyword_coverage

    def _sources(self, pool: _Pool, ranked: list[tuple[str, float]]) -> list[Source]:
        chunk_scores = dict(
            fuse_rankings(list(pool.rankings.values()), self.rrf_k, list(pool.weights.values()))
        )
        also_in = self.keyword.also_in([article_id for article_id, _ in ranked]) if ranked else {}
        sources = []
        for n, (article_id, score) in enumerate(ranked, start=1):
            chunk_ids = sorted(pool.by_article[article_id], key=lambda c: -chunk_scores.get(c, 0))
            best = chunk_ids[: self.settings.chunks_per_article]
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


# --- the candidate pool --------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    sources: tuple[str, ...]
    syndicated: tuple[str, ...]  # articles the wanted outlets ran as copies of another's
    since_ts: int | None
    until_ts: int | None
    cut_ts: int | None  # nothing published after this (as_of + 1 day); undated articles pass
    window: tuple[int | None, int | None] | None
    constraint: TimeConstraint
    reference: datetime


@dataclass
class _Pool:
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
        self.rankings[name] = [hit.chunk_id for hit in hits]
        self.weights[name] = weight
        for hit in hits:
            article_id = str(hit.metadata.get("article_id") or hit.chunk_id.split("#")[0])
            if hit.chunk_id not in self.chunks:
                self.chunks[hit.chunk_id] = hit
                self.by_article.setdefault(article_id, []).append(hit.chunk_id)
            if dense:
                self.similarity[hit.chunk_id] = hit.score
                best = self.best_similarity.get(article_id, -1.0)
                self.best_similarity[article_id] = max(best, hit.score)

    def article_of(self, chunk_id: str) -> str:
        metadata = self.chunks[chunk_id].metadata
        return str(metadata.get("article_id") or chunk_id.split("#")[0])

    def article_ranking(self, name: str) -> list[str]:
        """Articles in the order their best chunk appears in one search."""
        return list(dict.fromkeys(self.article_of(c) for c in self.rankings[name]))

    def published_ts(self, article_id: str) -> int | None:
        value = self.chunks[self.by_article[article_id][0]].metadata.get("published_ts")
        return int(value) if value is not None else None

    def best_coverage(self, article_id: str) -> float:
        if article_id not in self._coverage:
            texts = [self.chunks[c].text for c in self.by_article[article_id]]
            self._coverage[article_id] = max(term_coverage(self.terms, t) for t in texts)
        return self._coverage[article_id]


# --- helpers ---------------------------------------------------------------------------------


def chroma_where(
    since_ts: int | None,
    until_ts: int | None,
    sources: Sequence[str] = (),
    syndicated: Sequence[str] = (),
) -> dict | None:
    """A Chroma metadata filter for a publication range and outlets (None: no filter); the
    ``syndicated`` article ids (stories the outlets ran as copies) pass the outlet test too."""
    conditions: list[dict] = []
    if since_ts is not None:
        conditions.append({"published_ts": {"$gte": since_ts}})
    if until_ts is not None:
        conditions.append({"published_ts": {"$lte": until_ts}})
    if sources:
        outlet: dict = {"source": {"$in": list(sources)}}
        if syndicated:
            outlet = {"$or": [outlet, {"article_id": {"$in": list(syndicated)}}]}
        conditions.append(outlet)
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}


def query_terms(text: str) -> frozenset[str]:
    """The content words of a question (lower case, no stopwords, possessives stripped)."""
    return frozenset(
        word for word in bare_words(text) if len(word) > 1 and word not in QUERY_STOPWORDS
    )


def term_coverage(terms: frozenset[str], text: str) -> float:
    """Share of ``terms`` that occur in ``text`` (0 when there are no terms)."""
    if not terms:
        return 0.0
    return len(terms & bare_words(text)) / len(terms)


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


def source_document(source: Source) -> Document:
    """A LangChain ``Document`` for one source: its text and the article's fields."""
    return Document(
        id=source.article_id,
        page_content=source.text,
        metadata={
            "n": source.n,
            "article_id": source.article_id,
            "title": source.title,
            "source": source.source,
            "url": source.url,
            "published": source.published.isoformat() if source.published else None,
            "score": source.score,
            "also_in": list(source.also_in),
            "chunk_ids": [chunk.chunk_id for chunk in source.chunks],
        },
    )


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


def _earliest_ts(a: int | None, b: int | None) -> int | None:
    return min(a, b) if a is not None and b is not None else a if a is not None else b


def _until(hits: list[StoredHit], cut_ts: int | None) -> list[StoredHit]:
    """The hits not published after ``cut_ts`` (undated hits are kept)."""
    if cut_ts is None:
        return hits
    return [hit for hit in hits if hit.metadata.get("published_ts", cut_ts) <= cut_ts]


def _within(hits: list[StoredHit], window: tuple[int | None, int | None]) -> list[StoredHit]:
    """The hits published inside ``window`` (inclusive epoch seconds; undated hits are not)."""
    since, until = window
    return [
        hit for hit in hits
        if (ts := hit.metadata.get("published_ts")) is not None
        and (since is None or ts >= since) and (until is None or ts <= until)
    ]


def _without(question: str, phrase: str) -> str:
    """The question minus its time phrase (handled by dates, noise for BM25)."""
    if not phrase:
        return question
    stripped = question.replace(phrase, " ").strip()
    return stripped or question


def _ts(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max(a, b) if a and b else a or b


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return min(a, b) if a and b else a or b
