"""Hybrid retrieval over in-memory fakes of the two searches (dense and keyword)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pytest
from langchain_core.documents import Document

from assistant.filters import Filters
from assistant.retriever import HybridRetriever
from index.errors import InvalidQuestion
from index.fakes import FakeEmbedder
from index.settings import Settings
from index.stores.bounds import NO_BOUNDS, SearchBounds
from index.stores.keyword_index import KeywordHits
from index.stores.records import StoredHit

AS_OF = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)  # a Wednesday


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    source: str
    published: str  # YYYY-MM-DD or ""
    paragraphs: tuple[str, ...]


STORIES = [
    Story(
        "fish-deal", "EU and UK agree fishing deal", "Reuters", "2025-03-10",
        (
            "The European Union and Britain agreed a fishing deal in Brussels on Monday.",
            "Fishermen in Scotland welcomed the cod and herring quotas.",
            "Ministers will meet again on December 10 to sign the fishing deal.",
            "Talks had lasted for months before the breakthrough.",
        ),
    ),
    Story(
        "fish-old", "Fishing talks between EU and UK stall", "AP", "2024-06-01",
        ("Fishing talks between the European Union and Britain stalled in Brussels.",),
    ),
    Story(
        "mars", "NASA plans Mars sample return", "CNN", "2025-03-11",
        ("NASA announced a plan to retrieve rock samples from Mars with a cheaper mission.",),
    ),
    Story(
        "tariffs", "Trump announces steel tariffs", "USA Today", "2025-03-05",
        ("President Trump announced a 25% tariff on steel imports from Canada and Mexico.",),
    ),
    Story(
        "fish-future", "EU and UK sign fishing deal", "Reuters", "2025-04-01",
        ("The European Union and Britain signed the fishing deal in Brussels.",),
    ),
    Story(
        "undated", "Herring stocks recover", "", "",
        ("Herring stocks in the North Sea recovered, scientists said.",),
    ),
]


class MemoryIndex:
    """Both searches over a few stories: cosine over fake vectors, and term-count keyword hits."""

    def __init__(self, stories: Sequence[Story], embedder: FakeEmbedder) -> None:
        self.hits: list[StoredHit] = []
        for story in stories:
            header = f"{story.title}\n{story.source} · {story.published}\n\n"
            for index, body in enumerate(story.paragraphs):
                metadata: dict[str, Any] = {
                    "article_id": story.id, "chunk_index": index, "title": story.title,
                    "source": story.source, "url": f"https://news.example/{story.id}",
                    "published": story.published, "authors": "", "place": "",
                    "body_start": len(header),
                }
                if story.published:
                    day = date.fromisoformat(story.published)
                    metadata["published_ts"] = int(datetime(*day.timetuple()[:3], tzinfo=UTC)
                                                   .timestamp())
                chunk_id = f"{story.id}#hash#{index}"
                self.hits.append(StoredHit(chunk_id, header + body, metadata, 0.0))
        self.vectors = embedder.embed([hit.text for hit in self.hits])
        self.dense_wheres: list[dict | None] = []
        self.keyword_calls: list[tuple[frozenset[str], SearchBounds]] = []
        self.syndicated: dict[str, list[str]] = {"fish-deal": ["BBC", "The Guardian"]}

    def query(
        self, embedding: np.ndarray, n: int, bounds: SearchBounds = NO_BOUNDS
    ) -> list[StoredHit]:
        where = bounds.chroma_where()
        self.dense_wheres.append(where)
        sims = self.vectors @ np.asarray(embedding)
        order = [i for i in np.argsort(-sims) if _matches(self.hits[i].metadata, where)
                 and bounds.before_cut(self.hits[i].metadata.get("published_ts"))]
        return [_scored(self.hits[i], float(sims[i])) for i in order[:n]]

    def search(
        self, terms: Any, n: int, bounds: SearchBounds = NO_BOUNDS, *, articles: int | None = None
    ) -> KeywordHits:
        self.keyword_calls.append((frozenset(terms), bounds))
        since_ts, until_ts = bounds.since_ts, bounds.latest_ts
        scored = []
        for hit in self.hits:
            ts = hit.metadata.get("published_ts")
            if (since_ts is not None or until_ts is not None) and ts is None:
                continue
            if (since_ts is not None and ts < since_ts) or (until_ts is not None and ts > until_ts):
                continue
            if bounds.outlets and not _from_outlets(hit, bounds.outlets, bounds.syndicated):
                continue
            words = re.findall(r"\w+", hit.text.lower())
            score = sum(words.count(term) for term in terms)
            if score:
                scored.append(_scored(hit, float(score)))
        scored.sort(key=lambda hit: -hit.score)
        # the best chunk of each article in keyword order (scored by the chunk)
        best = {hit.metadata["article_id"]: hit for hit in reversed(scored)}
        by_article = sorted(best.values(), key=lambda hit: -hit.score)
        return KeywordHits(scored[:n], by_article[: n // 2 if articles is None else articles])

    def outlets(self) -> list[str]:
        names = {hit.metadata["source"] for hit in self.hits if hit.metadata["source"]}
        return sorted(names.union(*self.syndicated.values()))

    def also_in(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        return {a: self.syndicated[a] for a in article_ids if a in self.syndicated}

    def syndicated_in(self, sources: Sequence[str]) -> list[str]:
        wanted = {source.lower() for source in sources}
        return [a for a, outlets in self.syndicated.items()
                if wanted & {outlet.lower() for outlet in outlets}]


class ScriptedSearch:
    """Dense and keyword searches that return fixed rankings (filters still apply)."""

    def __init__(
        self, dense: list[StoredHit], keyword: list[StoredHit],
        articles: list[StoredHit] | None = None,
    ) -> None:
        self.dense, self.keyword, self.articles = dense, keyword, articles or []
        self.article_calls = 0

    def query(
        self, embedding: np.ndarray, n: int, bounds: SearchBounds = NO_BOUNDS
    ) -> list[StoredHit]:
        return [hit for hit in self.dense if _matches(hit.metadata, bounds.chroma_where())][:n]

    def search(
        self, terms: Any, n: int, bounds: SearchBounds = NO_BOUNDS, *, articles: int | None = None
    ) -> KeywordHits:
        wanted = n // 2 if articles is None else articles
        self.article_calls += wanted > 0
        return KeywordHits(self.keyword[:n], self.articles[:wanted])

    def outlets(self) -> list[str]:
        return []

    def also_in(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        return {}

    def syndicated_in(self, sources: Sequence[str]) -> list[str]:
        return []


def _from_outlets(hit: StoredHit, sources: Sequence[str], syndicated: Sequence[str]) -> bool:
    wanted = {source.lower() for source in sources}
    return hit.metadata["source"].lower() in wanted or hit.metadata["article_id"] in syndicated


def _hit(article: str, score: float) -> StoredHit:
    """A one-chunk article hit with minimal metadata."""
    metadata = {"article_id": article, "chunk_index": 0, "title": article, "source": "",
                "url": "", "published": "", "body_start": 0}
    return StoredHit(f"{article}#h#0", f"text of {article}", metadata, score)


def _scored(hit: StoredHit, score: float) -> StoredHit:
    return StoredHit(hit.chunk_id, hit.text, hit.metadata, score)


def _matches(metadata: dict[str, Any], where: dict | None) -> bool:
    if not where:
        return True
    if "$and" in where:
        return all(_matches(metadata, clause) for clause in where["$and"])
    if "$or" in where:
        return any(_matches(metadata, clause) for clause in where["$or"])
    (key, condition), = where.items()
    if key not in metadata:
        return False
    value = metadata[key]
    if not isinstance(condition, dict):
        return value == condition
    (op, operand), = condition.items()
    return {
        "$gte": lambda: value >= operand, "$lte": lambda: value <= operand,
        "$in": lambda: value in operand,
    }[op]()


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    """Wider than the shared fixture's, so unrelated words rarely share a bucket."""
    return FakeEmbedder(dimension=1024)


