"""The catalog: one SQLite file beside Chroma holding the manifest, chunk text and sources.

- ``articles``: the manifest. Article id -> content hash, origin, state (``pending`` while its
  chunks are being written to Chroma, ``done`` after), the chunk ids of that version, and for a
  duplicate or syndicated copy the id of the canonical article it is linked to (no chunks).
- ``chunks``: chunk text and metadata (the input of the in-memory BM25,
  ``index.stores.keyword_index``).
- ``sources``: the paths/URLs given to ``build`` (re-read by ``update``).
- ``meta``: the embedding model the index was built with (models are never mixed), the
  catalog's random ``instance`` id and its write ``generation``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.errors import NewsdeskError
from index.settings import Settings
from index.stores.records import ArticleSummary, IndexStats

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta (key, value) VALUES ('instance', lower(hex(randomblob(8))));
CREATE TABLE IF NOT EXISTS sources (source TEXT PRIMARY KEY, added_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    origin TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
    chunk_ids TEXT NOT NULL DEFAULT '[]',
    canonical_id TEXT,
    fingerprint TEXT NOT NULL,
    exact_key TEXT NOT NULL,
    title TEXT NOT NULL,
    outlet TEXT NOT NULL,
    published_ts INTEGER,
    indexed_at REAL
);
CREATE INDEX IF NOT EXISTS articles_origin ON articles (origin);
CREATE INDEX IF NOT EXISTS articles_fingerprint ON articles (fingerprint);
CREATE INDEX IF NOT EXISTS articles_canonical ON articles (canonical_id);
CREATE INDEX IF NOT EXISTS articles_state ON articles (state);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    article_id TEXT NOT NULL,
    chunk_index INTEGER NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    published TEXT NOT NULL,
    published_ts INTEGER,
    authors TEXT NOT NULL,
    place TEXT NOT NULL,
    body_start INTEGER NOT NULL,
    extra TEXT NOT NULL DEFAULT '{}',
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks (article_id);
CREATE INDEX IF NOT EXISTS chunks_published ON chunks (published_ts);
"""

# Catalogs written before the in-memory BM25 kept an SQLite FTS5 copy of the chunk text in step
# by triggers; opening one drops it (nothing reads it any more).
MIGRATIONS = """
DROP TRIGGER IF EXISTS chunks_fts_insert;
DROP TRIGGER IF EXISTS chunks_fts_delete;
DROP TABLE IF EXISTS chunks_fts;
"""

# Chunk metadata keys stored as columns (CONTRACTS.md); any other key goes to ``extra``.
METADATA_COLUMNS = (
    "article_id", "chunk_index", "title", "source", "url", "published", "published_ts",
    "authors", "place", "body_start",
)
class EmbeddingModelMismatch(NewsdeskError):
    """The index was built with another embedding model; vectors of two models never mix."""


@dataclass(frozen=True)
class ManifestEntry:
    """One article in the manifest."""

    id: str
    content_hash: str
    origin: str
    fingerprint: str
    exact_key: str
    title: str
    outlet: str
    published_ts: int | None
    state: str = "pending"
    canonical_id: str | None = None
    chunk_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChunkRecord:
    """A chunk as written to both stores: id, document text and metadata."""

    id: str
    text: str
    metadata: Mapping[str, Any]


