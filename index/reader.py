"""The index's one read interface: everything the answering side (``assistant``) reads.

``assistant`` never imports ``index.stores`` or ``index.loaders`` (an import contract in
``pyproject.toml``, run by ``tests/test_layers.py``): it opens an :class:`IndexReader` and
reads the records re-exported here. One reader serves both searches of a question, dense
(:meth:`IndexReader.query`, Chroma) and keyword (:meth:`IndexReader.search`, the keyword
index), within the same :class:`SearchBounds`; the in-memory test double of the retriever tests
answers the same calls, and ``tests/test_search_bounds.py`` holds them all to one contract.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any

import numpy as np

from index.settings import Settings
from index.stores import Stores, open_stores
from index.stores.bounds import NO_BOUNDS, SearchBounds
from index.stores.health import diagnose
from index.stores.keyword_index import KeywordHits
from index.stores.period import PeriodArticle, PeriodQueries
from index.stores.records import ArticleSummary, IndexStats, StoredHit

__all__ = [
    "NO_BOUNDS",
    "ArticleSummary",
    "ChunkVectors",
    "IndexReader",
    "IndexStats",
    "KeywordHits",
    "PeriodArticle",
    "PeriodQueries",
    "SearchBounds",
    "StoredHit",
    "diagnose",
    "open_periods",
    "recorded_sources",
]


WINDOW_IDS_MOST = 10_000  # chunks a date window may hold to be searched by id (measured: 4k)


class IndexReader:
    """Searches, article facts and the generation of one index (a context manager).

    Readers never block writers: each search reads the stores as they are; :meth:`refresh`
    brings the reader in step with what other processes wrote since it was opened.
    """

    def __init__(self, settings: Settings, stores: Stores) -> None:
        self.settings = settings
        self._stores = stores
        self._generation = stores.catalog.generation()
        self._refreshing = threading.Lock()  # the web page refreshes from two threads

    @classmethod
    def open(cls, settings: Settings) -> IndexReader:
        """The reader of the index of ``settings`` (on a Chroma server: caught up first)."""
        return cls(settings, open_stores(settings))

    def query(
        self, embedding: np.ndarray, n: int, bounds: SearchBounds = NO_BOUNDS
    ) -> list[StoredHit]:
        """The ``n`` chunks nearest to ``embedding`` within ``bounds``, best first (dense).

        A publication range of at most ``WINDOW_IDS_MOST`` chunks is looked up in the catalog
        and the vector search restricted to those ids (Chroma's own range filter costs ~1 s
        at 600k chunks); a wider range is filtered by Chroma."""
        within = self._stores.catalog.chunk_ids_published(
            bounds.since_ts, bounds.until_ts, WINDOW_IDS_MOST
        )
        return self._stores.chroma.query(embedding, n, bounds, within=within)

    def search(
        self,
        terms: Iterable[str],
        n: int,
        bounds: SearchBounds = NO_BOUNDS,
        *,
        articles: int | None = None,
    ) -> KeywordHits:
        """The best chunks and articles for ``terms`` within ``bounds`` (keyword)."""
        return self._stores.keyword.search(terms, n, bounds, articles=articles)

    def outlets(self) -> list[str]:
        """The outlets in the index, as the index spells them."""
        return self._stores.catalog.outlets()

    def also_in(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        """Outlets of the syndicated copies of these articles."""
        return self._stores.catalog.also_in(article_ids)

    def syndicated_in(self, sources: Sequence[str]) -> list[str]:
        """Articles these outlets ran as syndicated copies (the originals' ids)."""
        return self._stores.catalog.syndicated_in(sources)

    def recent_articles(self, n: int) -> list[ArticleSummary]:
        """The ``n`` most recently published articles, newest first."""
        return self._stores.catalog.recent_articles(n)

    def generation(self) -> int:
        """The catalog's write counter: it moves whenever anything is written."""
        return self._stores.catalog.generation()

    def refresh(self) -> bool:
        """See what other processes wrote since the last refresh; True when there was news.

        Cheap when nothing changed: one read of the catalog's generation (on a Chroma server,
        first one read of the server's change counter, and a catch-up of the local catalog when
        another machine wrote). When it changed, the keyword index loads the new snapshot and
        the Chroma collection is re-opened (embedded Chroma does not follow other processes).
        """
        with self._refreshing:
            if self.settings.chroma_url:
                from index.stores.repair import follow

                follow(self._stores)
            generation = self._stores.catalog.generation()
            if generation == self._generation:
                return False
            self._stores.keyword.refresh()
            self._stores.chroma.refresh()
            self._generation = generation
            return True

    def close(self) -> None:
        """Release the catalog's connection."""
        self._stores.close()

    def __enter__(self) -> IndexReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_periods(settings: Settings) -> PeriodQueries:
    """Read-only period queries (briefings, timelines) on the catalog of ``settings``."""
    return PeriodQueries(settings.catalog_path)


class ChunkVectors:
    """The stored vectors of chunks, read from the Chroma collection (opened, never created)."""

    def __init__(self, collection: Any) -> None:
        self._collection = collection

    @classmethod
    def open(cls, settings: Settings) -> ChunkVectors:
        """The vectors of the collection of ``settings``."""
        from index.stores.chroma_store import connect

        client = connect(settings)
        return cls(client.get_collection(settings.collection, embedding_function=None))

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vector of each of these chunks (missing ids are absent)."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(chunk_ids), 2000):
            batch = list(chunk_ids[start : start + 2000])
            result = self._collection.get(ids=batch, include=["embeddings"])
            for chunk_id, vector in zip(result["ids"], result["embeddings"], strict=True):
                found[chunk_id] = np.asarray(vector, dtype=np.float32)
        return found

    def nearest_first_chunks(self, rows: np.ndarray, n: int) -> list[list[tuple[str, float]]]:
        """For each row, the ``n`` articles whose first chunk is nearest: (article id, cosine)."""
        result: Mapping[str, Any] = self._collection.query(
            query_embeddings=rows,
            n_results=n,
            where={"chunk_index": 0},
            include=["metadatas", "distances"],
        )
        return [
            [
                (str(metadata.get("article_id") or ""), 1.0 - float(distance))
                for metadata, distance in zip(metadatas, distances, strict=True)
            ]
            for metadatas, distances in zip(result["metadatas"], result["distances"], strict=True)
        ]


def recorded_sources(settings: Settings) -> list[str]:
    """The sources the index records (what an update re-reads); none before the first build."""
    from index.stores.catalog import Catalog

    if not settings.catalog_path.exists():
        return []
    catalog = Catalog.open(settings)
    try:
        return catalog.recorded_sources()
    finally:
        catalog.close()