@pytest.fixture
def index(fake_embedder: FakeEmbedder) -> MemoryIndex:
    return MemoryIndex(STORIES, fake_embedder)


@pytest.fixture
def retriever(
    settings: Settings, fake_embedder: FakeEmbedder, index: MemoryIndex
) -> HybridRetriever:
    return HybridRetriever(
        settings=settings, embedder=fake_embedder, dense=index, keyword=index, as_of=AS_OF
    )


def _ids(sources: Sequence[Any]) -> list[str]:
    return [source.article_id for source in sources]


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
        settings=settings.with_overrides(chunks_per_article=1), embedder=fake_embedder,
        dense=index, keyword=index,
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
        retriever = HybridRetriever(settings=settings, embedder=fake_embedder, dense=search,
                                    keyword=search, recency_prior=0.0, **fields)
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
    keyword = HybridRetriever(settings=settings, embedder=None, dense=index, keyword=index,
                              mode="keyword")
    assert keyword.search("fishing deal", as_of=AS_OF)


def test_explicit_date_filters_are_hard(retriever: HybridRetriever, index: MemoryIndex) -> None:
    filters = Filters.parse(since="2024-01-01", until="2024-12-31")
    sources = retriever.search("fishing deal Brussels", filters=filters, as_of=AS_OF)
    assert _ids(sources) == ["fish-old"]
    since, until = (int(datetime(2024, 1, 1, tzinfo=UTC).timestamp()),
                    int(datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()))
    assert index.dense_wheres[0] == {
        "$and": [{"published_ts": {"$gte": since}}, {"published_ts": {"$lte": until}}]
    }
    bounds = index.keyword_calls[0][1]
    assert (bounds.since_ts, bounds.latest_ts, bounds.outlets) == (since, until, ())


def test_outlet_filter_is_case_insensitive(retriever: HybridRetriever) -> None:
    sources = retriever.search("fishing deal", filters=Filters(sources=("reuters",)), as_of=AS_OF)
    assert sources and {source.source for source in sources} == {"Reuters"}


