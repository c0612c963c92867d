"""The indexer: news sources -> articles -> chunks -> embeddings -> Chroma + keyword index.

``build``, ``update``, ``stats`` and ``clear`` are imported lazily so that ``import index.models``
stays light (the stores pull in chromadb).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from index.models import Article, BuildReport
from index.settings import Settings

if TYPE_CHECKING:
    from index.pipeline import build, clear, stats, update
    from index.stores.lease import writer_status
    from index.stores.records import IndexStats

__all__ = [
    "Article",
    "BuildReport",
    "IndexStats",
    "Settings",
    "build",
    "clear",
    "stats",
    "update",
    "writer_status",
]

_LAZY = {
    "build": "index.pipeline",
    "update": "index.pipeline",
    "stats": "index.pipeline",
    "clear": "index.pipeline",
    "IndexStats": "index.stores.records",
    "writer_status": "index.stores.lease",  # who writes a shared Chroma server (issue 14)
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'index' has no attribute {name!r}")
