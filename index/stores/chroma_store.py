"""Chroma: the system of record for chunks, their vectors and metadata.

Embedded (``PersistentClient`` under ``settings.chroma_path``) by default, or a Chroma server when
``settings.chroma_url`` is set. The collection uses cosine space and never embeds anything itself:
every write and query passes its own vectors.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import replace
from typing import Any, Protocol, cast
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.collection_configuration import CreateCollectionConfiguration
from chromadb.api.models.Collection import Collection
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.api.types import Where
from chromadb.config import Settings as ChromaSettings

from index.errors import BackendUnavailable
from index.settings import Settings
from index.stores.bounds import NO_BOUNDS, SearchBounds
from index.stores.records import StoredHit

_COSINE_SPACE: CreateCollectionConfiguration = {"hnsw": {"space": "cosine"}}
_ARTICLES_PER_FILTER = 500


def connect(settings: Settings) -> ClientAPI:
    """A Chroma client for ``settings``: HTTP when ``chroma_url`` is set, embedded otherwise."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if not settings.chroma_url:
        if not (settings.chroma_path / "chroma.sqlite3").exists():
            # its folder was deleted: a system cached for this path would write to lost files
            SharedSystemClient.clear_system_cache()
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    host, port, ssl = parse_chroma_url(settings.chroma_url)
    try:
        client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)
        client.heartbeat()
    except Exception as exc:  # chromadb raises several transport errors; all mean the same here
        raise BackendUnavailable(
            f"Cannot reach the Chroma server at {settings.chroma_url} ({exc}). Start it with "
            "`chroma run --path DIR --port PORT`, or unset NEWSDESK_CHROMA_URL to use the "
            "embedded store."
        ) from exc
    return client


def parse_chroma_url(url: str) -> tuple[str, int, bool]:
    """``(host, port, ssl)`` from a URL such as ``http://127.0.0.1:8000`` or ``chroma.lan:9000``."""
    parsed = urlsplit(url if "://" in url else f"http://{url}")
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise ValueError(
            f"Chroma URL {url!r} is not an http(s) URL; use e.g. http://127.0.0.1:8000"
        )
    ssl = parsed.scheme == "https"
    return parsed.hostname, parsed.port or (443 if ssl else 8000), ssl


class WriteGuard(Protocol):
    """Checked before and told after every write (the writer lease, ``index.stores.lease``)."""

    def check(self) -> None: ...

    def changed(self) -> None: ...