def test_outlet_filter_finds_stories_the_outlet_syndicated(
    retriever: HybridRetriever, index: MemoryIndex
) -> None:
    # BBC ran Reuters' fishing-deal story as a copy: the copy has no chunks of its own
    sources = retriever.search("fishing deal", filters=Filters(sources=("bbc",)), as_of=AS_OF)
    assert _ids(sources) == ["fish-deal"]
    assert sources[0].also_in == ("BBC", "The Guardian")
    assert index.dense_wheres[0] == {"$or": [
        {"source": {"$in": ["BBC"]}}, {"article_id": {"$in": ["fish-deal"]}}]}


def test_unknown_outlet_names_close_matches(retriever: HybridRetriever) -> None:
    with pytest.raises(InvalidQuestion, match=r"No outlet named 'Reuterz'.*'Reuters'"):
        retriever.search("fishing deal", filters=Filters(sources=("Reuterz",)))


def test_as_of_leaves_out_later_articles(retriever: HybridRetriever) -> None:
    assert "fish-future" not in _ids(retriever.search("sign fishing deal", as_of=AS_OF, k=10))
    later = datetime(2025, 4, 2, tzinfo=UTC)
    assert "fish-future" in _ids(retriever.search("sign fishing deal", as_of=later, k=10))


def test_without_as_of_undated_articles_are_found(
    settings: Settings, fake_embedder: FakeEmbedder, index: MemoryIndex
) -> None:
    retriever = HybridRetriever(settings=settings, embedder=fake_embedder, dense=index,
                                keyword=index)
    assert _ids(retriever.search("Herring stocks North Sea scientists"))[0] == "undated"


def test_question_time_words_prefer_their_period(
    settings: Settings, fake_embedder: FakeEmbedder, index: MemoryIndex
) -> None:
    question = "Fishing talks between the European Union and Britain this week?"

    def ranking(time_words: str) -> list[str]:
        retriever = HybridRetriever(settings=settings, embedder=fake_embedder, dense=index,
                                    keyword=index, time_words=time_words, recency_prior=0.0)
        return _ids(retriever.search(question, as_of=AS_OF, k=10))

    ignored, preferred, filtered = ranking("ignore"), ranking("prefer"), ranking("filter")
    assert ignored.index("fish-old") < ignored.index("fish-deal")
    assert preferred.index("fish-deal") < preferred.index("fish-old")
    assert "fish-old" not in filtered and filtered[0] == "fish-deal"


def test_time_words_are_dropped_from_the_keyword_query(
    retriever: HybridRetriever, index: MemoryIndex
) -> None:
    retriever.search("What happened to the fishing deal last week?", as_of=AS_OF)
    assert all(call[0] == {"happened", "fishing", "deal"} for call in index.keyword_calls)


def test_latest_questions_prefer_newer_articles(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    twins = [
        Story("old", "Storm hits coast", "AP", "2024-01-10",
              ("Storm on the coast: a storm hit the coast.",)),
        Story("new", "Storm hits coast", "AP", "2025-03-11", ("A storm hit the coast.",)),
    ]
    index = MemoryIndex(twins, fake_embedder)
    retriever = HybridRetriever(settings=settings, embedder=fake_embedder, dense=index,
                                keyword=index, recency_prior=0.0)
    plain = _ids(retriever.search("storm coast", as_of=AS_OF))
    latest = _ids(retriever.search("latest storm coast", as_of=AS_OF))
    assert plain[0] == "old"  # the better match
    assert latest[0] == "new"


def test_relevance_floor_returns_nothing(retriever: HybridRetriever) -> None:
    assert retriever.search("xylophone quasar marmalade", as_of=AS_OF) == []


def test_strong_keyword_match_passes_the_floor(
    settings: Settings, fake_embedder: FakeEmbedder, index: MemoryIndex
) -> None:
    strict = settings.with_overrides(relevance_floor=0.99)
    retriever = HybridRetriever(settings=strict, embedder=fake_embedder, dense=index,
                                keyword=index)
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
    assert where(outlets=["AP"], syndicated=["a1"]) == {"$or": [
        {"source": {"$in": ["AP"]}}, {"article_id": {"$in": ["a1"]}}]}
    assert where(syndicated=["a1"]) is None  # copies only widen an outlet filter
    assert where(1, 2, ["AP"]) == {"$and": [
        {"published_ts": {"$gte": 1}}, {"published_ts": {"$lte": 2}},
        {"source": {"$in": ["AP"]}},
    ]}
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
    from index.stores import open_stores

    embedder = FakeEmbedder(dimension=256)
    index.build([str(seed_story)], settings, embedder=embedder)
    with open_stores(settings) as stores:
        retriever = HybridRetriever.from_settings(settings, embedder=embedder, stores=stores)
        sources = retriever.search("What is the deadline for a deal on Kosovo?")
        assert [source.n for source in sources] == [1]
        assert sources[0].source == "Reuters"
        assert "December 10" in sources[0].text
        assert retriever.search("Kosovo", filters=Filters(sources=("reuters",)))
        assert retriever.search("xylophone quasar marmalade") == []
