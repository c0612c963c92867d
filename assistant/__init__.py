"""Newsdesk's answering side: ``from assistant import Assistant``.

``Assistant(settings).ask(question) -> Answer``; ``Answer``, ``Citation``, ``Source``,
``Filters``, ``Settings`` and the errors are importable from here too.
"""

from __future__ import annotations

from typing import Any

from assistant.answer import Answer, Citation, RetrievedChunk, Source
from assistant.api import Assistant
from assistant.errors import (
    BackendUnavailable,
    IndexEmpty,
    InvalidQuestion,
    NewsdeskError,
    SourceRejected,
)
from index.settings import Settings

__all__ = [
    "Answer",
    "Assistant",
    "BackendUnavailable",
    "Citation",
    "Filters",
    "IndexEmpty",
    "InvalidQuestion",
    "NewsdeskError",
    "RetrievedChunk",
    "Settings",
    "Source",
    "SourceRejected",
]


def __getattr__(name: str) -> Any:
    # Filters belongs to the retrieval side; imported on first use.
    if name == "Filters":
        from assistant.filters import Filters

        return Filters
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
