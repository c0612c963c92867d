"""Hybrid retrieval: dense (Chroma) and keyword (BM25) candidates, fused, grouped by article.

One search is three steps (``assistant/retrieval/``): ``plan`` builds the bounds and terms of
the search once (explicit filters and an ``as_of`` cut are hard; time words in the question
prefer their period), ``search`` pools the candidates of both searches, and ``fusion`` ranks
articles (weighted reciprocal rank fusion, a freshness bonus, a relevance floor) and numbers the
best ``k`` as sources. Weights were tuned on RealTimeQA with ``benchmarks/bench_retrieval.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, SkipValidation

from assistant.answer import Source
from assistant.dates import TimeConstraint
from assistant.filters import Filters
from assistant.retrieval.fusion import Fusion, published_of
from assistant.retrieval.plan import TimeWords, plan_search, query_terms, term_coverage
from assistant.retrieval.search import DenseSearch, KeywordSearch, QueryEmbedder, Weights, gather
from index.settings import Settings

if TYPE_CHECKING:
    from index.reader import IndexReader

__all__ = [
    "DenseSearch",
    "HybridRetriever",
    "KeywordSearch",
    "Mode",
    "published_of",
    "query_terms",
    "source_document",
    "term_coverage",
]

Mode = Literal["hybrid", "dense", "keyword"]


class HybridRetriever(BaseRetriever):
    """Dense + keyword retrieval over the index, one ``Source`` per article (a LangChain retriever).

    Build it from explicit parts (tests pass fakes) or with :meth:`from_settings`.
    ``invoke(question)`` returns one ``Document`` per article, using the ``filters``, ``as_of``
    and ``k`` fields as defaults.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    settings: Settings
    embedder: SkipValidation[QueryEmbedder | None]  # None only in keyword mode
    dense: SkipValidation[DenseSearch]
    keyword: SkipValidation[KeywordSearch]
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
    time_words: TimeWords = "prefer"  # "ignore": no time words at all
    window_weight: float = 0.5  # weight of the candidates inside the question's period
    recency_weight: float = 1.0  # bonus for a fresh article when the question wants recent news
    recency_prior: float = 0.3  # the same bonus, smaller, for every question (a mild prior)
    recency_half_life_days: float = 30.0
    keyword_coverage: float = 0.6  # share of question words that lets a chunk pass the floor

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        embedder: QueryEmbedder | None = None,
        reader: IndexReader | None = None,
        **fields: Any,
    ) -> HybridRetriever:
        """A retriever over the index of ``settings`` (opens the reader and the embedding model
        unless given); the reader answers both searches."""
        if reader is None:
            from index.reader import IndexReader

            reader = IndexReader.open(settings)
        if embedder is None and fields.get("mode", "hybrid") != "keyword":
            from index.embeddings import load_embedder

            embedder = load_embedder(settings)
        return cls(settings=settings, embedder=embedder, dense=reader, keyword=reader, **fields)

    def search(
        self,
        question: str,
        filters: Filters | None = None,
        as_of: datetime | None = None,
        k: int | None = None,
        constraint: TimeConstraint | None = None,
    ) -> list[Source]:
        """The best ``k`` articles for ``question``, numbered 1..k; [] when none is relevant.

        ``as_of`` is the reference date for time words (default: now, UTC); when given, articles
        published after the following day are left out. ``constraint``: the question's time phrase
        already resolved (:class:`~assistant.question.QuestionAnalysis`), else parsed here.
        """
        question = question.strip()
        if not question:
            return []
        plan = plan_search(
            question,
            filters or Filters(),
            as_of,
            outlets=self.keyword.outlets,
            syndicated_in=self.keyword.syndicated_in,
            time_words=self.time_words,
            constraint=constraint,
        )
        if plan is None:
            return []
        pool = gather(
            question,
            plan,
            embedder=self.embedder,
            dense=self.dense if self.mode in {"hybrid", "dense"} else None,
            keyword=self.keyword if self.mode in {"hybrid", "keyword"} else None,
            n=self.settings.candidates,
            weights=Weights(
                dense=self.dense_weight,
                keyword=self.keyword_weight,
                article=self.article_weight,
                window=self.window_weight,
            ),
        )
        if not pool.chunks:
            return []
        fusion = self._fusion()
        ranked = fusion.rank_articles(pool, plan)[: k or self.settings.k]
        also_in = self.keyword.also_in([article_id for article_id, _ in ranked]) if ranked else {}
        return fusion.sources(pool, ranked, also_in)

    def _fusion(self) -> Fusion:
        return Fusion(
            relevance_floor=self.settings.relevance_floor,
            chunks_per_article=self.settings.chunks_per_article,
            rrf_k=self.rrf_k,
            recency_weight=self.recency_weight,
            recency_prior=self.recency_prior,
            recency_half_life_days=self.recency_half_life_days,
            keyword_coverage=self.keyword_coverage,
        )

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        sources = self.search(query, filters=self.filters, as_of=self.as_of, k=self.k)
        return [source_document(source) for source in sources]


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
