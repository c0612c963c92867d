"""The SQLite catalog: manifest, chunk rows, sources, model check, stats, old-schema migrations."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from index.settings import Settings
from index.stores.catalog import Catalog, ChunkRecord, EmbeddingModelMismatch, ManifestEntry


def ts(day: int) -> int:
    return int(datetime(2025, 3, day, tzinfo=UTC).timestamp())


def metadata(article_id: str, index: int, source: str, day: int | None) -> dict:
    meta = {
        "article_id": article_id,
        "chunk_index": index,
        "title": f"Title {article_id}",
        "source": source,
        "url": "",
        "published": "",
        "authors": "",
        "place": "",
        "body_start": 0,
    }
    if day is not None:
        meta["published_ts"] = ts(day)
    return meta


def entry(article_id: str, outlet: str, day: int | None, **changes) -> ManifestEntry:
    fields = dict(
        id=article_id,
        content_hash=f"hash-{article_id}",
        origin=f"/news/{article_id}.txt",
        fingerprint=f"fp-{article_id}",
        title=f"Title {article_id}",
        outlet=outlet,
        published_ts=ts(day) if day else None,
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


def test_chunk_metadata_round_trips(catalog: Catalog) -> None:
    (kosovo,) = [c for c in catalog.chunks() if c.id == "kosovo#h#0"]
    assert kosovo.metadata["published_ts"] == ts(4)
    (poll,) = [c for c in catalog.chunks() if c.id == "poll#h#0"]
    assert "published_ts" not in poll.metadata  # undated: no key, not None


def test_commit_replaces_chunk_rows(catalog: Catalog) -> None:
    add(catalog, "kosovo", "Reuters", 4, ["Belgrade and Pristina", "second chunk"])
    assert catalog.chunk_ids_of(["kosovo"]) == ["kosovo#h#0", "kosovo#h#1"]
    texts = {c.id: c.text for c in catalog.chunks()}
    assert texts["kosovo#h#0"] == "Belgrade and Pristina"


def test_importing_a_known_chunk_replaces_its_row(catalog: Catalog) -> None:
    meta = metadata("wheat", 0, "Reuters", 10)
    catalog.import_chunks([ChunkRecord("wheat#h#0", "Barley prices", meta)])
    wheat = [c.text for c in catalog.chunks() if c.metadata["article_id"] == "wheat"]
    assert wheat == ["Barley prices"]
    assert catalog.chunk_count() == 4


def test_remove_deletes_manifest_and_chunks(catalog: Catalog) -> None:
    catalog.remove(["wheat"])
    assert catalog.entry("wheat") is None
    assert catalog.chunk_ids_of(["wheat"]) == []
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


def test_outlets_and_stats(catalog: Catalog) -> None:
    catalog.record_sources(["/news"])
    assert catalog.outlets() == ["AFP", "AP", "Reuters"]
    stats = catalog.stats()
    assert (stats.articles, stats.chunks, stats.duplicates) == (4, 4, 0)
    assert stats.outlets == {"Reuters": 2, "AFP": 1, "AP": 1}
    assert stats.first_published == datetime(2025, 3, 4, tzinfo=UTC)
    assert stats.last_published == datetime(2025, 3, 20, tzinfo=UTC)
    data = stats.to_dict()
    assert {
        "articles",
        "chunks",
        "sources",
        "first_published",
        "last_published",
        "last_indexed",
    } <= set(data)
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


# The chunk table and its FTS5 copy as catalogs written before the in-memory BM25 had them.
OLD_FTS_SCHEMA = """
CREATE TABLE chunks (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, article_id TEXT NOT NULL,
    chunk_index INTEGER NOT NULL, title TEXT NOT NULL, source TEXT NOT NULL, url TEXT NOT NULL,
    published TEXT NOT NULL, published_ts INTEGER, authors TEXT NOT NULL, place TEXT NOT NULL,
    body_start INTEGER NOT NULL, extra TEXT NOT NULL DEFAULT '{}', text TEXT NOT NULL
);
CREATE VIRTUAL TABLE chunks_fts USING fts5 (
    text, content='chunks', content_rowid='rowid', tokenize='porter unicode61'
);
CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts (rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
INSERT INTO chunks (id, article_id, chunk_index, title, source, url, published, authors, place,
                    body_start, text)
VALUES ('old#h#0', 'old', 0, 'Old', 'AP', '', '', '', '', 0, 'Written by an older version');
"""


def open_old(settings: Settings, script: str) -> Catalog:
    """The catalog of ``settings`` written by ``script`` (an older schema), then opened."""
    settings.catalog_path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(settings.catalog_path) as db:
        db.executescript(script)
    return Catalog.open(settings)


def test_opening_an_old_catalog_drops_its_fts5_copy(settings: Settings) -> None:
    catalog = open_old(settings, OLD_FTS_SCHEMA)
    try:
        names = {row[0] for row in catalog._fetchall("SELECT name FROM sqlite_master")}
        assert not {name for name in names if name.startswith("chunks_fts")}
        assert [c.text for c in catalog.chunks()] == ["Written by an older version"]
        add(catalog, "new", "AP", 1, ["Written after the migration"])  # no trigger left to fire
        catalog.remove(["old"])
        assert catalog.chunk_ids() == {"new#h#0"}
    finally:
        catalog.close()


# The manifest as catalogs written before ``exact_key`` was dropped had it (a NOT NULL column).
OLD_MANIFEST_SCHEMA = """
CREATE TABLE articles (
    id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, origin TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done')), chunk_ids TEXT NOT NULL DEFAULT '[]',
    canonical_id TEXT, fingerprint TEXT NOT NULL, exact_key TEXT NOT NULL, title TEXT NOT NULL,
    outlet TEXT NOT NULL, published_ts INTEGER, indexed_at REAL
);
CREATE INDEX articles_fingerprint ON articles (fingerprint);
INSERT INTO articles (id, content_hash, origin, state, chunk_ids, fingerprint, exact_key, title,
                      outlet)
VALUES ('old', 'hash-old', '/news/old.txt', 'done', '[]', 'fp-old', 'ek-old', 'Old', 'AP');
"""


def test_opening_an_old_catalog_drops_exact_key_and_keeps_its_articles(settings: Settings) -> None:
    catalog = open_old(settings, OLD_MANIFEST_SCHEMA)
    try:
        columns = {row[1] for row in catalog._fetchall("PRAGMA table_info(articles)")}
        assert "exact_key" not in columns
        assert catalog.entry("old").fingerprint == "fp-old"
        add(catalog, "new", "AP", 1, ["Written after the migration"])  # NOT NULL would refuse it
        assert catalog.entry("new").state == "done"
    finally:
        catalog.close()
    Catalog.open(settings).close()  # a second open finds nothing left to migrate
