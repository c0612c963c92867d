"""Damaged stores, said in one line: which file is damaged, and the command that fixes it.

``diagnose`` checks the SQLite files of a home (the catalog and the embedded Chroma database)
with ``PRAGMA quick_check`` read-only; it runs only after something failed, so a healthy index
pays nothing. ``store_errors`` turns a failure caused by a damaged file into ``StoreDamaged``.
``vectors_missing`` notices an embedded Chroma folder that was deleted under a catalog that
still lists chunks: the next build re-embeds them from the catalog (``repair``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from index.errors import NewsdeskError, StoreDamaged
from index.settings import Settings

FIX = "run `newsdesk index clear --yes`, then build the index again"


def diagnose(settings: Settings) -> StoreDamaged | None:
    """``StoreDamaged`` for the first damaged store file of ``settings``, else None."""
    files = [("catalog", settings.catalog_path)]
    if not settings.chroma_url:
        files.append(("Chroma database", chroma_file(settings)))
    for what, path in files:
        reason = damage(path)
        if reason:
            return StoreDamaged(f"The {what} {path} is damaged ({reason}): {FIX}.")
    return None


@contextmanager
def store_errors(settings: Settings) -> Iterator[None]:
    """Re-raise an unexpected error as ``StoreDamaged`` when a store file is damaged."""
    try:
        yield
    except NewsdeskError:
        raise
    except Exception as error:
        found = diagnose(settings)
        if found is None:
            raise
        raise found from error


def damage(path: Path) -> str | None:
    """Why the SQLite file ``path`` is damaged (one line), or None when it is sound or absent."""
    if not path.exists():
        return None
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
            result = db.execute("PRAGMA quick_check(1)").fetchone()
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            return None  # another process is writing: busy, not damaged
        return str(error)
    except sqlite3.DatabaseError as error:
        return str(error)
    if result is None or result[0] != "ok":
        return "integrity check failed"
    return None


def chroma_file(settings: Settings) -> Path:
    """The embedded Chroma database file."""
    return settings.chroma_path / "chroma.sqlite3"


def vectors_missing(settings: Settings, chunks: int) -> str | None:
    """A warning when the catalog lists ``chunks`` chunks but the embedded Chroma database is
    gone (answers then come from keyword search alone) or plainly damaged (checked from its
    header, cheaply: ``stats`` runs this every time), else None."""
    if settings.chroma_url or not chunks:
        return None
    path = chroma_file(settings)
    if not path.exists():
        return (
            f"the Chroma database {settings.chroma_path} is missing: {chunks} chunks have no "
            "vectors and answers use keyword search only; run `newsdesk index update` (or "
            "`index build`) to embed them again from the catalog"
        )
    reason = _header_damage(path)
    return f"the Chroma database {path} is damaged ({reason}): {FIX}" if reason else None


def _header_damage(path: Path) -> str | None:
    """Why the SQLite file's header says it is damaged (not SQLite, cut short), else None."""
    try:
        with path.open("rb") as file:
            header = file.read(100)
        size = path.stat().st_size
    except OSError as error:
        return error.strerror or str(error)
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return "file is not a database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = header[24:28] == header[92:96]  # the page count is only kept up to date if so
    if valid and size < page_size * pages:
        return f"cut short: {size:,} of {page_size * pages:,} bytes"
    return None
