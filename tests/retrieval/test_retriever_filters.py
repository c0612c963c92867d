"""Hybrid retrieval over in-memory fakes: date, outlet and as-of filters, and time words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.filters import Filters
from assistant.retriever import HybridRetriever
from index.errors import InvalidQuestion
from index.fakes import FakeEmbedder
from index.settings import Settings
from tests.retrieval.stories import (
    AS_OF,
    MemoryIndex,
    Story,
    _ids,
)


def test_explicit_date_filters_are_hard(retriever: HybridRetriever, index: MemoryIndex) -> None:
    filters = Filters.parse(since="2024-01-01", until="2024-12-31")
    sources = retriever.search("fishing deal Brussels", filters=filters, as_of=AS_OF)
    assert _ids(sources) == ["fish-old"]
    since, until = (
        int(datetime(2024, 1, 1, tzinfo=UTC).timestamp()),
        int(datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()),
    )
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
    assert index.dense_wheres[0] == {
        "$or": [{"source": {"$in": ["BBC"]}}, {"article_id": {"$in": ["fish-deal"]}}]
    }


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
    retriever = HybridRetriever(
        settings=settings, embedder=fake_embedder, dense=index, keyword=index
    )
    assert _ids(retriever.search("Herring stocks North Sea scientists"))[0] == "undated"


def test_question_time_words_prefer_their_period(
    settings: Settings, fake_embedder: FakeEmbedder, index: MemoryIndex
) -> None:
    question = "Fishing talks between the European Union and Britain this week?"

    def ranking(time_words: str) -> list[str]:
        retriever = HybridRetriever(
            settings=settings,
            embedder=fake_embedder,
            dense=index,
            keyword=index,
            time_words=time_words,
            recency_prior=0.0,
        )
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
        Story(
            "old",
            "Storm hits coast",
            "AP",
            "2024-01-10",
            ("Storm on the coast: a storm hit the coast.",),
        ),
        Story("new", "Storm hits coast", "AP", "2025-03-11", ("A storm hit the coast.",)),
    ]
    index = MemoryIndex(twins, fake_embedder)
    retriever = HybridRetriever(
        settings=settings, embedder=fake_embedder, dense=index, keyword=index, recency_prior=0.0
    )
    plain = _ids(retriever.search("storm coast", as_of=AS_OF))
    latest = _ids(retriever.search("latest storm coast", as_of=AS_OF))
    assert plain[0] == "old"  # the better match
    assert latest[0] == "new"


def test_the_period_asked_about_is_searched_even_when_older_stories_fill_the_candidates(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    """Eight older stories match the question better than the week's story does; with five
    candidates per search the week's story is found only by the searches inside the week."""
    older = [
        Story(
            f"strike-{year}",
            "Dock workers strike over pay at the port",
            "AP",
            f"{year}-05-01",
            ("Dock workers went on strike over pay at the port of Rotterdam.",),
        )
        for year in range(2015, 2023)
    ]
    this_week = Story(
        "strike-now",
        "Rotterdam harbour halted",
        "Reuters",
        "2025-03-11",
        (
            "Dock workers at the port of Rotterdam began a strike over pay on Tuesday, halting "
            "container ships, ferries, cranes and trucks across the harbour.",
        ),
    )
    index = MemoryIndex([*older, this_week], fake_embedder)
    retriever = HybridRetriever(
        settings=settings.model_copy(update={"candidates": 5}),
        embedder=fake_embedder,
        dense=index,
        keyword=index,
        recency_prior=0.0,
    )
    question = "Which port did dock workers strike over pay at this week?"
    assert "strike-now" in _ids(retriever.search(question, as_of=AS_OF, k=9))
    plain = question.replace(" this week", "")
    assert "strike-now" not in _ids(retriever.search(plain, as_of=AS_OF, k=9))
