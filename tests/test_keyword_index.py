"""The BM25 keyword index: ranking, filters, freshness (its sync: ``test_keyword_sync``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.settings import Settings
from index.stores.bounds import SearchBounds
from index.stores.catalog import Catalog
from index.stores.keyword_index import KeywordHits, KeywordIndex
from index.stores.records import StoredHit
from index.text import bare_words
from tests.test_stores_catalog import add, entry, ts
from tests.test_stores_catalog import catalog as catalog  # the same four stories


@pytest.fixture
def keyword(catalog: Catalog, settings: Settings) -> KeywordIndex:
    return KeywordIndex(catalog, settings.keyword_path)


def search(
    keyword: KeywordIndex,
    query: str,
    n: int,
    *,
    articles: int | None = None,
    sources=(),
    **bounds,
) -> KeywordHits:
    """Search the words of ``query``; outlets match the stories they syndicated, as in use."""
    outlets = tuple(sources)
    copies = tuple(keyword.syndicated_in(outlets)) if outlets else ()
    within = SearchBounds(outlets=outlets, syndicated=copies, **bounds)
    return keyword.search(bare_words(query), n, within, articles=articles)


def chunks(keyword: KeywordIndex, query: str, n: int, **bounds) -> list[StoredHit]:
    return search(keyword, query, n, **bounds).chunks


def articles(keyword: KeywordIndex, query: str, n: int, **bounds) -> list[StoredHit]:
    return search(keyword, query, 0, articles=n, **bounds).articles


def ids(keyword: KeywordIndex, query: str, **bounds) -> set[str]:
    return {hit.metadata["article_id"] for hit in chunks(keyword, query, 10, **bounds)}


def test_ranks_by_bm25_with_catalog_metadata(keyword: KeywordIndex) -> None:
    hits = chunks(keyword, "What did the talks in Brussels decide about Kosovo?", 10)
    assert hits[0].chunk_id == "kosovo#h#0"
    assert hits[0].metadata["published_ts"] == ts(4)
    assert hits[0].text == "Kosovo talks in Brussels on the province's status"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.score > 0 for h in hits)
    assert len(chunks(keyword, "talks", 2)) == 2


def test_keeps_numbers_and_accented_words(keyword: KeywordIndex, catalog: Catalog) -> None:
    add(catalog, "vote", "AFP", 12, ["Macron et l'élection de 2025"])
    assert ids(keyword, "élection") == {"vote"}
    assert ids(keyword, "2025") == {"vote"}
    assert ids(keyword, "the who") == set()  # only stopwords: nothing to match


def test_stems_words_and_ignores_unknown_ones(keyword: KeywordIndex) -> None:
    assert chunks(keyword, "climbing", 5)[0].metadata["article_id"] == "wheat"
    assert chunks(keyword, "zeppelin", 5) == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "???",
        "the of and",
        '"(talks',
        "😀",
        "NEAR(talks kosovo)",
        "_",
        '"',
        "talks*",
        "NOT talks",
        "title:talks",
        "a:b:c",
        "{talks}",
        "talks -- ;",
        "AND OR NOT",
        "talks_",
    ],
)
def test_user_text_never_raises(keyword: KeywordIndex, query: str) -> None:
    assert isinstance(chunks(keyword, query, 5), list)


def test_filters(keyword: KeywordIndex) -> None:
    assert ids(keyword, "talks") == {"kosovo", "storm", "poll"}
    assert ids(keyword, "talks", since_ts=ts(5)) == {"storm"}  # undated "poll" excluded
    assert ids(keyword, "talks", until_ts=ts(4)) == {"kosovo"}  # inclusive
    assert ids(keyword, "talks", sources=["afp", "AP"]) == {"storm", "poll"}  # any case
    assert ids(keyword, "talks", since_ts=ts(1), until_ts=ts(30), sources=["reuters"]) == {"kosovo"}
    assert ids(keyword, "talks", sources=["Le Monde"]) == set()


def test_outlet_filter_includes_stories_the_outlet_syndicated(
    keyword: KeywordIndex, catalog: Catalog
) -> None:
    copy = entry("storm-bbc", "BBC", 20, fingerprint="fp-storm", canonical_id="storm")
    catalog.mark_pending([copy])
    catalog.commit([copy.id], [])
    assert ids(keyword, "talks", sources=["bbc"]) == {"storm"}
    assert ids(keyword, "talks", sources=["BBC", "AP"]) == {"storm", "poll"}
    assert ids(keyword, "talks", sources=["bbc"], until_ts=ts(10)) == set()
    assert ids(keyword, "talks", sources=["BBC", "ap"], since_ts=ts(1)) == {"storm"}
    found = articles(keyword, "talks", 10, sources=["bbc"])
    assert [hit.metadata["article_id"] for hit in found] == ["storm"]
    assert keyword.syndicated_in(["BBC"]) == ["storm"]


def test_date_bounds_keep_articles_before_1970(keyword: KeywordIndex, catalog: Catalog) -> None:
    add(catalog, "moon", "AP", None, ["Apollo talks at Houston"])
    catalog._db.execute("UPDATE chunks SET published_ts = -1000000 WHERE article_id = 'moon'")
    catalog._db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
    assert ids(keyword, "Apollo", until_ts=ts(30)) == {"moon"}  # negative epoch seconds
    assert ids(keyword, "Apollo", since_ts=0) == set()


def test_article_search_ranks_whole_stories(catalog: Catalog, keyword: KeywordIndex) -> None:
    add(
        catalog,
        "summit",
        "AP",
        12,
        [
            "Leaders meet in Brussels. The talks began on Monday.",
            "Talks on trade went on late. More talks are planned, and talks on energy follow.",
        ],
    )
    hits = articles(keyword, "talks", 10)
    assert hits[0].metadata["article_id"] == "summit"  # four mentions across the story
    assert hits[0].chunk_id == "summit#h#1"  # its passage that matches best
    assert len({hit.metadata["article_id"] for hit in hits}) == len(hits)  # one per article
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert {
        h.metadata["article_id"]
        for h in articles(keyword, "talks", 10, **{"since_ts": ts(5), "sources": ["ap"]})
    } == {"summit"}  # undated "poll" excluded
    assert articles(keyword, "zeppelin", 5) == []
    assert len(articles(keyword, "talks", 2)) == 2


def test_article_search_with_filters_that_exclude_every_match(keyword: KeywordIndex) -> None:
    assert articles(keyword, "talks", 10, sources=["Le Monde"]) == []
    assert articles(keyword, "talks", 10, since_ts=ts(31)) == []  # after every story


def test_sees_writes_made_after_it_was_built(keyword: KeywordIndex, catalog: Catalog) -> None:
    assert ids(keyword, "talks") == {"kosovo", "storm", "poll"}
    add(catalog, "kosovo", "Reuters", 4, ["Belgrade and Pristina agree on a border"])
    catalog.remove(["storm"])
    assert ids(keyword, "talks") == {"poll"}
    assert ids(keyword, "Pristina") == {"kosovo"}


def test_a_new_catalog_never_reads_an_old_snapshot(settings: Settings) -> None:
    first = Catalog.open(settings)
    add(first, "kosovo", "Reuters", 4, ["Kosovo talks in Brussels"])
    KeywordIndex(first, settings.keyword_path).refresh()
    first.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{settings.catalog_path}{suffix}").unlink(missing_ok=True)
    second = Catalog.open(settings)
    add(second, "wheat", "Reuters", 10, ["Wheat futures in Kansas"])  # the same generation
    try:
        assert ids(KeywordIndex(second, settings.keyword_path), "Kosovo Kansas") == {"wheat"}
    finally:
        second.close()


def test_empty_catalog_finds_nothing(settings: Settings) -> None:
    catalog = Catalog.open(settings)
    try:
        assert chunks(KeywordIndex(catalog, settings.keyword_path), "talks", 5) == []
    finally:
        catalog.close()


def test_outlets_and_copies_come_from_the_catalog(keyword: KeywordIndex) -> None:
    assert keyword.outlets() == keyword.catalog.outlets()
    assert keyword.also_in(["kosovo"]) == {}


def test_one_search_gives_chunks_and_articles_within_the_as_of_cut(
    keyword: KeywordIndex,
) -> None:
    hits = search(keyword, "talks", 10, articles=2)
    assert len(hits.articles) == 2 and len(hits.chunks) == 3
    assert (
        search(keyword, "talks", 10).articles
        == search(keyword, "talks", 10, articles=5).articles[:5]
    )
    cut = search(keyword, "talks", 10, cut_ts=ts(10))
    assert {h.metadata["article_id"] for h in cut.chunks} == {"kosovo"}  # undated "poll" cut
    assert {h.metadata["article_id"] for h in cut.articles} == {"kosovo"}
    assert search(keyword, "talks", 10, until_ts=ts(30), cut_ts=ts(4)).chunks[0].chunk_id == (
        "kosovo#h#0"
    )
