"""A change counter kept in the Chroma server, and each home's mark of how far it has read.

The writer lease's collection (``<collection>__lease``) also holds one record, ``changes``, whose
``generation`` the lease holder bumps after every write batch (upsert, delete, reset). A replica
records in ``<home>/server_sync.json`` the generation its catalog last caught up to: when the two
differ it is behind (by that many write batches) and catches up, even when the chunk count
happens to be unchanged (an article rewritten with as many chunks). Only the lease holder bumps
the counter, so its read-modify-write needs no compare-and-swap.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from chromadb.api import ClientAPI

CHANGES_ID = "changes"
_DUMMY_VECTOR = [[1.0]]  # the metadata collection needs a vector per record; one dimension


def lease_collection_name(collection: str) -> str:
    """The metadata collection beside ``collection`` (lease claims and the change counter)."""
    return f"{collection}__lease"


def open_metadata(client: ClientAPI, collection: str) -> Any:
    """The metadata collection of ``collection`` (created on first use)."""
    return client.get_or_create_collection(
        name=lease_collection_name(collection), embedding_function=None
    )


def dummy_vectors(count: int) -> list[list[float]]:
    """Placeholder vectors for ``count`` metadata records."""
    return _DUMMY_VECTOR * count


class ChangeCounter:
    """The server-side write generation of one collection."""

    def __init__(self, client: ClientAPI, collection: str) -> None:
        self._meta = open_metadata(client, collection)

    def value(self) -> int:
        """The current generation (0 before the first counted write)."""
        found = self._meta.get(ids=[CHANGES_ID], include=["metadatas"])
        metadatas = found.get("metadatas") or []
        return int((metadatas[0] or {}).get("generation", 0)) if metadatas else 0

    def bump(self, owner: str = "") -> int:
        """Count one more write batch (lease holder only); returns the new generation."""
        generation = self.value() + 1
        self._meta.upsert(
            ids=[CHANGES_ID],
            embeddings=dummy_vectors(1),
            metadatas=[
                {"kind": "changes", "generation": generation, "at": time.time(), "by": owner}
            ],
        )
        return generation


class SyncMark:
    """The server generation a home's catalog is known to match (``server_sync.json``)."""

    def __init__(self, home: Path) -> None:
        self.path = home / "server_sync.json"

    def read(self) -> int | None:
        """The recorded generation, or None when this home never caught up."""
        try:
            return int(json.loads(self.path.read_text(encoding="utf-8"))["generation"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, generation: int) -> None:
        """Record ``generation`` (atomically: written aside, then renamed)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"generation": generation}), encoding="utf-8")
        os.replace(temporary, self.path)

    def clear(self) -> None:
        """Forget the mark (the catalog was deleted)."""
        self.path.unlink(missing_ok=True)
