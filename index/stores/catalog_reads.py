"""The catalog's reads: the manifest, chunk rows, index facts and the keyword corpus."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from index.stores.catalog_rows import (
    CHUNK_COLUMNS,
    CatalogConnection,
    ChunkRecord,
    ManifestEntry,
    batches,
    datetime_of,
    entry_of,
    metadata_of,
    syndicated_subquery,
)
from index.stores.records import ArticleSummary, IndexStats


class CatalogReads(CatalogConnection):
    """Reads of the manifest, the chunk rows and what the index holds."""

    def embedding_model(self) -> tuple[str, int] | None:
        """``(name, dimension)`` of the model the index was built with, or None when empty."""
        meta = self._fetchall("SELECT key, value FROM meta")
        rows = {str(key): str(value) for key, value in meta}
        if "embedding_model" not in rows:
            return None
        return rows["embedding_model"], int(rows["embedding_dimension"])

    def instance(self) -> str:
        """A random id given to this catalog when it was created (a new one after ``clear``):
        with :meth:`generation` it names one state of one index."""
        rows = self._fetchall("SELECT value FROM meta WHERE key = 'instance'")
        return str(rows[0][0]) if rows else ""

    def generation(self) -> int:
        """A number that grows with every write to the index (by any process): a long-running
        reader compares it to know when to ``ChromaStore.refresh()``."""
        rows = self._fetchall("SELECT value FROM meta WHERE key = 'generation'")
        return int(rows[0][0]) if rows else 0

    def recorded_sources(self) -> list[str]:
        """The sources recorded by earlier builds, oldest first."""
        rows = self._fetchall("SELECT source FROM sources ORDER BY added_at, source")
        return [row[0] for row in rows]

    def size_rejection(self, path: str, stamp: str) -> str | None:
        """Why the file ``path`` was rejected for size when it had ``stamp``, else None."""
        rows = self._fetchall(
            "SELECT reason FROM size_rejections WHERE path = ? AND stamp = ?", (path, stamp)
        )
        return str(rows[0][0]) if rows else None

    def entry(self, article_id: str) -> ManifestEntry | None:
        """The manifest entry of one article, or None."""
        rows = self._fetchall("SELECT * FROM articles WHERE id = ?", (article_id,))
        return entry_of(rows[0]) if rows else None

    def entries(self) -> Iterator[tuple[str, str, str | None]]:
        """``(id, origin, canonical_id)`` of every article in the manifest."""
        for row in self._fetchall("SELECT id, origin, canonical_id FROM articles"):
            yield row[0], row[1], row[2]

    def find_canonical(self, fingerprint: str, exclude_id: str) -> ManifestEntry | None:
        """The indexed (done, not itself a copy) article with this fingerprint, if any."""
        rows = self._fetchall(
            "SELECT * FROM articles WHERE fingerprint = ? AND canonical_id IS NULL "
            "AND state = 'done' AND id != ? ORDER BY rowid LIMIT 1",
            (fingerprint, exclude_id),
        )
        return entry_of(rows[0]) if rows else None

    def pending_ids(self) -> list[str]:
        """Articles whose writes did not finish (a crash): to be cleaned up and redone."""
        return [row[0] for row in self._fetchall("SELECT id FROM articles WHERE state='pending'")]

    def chunk_ids(self) -> set[str]:
        """Every chunk id in the catalog."""
        return {row[0] for row in self._fetchall("SELECT id FROM chunks")}

    def chunk_ids_of(self, article_ids: Sequence[str]) -> list[str]:
        """The chunk ids currently stored for these articles."""
        found: list[str] = []
        for batch in batches(list(article_ids), 500):
            marks = ",".join("?" * len(batch))
            rows = self._fetchall(f"SELECT id FROM chunks WHERE article_id IN ({marks})", batch)
            found.extend(row[0] for row in rows)
        return found

    def chunk_ids_published(
        self, since_ts: int | None, until_ts: int | None, most: int
    ) -> list[str] | None:
        """The ids of chunks published within ``[since_ts, until_ts]`` (undated ones never are),
        or None when there are more than ``most`` of them or no range is given."""
        if since_ts is None and until_ts is None:
            return None
        rows = self._fetchall(
            "SELECT id FROM chunks WHERE published_ts >= ? AND published_ts <= ? LIMIT ?",
            (
                -(2**62) if since_ts is None else since_ts,
                2**62 if until_ts is None else until_ts,
                most + 1,
            ),
        )
        return None if len(rows) > most else [row[0] for row in rows]

    def articles_of_chunks(self, chunk_ids: Iterable[str]) -> set[str]:
        """The article ids owning these chunk ids (per the catalog)."""
        owners: set[str] = set()
        for batch in batches(list(chunk_ids), 500):
            marks = ",".join("?" * len(batch))
            rows = self._fetchall(f"SELECT article_id FROM chunks WHERE id IN ({marks})", batch)
            owners.update(row[0] for row in rows)
        return owners

    def chunk_count(self) -> int:
        """Number of chunk rows."""
        return int(self._fetchall("SELECT COUNT(*) FROM chunks")[0][0])

    def chunks(self) -> list[ChunkRecord]:
        """Every chunk (id, text, metadata), ordered by id; for checks and tests."""
        rows = self._fetchall(f"SELECT {CHUNK_COLUMNS} FROM chunks ORDER BY id")
        return [ChunkRecord(row["id"], row["text"], metadata_of(row)) for row in rows]

    def chunks_with_ids(self, chunk_ids: Iterable[str]) -> list[ChunkRecord]:
        """The chunks with these ids (missing ones are left out), ordered by id."""
        found: list[ChunkRecord] = []
        for batch in batches(sorted(chunk_ids), 500):
            rows = self._fetchall(
                f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE id IN ({','.join('?' * len(batch))})",
                batch,
            )
            found += [ChunkRecord(row["id"], row["text"], metadata_of(row)) for row in rows]
        return sorted(found, key=lambda chunk: chunk.id)

    def keyword_corpus(self) -> tuple[int, list[sqlite3.Row]]:
        """The generation and, from the same snapshot, every chunk's ``rowid``, ``article_id``,
        ``text``, ``body_start``, ``published_ts`` and ``source``, ordered by rowid: the input
        of a full keyword index build."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                rows = self._db.execute("SELECT value FROM meta WHERE key = 'generation'")
                generation = int(row[0]) if (row := rows.fetchone()) else 0
                corpus = self._db.execute(
                    "SELECT rowid, article_id, text, body_start, published_ts, source "
                    "FROM chunks ORDER BY rowid"
                ).fetchall()
            finally:
                self._db.execute("COMMIT")
        return generation, corpus

    def keyword_changes(self, since: int) -> tuple[int, list[str], list[sqlite3.Row]] | None:
        """What changed after generation ``since``, from one snapshot: the generation now, the
        ids of the articles written or removed since, and the current chunk rows of those
        articles (as ``keyword_corpus``). None when the change log does not reach back that
        far (a catalog older than the log, or one restored from before ``since``)."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                meta = dict(
                    self._db.execute(
                        "SELECT key, value FROM meta WHERE key IN ('generation', 'changes_from')"
                    ).fetchall()
                )
                generation = int(meta.get("generation", 0))
                if since < int(meta.get("changes_from", 0)) or since > generation:
                    return None
                changed = [
                    row[0]
                    for row in self._db.execute(
                        "SELECT DISTINCT article_id FROM changes WHERE generation > ?", (since,)
                    )
                ]
                rows = self._db.execute(
                    "SELECT rowid, article_id, text, body_start, published_ts, source "
                    "FROM chunks WHERE article_id IN (SELECT article_id FROM changes "
                    "WHERE generation > ?) ORDER BY rowid",
                    (since,),
                ).fetchall()
            finally:
                self._db.execute("COMMIT")
        return generation, changed, rows

    def chunks_at(self, rowids: Sequence[int]) -> dict[int, ChunkRecord]:
        """The chunks with these SQLite ``rowid``s (missing ones are left out)."""
        found: dict[int, ChunkRecord] = {}
        for batch in batches(list(rowids), 500):
            rows = self._fetchall(
                f"SELECT rowid, {CHUNK_COLUMNS} FROM chunks "
                f"WHERE rowid IN ({','.join('?' * len(batch))})",
                batch,
            )
            for row in rows:
                found[row["rowid"]] = ChunkRecord(row["id"], row["text"], metadata_of(row))
        return found

    def outlets(self) -> list[str]:
        """Names of the outlets with indexed articles, sorted; an outlet whose stories are all
        syndicated copies of another outlet's counts too."""
        rows = self._fetchall(
            "SELECT DISTINCT outlet FROM articles WHERE state = 'done' AND outlet != '' "
            "ORDER BY outlet COLLATE NOCASE"
        )
        return [row[0] for row in rows]

    def syndicated_in(self, sources: Sequence[str]) -> list[str]:
        """Indexed articles that these outlets (case-insensitive) ran as syndicated copies or
        duplicates: the ids of the originals, which hold the chunks."""
        if not sources:
            return []
        sql, params = syndicated_subquery(sources)
        return [row[0] for row in self._fetchall(sql, params)]

    def recent_articles(self, n: int) -> list[ArticleSummary]:
        """The ``n`` most recently published indexed articles, newest first (undated last);
        duplicates and syndicated copies are left out."""
        rows = self._fetchall(
            "SELECT id, title, outlet, published_ts FROM articles "
            "WHERE state = 'done' AND canonical_id IS NULL "
            "ORDER BY published_ts DESC NULLS LAST, id LIMIT ?",
            (n,),
        )
        return [
            ArticleSummary(
                article_id=row["id"],
                title=row["title"],
                outlet=row["outlet"] or "",
                published=datetime_of(row["published_ts"]),
            )
            for row in rows
        ]

    def also_in(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        """For each indexed article with duplicates/syndicated copies: the copies' outlets
        (other than its own), sorted. Articles without copies are absent from the result."""
        found: dict[str, set[str]] = {}
        for batch in batches(list(dict.fromkeys(article_ids)), 500):
            marks = ",".join("?" * len(batch))
            rows = self._fetchall(
                "SELECT copy.canonical_id, copy.outlet FROM articles AS copy "
                "JOIN articles AS canon ON canon.id = copy.canonical_id "
                f"WHERE copy.canonical_id IN ({marks}) AND copy.state = 'done' "
                "AND copy.outlet != '' AND lower(copy.outlet) != lower(canon.outlet)",
                batch,
            )
            for canonical_id, outlet in rows:
                found.setdefault(canonical_id, set()).add(outlet)
        return {key: sorted(values, key=str.lower) for key, values in found.items()}

    def stats(self) -> IndexStats:
        """Counts, outlets, date range and last build time of the index."""
        articles, duplicates, first, last, indexed = self._fetchall(
            "SELECT SUM(canonical_id IS NULL), SUM(canonical_id IS NOT NULL), "
            "MIN(CASE WHEN canonical_id IS NULL THEN published_ts END), "
            "MAX(CASE WHEN canonical_id IS NULL THEN published_ts END), MAX(indexed_at) "
            "FROM articles WHERE state = 'done'"
        )[0]
        outlets = self._fetchall(
            "SELECT outlet, COUNT(*) FROM articles WHERE state = 'done' AND canonical_id IS NULL "
            "GROUP BY outlet ORDER BY COUNT(*) DESC, outlet"
        )
        model = self.embedding_model()
        return IndexStats(
            articles=int(articles or 0),
            chunks=self.chunk_count(),
            duplicates=int(duplicates or 0),
            outlets={(outlet or "unknown"): int(count) for outlet, count in outlets},
            first_published=datetime_of(first),
            last_published=datetime_of(last),
            last_indexed=datetime_of(indexed),
            inputs=tuple(self.recorded_sources()),
            embedding_model=model[0] if model else None,
        )
