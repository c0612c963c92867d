"""Kept for test modules not yet moved to the packaged doubles (``index.fakes``)."""

from index.fakes import FakeEmbedder

__all__ = ["FakeEmbedder"]
