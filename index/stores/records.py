"""Plain records returned by the stores: search hits, article summaries and index statistics."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class StoredHit:
    """One stored chunk matched by a search.

    ``score`` is higher-is-better: cosine similarity for dense hits, ``-bm25`` for keyword hits.
    ``metadata`` holds the chunk metadata of ``index.pipeline.chunk_metadata``.
    """

    chunk_id: str
    text: str
    metadata: dict[str, Any]
    score: float


@dataclass(frozen=True)
class ArticleSummary:
    """One indexed article as a list shows it (e.g. the web chat's example questions)."""

    article_id: str
    title: str
    outlet: str  # "" when unknown
    published: datetime | None


@dataclass(frozen=True)
class IndexStats:
    """What the index holds (``newsdesk index stats``)."""

    articles: int = 0
    chunks: int = 0
    duplicates: int = 0
    outlets: dict[str, int] = field(default_factory=dict)
    first_published: datetime | None = None
    last_published: datetime | None = None
    last_indexed: datetime | None = None
    inputs: tuple[str, ...] = ()
    embedding_model: str | None = None
    # a shared Chroma server (issue 14): its change counter, and how many write batches this
    # home had not caught up to when asked (it has caught up since); None when embedded
    server_changes: int | None = None
    behind: int | None = None
    # what is wrong with the stores right now, e.g. the embedded Chroma folder is gone (issue 22)
    warning: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The stable ``--json`` object; ``sources`` maps each outlet to its article count."""

        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "articles": self.articles,
            "chunks": self.chunks,
            "duplicates": self.duplicates,
            "sources": dict(self.outlets),
            "first_published": iso(self.first_published),
            "last_published": iso(self.last_published),
            "last_indexed": iso(self.last_indexed),
            "inputs": list(self.inputs),
            "embedding_model": self.embedding_model,
            "server_changes": self.server_changes,
            "behind": self.behind,
            "warning": self.warning,
        }
