"""The stores behind the index, opened together: Chroma (chunks + vectors, the system of
record), the SQLite catalog (manifest, chunk text, sources) and the BM25 keyword index (tantivy
segments) derived from the catalog."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType

from index.settings import Settings
from index.stores.catalog import Catalog, ChunkRecord, EmbeddingModelMismatch
from index.stores.chroma_store import ChromaStore
from index.stores.keyword_index import KeywordIndex
from index.stores.records import ArticleSummary, IndexStats, StoredHit

__all__ = [
    "ArticleSummary",
    "Catalog",
    "ChromaStore",
    "ChunkRecord",
    "EmbeddingModelMismatch",
    "IndexStats",
    "KeywordIndex",
    "StoredHit",
    "Stores",
    "open_stores",
]


@dataclass
class Stores:
    """The stores of one index (use as a context manager to close the catalog)."""

    chroma: ChromaStore
    catalog: Catalog
    keyword: KeywordIndex

    def close(self) -> None:
        """Release the catalog's database connection."""
        self.catalog.close()

    def __enter__(self) -> Stores:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_stores(settings: Settings, *, catch_up: bool | None = None) -> Stores:
    """Open (creating when missing) the Chroma collection and the catalog of ``settings``.

    ``catch_up`` (default: when ``settings.chroma_url`` is set, i.e. a shared Chroma server)
    first brings the local catalog in step with what other processes wrote to Chroma (when the
    server's change counter moved, ``repair.follow``); it never writes to Chroma.
    """
    if settings.snapshot_path is not None:
        from index.stores.snapshot import bootstrap

        bootstrap(settings)  # an empty home starts from the latest published snapshot
    catalog = Catalog.open(settings)
    stores = Stores(
        chroma=ChromaStore.open(settings),
        catalog=catalog,
        keyword=KeywordIndex(catalog, settings.keyword_path),
    )
    if catch_up if catch_up is not None else bool(settings.chroma_url):
        from index.stores.repair import follow

        follow(stores)
    return stores