class Catalog:
    """The SQLite catalog (WAL mode; safe to share between threads of one process)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit that marks articles done survives power loss, not only a crash
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=10000")
        with self._transaction():
            self._create_schema()

    @classmethod
    def open(cls, settings: Settings) -> Catalog:
        """The catalog at ``settings.catalog_path`` (created when missing)."""
        return cls(settings.catalog_path)

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()

    # -- embedding model -------------------------------------------------------------------

    def embedding_model(self) -> tuple[str, int] | None:
        """``(name, dimension)`` of the model the index was built with, or None when empty."""
        rows = dict(self._fetchall("SELECT key, value FROM meta"))
        if "embedding_model" not in rows:
            return None
        return rows["embedding_model"], int(rows["embedding_dimension"])

    def check_embedding_model(self, name: str, dimension: int, *, record: bool = True) -> None:
        """Refuse a model other than the index's; record it when the index has none yet.

        Names are compared without a runtime suffix (``@onnx-int8``, ``@torch``).
        """
        current = self.embedding_model()
        if current is None:
            if record:
                with self._transaction() as db:
                    db.executemany(
                        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                        [("embedding_model", name), ("embedding_dimension", str(dimension))],
                    )
            return
        if current[1] != dimension or _model_base(current[0]) != _model_base(name):
            raise EmbeddingModelMismatch(
                f"This index was built with the embedding model {current[0]!r} "
                f"({current[1]} dims), not {name!r} ({dimension} dims); vectors of two models "
                "cannot be mixed. Run `newsdesk index clear` to rebuild with the new model, or "
                "use another --home."
            )

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

    # -- sources ---------------------------------------------------------------------------

    def record_sources(self, sources: Iterable[str]) -> None:
        """Remember the paths/URLs given to ``build`` so ``update`` can re-read them."""
        now = time.time()
        with self._transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO sources (source, added_at) VALUES (?, ?)",
                [(source, now) for source in sources],
            )

    def recorded_sources(self) -> list[str]:
        """The sources recorded by earlier builds, oldest first."""
        rows = self._fetchall("SELECT source FROM sources ORDER BY added_at, source")
        return [row[0] for row in rows]

    # -- manifest --------------------------------------------------------------------------

    def entry(self, article_id: str) -> ManifestEntry | None:
        """The manifest entry of one article, or None."""
        rows = self._fetchall("SELECT * FROM articles WHERE id = ?", (article_id,))
        return _entry(rows[0]) if rows else None

    def entries(self) -> Iterator[tuple[str, str, str | None]]:
        """``(id, origin, canonical_id)`` of every article in the manifest."""
        yield from self._fetchall("SELECT id, origin, canonical_id FROM articles")

    def find_canonical(self, fingerprint: str, exclude_id: str) -> ManifestEntry | None:
        """The indexed (done, not itself a copy) article with this fingerprint, if any."""
        rows = self._fetchall(
            "SELECT * FROM articles WHERE fingerprint = ? AND canonical_id IS NULL "
            "AND state = 'done' AND id != ? ORDER BY rowid LIMIT 1",
            (fingerprint, exclude_id),
        )
        return _entry(rows[0]) if rows else None

    def pending_ids(self) -> list[str]:
        """Articles whose writes did not finish (a crash): to be cleaned up and redone."""
        return [row[0] for row in self._fetchall("SELECT id FROM articles WHERE state='pending'")]

    def mark_pending(self, entries: Sequence[ManifestEntry]) -> None:
        """Step 1 of a write: record the new versions as pending (committed) before Chroma."""
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO articles (id, content_hash, origin, state, chunk_ids, canonical_id, "
                "fingerprint, exact_key, title, outlet, published_ts) "
                "VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET content_hash=excluded.content_hash, "
                "origin=excluded.origin, state='pending', chunk_ids=excluded.chunk_ids, "
                "canonical_id=excluded.canonical_id, fingerprint=excluded.fingerprint, "
                "exact_key=excluded.exact_key, title=excluded.title, outlet=excluded.outlet, "
                "published_ts=excluded.published_ts",
                [
                    (e.id, e.content_hash, e.origin, json.dumps(list(e.chunk_ids)),
                     e.canonical_id, e.fingerprint, e.exact_key, e.title, e.outlet,
                     e.published_ts)
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
            db.executemany(_INSERT_CHUNK, [_chunk_row(chunk) for chunk in chunks])
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
            db.executemany(_INSERT_CHUNK, [_chunk_row(chunk) for chunk in chunks])
            for article_id, records in by_article.items():
                meta = records[0].metadata
                ids = sorted((r.id for r in records), key=lambda i: _chunk_number(i))
                db.execute(
                    "INSERT OR REPLACE INTO articles (id, content_hash, origin, state, chunk_ids, "
                    "canonical_id, fingerprint, exact_key, title, outlet, published_ts, "
                    "indexed_at) VALUES (?, ?, ?, 'done', ?, NULL, ?, ?, ?, ?, ?, ?)",
                    (article_id, str(meta.get("content_hash", "")), str(meta.get("origin", "")),
                     json.dumps(ids), f"imported:{article_id}", f"imported:{article_id}",
                     str(meta.get("title", "")), str(meta.get("source", "")),
                     meta.get("published_ts"), now),
                )

    def chunk_ids(self) -> set[str]:
        """Every chunk id in the catalog."""
        return {row[0] for row in self._fetchall("SELECT id FROM chunks")}

    def chunk_ids_of(self, article_ids: Sequence[str]) -> list[str]:
        """The chunk ids currently stored for these articles."""
        found: list[str] = []
        for batch in _batches(list(article_ids), 500):
            marks = ",".join("?" * len(batch))
            rows = self._fetchall(f"SELECT id FROM chunks WHERE article_id IN ({marks})", batch)
            found.extend(row[0] for row in rows)
        return found

    def articles_of_chunks(self, chunk_ids: Iterable[str]) -> set[str]:
        """The article ids owning these chunk ids (per the catalog)."""
        owners: set[str] = set()
        for batch in _batches(list(chunk_ids), 500):
            marks = ",".join("?" * len(batch))
            rows = self._fetchall(f"SELECT article_id FROM chunks WHERE id IN ({marks})", batch)
            owners.update(row[0] for row in rows)
        return owners

    def chunk_count(self) -> int:
        """Number of chunk rows."""
        return int(self._fetchall("SELECT COUNT(*) FROM chunks")[0][0])

    def chunks(self) -> list[ChunkRecord]:
        """Every chunk (id, text, metadata), ordered by id; for checks and tests."""
        rows = self._fetchall(f"SELECT {_CHUNK_COLUMNS} FROM chunks ORDER BY id")
        return [ChunkRecord(row["id"], row["text"], _metadata(row)) for row in rows]

    # -- reads for search ------------------------------------------------------------

    def keyword_corpus(self) -> tuple[int, list[sqlite3.Row]]:
        """The generation and, from the same snapshot, every chunk's ``rowid``, ``article_id``,
        ``text``, ``body_start``, ``published_ts`` and ``source``, ordered by rowid: the input
        of the in-memory BM25."""
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

    def chunks_at(self, rowids: Sequence[int]) -> dict[int, ChunkRecord]:
        """The chunks with these SQLite ``rowid``s (missing ones are left out)."""
        found: dict[int, ChunkRecord] = {}
        for batch in _batches(list(rowids), 500):
            rows = self._fetchall(
                f"SELECT rowid, {_CHUNK_COLUMNS} FROM chunks "
                f"WHERE rowid IN ({','.join('?' * len(batch))})",
                batch,
            )
            for row in rows:
                found[row["rowid"]] = ChunkRecord(row["id"], row["text"], _metadata(row))
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
        sql, params = _syndicated_in(sources)
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
            ArticleSummary(article_id=row["id"], title=row["title"], outlet=row["outlet"] or "",
                           published=_datetime(row["published_ts"]))
            for row in rows
        ]

    def also_in(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        """For each indexed article with duplicates/syndicated copies: the copies' outlets
        (other than its own), sorted. Articles without copies are absent from the result."""
        found: dict[str, set[str]] = {}
        for batch in _batches(list(dict.fromkeys(article_ids)), 500):
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
            first_published=_datetime(first),
            last_published=_datetime(last),
            last_indexed=_datetime(indexed),
            inputs=tuple(self.recorded_sources()),
            embedding_model=model[0] if model else None,
        )

    # -- internals -------------------------------------------------------------------------

    def _create_schema(self) -> None:
        for statement in _statements(SCHEMA + MIGRATIONS):
            self._db.execute(statement)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    @staticmethod
    def _delete_chunk_rows(db: sqlite3.Connection, article_ids: Sequence[str]) -> None:
        db.executemany("DELETE FROM chunks WHERE article_id = ?", [(i,) for i in article_ids])

    @staticmethod
    def _bump_generation(db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT (key) "
            "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

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


_CHUNK_COLUMNS = "id, " + ", ".join(METADATA_COLUMNS) + ", extra, text"
_INSERT_CHUNK = (
    f"INSERT OR REPLACE INTO chunks ({_CHUNK_COLUMNS}) "
    f"VALUES ({', '.join('?' * (len(METADATA_COLUMNS) + 3))})"
)


def _chunk_row(chunk: ChunkRecord) -> tuple[Any, ...]:
    meta = chunk.metadata
    extra = {key: value for key, value in meta.items() if key not in METADATA_COLUMNS}
    return (
        chunk.id, str(meta.get("article_id", "")), int(meta.get("chunk_index", 0)),
        str(meta.get("title", "")), str(meta.get("source", "")), str(meta.get("url", "")),
        str(meta.get("published", "")), meta.get("published_ts"), str(meta.get("authors", "")),
        str(meta.get("place", "")), int(meta.get("body_start", 0)),
        json.dumps(extra, sort_keys=True), chunk.text,
    )


def _metadata(row: sqlite3.Row) -> dict[str, Any]:
    meta = {key: row[key] for key in METADATA_COLUMNS}
    if meta["published_ts"] is None:
        del meta["published_ts"]
    meta.update(json.loads(row["extra"] or "{}"))
    return meta


def _entry(row: sqlite3.Row) -> ManifestEntry:
    return ManifestEntry(
        id=row["id"], content_hash=row["content_hash"], origin=row["origin"],
        fingerprint=row["fingerprint"], exact_key=row["exact_key"], title=row["title"],
        outlet=row["outlet"], published_ts=row["published_ts"], state=row["state"],
        canonical_id=row["canonical_id"], chunk_ids=tuple(json.loads(row["chunk_ids"])),
    )


def _model_base(name: str) -> str:
    """The model without its runtime (``model@onnx-int8`` -> ``model``): runtimes of one model
    give vectors close enough to share an index."""
    return name.rsplit("@", 1)[0]


def _datetime(ts: float | None) -> datetime | None:
    return datetime.fromtimestamp(ts, tz=UTC) if ts is not None else None


def _chunk_number(chunk_id: str) -> int:
    tail = chunk_id.rsplit("#", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _syndicated_in(sources: Sequence[str]) -> tuple[str, list[str]]:
    """A subquery for the ids of indexed originals that ``sources`` ran as copies."""
    # Read the copies through the canonical_id index (the unary + keeps SQLite off the state
    # index, on which it would scan every article): ~0.05 ms instead of ~5 ms for 5k articles.
    sql = (
        "SELECT DISTINCT copy.canonical_id FROM articles AS copy "
        "JOIN articles AS original ON original.id = copy.canonical_id "
        "WHERE copy.canonical_id IS NOT NULL AND +copy.state = 'done' "
        "AND +original.state = 'done' "
        f"AND lower(copy.outlet) IN ({','.join('?' * len(sources))})"
    )
    return sql, [source.lower() for source in sources]


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _statements(script: str) -> Iterator[str]:
    """Split a script into complete SQL statements."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""
