"""Fixtures of the retriever tests: a wide fake embedder, the stories' index, the retriever."""

from __future__ import annotations

import pytest

from assistant.retriever import HybridRetriever
from index.fakes import FakeEmbedder
from index.settings import Settings
from tests.retrieval.stories import AS_OF, STORIES, MemoryIndex


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    """Wider than the shared fixture's, so unrelated words rarely share a bucket."""
    return FakeEmbedder(dimension=1024)


@pytest.fixture
def index(fake_embedder: FakeEmbedder) -> MemoryIndex:
    return MemoryIndex(STORIES, fake_embedder)


@pytest.fixture
def retriever(
    settings: Settings, fake_embedder: FakeEmbedder, index: MemoryIndex
) -> HybridRetriever:
    return HybridRetriever(
        settings=settings, embedder=fake_embedder, dense=index, keyword=index, as_of=AS_OF
    )
