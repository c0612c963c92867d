"""The synthetic archive of ``benchmarks/bench_scale.py`` and its keyword measurement."""

from __future__ import annotations

from pathlib import Path

from benchmarks.scale_data import ARTICLE_EVERY_S, BASE_TS, article_groups, queries, synthetic
from index.stores.keyword_segments import Segments, top_chunks
from index.stores.keyword_terms import query_terms


def test_rows_come_grouped_by_article_with_distinct_rowids() -> None:
    groups = list(article_groups(synthetic(10, dim=0, first=4)))
    assert [article for article, _ in groups] == ["a1", "a2", "a3"]
    assert [len(rows) for _, rows in groups] == [4, 4, 2]
    rowids = [row["rowid"] for _, rows in groups for row in rows]
    assert rowids == list(range(5, 15))


def test_bounded_queries_fall_inside_the_archive() -> None:
    found = list(queries(30, articles=5000))
    bounded = [bounds for _, bounds in found if bounds.since_ts is not None]
    assert len(bounded) == 10 and all(len(words) == 6 for words, _ in found)
    end = BASE_TS + 5000 * ARTICLE_EVERY_S
    assert all(BASE_TS <= b.since_ts < b.until_ts <= end for b in bounded)


def test_synthetic_rows_are_searchable(tmp_path: Path) -> None:
    segments = Segments(tmp_path / "segments")
    groups = list(article_groups(synthetic(40, dim=0)))
    segments.write(groups, clear=True)
    segments.reload()
    chunks, _ = segments.searchers()
    word = groups[3][1][2]["text"].split()[0]
    hits = top_chunks(chunks, query_terms([word]), 100, queries(1).__next__()[1])
    assert groups[3][1][2]["rowid"] in {rowid for _, rowid in hits}