class ChromaStore:
    """One Chroma collection of chunks: ids are chunk ids, metadata as
    ``index.pipeline.chunk_metadata`` makes it."""

    guard: WriteGuard | None = None  # set while a writer lease is held (a shared server)

    def __init__(self, client: ClientAPI, collection: str, settings: Settings | None = None):
        self.client = client
        self.name = collection
        self._settings = settings
        self._collection = self._open_collection()
        self._max_batch = max(1, int(client.get_max_batch_size()))

    @classmethod
    def open(cls, settings: Settings) -> ChromaStore:
        """The store described by ``settings`` (collection created on first use)."""
        return cls(connect(settings), settings.collection, settings)

    def refresh(self) -> None:
        """Re-open the collection to see what another process wrote since it was opened.

        Embedded Chroma keeps one in-memory copy of a database per process, which does not
        follow writes made by other processes (e.g. ``newsdesk index update`` while the web
        chat runs). A server client needs nothing, but a refresh does no harm.
        """
        if self._settings is None or self._settings.chroma_url:
            return
        SharedSystemClient.clear_system_cache()
        self.client = connect(self._settings)
        self._collection = self._open_collection()

    def upsert(
        self,
        ids: Sequence[str],
        embeddings: np.ndarray | Sequence[Sequence[float]],
        documents: Sequence[str],
        metadatas: Sequence[Mapping[str, Any]],
    ) -> None:
        """Insert or replace chunks, in batches the client accepts."""
        if not (len(ids) == len(embeddings) == len(documents) == len(metadatas)):
            raise ValueError("upsert needs as many embeddings, documents and metadatas as ids")
        vectors = np.asarray(embeddings, dtype=np.float32)
        self._before_write()
        for start in range(0, len(ids), self._max_batch):
            end = start + self._max_batch
            self._collection.upsert(
                ids=list(ids[start:end]),
                embeddings=vectors[start:end],
                documents=list(documents[start:end]),
                metadatas=[dict(meta) for meta in metadatas[start:end]],
            )
        self._after_write(bool(ids))

    def delete(self, ids: Sequence[str]) -> None:
        """Delete chunks by id (unknown ids are ignored)."""
        ids = list(ids)
        self._before_write()
        for start in range(0, len(ids), self._max_batch):
            self._collection.delete(ids=ids[start : start + self._max_batch])
        self._after_write(bool(ids))

    def delete_articles(self, article_ids: Sequence[str]) -> None:
        """Delete every chunk whose ``article_id`` is one of ``article_ids``."""
        article_ids = list(dict.fromkeys(article_ids))
        self._before_write()
        for start in range(0, len(article_ids), _ARTICLES_PER_FILTER):
            batch = article_ids[start : start + _ARTICLES_PER_FILTER]
            self._collection.delete(where=_of_articles(batch))
        self._after_write(bool(article_ids))

    def query(
        self,
        embedding: np.ndarray | Sequence[float],
        n: int,
        bounds: SearchBounds = NO_BOUNDS,
        within: Sequence[str] | None = None,
    ) -> list[StoredHit]:
        """The ``n`` chunks nearest to ``embedding`` within ``bounds`` (cosine similarity as
        score), best first. The as-of cut is applied to twice as many nearest chunks.

        ``within``: the ids of exactly the chunks ``bounds``' publication range admits (from
        the catalog); the search is then restricted to them instead of filtering the range in
        Chroma, which scans the whole collection's metadata (~1 s at 600k chunks vs ~0.1 s)."""
        if n <= 0 or (within is not None and not within):
            return []  # (an empty collection answers with no ids; no count() round trip)
        vector = np.asarray(embedding, dtype=np.float32).reshape(1, -1)
        if within is not None:
            bounds = replace(bounds, since_ts=None, until_ts=None)
        result = self._collection.query(
            query_embeddings=vector,
            n_results=2 * n if bounds.cut_ts is not None else n,
            where=bounds.chroma_where(),
            ids=None if within is None else list(within),
            include=["documents", "metadatas", "distances"],
        )
        ids = result["ids"][0]
        documents = (result.get("documents") or [[]])[0]
        metadatas = (result.get("metadatas") or [[]])[0]
        distances = (result.get("distances") or [[]])[0]
        hits = [
            StoredHit(
                chunk_id=chunk_id,
                text=documents[i] or "",
                metadata=dict(metadatas[i] or {}),
                score=1.0 - float(distances[i]),
            )
            for i, chunk_id in enumerate(ids)
        ]
        return [hit for hit in hits if bounds.before_cut(hit.metadata.get("published_ts"))][:n]

    def get(self, ids: Sequence[str]) -> list[StoredHit]:
        """The stored chunks with these ids (missing ids are skipped); score is 0."""
        hits: list[StoredHit] = []
        ids = list(ids)
        for start in range(0, len(ids), self._max_batch):
            result = self._collection.get(
                ids=ids[start : start + self._max_batch], include=["documents", "metadatas"]
            )
            hits.extend(_hits(result))
        return hits

    def get_articles(self, article_ids: Sequence[str]) -> list[StoredHit]:
        """Every stored chunk of these articles; score is 0."""
        hits: list[StoredHit] = []
        article_ids = list(dict.fromkeys(article_ids))
        for start in range(0, len(article_ids), _ARTICLES_PER_FILTER):
            batch = article_ids[start : start + _ARTICLES_PER_FILTER]
            result = self._collection.get(
                where=_of_articles(batch), include=["documents", "metadatas"]
            )
            hits.extend(_hits(result))
        return hits

    def ids(self) -> set[str]:
        """Every chunk id in the collection."""
        return set(self._iter_ids())

    def count(self) -> int:
        """Number of chunks in the collection."""
        return int(self._collection.count())

    def reset(self) -> None:
        """Drop the collection and start an empty one (``newsdesk index clear``)."""
        # chromadb raises NotFoundError or ValueError (by version) when it is absent: fine
        self._before_write()
        with suppress(Exception):
            self.client.delete_collection(self.name)
        self._collection = self._open_collection()
        self._after_write(True)

    def _before_write(self) -> None:
        if self.guard is not None:
            self.guard.check()

    def _after_write(self, wrote: bool) -> None:
        if self.guard is not None and wrote:
            self.guard.changed()

    def _open_collection(self) -> Collection:
        return self.client.get_or_create_collection(
            name=self.name, configuration=_COSINE_SPACE, embedding_function=None
        )

    def _iter_ids(self) -> Iterator[str]:
        page = max(self._max_batch, 1000)
        offset = 0
        while True:
            batch = self._collection.get(include=[], limit=page, offset=offset)["ids"]
            yield from batch
            if len(batch) < page:
                return
            offset += page


def _of_articles(article_ids: Sequence[str]) -> Where:
    """The Chroma filter of the chunks of these articles."""
    return cast(Where, {"article_id": {"$in": list(article_ids)}})  # a union mypy cannot infer


def _hits(result: Mapping[str, Any]) -> list[StoredHit]:
    documents = result.get("documents") or []
    metadatas = result.get("metadatas") or []
    return [
        StoredHit(chunk_id, documents[i] or "", dict(metadatas[i] or {}), 0.0)
        for i, chunk_id in enumerate(result["ids"])
    ]
