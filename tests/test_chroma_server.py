"""Against a real Chroma server started on 127.0.0.1 by the test (``chroma run``), stopped after."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import index
from index.fakes import FakeEmbedder
from index.settings import Settings
from index.stores import open_stores
from index.stores.repair import catch_up
from tests.chroma_server import chroma_server

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pipeline" / "news"


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    """A real Chroma server on 127.0.0.1 for this test."""
    yield from chroma_server(tmp_path)


def test_build_and_query_on_a_chroma_server(chroma_url: str, settings: Settings, tmp_path) -> None:
    remote = settings.with_overrides(chroma_url=chroma_url, chunk_tokens=48, chunk_overlap=8)
    news = shutil.copytree(FIXTURES, tmp_path / "news")
    report = index.build([news], remote, embedder=FakeEmbedder())
    assert (report.new, report.duplicates) == (4, 2)
    assert not (remote.home / "chroma").exists()  # nothing embedded: the server holds the vectors

    again = index.build([news], remote, embedder=FakeEmbedder())
    assert again.unchanged == 6 and again.chunks_added == 0

    with open_stores(remote) as stores:
        assert stores.chroma.count() == report.chunks_added
        hits = stores.chroma.query(FakeEmbedder().embed(["typhoon evacuations"])[0], 3)
        assert hits[0].metadata["source"] == "AFP"
        assert 0 < hits[0].score <= 1.0001

    # A serving replica with its own home and no shared disk catches up from the server.
    replica = remote.with_overrides(home=tmp_path / "replica")
    with open_stores(replica, catch_up=False) as stores:
        assert stores.catalog.chunk_count() == 0
        assert catch_up(stores).imported == 4
        hit = stores.keyword.search(["wheat", "futures", "Kansas"], 1).chunks[0]
        assert hit.metadata["source"] == "Reuters"
        assert stores.catalog.chunk_ids() == stores.chroma.ids()
    # Opening stores on a server catches up by default, and so does `index stats`.
    other = remote.with_overrides(home=tmp_path / "other-replica")
    assert index.stats(other).articles == 4
    with open_stores(other) as stores:
        assert stores.keyword.search(["typhoon"], 1).chunks
