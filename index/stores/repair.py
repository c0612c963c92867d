"""Bring the catalog and Chroma back in step: after a crash, or when another process wrote.

A write marks its articles ``pending`` in the catalog before touching Chroma and marks them
``done`` in the same transaction that writes their chunk rows. So at any moment:
- a pending article may have none, some or all of its old or new chunks in Chroma: remove them
  all and forget the article (it is indexed again when next read);
- a chunk in Chroma that no done article owns is an orphan of an interrupted write;
- a chunk in Chroma of an article the catalog has never seen was written by another process
  (a shared Chroma server): it is imported, since Chroma is the system of record.
Counting both sides first keeps the common case (nothing to do) cheap.

On a shared Chroma server the local catalog may be stale: another machine, holding the writer
lease before us, rewrote or added articles. There ``repair`` must not take Chroma's newer
chunks for orphans of ours, so ``repair_shared`` (the writer holds the lease) first asks the
server's change counter (``index.stores.changes``) whether anybody wrote since this home last
did; if so it deletes only the chunks of its own half-written versions, forgets its pending
articles and catches up from the server before anything else. ``follow`` keeps a reader in step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from index.stores import Stores
from index.stores.catalog import ChunkRecord
from index.stores.changes import ChangeCounter, SyncMark
from index.stores.records import StoredHit

Embed = Callable[[list[str]], np.ndarray]
"""Texts -> their vectors (``BuildRun.embed_texts``)."""
_RESTORE_BATCH = 2048  # chunks embedded and written at a time while restoring


@dataclass(frozen=True)
class RepairReport:
    """What a repair changed (all zero when the stores were already in step)."""

    pending: int = 0  # interrupted articles removed
    orphans: int = 0  # chunks deleted from Chroma
    incomplete: int = 0  # articles whose chunks were missing from Chroma, removed
    imported: int = 0  # articles imported from Chroma
    restored: int = 0  # chunks whose lost vectors were embedded again from the catalog

    @property
    def changed(self) -> bool:
        return bool(
            self.pending or self.orphans or self.incomplete or self.imported or self.restored
        )


def repair(stores: Stores, *, embed: Embed | None = None) -> RepairReport:
    """Writer side (start of every build/update): undo interrupted writes, delete orphans,
    drop articles with missing chunks, import articles only Chroma knows. With ``embed``, the
    chunks of complete articles whose vectors are gone from Chroma (its folder was deleted) are
    embedded again from the catalog's text instead of being dropped."""
    chroma, catalog = stores.chroma, stores.catalog
    pending = catalog.pending_ids()
    if pending:
        chroma.delete_articles(pending)
        catalog.remove(pending)
    if chroma.count() == catalog.chunk_count():
        return RepairReport(pending=len(pending))

    in_chroma, in_catalog = chroma.ids(), catalog.chunk_ids()
    restored = _restore(stores, in_catalog - in_chroma, embed) if embed is not None else 0
    if restored:
        in_chroma = chroma.ids()
    incomplete = sorted(catalog.articles_of_chunks(in_catalog - in_chroma))
    if incomplete:
        chroma.delete_articles(incomplete)
        catalog.remove(incomplete)

    unknown = in_chroma - in_catalog
    by_article = _group(chroma.get(sorted(unknown)))
    known = {a for a in by_article if catalog.entry(a) is not None} | set(incomplete)
    orphans = [hit.chunk_id for a in known for hit in by_article.get(a, [])]
    chroma.delete(orphans)
    foreign = [a for a in by_article if a not in known]
    if foreign:
        catalog.import_chunks(_records(chroma.get_articles(foreign)))
    return RepairReport(len(pending), len(orphans), len(incomplete), len(foreign), restored)


def _restore(stores: Stores, missing: set[str], embed: Embed) -> int:
    """Embed again, from the catalog, the chunks missing from Chroma; the number restored."""
    records = stores.catalog.chunks_with_ids(missing)
    for start in range(0, len(records), _RESTORE_BATCH):
        batch = records[start : start + _RESTORE_BATCH]
        vectors = embed([record.text for record in batch])
        stores.chroma.upsert(
            [r.id for r in batch], vectors, [r.text for r in batch], [r.metadata for r in batch]
        )
    return len(records)


