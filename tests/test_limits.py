"""Bounded work per input (issue 22): decompressed bytes per file, bytes per record and
characters per article are limited while streaming; a file rejected for size is not read again
until it changes; a source is recorded for ``update`` only once it was read successfully."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import index
from index.fakes import FakeEmbedder
from index.loaders import load_located, load_source
from index.loaders.limits import MemoryMemo
from index.models import Article, Rejection
from index.settings import Settings
from index.stores.catalog import Catalog
from tests.httpserver import respond, serving


def line(number: int, text: str | None = None) -> str:
    return (
        json.dumps(
            {
                "id": f"a{number}",
                "title": f"Story {number}",
                "text": text or f"Story {number} happened in Lisbon.",
            }
        )
        + "\n"
    )


def split(items: list[Article | Rejection]) -> tuple[list[Article], list[Rejection]]:
    return (
        [item for item in items if isinstance(item, Article)],
        [item for item in items if isinstance(item, Rejection)],
    )


def recorded(settings: Settings) -> list[str]:
    catalog = Catalog.open(settings)
    try:
        return catalog.recorded_sources()
    finally:
        catalog.close()


def test_a_long_record_is_rejected_alone_and_the_rest_loads(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl.gz"
    with gzip.open(path, "wt") as out:
        out.write(line(1) + line(2, "x" * 50_000) + line(3))
    settings = Settings(home=tmp_path / "home", max_record_bytes=10_000)
    articles, rejections = split(list(load_source(path, settings)))
    assert [a.id for a in articles] == ["a1", "a3"]
    [rejection] = rejections
    assert rejection.too_large
    assert rejection.reason == "line 2: record is over the 10 KB limit (NEWSDESK_MAX_RECORD_BYTES)"


def test_decompression_stops_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl.gz"
    with gzip.open(path, "wt") as out:
        out.writelines(line(number) for number in range(1, 2001))
    settings = Settings(home=tmp_path / "home", max_decompressed_bytes=5_000)
    articles, [rejection] = split(list(load_source(path, settings)))
    assert 0 < len(articles) < 100
    assert rejection.reason.startswith(f"after line {len(articles)}: decompresses to more")
    assert "NEWSDESK_MAX_DECOMPRESSED_BYTES" in rejection.reason


def test_an_article_over_the_character_limit_is_rejected_from_any_loader(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Trams in Lisbon\n\n" + "The fare is 3.10 euros. " * 100)
    settings = Settings(home=tmp_path / "home", max_article_chars=1_000)
    [rejection] = load_source(story, settings)
    assert isinstance(rejection, Rejection) and rejection.too_large
    assert "over the 1,000 limit (NEWSDESK_MAX_ARTICLE_CHARS)" in rejection.reason
    [article] = load_source(story, Settings(home=tmp_path / "home"))
    assert isinstance(article, Article) and article.title == "Trams in Lisbon"


def test_a_file_rejected_for_size_is_not_read_again_until_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(line(1, "x" * 50_000))
    settings = Settings(home=tmp_path / "home", max_record_bytes=10_000)
    memo = MemoryMemo()
    [first] = load_located(str(path), settings, memo=memo)
    [again] = load_located(str(path), settings, memo=memo)
    assert isinstance(first, Rejection) and isinstance(again, Rejection)
    assert again.reason == f"{first.reason} (unchanged since; not read again)"
    path.write_text(line(1))
    os.utime(path, ns=(1, 1))  # a new stamp even within the clock's resolution
    [article] = load_located(str(path), settings, memo=memo)
    assert isinstance(article, Article)


def test_the_build_remembers_size_rejections_in_the_catalog(tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "big.jsonl").write_text(line(1, "x" * 50_000))
    (news / "small.jsonl").write_text(line(2))
    settings = Settings(home=tmp_path / "home", max_record_bytes=10_000)
    first = index.build([news], settings, embedder=FakeEmbedder())
    assert first.new == 1 and "NEWSDESK_MAX_RECORD_BYTES" in first.rejected[0].reason
    again = index.update(settings, embedder=FakeEmbedder())
    assert again.unchanged == 1
    assert [r.reason.endswith("not read again)") for r in again.rejected] == [True]


def test_a_source_rejected_as_a_whole_is_not_recorded(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", allow_private_urls=True, max_article_chars=500)
    good, long, empty = tmp_path / "good.txt", tmp_path / "long.txt", tmp_path / "empty"
    good.write_text("Trams\n\nThe tram fare in Lisbon is 3.10 euros.")
    long.write_text("Long\n\n" + "word " * 1_000)
    empty.mkdir()
    with serving() as server:
        server.routes["/page.html"] = lambda handler: respond(
            handler,
            200,
            b"<!doctype html><html><body>Hello</body></html>",
            {"Content-Type": "text/html"},
        )
        page = f"{server.base}/page.html"
        report = index.build(
            [good, long, empty, page, "http://nowhere.invalid/feed.xml"],
            settings,
            embedder=FakeEmbedder(),
        )
    assert report.new == 1 and len(report.rejected) == 4
    assert recorded(settings) == [str(good.resolve())]
