"""The Chroma store: cosine space, batched upserts, deletes, filtered queries, URL parsing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.errors import BackendUnavailable
from index.fakes import FakeEmbedder
from index.settings import Settings
from index.stores import open_stores
from index.stores.bounds import SearchBounds
from index.stores.chroma_store import ChromaStore, parse_chroma_url

TEXTS = {
    "a#h#0": ("Kosovo talks in Brussels", "a", "Reuters", 100),
    "a#h#1": ("Serbia and Kosovo leaders meet", "a", "Reuters", 100),
    "b#h#0": ("Wheat futures climb on dry weather", "b", "AP", 200),
    "c#h#0": ("Typhoon forces evacuations", "c", "AFP", None),
}


def meta(article_id: str, source: str, ts: int | None, index: int) -> dict:
    data = {
        "article_id": article_id,
        "chunk_index": index,
        "title": "",
        "source": source,
        "url": "",
        "published": "",
        "authors": "",
        "place": "",
        "body_start": 0,
    }
    if ts is not None:
        data["published_ts"] = ts
    return data


@pytest.fixture
def store(settings: Settings, fake_embedder: FakeEmbedder) -> ChromaStore:
    store = ChromaStore.open(settings)
    ids = list(TEXTS)
    store.upsert(
        ids,
        fake_embedder.embed([TEXTS[i][0] for i in ids]),
        [TEXTS[i][0] for i in ids],
        [meta(TEXTS[i][1], TEXTS[i][2], TEXTS[i][3], int(i[-1])) for i in ids],
    )
    return store


def test_query_scores_are_cosine_similarity(store: ChromaStore, fake_embedder) -> None:
    vector = fake_embedder.embed(["Wheat futures climb on dry weather"])[0]
    hits = store.query(vector, 2)
    assert hits[0].chunk_id == "b#h#0"
    assert hits[0].score == pytest.approx(1.0, abs=1e-4)
    assert hits[0].text == "Wheat futures climb on dry weather"
    assert hits[0].metadata["source"] == "AP"
    assert hits[1].score < hits[0].score


def test_query_within_bounds(store: ChromaStore, fake_embedder) -> None:
    vector = fake_embedder.embed(["Kosovo"])[0]

    def ids(**bounds) -> set[str]:
        return {h.chunk_id for h in store.query(vector, 10, SearchBounds(**bounds))}

    assert ids(since_ts=150) == {"b#h#0"}
    assert ids(until_ts=150) == {"a#h#0", "a#h#1"}  # undated "c" does not pass a range
    assert ids(outlets=("AFP",)) == {"c#h#0"}
    assert ids(outlets=("AFP",), syndicated=("b",)) == {"b#h#0", "c#h#0"}
    assert ids(cut_ts=150) == {"a#h#0", "a#h#1", "c#h#0"}  # undated passes the as-of cut
    assert len(store.query(vector, 2, SearchBounds(cut_ts=150))) == 2


def test_query_more_than_stored_and_empty(store: ChromaStore, fake_embedder, settings) -> None:
    vector = fake_embedder.embed(["Kosovo"])[0]
    assert len(store.query(vector, 50)) == 4
    assert store.query(vector, 0) == []
    store.reset()
    assert store.count() == 0
    assert store.query(vector, 5) == []


def test_upsert_is_idempotent(store: ChromaStore, fake_embedder) -> None:
    store.upsert(["a#h#0"], fake_embedder.embed(["new text"]), ["new text"], [meta("a", "R", 1, 0)])
    assert store.count() == 4
    assert store.get(["a#h#0"])[0].text == "new text"


def test_delete_by_ids_and_by_articles(store: ChromaStore) -> None:
    store.delete(["c#h#0", "missing"])
    assert store.ids() == {"a#h#0", "a#h#1", "b#h#0"}
    store.delete_articles(["a"])
    assert store.ids() == {"b#h#0"}
    assert [h.chunk_id for h in store.get_articles(["b", "zzz"])] == ["b#h#0"]


def test_upserts_in_batches_the_client_accepts(settings: Settings, fake_embedder) -> None:
    store = ChromaStore.open(settings)
    store._max_batch = 3
    ids = [f"x#h#{i}" for i in range(10)]
    texts = [f"text number {i}" for i in range(10)]
    metas = [meta("x", "", None, i) for i in range(10)]
    store.upsert(ids, fake_embedder.embed(texts), texts, metas)
    assert store.ids() == set(ids)
    store.delete(ids)
    assert store.count() == 0


def test_collection_is_cosine_and_never_embeds(store: ChromaStore) -> None:
    config = store._collection.configuration
    assert config["hnsw"]["space"] == "cosine"
    with pytest.raises(ValueError):
        store._collection.add(ids=["z"], documents=["no embedding given"])


def test_ids_pages_through_the_collection(store: ChromaStore, monkeypatch) -> None:
    monkeypatch.setattr(store, "_max_batch", 1)
    assert len(store.ids()) == 4  # pages of max(1, 1000) ids: still all of them


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8000", ("127.0.0.1", 8000, False)),
        ("https://chroma.example.com", ("chroma.example.com", 443, True)),
        ("localhost:9000", ("localhost", 9000, False)),
        ("http://chroma", ("chroma", 8000, False)),
    ],
)
def test_parse_chroma_url(url: str, expected: tuple) -> None:
    assert parse_chroma_url(url) == expected


def test_bad_chroma_url_is_explained() -> None:
    with pytest.raises(ValueError, match="http"):
        parse_chroma_url("ftp://host")


def test_unreachable_server_says_what_to_do(settings: Settings) -> None:
    unreachable = settings.with_overrides(chroma_url="http://127.0.0.1:9")
    with pytest.raises(BackendUnavailable, match="chroma run"):
        open_stores(unreachable)


def test_vectors_are_stored_as_given(store: ChromaStore, fake_embedder) -> None:
    stored = store._collection.get(ids=["b#h#0"], include=["embeddings"])["embeddings"][0]
    expected = fake_embedder.embed(["Wheat futures climb on dry weather"])[0]
    assert np.allclose(stored, expected, atol=1e-6)


WRITER = """
import sys
from index.settings import Settings
from index.stores.chroma_store import ChromaStore
from index.fakes import FakeEmbedder
store = ChromaStore.open(Settings(home=sys.argv[1]))
meta = {"article_id": "d", "chunk_index": 0, "title": "", "source": "AP", "url": "",
        "published": "", "authors": "", "place": "", "body_start": 0}
store.upsert(["d#h#0"], FakeEmbedder().embed(["dockers strike"]), ["dockers strike"], [meta])
"""


def test_refresh_sees_writes_of_another_process(store: ChromaStore, settings, fake_embedder):
    repo = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-c", WRITER, str(settings.home)], cwd=repo, check=True)
    store.refresh()
    assert "d#h#0" in store.ids()
    hits = store.query(fake_embedder.embed(["dockers strike"])[0], 1)
    assert hits[0].chunk_id == "d#h#0"