def repair_shared(stores: Stores) -> RepairReport:
    """Writer side on a shared server, with the writer lease held: when nobody else wrote since
    this home last wrote or caught up, the plain ``repair``; otherwise delete only what this
    writer itself left half-written, then catch up from the server (the system of record)."""
    counter, mark = _counter(stores), _mark(stores)
    server = counter.value()
    if mark.read() == server:
        report = repair(stores)
        mark.write(counter.value())  # repair's own deletions were counted
        return report
    chroma, catalog = stores.chroma, stores.catalog
    pending = catalog.pending_ids()
    half_written = _own_half_writes(stores, pending)
    chroma.delete(half_written)
    if pending:
        catalog.remove(pending)
    server = counter.value()
    caught = catch_up(stores, full=True)
    mark.write(server)
    return RepairReport(
        pending=len(pending),
        orphans=len(half_written),
        incomplete=caught.incomplete,
        imported=caught.imported,
    )


def follow(stores: Stores) -> int:
    """Reader side, cheap enough for every question: when the server's change counter moved
    since this home last caught up, catch up. Returns how many write batches it was behind."""
    counter, mark = _counter(stores), _mark(stores)
    server = counter.value()
    seen = mark.read()
    if seen == server:
        return 0
    catch_up(stores, full=True)
    mark.write(server)
    return server - (seen or 0) if server >= (seen or 0) else 1


def behind(stores: Stores) -> int | None:
    """Write batches the server counted that this home has not caught up to (None: no mark)."""
    seen = _mark(stores).read()
    server = _counter(stores).value()
    if seen is None:
        return server
    return max(server - seen, 0) if server >= seen else 1


def catch_up(stores: Stores, *, full: bool = False) -> RepairReport:
    """Reader side (a serving process on a shared Chroma server): make the local catalog match
    Chroma without ever writing to Chroma. Cheap when the counts already agree (unless ``full``:
    the change counter says something changed); articles another process is writing right now
    (pending) are left alone."""
    chroma, catalog = stores.chroma, stores.catalog
    if not full and chroma.count() == catalog.chunk_count():
        return RepairReport()
    in_chroma, in_catalog = chroma.ids(), catalog.chunk_ids()
    stale = catalog.articles_of_chunks(in_catalog - in_chroma)
    unknown = chroma.get(sorted(in_chroma - in_catalog))
    fresh = {str(hit.metadata.get("article_id", "")) for hit in unknown}
    affected = sorted((stale | fresh) - set(catalog.pending_ids()))
    if not affected:
        return RepairReport()
    catalog.remove(affected)
    current = chroma.get_articles(affected)
    catalog.import_chunks(_records(current))
    imported = len({hit.metadata.get("article_id") for hit in current})
    return RepairReport(incomplete=len(affected) - imported, imported=imported)


def _own_half_writes(stores: Stores, pending: list[str]) -> list[str]:
    """Chunk ids in Chroma of this home's pending versions that are not complete: a version is
    known by its content hash, so chunks of another version (another writer's) are never
    taken; a complete version is kept (catch-up imports it)."""
    chunks: list[str] = []
    for article_id in pending:
        entry = stores.catalog.entry(article_id)
        if entry is None:
            continue
        ours = [
            hit.chunk_id
            for hit in stores.chroma.get_articles([article_id])
            if hit.metadata.get("content_hash") == entry.content_hash
        ]
        if ours and set(ours) != set(entry.chunk_ids):
            chunks.extend(ours)
    return chunks


def _counter(stores: Stores) -> ChangeCounter:
    return ChangeCounter(stores.chroma.client, stores.chroma.name)


def _mark(stores: Stores) -> SyncMark:
    return SyncMark(stores.catalog.path.parent)


def _group(hits: list[StoredHit]) -> dict[str, list[StoredHit]]:
    groups: dict[str, list[StoredHit]] = defaultdict(list)
    for hit in hits:
        groups[str(hit.metadata.get("article_id", ""))].append(hit)
    return groups


def _records(hits: list[StoredHit]) -> list[ChunkRecord]:
    return [ChunkRecord(hit.chunk_id, hit.text, hit.metadata) for hit in hits]
