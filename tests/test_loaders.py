"""load_source: dispatch by file type, folders, missing paths, and never raising on bad input."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from index import loaders
from index.errors import NewsdeskError, SourceRejected
from index.loaders import load_source
from index.models import Article, Rejection
from index.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "loaders"


def split(items: list[Article | Rejection]) -> tuple[list[Article], list[Rejection]]:
    articles = [item for item in items if isinstance(item, Article)]
    rejections = [item for item in items if isinstance(item, Rejection)]
    assert len(articles) + len(rejections) == len(items)
    return articles, rejections


def write_story(path: Path, title: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n\nPARIS (AFP) - Something happened in {title}.\n", encoding="utf-8")


def test_source_rejected_is_a_newsdesk_error() -> None:
    assert issubclass(SourceRejected, NewsdeskError)


def test_missing_path_is_one_rejection(tmp_path: Path, settings: Settings) -> None:
    missing = tmp_path / "nope" / "story.txt"
    expected = Rejection(str(missing), "no such file or folder")
    assert list(load_source(missing, settings)) == [expected]


def test_unsupported_file_named_directly_is_rejected(tmp_path: Path, settings: Settings) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    [rejection] = load_source(photo, settings)
    assert isinstance(rejection, Rejection)
    assert rejection.reason.startswith("unsupported file type (supported: .txt, .md")


def test_folder_is_recursive_sorted_and_skips_hidden_and_other_types(
    tmp_path: Path, settings: Settings
) -> None:
    write_story(tmp_path / "b.txt", "Bravo")
    write_story(tmp_path / "a" / "c.md", "Charlie")
    write_story(tmp_path / "a" / "a.txt", "Alpha")
    write_story(tmp_path / ".git" / "hidden.txt", "Hidden folder")
    write_story(tmp_path / ".draft.txt", "Hidden file")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.7\n")
    articles, rejections = split(list(load_source(tmp_path, settings)))
    assert rejections == []
    assert [article.title for article in articles] == ["Bravo", "Alpha", "Charlie"]
    assert articles[1].origin == str((tmp_path / "a" / "a.txt").resolve())
    # Deterministic: a second read gives the same articles in the same order.
    assert split(list(load_source(tmp_path, settings)))[0] == articles


def test_folder_without_supported_files_is_rejected(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n")
    [rejection] = load_source(tmp_path, settings)
    assert isinstance(rejection, Rejection)
    assert rejection.input == str(tmp_path.resolve())
    assert rejection.reason.startswith("no supported files in the folder")


def test_relative_path_gives_resolved_origin_and_id(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_story(tmp_path / "news" / "story.txt", "Relative")
    monkeypatch.chdir(tmp_path)
    [article] = load_source("news/story.txt", settings)
    expected = str((tmp_path / "news" / "story.txt").resolve())
    assert isinstance(article, Article)
    assert article.origin == expected
    assert article.id == expected


def test_file_without_extension_is_sniffed_as_a_feed(tmp_path: Path, settings: Settings) -> None:
    feed = tmp_path / "latest"
    shutil.copy(FIXTURES / "feed.atom", feed)
    articles, _ = split(list(load_source(feed, settings)))
    assert [article.title for article in articles] == [
        "Kosovo talks resume in Brussels",
        "Undated entry",
    ]


def test_a_loader_bug_becomes_a_rejection(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: Path, settings: Settings):
        raise RuntimeError("parser exploded")
        yield  # pragma: no cover

    monkeypatch.setitem(loaders.LOADERS, ".txt", broken)
    write_story(tmp_path / "story.txt", "Boom")
    [rejection] = load_source(tmp_path / "story.txt", settings)
    assert rejection == Rejection(
        str((tmp_path / "story.txt").resolve()), "unexpected RuntimeError: parser exploded"
    )


def test_unreadable_file_is_rejected(tmp_path: Path, settings: Settings) -> None:
    link = tmp_path / "dangling.txt"
    link.symlink_to(tmp_path / "gone.txt")
    [rejection] = load_source(tmp_path, settings)
    assert isinstance(rejection, Rejection)
    assert "gone.txt" in rejection.input or "dangling.txt" in rejection.input
    assert rejection.reason.startswith("could not read the file")


def test_unsupported_url_scheme_is_rejected(settings: Settings) -> None:
    [rejection] = load_source("ftp://example.com/feed.xml", settings)
    assert rejection == Rejection(
        "ftp://example.com/feed.xml", "unsupported URL: only http(s) feed URLs can be read"
    )


def test_fixture_folder_loads_the_valid_and_rejects_the_bad(settings: Settings) -> None:
    articles, rejections = split(list(load_source(FIXTURES, settings)))
    rejected = {
        (Path(rejection.input).name, re.split(r"[:(]", rejection.reason)[0].strip())
        for rejection in rejections
    }
    assert rejected == {
        ("binary.txt", "binary file, not text"),
        ("broken_feed.xml", "feed could not be parsed"),
        ("empty.txt", "empty file"),
        ("feed.rss", "entry 3"),
        ("no_article.html", "no article text could be extracted from the page"),
        ("records.jsonl", "line 2"),
        ("records.jsonl", "line 3"),
        ("truncated.json", "truncated JSON"),
    }
    assert len(articles) == 14
    assert all(article.origin.startswith(str(FIXTURES)) for article in articles)
    assert all(article.published is None or article.published.tzinfo for article in articles)
