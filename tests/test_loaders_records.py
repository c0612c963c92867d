"""Article records: .json, .jsonl, .jsonl.gz; bad lines rejected alone; the real corpus loads."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from index.errors import SourceRejected
from index.loaders import load_source
from index.loaders.records import MAX_LINE_REJECTIONS, record_to_article
from index.models import Article, Rejection
from index.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "loaders"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "realtimeqa" / "corpus.jsonl.gz"


def only_rejection(path: Path, settings: Settings) -> Rejection:
    """What loading ``path`` gives when it must be one rejection and nothing else."""
    [rejection] = load_source(path, settings)
    assert isinstance(rejection, Rejection)
    return rejection


def split(items: list[Article | Rejection]) -> tuple[list[Article], list[Rejection]]:
    return (
        [item for item in items if isinstance(item, Article)],
        [item for item in items if isinstance(item, Rejection)],
    )


def record(number: int) -> dict[str, object]:
    return {
        "id": f"id-{number}",
        "title": f"Story {number}",
        "text": f"Text of story {number}.",
        "url": f"https://www.reuters.com/world/story-{number}",
        "published": f"2024-05-0{1 + number % 9}",
    }


def test_jsonl_bad_lines_are_rejected_alone(settings: Settings) -> None:
    path = FIXTURES / "records.jsonl"
    articles, rejections = split(list(load_source(path, settings)))
    origin = str(path.resolve())
    assert [article.id for article in articles] == [
        "r1",
        "https://edition.cnn.com/2022/01/06/politics/recount/index.html",
        f"{origin}#6",
    ]
    assert rejections == [
        Rejection(origin, "line 2: invalid JSON (Unterminated string starting at)"),
        Rejection(origin, "line 3: no article text (expected a 'text' field)"),
    ]
    storm, election, bakery = articles
    assert storm.title == "Storm knocks out power to thousands"
    assert storm.source == "USA Today"
    assert storm.published == datetime(2022, 1, 4, tzinfo=UTC)
    assert storm.authors == ("Ann Smith",)
    assert storm.origin == origin
    assert election.text.startswith("(CNN) Results")
    assert election.source == "CNN"  # {"name": "CNN"} source object
    assert election.published == datetime(2022, 1, 6, 10, tzinfo=UTC)
    assert election.authors == ("Bob Jones", "Carla Diaz")
    assert bakery.id == f"{origin}#6"  # no id, no URL: path and line number (blank line counts)
    assert bakery.text == "A bakery in the old town won a national award."
    assert (bakery.source, bakery.url, bakery.published) == (None, None, None)


def test_json_with_an_articles_list(settings: Settings) -> None:
    articles, rejections = split(list(load_source(FIXTURES / "articles.json", settings)))
    assert rejections == []
    rail, dam = articles
    assert (rail.id, rail.source, rail.published) == (
        "j1",
        "BBC",
        datetime(2023, 5, 2, 7, tzinfo=UTC),
    )
    assert (dam.source, dam.published) == ("AP", datetime(2023, 5, 3, tzinfo=UTC))


def test_json_single_object_and_plain_list(tmp_path: Path, settings: Settings) -> None:
    single = tmp_path / "one.json"
    single.write_text(json.dumps(record(1)), encoding="utf-8")
    listed = tmp_path / "many.json"
    listed.write_text(json.dumps([record(2), {"title": "no text"}, record(3)]), encoding="utf-8")
    [one] = load_source(single, settings)
    assert isinstance(one, Article) and one.id == "id-1" and one.source == "Reuters"
    items = list(load_source(listed, settings))
    assert [getattr(item, "id", None) for item in items] == ["id-2", None, "id-3"]
    assert items[1] == Rejection(
        str(listed.resolve()), "item 2: no article text (expected a 'text' field)"
    )


def test_json_lines_saved_as_json(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "lines.json"
    path.write_text(json.dumps(record(1)) + "\n" + json.dumps(record(2)) + "\n", encoding="utf-8")
    assert [item.id for item in load_source(path, settings)] == ["id-1", "id-2"]


def test_truncated_json_is_one_rejection(settings: Settings) -> None:
    path = FIXTURES / "truncated.json"
    assert list(load_source(path, settings)) == [
        Rejection(
            str(path.resolve()),
            "truncated JSON (Unterminated string starting at: line 1 column 47)",
        )
    ]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("config.json", '{"debug": true}', "no article records"),
        ("fake.jsonl.gz", '{"text": "plain"}\n', "corrupt gzip data at the start"),
    ],
)
def test_a_file_that_is_no_records_is_rejected(
    tmp_path: Path, settings: Settings, name: str, content: str, reason: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert only_rejection(path, settings).reason.startswith(reason)


def test_jsonl_gz_streams(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "news.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        for number in range(1, 6):
            stream.write(json.dumps(record(number)) + "\n")
    articles, rejections = split(list(load_source(path, settings)))
    assert rejections == []
    assert [article.id for article in articles] == [f"id-{n}" for n in range(1, 6)]


def test_truncated_gzip_keeps_what_came_before(tmp_path: Path, settings: Settings) -> None:
    whole = gzip.compress(
        "".join(json.dumps(record(n)) + "\n" for n in range(1, 2001)).encode(), mtime=0
    )
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    items = list(load_source(path, settings))
    articles, rejections = split(items)
    assert 100 < len(articles) < 2000
    assert [article.id for article in articles] == [f"id-{n}" for n in range(1, len(articles) + 1)]
    assert rejections == [
        Rejection(
            str(path.resolve()),
            f"truncated gzip file: the rest after line {len(articles)} could not be read",
        )
    ]
    assert items[-1] == rejections[0]


def test_binary_jsonl_is_one_rejection(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "blob.jsonl"
    path.write_bytes(bytes(range(256)) * 50)
    assert list(load_source(path, settings)) == [
        Rejection(str(path.resolve()), "binary file, not JSON lines")
    ]


def test_many_bad_lines_are_summarised(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "mostly-bad.jsonl"
    path.write_text(
        "".join("{oops\n" for _ in range(50)) + json.dumps(record(1)) + "\n", encoding="utf-8"
    )
    articles, rejections = split(list(load_source(path, settings)))
    assert len(articles) == 1
    assert len(rejections) == MAX_LINE_REJECTIONS + 1
    assert rejections[-1].reason == "30 more bad lines, the first at line 21"


def test_huge_jsonl_is_rejected_by_size(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps(record(1)) * 100, encoding="utf-8")
    [rejection] = load_source(path, settings.with_overrides(max_file_bytes=1000))
    assert isinstance(rejection, Rejection)
    assert rejection.reason.endswith("over the 1 KB limit (NEWSDESK_MAX_FILE_BYTES)")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"body": "B", "link": "https://apnews.com/a"}, ("https://apnews.com/a", "AP", "B")),
        ({"content": "C", "headline": "H"}, ("fallback", None, "C")),
        ({"text": "(Reuters) - Rose.", "id": 7}, ("7", "Reuters", "(Reuters) - Rose.")),
        (
            {"text": "T", "source": "Le Monde", "url": "https://lemonde.fr/x"},
            ("https://lemonde.fr/x", "Le Monde", "T"),
        ),
    ],
)
def test_record_aliases(fields: dict[str, object], expected: tuple[object, ...]) -> None:
    article = record_to_article(fields, fallback_id="fallback", origin="o")
    assert (article.id, article.source, article.text) == expected


def test_headline_only_record_keeps_its_title_as_text() -> None:
    record = {"title": "Watch: The Excerpt", "text": ""}
    article = record_to_article(record, fallback_id="f", origin="o")
    assert (article.title, article.text) == ("Watch: The Excerpt", "Watch: The Excerpt")
    with pytest.raises(SourceRejected, match="empty text and no title"):
        record_to_article({"text": " ", "url": "https://cnn.com/x"}, fallback_id="f", origin="o")


def test_title_falls_back_to_the_first_line() -> None:
    article = record_to_article({"text": "First line here.\nMore."}, fallback_id="f", origin="o")
    assert article.title == "First line here."


@pytest.mark.shared
def test_the_real_corpus_loads_as_is(settings: Settings) -> None:
    counts: dict[str | None, int] = {}
    articles: dict[str, Article] = {}
    for item in load_source(CORPUS, settings):
        assert isinstance(item, Article), item
        articles[item.id] = item
        counts[item.source] = counts.get(item.source, 0) + 1
    assert len(articles) == 5284
    assert counts == {"USA Today": 4456, "CNN": 711, "The Week": 117}
    first = articles["c13f0104479e0b31"]
    assert first.title == "Russia sends U.S. dire warning, Tiger Woods' future: 5 Things podcast"
    assert first.published == datetime(2022, 4, 11, tzinfo=UTC)
    assert first.url.startswith("https://www.usatoday.com/story/news/nation/2022/04/11/")
    assert first.origin == str(CORPUS.resolve())
    cnn = articles["a3998f67899279c5"]
    assert (cnn.source, cnn.authors) == ("CNN", ("Eliza Mackintosh",))
    undated = [article for article in articles.values() if article.published is None]
    assert len(undated) == 29
    headline_only = articles["c93e466873e37d68"]  # its text is "" in the corpus
    assert headline_only.text == headline_only.title
    assert headline_only.title == "Trump says US should take over Gaza | The Excerpt"
    assert all(a.published is None or a.published.tzinfo is UTC for a in articles.values())
