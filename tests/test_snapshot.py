"""Replicas that start from a published snapshot and catch up by the change (issue 21)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import index
from index.settings import Settings
from index.stores import open_stores
from index.stores.catalog import Catalog
from index.stores.chroma_store import ChromaStore
from index.stores.keyword_index import KeywordIndex
from index.stores.records import StoredHit
from index.stores.repair import catch_up
from index.stores.snapshot import bootstrap, latest, publish, remove_all
from tests.test_keyword_sync import NoRebuild, exact, ids
from tests.test_pipeline import build
from tests.test_pipeline import news as news  # the fixture stories
from tests.test_pipeline import small as small  # small chunks
from tests.test_stores_catalog import add
from tests.test_stores_catalog import catalog as catalog  # the same four stories
from tests.test_stores_repair import index_article
from tests.test_stores_repair import stores as stores  # articles "a" (two chunks) and "b"


def test_a_replica_starts_from_the_snapshot_and_applies_only_the_change(
    catalog: Catalog, settings: Settings, tmp_path: Path
) -> None:
    target = tmp_path / "published"
    keyword = KeywordIndex(catalog, settings.keyword_path)
    first = publish(catalog, keyword, settings.home, target)
    assert latest(target) == first
    add(catalog, "barley", "AP", 11, ["Barley prices rise"])  # the indexer writes on
    catalog.remove(["storm"])
    assert ids(keyword, "barley typhoon") == ["barley"]

    replica = settings.with_overrides(home=tmp_path / "replica", snapshot_path=target)
    assert bootstrap(replica)
    copy = Catalog.open(replica)
    try:
        assert ids(NoRebuild(copy, replica.keyword_path), "typhoon barley") == ["storm"]
        add(copy, "rye", "AP", 12, ["Rye harvest"])  # as a catch-up imports what is new
        copy.remove(["storm"])
        assert ids(NoRebuild(copy, replica.keyword_path), "typhoon rye") == ["rye"]
        assert exact(NoRebuild(copy, replica.keyword_path), copy)
    finally:
        copy.close()
    assert not bootstrap(replica)  # a home with a catalog is never overwritten


def test_a_later_snapshot_replaces_the_earlier_ones(
    catalog: Catalog, settings: Settings, tmp_path: Path
) -> None:
    target = tmp_path / "published"
    keyword = KeywordIndex(catalog, settings.keyword_path)
    publish(catalog, keyword, settings.home, target)
    add(catalog, "barley", "AP", 11, ["Barley prices rise"])
    second = publish(catalog, keyword, settings.home, target)
    add(catalog, "rye", "AP", 12, ["Rye harvest"])
    third = publish(catalog, keyword, settings.home, target)
    assert latest(target) == third
    assert sorted(p.name for p in target.iterdir() if p.is_dir()) == sorted(
        [second.name, third.name]
    )
    replica = settings.with_overrides(home=tmp_path / "replica", snapshot_path=target)
    assert bootstrap(replica)
    copy = Catalog.open(replica)
    try:
        assert copy.generation() == catalog.generation()
        assert ids(NoRebuild(copy, replica.keyword_path), "rye") == ["rye"]
    finally:
        copy.close()
    remove_all(target)
    assert latest(target) is None
    assert not bootstrap(settings.with_overrides(home=tmp_path / "r2", snapshot_path=target))


class CountingChroma:
    """A Chroma store that counts the chunks read back from it (everything else delegated)."""

    def __init__(self, store: ChromaStore) -> None:
        self._store = store
        self.read: list[str] = []
        self.article_reads = 0

    def get(self, ids: Sequence[str]) -> list[StoredHit]:
        self.read.extend(ids)
        return self._store.get(ids)

    def get_articles(self, article_ids: Sequence[str]) -> list[StoredHit]:
        self.article_reads += 1
        return self._store.get_articles(article_ids)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def test_catch_up_reads_each_unknown_chunk_once(
    settings: Settings, stores: Any, tmp_path: Path
) -> None:
    with open_stores(settings.with_overrides(home=tmp_path / "replica")) as replica:
        replica.chroma = stores.chroma  # a second home on the same (shared) collection
        catch_up(replica)
        index_article(stores, "c", ["charlie one", "charlie two"])  # the writer adds "c" ...
        stores.chroma.delete_articles(["b"])  # ... and removes "b"
        counting = CountingChroma(stores.chroma)
        replica.chroma = counting  # type: ignore[assignment]
        report = catch_up(replica, full=True)
        assert sorted(counting.read) == ["c#h#0", "c#h#1"]  # nothing else, nothing twice
        assert counting.article_reads == 0
        assert (report.imported, report.incomplete) == (1, 1)
        assert replica.catalog.chunk_ids() == stores.chroma.ids()
        assert replica.keyword.search(["charlie"], 3).chunks[0].chunk_id == "c#h#0"


def test_a_build_publishes_and_a_clear_forgets(news: Path, small: Settings, tmp_path: Path) -> None:
    settings = small.with_overrides(snapshot_path=tmp_path / "published")
    build(news, settings)
    published = latest(tmp_path / "published")
    assert published is not None
    replica = settings.with_overrides(home=tmp_path / "replica")
    with open_stores(replica) as stores:  # an empty home starts from the snapshot
        assert stores.catalog.chunk_count() == Catalog.open(settings).chunk_count() > 0
    index.clear(settings)
    assert latest(tmp_path / "published") is None
