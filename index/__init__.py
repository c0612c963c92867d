"""The indexer: news sources -> articles -> chunks -> embeddings -> Chroma + keyword index.

``build``, ``update``, ``stats`` and ``clear`` are imported lazily so that ``import index.models``
stays light (the stores pull in chromadb). This is the write side the answering side may call
(with ``index.refresh``, ``index.writing``, ``index.source_status``); it reads the index through
``index.reader`` and never imports ``index.stores`` or ``index.loaders`` (docs/architecture.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from index.models import Article, BuildReport
from index.settings import Settings

if TYPE_CHECKING:
    from index.loaders.confine import OUTSIDE, inside, link_out_of
    from index.loaders.decoding import human_size
    from index.loaders.estimate import upload_suffixes
    from index.pipeline import build, clear, stats, update
    from index.stores.lease import writer_status
    from index.stores.records import IndexStats

__all__ = [
    "OUTSIDE",
    "Article",
    "BuildReport",
    "IndexStats",
    "Settings",
    "build",
    "clear",
    "human_size",
    "inside",
    "link_out_of",
    "stats",
    "update",
    "upload_suffixes",
    "writer_status",
]

_LAZY = {
    "build": "index.pipeline",
    "update": "index.pipeline",
    "stats": "index.pipeline",
    "clear": "index.pipeline",
    "IndexStats": "index.stores.records",
    "writer_status": "index.stores.lease",  # who writes a shared Chroma server (issue 14)
    "upload_suffixes": "index.loaders.estimate",  # the file types the loaders read
    "human_size": "index.loaders.decoding",  # sizes in the loaders' words ("80 MB")
    # where a source may be read from (the page's roots; checked on every read, issue 22)
    "inside": "index.loaders.confine",
    "link_out_of": "index.loaders.confine",
    "OUTSIDE": "index.loaders.confine",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'index' has no attribute {name!r}")
