"""Newsdesk's errors, re-exported for the Python API: ``from assistant.errors import ...``."""

from __future__ import annotations

from index.errors import (
    BackendUnavailable,
    IndexEmpty,
    InvalidQuestion,
    NewsdeskError,
    SourceRejected,
)

__all__ = [
    "BackendUnavailable",
    "IndexEmpty",
    "InvalidQuestion",
    "NewsdeskError",
    "SourceRejected",
]
