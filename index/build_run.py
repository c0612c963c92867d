"""One build run: articles read from the sources are planned, embedded in batches and written.

Each batch is written in this order, so a crash at any point leaves a state that ``repair``
(run first by every build) undoes: 1. the batch's articles are marked ``pending`` in the catalog
(committed); 2. the old chunks of changed articles are deleted from Chroma; 3. the new chunks
are upserted into Chroma (deterministic ids: idempotent); 4. one SQLite transaction writes the
chunk rows and marks the articles ``done``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.dedup import fingerprint
from index.models import Article, BuildReport, Chunk, Progress, Rejection
from index.settings import Settings
from index.stores import Stores
from index.stores.catalog import Catalog, ChunkRecord, ManifestEntry

if TYPE_CHECKING:
    from index.embeddings import Embedder

# The stages a build reports to its ``Progress``: articles read, chunks embedded, articles removed.
ARTICLES, CHUNKS, PRUNE = "articles", "chunks", "prune"
_FLUSH_BATCHES = 8  # embedding batches per write: one pending/done cycle
_MAX_BATCH_ARTICLES = 1000


def chunk_metadata(article: Article, chunk: Chunk) -> dict[str, Any]:
    """The metadata stored with a chunk in Chroma and the catalog, plus the
    article's ``content_hash`` and ``origin`` so another process can rebuild its catalog."""
    if chunk.text.endswith(chunk.body):
        body_start = len(chunk.text) - len(chunk.body)
    else:
        body_start = max(chunk.text.find(chunk.body), 0)
    metadata: dict[str, Any] = {
        "article_id": article.id,
        "chunk_index": chunk.index,
        "title": article.title,
        "source": article.source or "",
        "url": article.url or "",
        "published": article.published.isoformat() if article.published else "",
        "authors": "; ".join(article.authors),
        "place": article.place or "",
        "body_start": body_start,
        "content_hash": article.content_hash,
        "origin": article.origin,
    }
    if article.published:
        metadata["published_ts"] = int(article.published.timestamp())
    return metadata


@dataclass
class _Planned:
    """An article to write in the next batch: indexed with chunks, or linked as a copy."""

    article: Article
    entry: ManifestEntry
    chunks: list[Chunk] = field(default_factory=list)
    replaces: bool = False  # it was in the manifest before (its old chunks must go)


