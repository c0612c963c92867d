"""Free text to FTS5 MATCH expressions (searching with them: tests/test_stores_catalog.py)."""

from __future__ import annotations

from index.stores.fts import match_query


def test_match_query_quotes_terms_and_drops_stopwords() -> None:
    assert match_query('What did "Serbia" say about NOT Kosovo?') == '"serbia" OR "kosovo"'
    assert match_query("the who") == '"the" OR "who"'  # only stopwords: keep them
    assert match_query("?!") is None


def test_match_query_keeps_numbers_and_accents_and_caps_terms() -> None:
    assert match_query("Macron 2025 élection") == '"macron" OR "2025" OR "élection"'
    assert match_query(" ".join(f"w{i}" for i in range(100))).count(" OR ") == 31
