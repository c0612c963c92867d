"""Assistant.refresh on a shared Chroma server: a reader replica (its own home, no shared disk)
answers from an article another machine indexed, without a restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import index
from assistant import Assistant
from index.fakes import FakeEmbedder
from index.settings import Settings
from tests.chroma_server import chroma_server
from tests.test_api_refresh import WHEAT, story_folders


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    """A real Chroma server on 127.0.0.1 for this test."""
    yield from chroma_server(tmp_path)


def test_a_reader_replica_answers_from_what_the_indexer_wrote_since(
    chroma_url: str, settings: Settings, tmp_path: Path
) -> None:
    writer = settings.with_overrides(chroma_url=chroma_url, home=tmp_path / "indexer")
    reader = writer.with_overrides(home=tmp_path / "replica", llm="extractive")
    storm, wheat = story_folders(tmp_path)
    index.build([storm], writer, embedder=FakeEmbedder())
    bot = Assistant(reader, embedder=FakeEmbedder())

    before = bot.ask(WHEAT)
    assert not any("Wheat" in source.title for source in before.sources)
    assert bot.refresh() is False  # the server counted no write since

    index.build([wheat], writer, embedder=FakeEmbedder())  # the other machine writes

    after = bot.ask(WHEAT)  # ask() refreshes first: follows the server, then reloads
    wheat_sources = [source for source in after.sources if "Wheat" in source.title]
    assert wheat_sources, [source.title for source in after.sources]
    # the local catalog caught up, so the keyword side (BM25 over it) knows the article too,
    # not only the dense search that reads the server directly
    hits = bot._reader.search(["wheat", "futures", "Kansas"], 1).chunks
    assert hits and "Wheat" in hits[0].metadata["title"]
    assert bot.refresh() is False
