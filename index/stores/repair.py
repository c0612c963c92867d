"""Bring the catalog and Chroma back in step: after a crash, or when another process wrote.

A write marks its articles ``pending`` in the catalog before touching Chroma and marks them
``done`` in the same transaction that writes their chunk rows. So at any moment:
- a pending article may have none, some or all of its old or new chunks in Chroma: remove them
  all and forget the article (it is indexed again when next read);
- a chunk in Chroma that no done article owns is an orphan of an interrupted write;
- a chunk in Chroma of an article the catalog has never seen was written by another process
  (a shared Chroma server): it is imported, since Chroma is the system of record.
Counting both sides first keeps the common case (nothing to do) cheap.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from index.stores import Stores
from index.stores.catalog import ChunkRecord
from index.stores.records import StoredHit


@dataclass(frozen=True)
class RepairReport:
    """What a repair changed (all zero when the stores were already in step)."""

    pending: int = 0  # interrupted articles removed
    orphans: int = 0  # chunks deleted from Chroma
    incomplete: int = 0  # articles whose chunks were missing from Chroma, removed
    imported: int = 0  # articles imported from Chroma

    @property
    def changed(self) -> bool:
        return bool(self.pending or self.orphans or self.incomplete or self.imported)


def repair(stores: Stores) -> RepairReport:
    """Writer side (start of every build/update): undo interrupted writes, delete orphans,
    drop articles with missing chunks, import articles only Chroma knows."""
    chroma, catalog = stores.chroma, stores.catalog
    pending = catalog.pending_ids()
    if pending:
        chroma.delete_articles(pending)
        catalog.remove(pending)
    if chroma.count() == catalog.chunk_count():
        return RepairReport(pending=len(pending))

    in_chroma, in_catalog = chroma.ids(), catalog.chunk_ids()
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
    return RepairReport(len(pending), len(orphans), len(incomplete), len(foreign))


def catch_up(stores: Stores) -> RepairReport:
    """Reader side (a serving process on a shared Chroma server): make the local catalog match
    Chroma without ever writing to Chroma. Cheap when the counts already agree; articles another
    process is writing right now (pending) are left alone."""
    chroma, catalog = stores.chroma, stores.catalog
    if chroma.count() == catalog.chunk_count():
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


def _group(hits: list[StoredHit]) -> dict[str, list[StoredHit]]:
    groups: dict[str, list[StoredHit]] = defaultdict(list)
    for hit in hits:
        groups[str(hit.metadata.get("article_id", ""))].append(hit)
    return groups


def _records(hits: list[StoredHit]) -> list[ChunkRecord]:
    return [ChunkRecord(hit.chunk_id, hit.text, hit.metadata) for hit in hits]
