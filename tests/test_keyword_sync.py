"""The keyword index kept in step with the catalog: by the change, exactly, across processes and
after a crash."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from index.settings import Settings
from index.stores.catalog import Catalog
from index.stores.keyword_index import KeywordIndex, KeywordState
from index.stores.keyword_segments import Segments, article_padding
from index.text import bare_words
from tests.test_stores_catalog import add
from tests.test_stores_catalog import catalog as catalog  # the same four stories

ROOT = Path(__file__).resolve().parents[1]


class NoRebuild(KeywordIndex):
    """A keyword index that must only ever apply changes."""

    def _rebuild(self, instance: str) -> KeywordState:
        raise AssertionError("rebuilt in full instead of applying the change")


def ids(keyword: KeywordIndex, query: str) -> list[str]:
    """Article ids of the chunk hits, best first (repeats kept: a stale copy would show)."""
    return [hit.metadata["article_id"] for hit in keyword.search(bare_words(query), 20).chunks]


def exact(keyword: KeywordIndex, catalog: Catalog) -> bool:
    """The index holds one document per catalog chunk, no more."""
    return keyword.refresh().size == catalog.chunk_count()


def test_a_write_applies_only_its_articles(catalog: Catalog, settings: Settings) -> None:
    KeywordIndex(catalog, settings.keyword_path).refresh()  # built once, in full
    keyword = NoRebuild(catalog, settings.keyword_path)  # a new process: loads, never rebuilds
    assert sorted(ids(keyword, "talks")) == ["kosovo", "poll", "storm"]
    before = catalog.generation()
    add(catalog, "barley", "AP", 11, ["Barley prices rise", "Maltsters buy barley"])
    generation, changed, rows = catalog.keyword_changes(before)
    assert (generation, changed, len(rows)) == (before + 1, ["barley"], 2)  # not the archive
    assert ids(keyword, "barley") == ["barley", "barley"]
    assert exact(keyword, catalog)


def test_replacements_and_removals_are_exact(catalog: Catalog, settings: Settings) -> None:
    keyword = KeywordIndex(catalog, settings.keyword_path)
    assert ids(keyword, "Brussels") == ["kosovo"]
    add(catalog, "kosovo", "Reuters", 4, ["Belgrade and Pristina agree", "on a border"])
    catalog.remove(["storm"])
    assert ids(keyword, "Brussels") == []  # the old version is gone
    assert ids(keyword, "Pristina") == ["kosovo"]
    assert ids(keyword, "typhoon") == []
    assert articles(keyword, "talks") == ["poll"]
    assert exact(keyword, catalog)


def articles(keyword: KeywordIndex, query: str) -> list[str]:
    hits = keyword.search(bare_words(query), 0, articles=10).articles
    return [hit.metadata["article_id"] for hit in hits]


def test_another_process_write_is_seen_without_a_rebuild(
    catalog: Catalog, settings: Settings
) -> None:
    writer = KeywordIndex(catalog, settings.keyword_path)
    reader = NoRebuild(catalog, settings.keyword_path)
    writer.refresh()
    assert ids(reader, "barley") == []
    add(catalog, "barley", "AP", 11, ["Barley prices rise"])
    writer.refresh()  # the writer applies the change; the reader only reloads it
    assert ids(reader, "barley") == ["barley"]
    assert exact(reader, catalog)


def test_a_crash_after_the_commit_is_applied_again_exactly(
    catalog: Catalog, settings: Settings
) -> None:
    keyword = KeywordIndex(catalog, settings.keyword_path)
    keyword.refresh()
    before = catalog.generation()
    add(catalog, "wheat", "Reuters", 10, ["Wheat harvest in Kansas", "Kansas rain"])
    _, changed, rows = catalog.keyword_changes(before)
    segments = Segments(keyword.path)  # committed, then "crashed" before state.json
    segments.write(_grouped(rows), changed)
    fresh = NoRebuild(catalog, settings.keyword_path)
    assert ids(fresh, "Kansas") == ["wheat", "wheat"]  # applied again: no duplicate
    assert exact(fresh, catalog)


def _grouped(rows):
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row["article_id"], []).append(row)
    return list(groups.items())


def test_a_process_killed_mid_write_leaves_an_index_the_next_sync_repairs(
    catalog: Catalog, settings: Settings
) -> None:
    keyword = KeywordIndex(catalog, settings.keyword_path)
    keyword.refresh()
    add(catalog, "barley", "AP", 11, ["Barley prices rise"])
    add(catalog, "kosovo", "Reuters", 4, ["Belgrade and Pristina agree"])
    child = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from index.settings import Settings
        from index.stores.catalog import Catalog
        from index.stores.keyword_segments import Segments, article_padding
        catalog = Catalog(Settings(home={str(settings.home)!r}).catalog_path)
        _, rows = catalog.keyword_corpus()
        def groups():
            yield "barley", [row for row in rows if row["article_id"] == "barley"]
            os._exit(9)  # killed mid-write, before any commit
        Segments(Path({str(keyword.path)!r})).write(groups(), ["barley", "kosovo"])
    """)
    done = subprocess.run([sys.executable, "-c", child], cwd=ROOT, timeout=60)
    assert done.returncode == 9
    fresh = NoRebuild(catalog, settings.keyword_path)
    assert ids(fresh, "Brussels") == []
    assert ids(fresh, "Pristina barley") in (["kosovo", "barley"], ["barley", "kosovo"])
    assert exact(fresh, catalog)