class BuildRun:
    """State of one build: the batch being filled, what was seen and rejected, the report."""

    def __init__(
        self,
        stores: Stores,
        settings: Settings,
        embedder: Embedder | None,
        progress: Progress | None,
    ) -> None:
        self.chroma, self.catalog = stores.chroma, stores.catalog
        self.settings = settings
        self._embedder = embedder
        self._progress = progress or (lambda done, total, stage: None)
        self.report = BuildReport()
        self.batch: list[_Planned] = []
        self.batch_chunks = 0
        self.batch_fingerprints: dict[str, str] = {}  # fingerprint -> article id, this batch
        self.batch_ids: dict[str, str] = {}  # article id -> its new fingerprint, this batch
        self.seen_ids: set[str] = set()
        self.seen_origins: set[str] = set()
        self.unlinked: dict[str, str] = {}  # copies whose canonical changed: id -> origin
        self.articles_read = 0
        self.chunks_embedded = 0
        self.flush_chunks = settings.embedding_batch_size * _FLUSH_BATCHES

    def run(self, sources: Sequence[str], *, prune: bool) -> BuildReport:
        """Load, plan and write ``sources`` (names from ``index.loaders.locate``)."""
        # heavy parsers: imported only to build
        from index.loaders import folder_files, load_located
        from index.loaders.estimate import estimate_articles

        # each folder is walked once: the listing serves the estimate and the load
        listings = {s: list(folder_files(Path(s))) for s in sources if _is_folder(s)}
        total = estimate_articles(sources, listings)
        for source in sources:
            items = load_located(
                source, self.settings, files=listings.get(source), memo=self.catalog
            )
            self.consume(items, total)
        self.flush()
        if prune:
            self.prune(sources)
        self.relink()
        return self.report

    def read_once(self, source: str) -> bool:
        """True when ``source`` was read: an article came from it, or it was not rejected as a
        whole (only such sources are recorded for ``update``)."""
        if any(_within(origin, source) for origin in self.seen_origins):
            return True
        return not any(rejection.input == source for rejection in self.report.rejected)

    def consume(
        self,
        items: Iterable[Article | Rejection],
        total: int | None,
        *,
        only: set[str] | None = None,
    ) -> None:
        """Plan every article of ``items`` (only the ids in ``only`` when given)."""
        for item in items:
            if isinstance(item, Rejection):
                if only is None:
                    self.report.rejected.append(item)
                continue
            if only is not None:
                if item.id not in only:
                    continue
                only.discard(item.id)
            elif item.id in self.seen_ids:
                continue  # the same article reached twice (overlapping sources): first wins
            self.seen_ids.add(item.id)
            self.seen_origins.add(item.origin)
            self.unlinked.pop(item.id, None)
            self.plan(item)
            self.articles_read += 1
            self._progress(self.articles_read, total, ARTICLES)
            if self.batch_chunks >= self.flush_chunks or len(self.batch) >= _MAX_BATCH_ARTICLES:
                self.flush()

    def plan(self, article: Article) -> None:
        """Skip an unchanged article; otherwise queue it, as a copy or with its chunks."""
        old = self.catalog.entry(article.id)
        if old is not None and old.state == "done" and old.content_hash == article.content_hash:
            self.report.unchanged += 1
            return
        story = fingerprint(article)
        entry = ManifestEntry(
            id=article.id,
            content_hash=article.content_hash,
            origin=article.origin,
            fingerprint=story,
            title=article.title,
            outlet=article.source or "",
            published_ts=int(article.published.timestamp()) if article.published else None,
        )
        canonical = self._canonical(story, article.id)
        if canonical is not None:
            planned = _Planned(article, replace(entry, canonical_id=canonical), [], old is not None)
            self.report.duplicates += 1
        else:
            chunks = self._chunk(article)
            entry = replace(entry, chunk_ids=tuple(chunk.id for chunk in chunks))
            planned = _Planned(article, entry, chunks, old is not None)
            self.batch_fingerprints.setdefault(story, article.id)
            self.batch_chunks += len(chunks)
            if old is None:
                self.report.new += 1
            else:
                self.report.changed += 1
        self.batch_ids[article.id] = story
        self.batch.append(planned)

    def flush(self) -> None:
        """Embed and write the batch (see the module docstring for the order of writes)."""
        if not self.batch:
            return
        chunks = [(p.article, chunk) for p in self.batch for chunk in p.chunks]
        vectors = self._embed([chunk.text for _, chunk in chunks])
        self.catalog.mark_pending([p.entry for p in self.batch])
        new_ids = {chunk.id for _, chunk in chunks}
        old_ids = self.catalog.chunk_ids_of([p.article.id for p in self.batch if p.replaces])
        self.chroma.delete([chunk_id for chunk_id in old_ids if chunk_id not in new_ids])
        records = [
            ChunkRecord(chunk.id, chunk.text, chunk_metadata(article, chunk))
            for article, chunk in chunks
        ]
        if records:
            self.chroma.upsert(
                [r.id for r in records],
                vectors,
                [r.text for r in records],
                [r.metadata for r in records],
            )
        unlinked = self.catalog.commit([p.article.id for p in self.batch], records)
        self.unlinked.update(unlinked)
        self.report.chunks_added += len(records)
        self.batch, self.batch_chunks = [], 0
        self.batch_fingerprints.clear()
        self.batch_ids.clear()

    def prune(self, sources: Sequence[str]) -> None:
        """Remove articles of this run's sources that are gone (see ``build``)."""
        rejected = [r.input for r in self.report.rejected]

        def gone(origin: str) -> bool:
            if _vanished(origin):
                return True
            # read again without this article, unless the file (or its folder) was rejected
            return origin in self.seen_origins and not any(_within(origin, r) for r in rejected)

        doomed = [
            article_id
            for article_id, origin, _ in self.catalog.entries()
            if article_id not in self.seen_ids
            and any(_within(origin, source) for source in sources)
            and gone(origin)
        ]
        if not doomed:
            return
        self.catalog.mark_ids_pending(doomed)
        self.chroma.delete(self.catalog.chunk_ids_of(doomed))
        self.unlinked.update(self.catalog.remove(doomed))
        for article_id in doomed:
            self.unlinked.pop(article_id, None)
        self.report.removed += len(doomed)
        self._progress(len(doomed), len(doomed), PRUNE)

    def relink(self) -> None:
        """Index again the copies whose canonical article changed or went in this run (they
        were unlinked): their origins are read once more, for those articles only."""
        from index.loaders import load_located

        for _ in range(3):  # each round can only unlink copies of what it indexes; rarely > 1
            wanted, self.unlinked = self.unlinked, {}
            if not wanted:
                return
            only = set(wanted)
            for origin in sorted(set(wanted.values())):
                self.consume(load_located(origin, self.settings), None, only=only)
            self.flush()

    def _canonical(self, story: str, article_id: str) -> str | None:
        in_batch = self.batch_fingerprints.get(story)
        if in_batch is not None and in_batch != article_id:
            return in_batch
        found = self.catalog.find_canonical(story, article_id)
        if found is None or self.batch_ids.get(found.id, story) != story:
            return None  # none, or it is being rewritten in this batch with other text
        return found.id

    def _chunk(self, article: Article) -> list[Chunk]:
        from index.chunking import chunk_article

        embedder = self.embedder
        return chunk_article(
            article, embedder.count_tokens, self.settings.chunk_tokens, self.settings.chunk_overlap
        )

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from index.embeddings import load_embedder

            embedder = load_embedder(self.settings)
            check_model(self.catalog, embedder)
            self._embedder = embedder
        return self._embedder

    def embed_texts(self, texts: list[str]) -> np.ndarray:
        """Vectors of ``texts`` (``repair`` re-embeds chunks whose vectors were lost)."""
        return self._embed(texts)

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Embed in ``embedding_batch_size`` slices of similar length (less padding)."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        embedder = self.embedder
        vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        size = self.settings.embedding_batch_size
        for start in range(0, len(order), size):
            rows = order[start : start + size]
            vectors[rows] = embedder.embed([texts[i] for i in rows])
            self.chunks_embedded += len(rows)
            self._progress(self.chunks_embedded, None, CHUNKS)
        return vectors


def check_model(catalog: Catalog, embedder: Embedder) -> None:
    catalog.check_embedding_model(embedder.name, int(embedder.dimension))


def _within(origin: str, source: str) -> bool:
    """True when ``origin`` is ``source`` or lies inside the folder ``source``."""
    return origin == source or origin.startswith(source.rstrip(os.sep) + os.sep)


def _is_folder(name: str) -> bool:
    return "://" not in name and Path(name).is_dir()


def _vanished(origin: str) -> bool:
    """True only when the file is known to be gone (not merely unreadable)."""
    if "://" in origin:
        return False
    try:
        os.stat(origin)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False
