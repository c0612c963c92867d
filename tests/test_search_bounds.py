"""One contract for search bounds, run against every implementation of the index's searches.

As haystack's ``testing/document_store.py`` holds every document store to one suite: the real
stores (``ChromaStore`` for dense search, ``KeywordIndex`` for keyword search), the
``IndexReader`` the answering side uses, and the in-memory double ``index.memory.MemoryIndex``
(built from the same stored chunks) must all keep dates, outlets, the as-of cut and syndicated
copies alike. Written against the public search interface only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import index
from index.fakes import FakeEmbedder
from index.memory import MemoryIndex
from index.reader import IndexReader, SearchBounds, StoredHit
from index.settings import Settings
from index.stores import open_stores

# (file stem, outlet, published or "" for undated, body); reuters_copy is AP's copy of reuters
_LEDE = "{place} ({outlet}) - Dock workers at the harbour {what}, union leaders said on {day}. "
_FILLER = (
    "Container ships waited outside the harbour while talks went on, and shipping agents said "
    "the delays were already costing exporters money. The port authority said it would publish "
    "new figures on cargo volumes later in the week, and ministers called for calm. "
)
CORPUS = [
    ("reuters", "Reuters", "2025-03-04T09:00:00+00:00", "walked out over pay", "Tuesday"),
    ("reuters_copy", "AP", "2025-03-05T10:00:00+00:00", "walked out over pay", "Tuesday"),
    ("bbc", "BBC", "2025-03-10T12:00:00+00:00", "returned to work", "Monday"),
    ("dpa_old", "dpa", "2024-06-01T08:00:00+00:00", "threatened a strike", "Saturday"),
    ("guardian_undated", "Guardian", "", "asked for new cranes", "Friday"),
    ("reuters_late", "Reuters", "2025-03-20T08:00:00+00:00", "signed a deal", "Thursday"),
]
INDEXED = {"reuters", "bbc", "dpa_old", "guardian_undated", "reuters_late"}  # the copy: linked


def ts(moment: str) -> int:
    return int(datetime.fromisoformat(moment).replace(tzinfo=UTC).timestamp())


@dataclass
class Searches:
    """One implementation under test: its dense and keyword search (and article facts)."""

    name: str
    dense: Any  # .query(embedding, n, bounds)
    keyword: Any  # .search(terms, n, bounds, articles=), .outlets(), .also_in(), ...
    article_ids: dict[str, str]  # file stem -> article id


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, FakeEmbedder]:
    folder = tmp_path_factory.mktemp("bounds-news")
    for stem, outlet, published, what, day in CORPUS:
        body = _LEDE.format(place="ROTTERDAM", outlet=outlet, what=what, day=day) + _FILLER
        if stem == "reuters_copy":  # the same story as syndication leaves it
            body = _LEDE.format(place="ROTTERDAM", outlet="AP", what=what, day=day) + _FILLER
        date = f"date: {published}\n" if published else ""
        title = f"Harbour workers {what}"
        (folder / f"{stem}.md").write_text(
            f"---\ntitle: {title}\n{date}source: {outlet}\n---\n{title}\n\n{body}\n"
        )
    settings = Settings(home=tmp_path_factory.mktemp("bounds-home"), chroma_url=None)
    embedder = FakeEmbedder(dimension=128)
    report = index.build([folder], settings, embedder=embedder)
    assert (report.new, report.duplicates) == (5, 1), report
    return settings, embedder


@pytest.fixture(scope="module", params=["stores", "reader", "memory"])
def searches(request: pytest.FixtureRequest, built: tuple[Settings, Any]) -> Iterator[Searches]:
    settings, embedder = built
    with open_stores(settings) as stores:
        hits = stores.chroma.get(sorted(stores.chroma.ids()))
        ids = {Path(hit.metadata["article_id"]).stem: hit.metadata["article_id"] for hit in hits}
        if request.param == "stores":
            yield Searches("stores", stores.chroma, stores.keyword, ids)
        elif request.param == "reader":
            with IndexReader.open(settings) as reader:
                yield Searches("reader", reader, reader, ids)
        else:
            copies = stores.catalog.also_in(list(ids.values()))
            vectors = embedder.embed([hit.text for hit in hits])
            memory = MemoryIndex(hits, vectors, syndicated=copies)
            yield Searches("memory", memory, memory, ids)


def found(searches: Searches, search: str, bounds: SearchBounds) -> set[str]:
    """The file stems of the articles a search returns within ``bounds``."""
    if search == "dense":
        vector = FakeEmbedder(dimension=128).embed(["harbour workers strike"])[0]
        return _stems(searches.dense.query(np.asarray(vector), 50, bounds))
    result = searches.keyword.search(["harbour"], 50, bounds, articles=50)
    assert _stems(result.articles) == _stems(result.chunks)  # one chunk per article here
    return _stems(result.chunks)


def _stems(hits: list[StoredHit]) -> set[str]:
    return {Path(hit.metadata["article_id"]).stem for hit in hits}


BOTH = pytest.mark.parametrize("search", ["dense", "keyword"])


@BOTH
def test_no_bounds_find_every_indexed_article_once(searches: Searches, search: str) -> None:
    assert found(searches, search, SearchBounds()) == INDEXED


@BOTH
def test_a_date_range_is_inclusive_and_leaves_undated_articles_out(
    searches: Searches, search: str
) -> None:
    march = SearchBounds(since_ts=ts("2025-03-01T00:00:00"), until_ts=ts("2025-03-15T00:00:00"))
    assert found(searches, search, march) == {"reuters", "bbc"}
    exact = SearchBounds(since_ts=ts("2025-03-10T12:00:00"), until_ts=ts("2025-03-10T12:00:00"))
    assert found(searches, search, exact) == {"bbc"}


@BOTH
def test_open_ended_ranges(searches: Searches, search: str) -> None:
    since = SearchBounds(since_ts=ts("2025-03-05T00:00:00"))
    assert found(searches, search, since) == {"bbc", "reuters_late"}
    until = SearchBounds(until_ts=ts("2025-03-05T00:00:00"))
    assert found(searches, search, until) == {"reuters", "dpa_old"}


@BOTH
def test_outlets_as_the_index_spells_them(searches: Searches, search: str) -> None:
    assert found(searches, search, SearchBounds(outlets=("BBC",))) == {"bbc"}
    assert found(searches, search, SearchBounds(outlets=("Reuters", "dpa"))) == {
        "reuters",
        "reuters_late",
        "dpa_old",
    }
    late = SearchBounds(since_ts=ts("2025-03-15T00:00:00"), outlets=("Reuters",))
    assert found(searches, search, late) == {"reuters_late"}


@BOTH
def test_a_syndicated_copy_lets_its_outlet_find_the_original(
    searches: Searches, search: str
) -> None:
    assert found(searches, search, SearchBounds(outlets=("AP",))) == set()
    original = searches.article_ids["reuters"]
    copied = SearchBounds(outlets=("AP",), syndicated=(original,))
    assert found(searches, search, copied) == {"reuters"}
    assert found(searches, search, SearchBounds(syndicated=(original,))) == INDEXED  # no outlets


def test_the_as_of_cut_keeps_undated_articles_in_dense_search_only(searches: Searches) -> None:
    cut = SearchBounds(cut_ts=ts("2025-03-12T00:00:00"))
    assert found(searches, "dense", cut) == {"reuters", "bbc", "dpa_old", "guardian_undated"}
    assert found(searches, "keyword", cut) == {"reuters", "bbc", "dpa_old"}


@BOTH
def test_the_as_of_cut_and_a_range_take_the_stricter_end(searches: Searches, search: str) -> None:
    both = SearchBounds(until_ts=ts("2025-03-05T00:00:00"), cut_ts=ts("2025-03-12T00:00:00"))
    assert found(searches, search, both) == {"reuters", "dpa_old"}
    cut_first = SearchBounds(
        since_ts=ts("2025-03-01T00:00:00"),
        until_ts=ts("2025-03-31T00:00:00"),
        cut_ts=ts("2025-03-12T00:00:00"),
    )
    assert found(searches, search, cut_first) == {"reuters", "bbc"}


def test_article_facts_name_the_copies(searches: Searches) -> None:
    facts = searches.keyword
    original, bbc = searches.article_ids["reuters"], searches.article_ids["bbc"]
    assert facts.outlets() == ["AP", "BBC", "dpa", "Guardian", "Reuters"]  # case ignored
    assert facts.also_in([original, bbc]) == {original: ["AP"]}
    assert facts.syndicated_in(["ap"]) == [original]
    assert facts.syndicated_in(["BBC"]) == []


def test_keyword_terms_ignore_case(searches: Searches) -> None:
    hits = searches.keyword.search(["HARBOUR", "Dock"], 50, articles=50)
    assert _stems(hits.chunks) == _stems(hits.articles) == INDEXED


def test_a_search_for_nothing_returns_nothing(searches: Searches) -> None:
    vector = np.asarray(FakeEmbedder(dimension=128).embed(["harbour"])[0])
    assert searches.dense.query(vector, 0) == []
    empty = searches.keyword.search(["harbour"], 0, articles=0)
    assert (empty.chunks, empty.articles) == ([], [])
    assert searches.keyword.search(["xylophone"], 10).chunks == []


def test_a_date_window_searched_by_catalog_ids_equals_chromas_own_filter(
    built: tuple[Settings, Any],
) -> None:
    """The reader restricts a narrow window's dense search to the ids the catalog finds in it
    (Chroma's range filter scans every chunk's metadata); both must return the same hits."""
    settings, embedder = built
    march = SearchBounds(since_ts=ts("2025-03-01T00:00:00"), until_ts=ts("2025-03-15T00:00:00"))
    with open_stores(settings) as stores:
        ids = stores.catalog.chunk_ids_published(march.since_ts, march.until_ts, most=100)
        assert ids is not None
        assert {Path(a).stem for a in stores.catalog.articles_of_chunks(ids)} == {"reuters", "bbc"}
        assert (
            stores.catalog.chunk_ids_published(march.since_ts, march.until_ts, len(ids) - 1) is None
        )
        assert stores.catalog.chunk_ids_published(None, None, most=100) is None
        vector = np.asarray(embedder.embed(["harbour workers strike"])[0])
        by_filter = stores.chroma.query(vector, 50, march)
        by_ids = stores.chroma.query(vector, 50, march, within=ids)
        assert [hit.chunk_id for hit in by_ids] == [hit.chunk_id for hit in by_filter]
        assert len(by_ids) == len(ids)
        assert stores.chroma.query(vector, 50, march, within=[]) == []
        outlet = SearchBounds(since_ts=march.since_ts, until_ts=march.until_ts, outlets=("BBC",))
        assert _stems(stores.chroma.query(vector, 50, outlet, within=ids)) == {"bbc"}
