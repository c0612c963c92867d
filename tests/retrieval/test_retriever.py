"""Hybrid retrieval over in-memory fakes of the two searches: ranking, fusion, modes, floor."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from langchain_core.documents import Document

from assistant.filters import Filters
from assistant.retriever import HybridRetriever
from index.errors import InvalidQuestion
from index.fakes import FakeEmbedder
from index.settings import Settings
from index.stores.bounds import SearchBounds
from tests.retrieval.stories import (
    AS_OF,
    MemoryIndex,
    ScriptedSearch,
    _hit,
    _ids,
)


def test_finds_the_article_and_numbers_sources(retriever: HybridRetriever) -> None:
    sources = retriever.search("When will ministers sign the fishing deal?", as_of=AS_OF)
    assert sources[0].article_id == "fish-deal"
    assert [source.n for source in sources] == list(range(1, len(sources) + 1))
    first = sources[0]
    assert first.title == "EU and UK agree fishing deal"
    assert first.source == "Reuters"
    assert first.url == "https://news.example/fish-deal"
    assert first.published == datetime(2025, 3, 10, tzinfo=UTC)
    assert "December 10" in first.text
    assert "agree fishing deal" not in first.text  # bodies only, headers stay in chunk.text


def test_k_limits_the_number_of_sources(retriever: HybridRetriever) -> None:
    assert len(retriever.search("fishing deal Brussels", as_of=AS_OF, k=1)) == 1
    assert len(retriever.search("fishing deal Brussels", as_of=AS_OF, k=2)) == 2


def test_one_source_per_article_with_a_chunk_cap_in_article_order(
    retriever: HybridRetriever, settings: Settings
) -> None:
    sources = retriever.search("fishing deal sign cod herring talks", as_of=AS_OF, k=5)
    assert len(_ids(sources)) == len(set(_ids(sources)))
    deal = next(source for source in sources if source.article_id == "fish-deal")
    assert len(deal.chunks) == settings.chunks_per_article == 2
    indexes = [int(chunk.chunk_id.rsplit("#", 1)[1]) for chunk in deal.chunks]
    assert indexes == sorted(indexes)
    assert all(chunk.text.startswith("EU and UK agree fishing deal") for chunk in deal.chunks)
    assert all(chunk.similarity is not None for chunk in deal.chunks)


def test_chunk_cap_follows_settings(
    settings: Settings, fake_embedder: FakeEmbedder, index: MemoryIndex
) -> None:
    retriever = HybridRetriever(
        settings=settings.with_overrides(chunks_per_article=1),
        embedder=fake_embedder,
        dense=index,
        keyword=index,
    )
    sources = retriever.search("fishing deal sign cod herring talks", as_of=AS_OF)
    assert all(len(source.chunks) == 1 for source in sources)


def test_hybrid_beats_each_search_alone(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    # The answer is third in each list; each search puts different noise on top.
    search = ScriptedSearch(
        dense=[_hit("d1", 0.9), _hit("d2", 0.8), _hit("answer", 0.7)],
        keyword=[_hit("k1", 9), _hit("k2", 8), _hit("answer", 7)],
    )
    firsts = {}
    for mode in ("dense", "keyword", "hybrid"):
        retriever = HybridRetriever(
            settings=settings, embedder=fake_embedder, dense=search, keyword=search, mode=mode
        )
        firsts[mode] = retriever.search("which text?")[0].article_id
    assert firsts == {"dense": "d1", "keyword": "k1", "hybrid": "answer"}


def test_article_ranking_joins_the_fusion(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    # The answer is second in the chunk-level keyword search and first by whole articles.
    search = ScriptedSearch(
        dense=[_hit("d1", 0.9), _hit("d2", 0.8)],
        keyword=[_hit("k1", 9), _hit("answer", 8)],
        articles=[_hit("answer", 30)],
    )

    def first(**fields: Any) -> str:
        retriever = HybridRetriever(
            settings=settings,
            embedder=fake_embedder,
            dense=search,
            keyword=search,
            recency_prior=0.0,
            **fields,
        )
        return retriever.search("which text?")[0].article_id

    assert first(dense_weight=1.0, keyword_weight=2.0, article_weight=0.0) == "k1"
    assert search.article_calls == 0  # weight 0: not searched at all
    assert first(dense_weight=1.0, keyword_weight=2.0, article_weight=2.0) == "answer"
    assert search.article_calls == 1


def test_modes_use_only_their_search(
    settings: Settings, fake_embedder: FakeEmbedder, index: MemoryIndex
) -> None:
    dense = HybridRetriever(
        settings=settings, embedder=fake_embedder, dense=index, keyword=index, mode="dense"
    )
    dense.search("fishing deal", as_of=AS_OF)
    assert index.dense_wheres and not index.keyword_calls
    keyword = HybridRetriever(
        settings=settings, embedder=None, dense=index, keyword=index, mode="keyword"
    )
    assert keyword.search("fishing deal", as_of=AS_OF)


def test_relevance_floor_returns_nothing(retriever: HybridRetriever) -> None:
    assert retriever.search("xylophone quasar marmalade", as_of=AS_OF) == []


def test_strong_keyword_match_passes_the_floor(
    settings: Settings, fake_embedder: FakeEmbedder, index: MemoryIndex
) -> None:
    strict = settings.with_overrides(relevance_floor=0.99)
    retriever = HybridRetriever(settings=strict, embedder=fake_embedder, dense=index, keyword=index)
    assert _ids(retriever.search("NASA Mars samples", as_of=AS_OF)) == ["mars"]


def test_empty_question_and_empty_range(retriever: HybridRetriever) -> None:
    assert retriever.search("   ") == []
    filters = Filters.parse(since="2025-03-01")
    assert retriever.search("fishing deal in 2024", filters=filters, as_of=AS_OF)


def test_impossible_range_is_a_clear_error() -> None:
    with pytest.raises(InvalidQuestion, match="since 2025-03-02 is after until 2025-03-01"):
        Filters.parse(since="2025-03-02", until="2025-03-01")


def test_also_in_is_attached(retriever: HybridRetriever) -> None:
    sources = retriever.search("When will ministers sign the fishing deal?", as_of=AS_OF)
    assert sources[0].also_in == ("BBC", "The Guardian")
    assert all(source.also_in == () for source in sources[1:])


def test_invoke_returns_documents(retriever: HybridRetriever) -> None:
    documents = retriever.invoke("When will ministers sign the fishing deal?")
    assert documents and all(isinstance(doc, Document) for doc in documents)
    first = documents[0]
    assert first.id == "fish-deal"
    assert "December 10" in first.page_content
    assert first.metadata["n"] == 1
    assert first.metadata["title"] == "EU and UK agree fishing deal"
    assert first.metadata["published"] == "2025-03-10T00:00:00+00:00"
    assert first.metadata["also_in"] == ["BBC", "The Guardian"]
    assert first.metadata["score"] > 0


def test_chroma_where() -> None:
    def where(since=None, until=None, outlets=(), syndicated=()) -> dict | None:
        return SearchBounds(since, until, None, tuple(outlets), tuple(syndicated)).chroma_where()

    assert where() is None
    assert where(5) == {"published_ts": {"$gte": 5}}
    assert where(outlets=["AP"]) == {"source": {"$in": ["AP"]}}
    assert where(outlets=["AP"], syndicated=["a1"]) == {
        "$or": [{"source": {"$in": ["AP"]}}, {"article_id": {"$in": ["a1"]}}]
    }
    assert where(syndicated=["a1"]) is None  # copies only widen an outlet filter
    assert where(1, 2, ["AP"]) == {
        "$and": [
            {"published_ts": {"$gte": 1}},
            {"published_ts": {"$lte": 2}},
            {"source": {"$in": ["AP"]}},
        ]
    }
    assert SearchBounds(cut_ts=9).chroma_where() is None  # the cut is applied after the search


def test_outlet_copies_are_looked_up_once_per_search(
    retriever: HybridRetriever, index: MemoryIndex
) -> None:
    calls = []
    lookup = index.syndicated_in
    index.syndicated_in = lambda sources: calls.append(sources) or lookup(sources)  # type: ignore
    retriever.search("fishing deal", filters=Filters(sources=("bbc",)), as_of=AS_OF)
    assert calls == [("BBC",)]
    assert index.keyword_calls[0][1].syndicated == ("fish-deal",)


def test_over_real_stores(settings: Settings, seed_story: Any) -> None:
    import index
    from index.reader import IndexReader

    embedder = FakeEmbedder(dimension=256)
    index.build([str(seed_story)], settings, embedder=embedder)
    with IndexReader.open(settings) as reader:
        retriever = HybridRetriever.from_settings(settings, embedder=embedder, reader=reader)
        sources = retriever.search("What is the deadline for a deal on Kosovo?")
        assert [source.n for source in sources] == [1]
        assert sources[0].source == "Reuters"
        assert "December 10" in sources[0].text
        assert retriever.search("Kosovo", filters=Filters(sources=("reuters",)))
        assert retriever.search("xylophone quasar marmalade") == []
