"""Repair (writer) and catch-up (reader): the catalog and Chroma brought back in step."""

from __future__ import annotations

import pytest

from index.fakes import FakeEmbedder
from index.settings import Settings
from index.stores import Stores, open_stores
from index.stores.catalog import ChunkRecord, ManifestEntry
from index.stores.repair import catch_up, repair


def chunk(article_id: str, index: int, text: str) -> ChunkRecord:
    return ChunkRecord(
        f"{article_id}#h#{index}",
        text,
        {
            "article_id": article_id,
            "chunk_index": index,
            "title": article_id,
            "source": "AP",
            "url": "",
            "published": "",
            "authors": "",
            "place": "",
            "body_start": 0,
            "content_hash": f"hash-{article_id}",
            "origin": f"/news/{article_id}.txt",
        },
    )


def entry(article_id: str, chunks: list[ChunkRecord]) -> ManifestEntry:
    return ManifestEntry(
        id=article_id,
        content_hash=f"hash-{article_id}",
        origin=f"/news/{article_id}.txt",
        fingerprint=f"fp-{article_id}",
        title=article_id,
        outlet="AP",
        published_ts=None,
        chunk_ids=tuple(c.id for c in chunks),
    )


def write_chroma(stores: Stores, records: list[ChunkRecord]) -> None:
    vectors = FakeEmbedder().embed([r.text for r in records])
    stores.chroma.upsert(
        [r.id for r in records], vectors, [r.text for r in records], [r.metadata for r in records]
    )


def index_article(stores: Stores, article_id: str, texts: list[str]) -> list[ChunkRecord]:
    records = [chunk(article_id, i, text) for i, text in enumerate(texts)]
    stores.catalog.mark_pending([entry(article_id, records)])
    write_chroma(stores, records)
    stores.catalog.commit([article_id], records)
    return records


@pytest.fixture
def stores(settings: Settings) -> Stores:
    with open_stores(settings) as stores:
        index_article(stores, "a", ["alpha one", "alpha two"])
        index_article(stores, "b", ["bravo"])
        yield stores


def in_step(stores: Stores) -> bool:
    return stores.chroma.ids() == stores.catalog.chunk_ids()


def test_nothing_to_do(stores: Stores) -> None:
    assert not repair(stores).changed


def test_pending_article_is_removed_everywhere(stores: Stores) -> None:
    records = [chunk("c", 0, "charlie")]
    stores.catalog.mark_pending([entry("c", records)])
    write_chroma(stores, records)  # crash before the commit
    report = repair(stores)
    assert report.pending == 1
    assert stores.catalog.entry("c") is None
    assert stores.chroma.ids() == {"a#h#0", "a#h#1", "b#h#0"}
    assert in_step(stores)


def test_pending_change_removes_old_and_new_chunks(stores: Stores) -> None:
    new = [chunk("a", 5, "alpha changed")]
    stores.catalog.mark_pending([entry("a", new)])
    stores.chroma.delete(["a#h#0"])  # crash half-way through replacing "a"
    write_chroma(stores, new)
    repair(stores)
    assert stores.catalog.entry("a") is None
    assert stores.chroma.ids() == {"b#h#0"}
    assert in_step(stores)


def test_orphan_chunk_of_a_known_article_is_deleted(stores: Stores) -> None:
    write_chroma(stores, [chunk("a", 9, "stale")])
    assert repair(stores).orphans == 1
    assert in_step(stores)
    assert stores.catalog.entry("a").state == "done"


def test_article_with_missing_chunks_is_dropped(stores: Stores) -> None:
    stores.chroma.delete(["a#h#1"])
    report = repair(stores)
    assert report.incomplete == 1
    assert stores.catalog.entry("a") is None
    assert stores.chroma.ids() == {"b#h#0"}
    assert in_step(stores)


def test_articles_only_chroma_knows_are_imported(stores: Stores) -> None:
    write_chroma(stores, [chunk("z", 0, "zulu written by another process")])
    assert repair(stores).imported == 1
    assert stores.catalog.entry("z").content_hash == "hash-z"
    assert stores.keyword.search(["zulu"], 3).chunks[0].chunk_id == "z#h#0"
    assert in_step(stores)


def test_catch_up_never_writes_to_chroma(settings: Settings, stores: Stores, tmp_path) -> None:
    replica_settings = settings.with_overrides(home=tmp_path / "replica")
    replica = open_stores(replica_settings)
    replica.chroma = stores.chroma  # a second home on the same (shared) collection
    assert catch_up(replica).imported == 2
    assert replica.catalog.chunk_ids() == stores.chroma.ids()
    assert replica.keyword.search(["bravo"], 3).chunks[0].chunk_id == "b#h#0"

    stores.chroma.delete_articles(["b"])  # the writer removed "b"
    index_article(stores, "a", ["alpha new"])  # ... and rewrote "a" (ids unchanged)
    stores.chroma.delete(["a#h#1"])
    before = stores.chroma.ids()
    catch_up(replica)
    assert stores.chroma.ids() == before
    assert replica.catalog.chunk_ids() == {"a#h#0"}
    assert replica.keyword.search(["new"], 3).chunks[0].chunk_id == "a#h#0"
    replica.close()
