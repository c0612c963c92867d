"""The SQLite catalog: manifest, FTS5 keyword search, sources, model check, stats."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from index.settings import Settings
from index.stores.catalog import Catalog, ChunkRecord, EmbeddingModelMismatch, ManifestEntry


def ts(day: int) -> int:
    return int(datetime(2025, 3, day, tzinfo=UTC).timestamp())


def metadata(article_id: str, index: int, source: str, day: int | None) -> dict:
    meta = {
        "article_id": article_id, "chunk_index": index, "title": f"Title {article_id}",
        "source": source, "url": "", "published": "", "authors": "", "place": "",
        "body_start": 0,
    }
    if day is not None:
        meta["published_ts"] = ts(day)
    return meta


def entry(article_id: str, outlet: str, day: int | None, **changes) -> ManifestEntry:
    fields = dict(
        id=article_id, content_hash=f"hash-{article_id}", origin=f"/news/{article_id}.txt",
        fingerprint=f"fp-{article_id}", exact_key=f"ek-{article_id}", title=f"Title {article_id}",
        outlet=outlet, published_ts=ts(day) if day else None,
    )
    fields.update(changes)
    return ManifestEntry(**fields)


def add(catalog: Catalog, article_id: str, outlet: str, day: int | None, texts: list[str]) -> None:
    records = [
        ChunkRecord(f"{article_id}#h#{i}", text, metadata(article_id, i, outlet, day))
        for i, text in enumerate(texts)
    ]
    catalog.mark_pending([entry(article_id, outlet, day, chunk_ids=tuple(r.id for r in records))])
    catalog.commit([article_id], records)


@pytest.fixture
def catalog(settings: Settings) -> Catalog:
    catalog = Catalog.open(settings)
    add(catalog, "kosovo", "Reuters", 4, ["Kosovo talks in Brussels on the province's status"])
    add(catalog, "wheat", "Reuters", 10, ["Wheat futures climb on dry weather in Kansas"])
    add(catalog, "storm", "AFP", 20, ["Typhoon forces evacuations; talks on relief"])
    add(catalog, "poll", "AP", None, ["Electoral commission sets a date for talks and polls"])
    yield catalog
    catalog.close()


def test_schema_uses_wal(catalog: Catalog) -> None:
    assert catalog._fetchall("PRAGMA journal_mode")[0][0] == "wal"


def test_keyword_search_ranks_by_bm25(catalog: Catalog) -> None:
    hits = catalog.keyword_search("What did the talks in Brussels decide about Kosovo?", 10)
    assert hits[0].metadata["article_id"] == "kosovo"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].score > 0
    assert hits[0].metadata["published_ts"] == ts(4)


def test_keyword_search_stems_words(catalog: Catalog) -> None:
    assert catalog.keyword_search("climbing", 5)[0].metadata["article_id"] == "wheat"


@pytest.mark.parametrize(
    "query",
    ['"', "'", 'talks"', "NOT talks", "talks AND", "(talks", "talks OR", "NEAR(talks kosovo)",
     "title:talks", "talks*", "^talks", "-talks", "a:b:c", "{talks}", "talks -- ;", "😀 talks",
     "AND OR NOT", "", "   ", "???", "the of and", "talks_", "_"],
)
def test_keyword_search_never_raises_on_user_text(catalog: Catalog, query: str) -> None:
    catalog.keyword_search(query, 5)  # no sqlite3.OperationalError (FTS syntax)


def test_keyword_search_filters(catalog: Catalog) -> None:
    def ids(**filters) -> set[str]:
        return {h.metadata["article_id"] for h in catalog.keyword_search("talks", 10, **filters)}

    assert ids() == {"kosovo", "storm", "poll"}
    assert ids(since_ts=ts(5)) == {"storm"}  # undated "poll" is excluded by a date filter
    assert ids(until_ts=ts(4)) == {"kosovo"}  # inclusive
    assert ids(sources=["afp", "AP"]) == {"storm", "poll"}  # case-insensitive outlets
    assert "published_ts" not in catalog.keyword_search("polls", 1)[0].metadata


def test_commit_replaces_chunk_rows(catalog: Catalog) -> None:
    add(catalog, "kosovo", "Reuters", 4, ["Belgrade and Pristina", "second chunk"])
    assert catalog.chunk_ids_of(["kosovo"]) == ["kosovo#h#0", "kosovo#h#1"]
    assert not catalog.keyword_search("Brussels", 5)
    assert catalog.keyword_search("Pristina", 5)[0].chunk_id == "kosovo#h#0"


def test_replacing_a_chunk_row_replaces_its_fts_row(catalog: Catalog) -> None:
    meta = metadata("wheat", 0, "Reuters", 10)
    catalog.import_chunks([ChunkRecord("wheat#h#0", "Barley prices", meta)])
    assert not catalog.keyword_search("Kansas", 5)
    assert catalog.keyword_search("barley", 5)[0].chunk_id == "wheat#h#0"
    catalog._db.execute("INSERT INTO chunks_fts (chunks_fts) VALUES ('integrity-check')")


def test_remove_deletes_manifest_chunks_and_fts(catalog: Catalog) -> None:
    catalog.remove(["wheat"])
    assert catalog.entry("wheat") is None
    assert not catalog.keyword_search("wheat", 5)
    assert catalog.chunk_count() == 3


def test_generation_grows_with_every_write(catalog: Catalog) -> None:
    before = catalog.generation()
    add(catalog, "new", "AP", 1, ["text"])
    catalog.remove(["new"])
    assert catalog.generation() == before + 2


def test_pending_until_committed(settings: Settings) -> None:
    catalog = Catalog.open(settings)
    catalog.mark_pending([entry("a", "AP", 1)])
    assert catalog.pending_ids() == ["a"]
    catalog.commit(["a"], [])
    assert catalog.pending_ids() == []
    assert catalog.entry("a").state == "done"


def test_also_in_lists_copies_outlets(catalog: Catalog) -> None:
    copy = entry("kosovo-ap", "AP", 4, fingerprint="fp-kosovo", canonical_id="kosovo")
    same_outlet = entry("kosovo-2", "Reuters", 4, fingerprint="fp-kosovo", canonical_id="kosovo")
    catalog.mark_pending([copy, same_outlet])
    catalog.commit([copy.id, same_outlet.id], [])
    assert catalog.also_in(["kosovo", "wheat"]) == {"kosovo": ["AP"]}
    assert catalog.find_canonical("fp-kosovo", "kosovo-ap").id == "kosovo"


def test_copies_are_unlinked_when_their_canonical_goes(catalog: Catalog) -> None:
    copy = entry("kosovo-ap", "AP", 4, fingerprint="fp-kosovo", canonical_id="kosovo")
    catalog.mark_pending([copy])
    catalog.commit([copy.id], [])
    assert catalog.remove(["kosovo"]) == [("kosovo-ap", "/news/kosovo-ap.txt")]
    assert catalog.entry("kosovo-ap") is None


def test_outlets_that_only_ran_copies_filter_to_the_originals(catalog: Catalog) -> None:
    copy = entry("kosovo-bbc", "BBC", 4, fingerprint="fp-kosovo", canonical_id="kosovo")
    catalog.mark_pending([copy])
    catalog.commit([copy.id], [])
    assert catalog.outlets() == ["AFP", "AP", "BBC", "Reuters"]
    assert catalog.syndicated_in(["bbc"]) == ["kosovo"]
    assert catalog.syndicated_in(["Reuters", "AP"]) == []
    assert catalog.syndicated_rowids(["BBC"]) == [
        row[0] for row in catalog._fetchall("SELECT rowid FROM chunks WHERE article_id='kosovo'")]
    found = {h.metadata["article_id"] for h in catalog.keyword_search("talks", 10, sources=["BBC"])}
    assert found == {"kosovo"}
    found = catalog.keyword_search("talks", 10, sources=["bbc", "afp"])
    assert {h.metadata["article_id"] for h in found} == {"kosovo", "storm"}


def test_outlets_and_stats(catalog: Catalog) -> None:
    catalog.record_sources(["/news"])
    assert catalog.outlets() == ["AFP", "AP", "Reuters"]
    stats = catalog.stats()
    assert (stats.articles, stats.chunks, stats.duplicates) == (4, 4, 0)
    assert stats.outlets == {"Reuters": 2, "AFP": 1, "AP": 1}
    assert stats.first_published == datetime(2025, 3, 4, tzinfo=UTC)
    assert stats.last_published == datetime(2025, 3, 20, tzinfo=UTC)
    data = stats.to_dict()
    assert {"articles", "chunks", "sources", "first_published", "last_published",
            "last_indexed"} <= set(data)
    assert data["first_published"] == "2025-03-04T00:00:00+00:00"
    assert data["inputs"] == ["/news"]


def test_embedding_model_is_recorded_and_never_mixed(settings: Settings) -> None:
    catalog = Catalog.open(settings)
    assert catalog.embedding_model() is None
    catalog.check_embedding_model("mini@onnx-int8", 384)
    catalog.check_embedding_model("mini@torch", 384)  # same model, other runtime: fine
    assert catalog.embedding_model() == ("mini@onnx-int8", 384)
    with pytest.raises(EmbeddingModelMismatch, match="newsdesk index clear"):
        catalog.check_embedding_model("bge-small", 384)
    with pytest.raises(EmbeddingModelMismatch, match="--home"):
        catalog.check_embedding_model("mini@onnx-int8", 768)


def test_sources_recorded_once_in_order(settings: Settings) -> None:
    catalog = Catalog.open(settings)
    catalog.record_sources(["/b", "/a"])
    catalog.record_sources(["/a", "https://example.com/feed.xml"])
    assert set(catalog.recorded_sources()) == {"/a", "/b", "https://example.com/feed.xml"}
    assert len(catalog.recorded_sources()) == 3


def test_recent_articles_newest_first_canonical_and_done_only(catalog: Catalog) -> None:
    copy = entry("storm-ap", "AP", 21, fingerprint="fp-storm", canonical_id="storm")
    catalog.mark_pending([copy, entry("draft", "AFP", 25)])
    catalog.commit([copy.id], [])  # "draft" stays pending

    recent = catalog.recent_articles(10)

    assert [a.article_id for a in recent] == ["storm", "wheat", "kosovo", "poll"]
    assert (recent[0].title, recent[0].outlet) == ("Title storm", "AFP")
    assert recent[0].published == datetime(2025, 3, 20, tzinfo=UTC)
    assert recent[-1].published is None
    assert [a.article_id for a in catalog.recent_articles(2)] == ["storm", "wheat"]
