"""The catalog: one SQLite file beside Chroma holding the manifest, chunk text and sources.

- ``articles``: the manifest. Article id -> content hash, origin, state (``pending`` while its
  chunks are being written to Chroma, ``done`` after), the chunk ids of that version, and for a
  duplicate or syndicated copy the id of the canonical article it is linked to (no chunks).
- ``chunks``: chunk text and metadata (the input of the in-memory BM25,
  ``index.stores.keyword_index``).
- ``sources``: the paths/URLs given to ``build`` (re-read by ``update``).
- ``size_rejections``: files rejected for size, by size and modification time, so an unchanged
  one is not read again (``index.loaders.limits``).
- ``meta``: the embedding model the index was built with (models are never mixed), the
  catalog's random ``instance`` id and its write ``generation``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from index.errors import NewsdeskError
from index.settings import Settings
from index.stores.catalog_reads import CatalogReads
from index.stores.catalog_rows import METADATA_COLUMNS, ChunkRecord, ManifestEntry
from index.stores.catalog_writes import CatalogWrites

__all__ = [
    "METADATA_COLUMNS",
    "Catalog",
    "ChunkRecord",
    "EmbeddingModelMismatch",
    "ManifestEntry",
]

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta (key, value) VALUES ('instance', lower(hex(randomblob(8))));
CREATE TABLE IF NOT EXISTS sources (source TEXT PRIMARY KEY, added_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS size_rejections (
    path TEXT PRIMARY KEY, stamp TEXT NOT NULL, reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    origin TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
    chunk_ids TEXT NOT NULL DEFAULT '[]',
    canonical_id TEXT,
    fingerprint TEXT NOT NULL,
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

# Columns of ``articles`` that older catalogs have and nothing reads any more: opening one drops
# them (SQLite >= 3.35; Python 3.11 ships a newer one). ``exact_key`` was a normalised hash of
# title and text, always implied by an equal ``fingerprint``.
DROPPED_COLUMNS = frozenset({"exact_key"})


class EmbeddingModelMismatch(NewsdeskError):
    """The index was built with another embedding model; vectors of two models never mix."""


class Catalog(CatalogWrites, CatalogReads):
    """The SQLite catalog: its reads (``catalog_reads``) and writes (``catalog_writes``) over one
    connection (``catalog_rows.CatalogConnection``), the schema, and the embedding-model check."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        with self._transaction():
            self._create_schema()

    @classmethod
    def open(cls, settings: Settings) -> Catalog:
        """The catalog at ``settings.catalog_path`` (created when missing)."""
        return cls(settings.catalog_path)

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

    def _create_schema(self) -> None:
        for statement in _statements(SCHEMA + MIGRATIONS):
            self._db.execute(statement)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(articles)")}
        for column in DROPPED_COLUMNS & columns:
            self._db.execute(f"ALTER TABLE articles DROP COLUMN {column}")


def _model_base(name: str) -> str:
    """The model without its runtime (``model@onnx-int8`` -> ``model``): runtimes of one model
    give vectors close enough to share an index."""
    return name.rsplit("@", 1)[0]


def _statements(script: str) -> Iterator[str]:
    """Split a script into complete SQL statements."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""
