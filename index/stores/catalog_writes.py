"""The catalog's writes: the manifest steps of a build, chunk rows, recorded sources.

Every write bumps the catalog *generation* in the same transaction (readers compare it).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence

from index.stores.catalog_rows import (
    INSERT_CHUNK,
    CatalogConnection,
    ChunkRecord,
    ManifestEntry,
    chunk_number,
    chunk_row,
)


class CatalogWrites(CatalogConnection):
    """Writes to the manifest, the chunk rows and the recorded sources."""

    def record_sources(self, sources: Iterable[str]) -> None:
        """Remember the paths/URLs given to ``build`` so ``update`` can re-read them."""
        now = time.time()
        with self._transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO sources (source, added_at) VALUES (?, ?)",
                [(source, now) for source in sources],
            )

    def record_size_rejection(self, path: str, stamp: str, reason: str) -> None:
        """Remember that the file ``path`` with ``stamp`` (size:mtime) was rejected for size."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO size_rejections (path, stamp, reason) VALUES (?, ?, ?)",
                (path, stamp, reason),
            )

    def mark_pending(self, entries: Sequence[ManifestEntry]) -> None:
        """Step 1 of a write: record the new versions as pending (committed) before Chroma."""
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO articles (id, content_hash, origin, state, chunk_ids, canonical_id, "
                "fingerprint, title, outlet, published_ts) "
                "VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET content_hash=excluded.content_hash, "
                "origin=excluded.origin, state='pending', chunk_ids=excluded.chunk_ids, "
                "canonical_id=excluded.canonical_id, fingerprint=excluded.fingerprint, "
                "title=excluded.title, outlet=excluded.outlet, "
                "published_ts=excluded.published_ts",
                [
                    (
                        e.id,
                        e.content_hash,
                        e.origin,
                        json.dumps(list(e.chunk_ids)),
                        e.canonical_id,
                        e.fingerprint,
                        e.title,
                        e.outlet,
                        e.published_ts,
                    )
                    for e in entries
                ],
            )

    def mark_ids_pending(self, article_ids: Sequence[str]) -> None:
        """Mark existing articles pending (before removing them from Chroma)."""
        with self._transaction() as db:
            db.executemany(
                "UPDATE articles SET state = 'pending' WHERE id = ?", [(i,) for i in article_ids]
            )

    def commit(
        self, article_ids: Sequence[str], chunks: Sequence[ChunkRecord]
    ) -> list[tuple[str, str]]:
        """Last step of a write, in one transaction: replace the chunk rows of
        ``article_ids`` with ``chunks`` and mark the articles done.

        Copies linked to an article whose text no longer matches are unlinked (removed from the
        manifest, to be indexed again when next read); returns their ``(id, origin)``.
        """
        now = time.time()
        with self._transaction() as db:
            self._delete_chunk_rows(db, article_ids)
            db.executemany(INSERT_CHUNK, [chunk_row(chunk) for chunk in chunks])
            db.executemany(
                "UPDATE articles SET state = 'done', indexed_at = ? WHERE id = ?",
                [(now, article_id) for article_id in article_ids],
            )
            self._bump_generation(db)
            return self._drop_broken_links(db)

    def remove(self, article_ids: Sequence[str]) -> list[tuple[str, str]]:
        """Remove articles (manifest and chunk rows) in one transaction; returns the
        ``(id, origin)`` of copies that were linked to them and are now unlinked too."""
        with self._transaction() as db:
            self._delete_chunk_rows(db, article_ids)
            db.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i in article_ids])
            self._bump_generation(db)
            return self._drop_broken_links(db)

    def import_chunks(self, chunks: Sequence[ChunkRecord]) -> None:
        """Catch up with chunks found in Chroma but unknown here (another process wrote them):
        add their rows and a manifest entry per article (no dedup fingerprint)."""
        by_article: dict[str, list[ChunkRecord]] = {}
        for chunk in chunks:
            by_article.setdefault(str(chunk.metadata.get("article_id", "")), []).append(chunk)
        now = time.time()
        with self._transaction() as db:
            self._bump_generation(db)
            db.executemany(INSERT_CHUNK, [chunk_row(chunk) for chunk in chunks])
            for article_id, records in by_article.items():
                meta = records[0].metadata
                ids = sorted((r.id for r in records), key=lambda i: chunk_number(i))
                db.execute(
                    "INSERT OR REPLACE INTO articles (id, content_hash, origin, state, chunk_ids, "
                    "canonical_id, fingerprint, title, outlet, published_ts, indexed_at) "
                    "VALUES (?, ?, ?, 'done', ?, NULL, ?, ?, ?, ?, ?)",
                    (
                        article_id,
                        str(meta.get("content_hash", "")),
                        str(meta.get("origin", "")),
                        json.dumps(ids),
                        f"imported:{article_id}",
                        str(meta.get("title", "")),
                        str(meta.get("source", "")),
                        meta.get("published_ts"),
                        now,
                    ),
                )

    @staticmethod
    def _delete_chunk_rows(db: sqlite3.Connection, article_ids: Sequence[str]) -> None:
        db.executemany("DELETE FROM chunks WHERE article_id = ?", [(i,) for i in article_ids])

    @staticmethod
    @staticmethod
    def _bump_generation(db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT (key) "
            "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    @staticmethod
    @staticmethod
    def _drop_broken_links(db: sqlite3.Connection) -> list[tuple[str, str]]:
        """Remove copies whose canonical article is gone, is itself a copy, or no longer has
        the copy's fingerprint."""
        broken = db.execute(
            "SELECT copy.id, copy.origin FROM articles AS copy "
            "LEFT JOIN articles AS canon ON canon.id = copy.canonical_id "
            "WHERE copy.canonical_id IS NOT NULL AND (canon.id IS NULL "
            "OR canon.canonical_id IS NOT NULL OR canon.fingerprint != copy.fingerprint)"
        ).fetchall()
        db.executemany("DELETE FROM articles WHERE id = ?", [(row[0],) for row in broken])
        return [(row[0], row[1]) for row in broken]