def test_damaged_segments_are_rebuilt(catalog: Catalog, settings: Settings) -> None:
    keyword = KeywordIndex(catalog, settings.keyword_path)
    keyword.refresh()
    add(catalog, "barley", "AP", 11, ["Barley prices rise"])
    (keyword.path / "chunks" / "meta.json").write_text("not json")
    fresh = KeywordIndex(catalog, settings.keyword_path)
    assert ids(fresh, "barley talks")[0] == "barley"
    assert exact(fresh, catalog)


def test_a_catalog_older_than_the_change_log_is_rebuilt(
    catalog: Catalog, settings: Settings
) -> None:
    keyword = KeywordIndex(catalog, settings.keyword_path)
    keyword.refresh()
    synced = catalog.generation()
    add(catalog, "barley", "AP", 11, ["Barley prices rise"])
    catalog._db.execute(  # as if the log began after the index was synced
        "UPDATE meta SET value = ? WHERE key = 'changes_from'", (str(synced + 1),)
    )
    assert catalog.keyword_changes(synced) is None
    assert ids(KeywordIndex(catalog, settings.keyword_path), "barley") == ["barley"]


def test_a_home_it_cannot_write_is_served_from_memory(catalog: Catalog, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    keyword = KeywordIndex(catalog, blocker / "keyword")  # cannot be created
    assert sorted(ids(keyword, "talks")) == ["kosovo", "poll", "storm"]
    add(catalog, "barley", "AP", 11, ["Barley talks"])
    assert "barley" in ids(keyword, "talks")


def test_article_padding_is_seven_eighths_of_the_mean_article_length() -> None:
    rows = [
        {"rowid": 1, "article_id": "a", "text": "wheat barley maize rye oats", "body_start": 0},
        {"rowid": 2, "article_id": "a", "text": "Title\nsorghum millet", "body_start": 6},
        {"rowid": 3, "article_id": "b", "text": "kansas", "body_start": 0},
    ]
    # article "a": 5 + 2 terms (its second chunk's header is not part of the article), "b": 1;
    # the mean (4 terms) is estimated from characters, so within a term
    assert abs(article_padding(rows) - 0.875 * (7 + 1) / 2) <= 1
    longer = [{**row, "article_id": "a"} for row in rows * 3]  # one article, ~3x as long
    assert abs(article_padding(longer) - 0.875 * 3 * (7 + 1) / 1) <= 2
    assert article_padding([]) == 0


def test_the_padding_is_kept_for_the_writes_that_follow(
    catalog: Catalog, settings: Settings
) -> None:
    keyword = KeywordIndex(catalog, settings.keyword_path)
    keyword.refresh()
    padding = json.loads((keyword.path / "state.json").read_text())["padding"]
    assert padding == article_padding(catalog.keyword_corpus()[1]) > 0
    add(catalog, "barley", "AP", 11, ["Barley prices rise"])
    assert articles(NoRebuild(catalog, settings.keyword_path), "barley") == ["barley"]
    assert json.loads((keyword.path / "state.json").read_text())["padding"] == padding
