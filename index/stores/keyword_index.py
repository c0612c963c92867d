"""BM25 keyword search over the catalog's chunks, kept in step with it by the change.

Two rankings over the same text (``index.stores.keyword_segments``, tantivy on disk): one
document per chunk (which passage matches) and one per article (which story matches as a whole:
a long report that keeps mentioning the question's names beats a passing mention). The catalog
stays the record; this is a cache of it, named by the catalog's ``instance`` and the
``generation`` it was synced to (``<home>/keyword/tantivy-v<FORMAT>/state.json``).

A search first compares the catalog's generation with the synced one; when the catalog moved
(a build, another process, a web-chat upload) it applies only the articles the catalog's change
log names since (delete them, add their current chunks, one commit), under a file lock shared
by every process of the home. A crash mid-write leaves the last commit (tantivy commits are
atomic) and the older ``state.json``: the next sync applies the same change again, which is
idempotent. A cache it cannot read, of another catalog, or older than the change log is rebuilt
in full from the catalog; a home it cannot write is served from memory.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import tantivy

from index.stores.bounds import NO_BOUNDS, SearchBounds
from index.stores.catalog import Catalog, ChunkRecord
from index.stores.keyword_segments import (
    Row,
    Segments,
    article_padding,
    best_chunks,
    top_articles,
    top_chunks,
)
from index.stores.keyword_terms import query_terms, tokenize
from index.stores.records import StoredHit

FORMAT = 5  # bump when tokenisation or the saved layout changes (4: tantivy, 5: padding)

__all__ = ["FORMAT", "KeywordHits", "KeywordIndex", "tokenize"]


@dataclass(frozen=True)
class KeywordHits:
    """One keyword search: the best chunks, and the best articles (as their best chunk)."""

    chunks: list[StoredHit]
    articles: list[StoredHit]


@dataclass(frozen=True)
class KeywordState:
    """The keyword index as synced to one catalog state, with searchers of that state."""

    instance: str
    generation: int
    chunks: tantivy.Searcher
    articles: tantivy.Searcher

    @property
    def size(self) -> int:
        """Chunks indexed."""
        return int(self.chunks.num_docs)


class KeywordIndex:
    """BM25 keyword search over the catalog's chunks (tantivy segments on disk)."""

    def __init__(self, catalog: Catalog, folder: Path) -> None:
        self.catalog = catalog
        self.folder = folder
        self._segments: Segments | None = None
        self._build_id = ""
        self._state: KeywordState | None = None
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        """The folder of this format's segments and ``state.json``."""
        return self.folder / f"tantivy-v{FORMAT}"

    def search(
        self,
        terms: Iterable[str],
        n: int,
        bounds: SearchBounds = NO_BOUNDS,
        *,
        articles: int | None = None,
    ) -> KeywordHits:
        """The best chunks and articles for ``terms`` (words; stemmed here) by BM25, best first.

        ``chunks``: the ``n`` best chunks (``score`` > 0). ``articles``: the ``articles``
        (default ``n // 2``) best articles by BM25 over whole articles, each as its chunk that
        matches best, scored with the article's score. Chunks outside ``bounds`` are left out
        (see ``SearchBounds``: its ``cut_ts`` is one more upper bound here; an article is
        within them when its first chunk is).
        """
        wanted = n // 2 if articles is None else articles
        state = self.refresh()
        words = query_terms(terms)
        chunk_hits = top_chunks(state.chunks, words, n, bounds)
        found = top_articles(state.articles, words, wanted, bounds)
        best = best_chunks(state.chunks, words, found, bounds)
        article_hits = [(hit.score, best.get(hit.key, hit.first_rowid)) for hit in found]
        rows = self.catalog.chunks_at(
            [rowid for _, rowid in chunk_hits] + [rowid for _, rowid in article_hits]
        )
        return KeywordHits(_hits(rows, chunk_hits), _hits(rows, article_hits))

    def outlets(self) -> list[str]:
        """The outlets in the index (from the catalog)."""
        return self.catalog.outlets()

    def also_in(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        """Outlets of syndicated copies of these articles (from the catalog)."""
        return self.catalog.also_in(article_ids)

    def syndicated_in(self, sources: Sequence[str]) -> list[str]:
        """Articles these outlets ran as syndicated copies (from the catalog)."""
        return self.catalog.syndicated_in(sources)

    def refresh(self) -> KeywordState:
        """The index synced to the catalog's current generation (applying the change since
        the last sync, or building it in full when that is not possible)."""
        generation = self.catalog.generation()  # read once per search
        state = self._state
        if state is not None and state.generation == generation:
            return state
        with self._lock:
            state = self._state  # another thread may have synced meanwhile
            if state is None or state.generation != generation:
                state = self._sync()
                self._state = state
            return state

    def copy_to(self, folder: Path, copy: Callable[[str, str], object] = shutil.copy2) -> None:
        """Copy the saved index (as synced: under the lock) into ``folder`` with ``copy``,
        leaving out lock files (a copy is another index)."""
        with _file_lock(self.folder / ".lock"):
            shutil.copytree(
                self.path,
                folder / self.path.name,
                copy_function=copy,
                ignore=shutil.ignore_patterns(".tantivy-*.lock", ".state.*"),
            )

    def _sync(self) -> KeywordState:
        instance = self.catalog.instance()
        try:
            with _file_lock(self.folder / ".lock"):
                return self._sync_locked(instance)
        except OSError:  # a home we cannot write: serve from memory (rebuilt per change)
            segments = Segments(None)
            generation, _ = _build(self.catalog, segments)
            segments.reload()
            self._segments, self._build_id = segments, ""
            return _state_of(segments, instance, generation)

    def _sync_locked(self, instance: str) -> KeywordState:
        saved = _read_state(self.path)
        if saved is not None and saved.instance == instance:
            try:
                segments = self._open(saved.build)
                change = self.catalog.keyword_changes(saved.generation)
                if change is not None:
                    generation, changed, rows = change
                    if generation != saved.generation:
                        segments.write(_grouped(rows), changed, padding=saved.padding)
                        _write_state(self.path, replace(saved, generation=generation))
                    segments.reload()
                    return _state_of(segments, instance, generation)
            except ValueError:  # damaged segments (tantivy's error): rebuilt below
                pass
        return self._rebuild(instance)

    def _open(self, build: str) -> Segments:
        """The segments of full build ``build`` (reopened when another process rebuilt)."""
        if self._segments is None or self._build_id != build:
            self._segments, self._build_id = Segments(self.path), build
        return self._segments

    def _rebuild(self, instance: str) -> KeywordState:
        """Index the whole catalog afresh, in place of anything saved."""
        self._segments = None
        _clear(self.folder)
        segments = Segments(self.path)
        generation, padding = _build(self.catalog, segments)
        saved = _Saved(instance, generation, uuid.uuid4().hex, padding)
        _write_state(self.path, saved)
        self._segments, self._build_id = segments, saved.build
        segments.reload()
        return _state_of(segments, instance, generation)


def _build(catalog: Catalog, segments: Segments) -> tuple[int, int]:
    """Index every chunk of the catalog afresh; returns the generation indexed and the article
    padding used (kept for the writes that follow)."""
    generation, rows = catalog.keyword_corpus()
    padding = article_padding(rows)
    segments.write(_grouped(rows), clear=True, padding=padding)
    return generation, padding


def _grouped(rows: Sequence[Row]) -> Iterator[tuple[str, list[Row]]]:
    """Rows (in rowid order) grouped by article, articles in order of their first chunk."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(str(row["article_id"]), []).append(row)
    yield from groups.items()


def _state_of(segments: Segments, instance: str, generation: int) -> KeywordState:
    chunks, articles = segments.searchers()
    return KeywordState(instance, generation, chunks, articles)


def _hits(rows: dict[int, ChunkRecord], found: Sequence[tuple[float, int]]) -> list[StoredHit]:
    """Hits for ``(score, rowid)`` pairs from their catalog ``rows``."""
    hits = []
    for score, rowid in found:
        chunk = rows.get(rowid)
        if chunk is not None:  # removed by a write after this search's sync
            hits.append(StoredHit(chunk.id, chunk.text, dict(chunk.metadata), score))
    return hits


@dataclass(frozen=True)
class _Saved:
    """What ``state.json`` records: the catalog state synced to, and which full build."""

    instance: str
    generation: int
    build: str
    padding: int = 0  # filler terms per article document (``article_padding``)


def _read_state(path: Path) -> _Saved | None:
    """The state the segments at ``path`` were last synced to, or None."""
    try:
        saved: Any = json.loads((path / "state.json").read_text(encoding="utf-8"))
        return _Saved(
            str(saved["instance"]),
            int(saved["generation"]),
            str(saved["build"]),
            int(saved.get("padding", 0)),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_state(path: Path, saved: _Saved) -> None:
    """Record the synced state (atomically: written aside, then renamed)."""
    temporary = path / f".state.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(asdict(saved)), encoding="utf-8")
    os.replace(temporary, path / "state.json")


def _clear(folder: Path) -> None:
    """Remove every saved keyword index in ``folder`` (any format), keeping the lock."""
    if folder.exists():
        for old in folder.iterdir():
            if old.name != ".lock":
                if old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    old.unlink(missing_ok=True)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (between the processes of one home)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
