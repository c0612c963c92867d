"""Saved web pages: article text and metadata via trafilatura; pages without an article rejected."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from index.loaders import load_source
from index.models import Article, Rejection
from index.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "loaders"

PARAGRAPHS = "".join(
    f"<p>Paragraph {n}: the regional council met again on Tuesday to discuss the budget, "
    f"and members said the talks on café licences in Zürich would continue next month.</p>"
    for n in range(1, 5)
)


def load_one(path: Path, settings: Settings) -> Article:
    [article] = load_source(path, settings)
    assert isinstance(article, Article), article
    return article


def test_article_page(settings: Settings) -> None:
    path = FIXTURES / "article.html"
    article = load_one(path, settings)
    assert article.title == "Central bank holds rates steady as inflation cools"
    assert article.source == "Example Times"
    assert article.url == "https://news.example.com/economy/central-bank-holds-rates"
    assert article.authors == ("Priya Natarajan",)
    assert article.published == datetime(2025, 2, 14, 15, 45, tzinfo=UTC)
    assert article.place == "FRANKFURT"
    assert "kept its main interest rate unchanged" in article.text
    assert "Bond yields rose slightly" in article.text
    assert "Home" not in article.text.split("\n")  # navigation is not article text
    assert article.id == article.origin == str(path.resolve())


def test_page_without_article_text_is_rejected(settings: Settings) -> None:
    path = FIXTURES / "no_article.html"
    assert list(load_source(path, settings)) == [
        Rejection(str(path.resolve()), "no article text could be extracted from the page")
    ]


def test_undated_page_has_no_date(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "undated.htm"
    path.write_text(
        f"<html><head><title>Council budget talks</title></head><body><article>"
        f"<h1>Council budget talks</h1>{PARAGRAPHS}</article>"
        f"<footer>© 2019 Somebody</footer></body></html>",
        encoding="utf-8",
    )
    article = load_one(path, settings)
    assert article.title == "Council budget talks"
    assert article.published is None
    assert (article.source, article.url, article.authors) == (None, None, ())


def test_latin1_page_with_meta_charset(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "latin1.html"
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        f"<title>Zürich café licences</title></head><body><article>{PARAGRAPHS}</article>"
        "</body></html>"
    )
    path.write_bytes(page.encode("latin-1"))
    article = load_one(path, settings)
    assert article.title == "Zürich café licences"
    assert "café licences in Zürich" in article.text


def test_host_as_site_name_becomes_the_known_outlet(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "cnn.html"
    path.write_text(
        '<html><head><title>Council budget talks</title><link rel="canonical" '
        'href="https://edition.cnn.com/2023/05/06/world/budget/index.html"></head>'
        f"<body><article>{PARAGRAPHS}</article></body></html>",
        encoding="utf-8",
    )
    article = load_one(path, settings)
    assert article.source == "CNN"
    assert article.url == "https://edition.cnn.com/2023/05/06/world/budget/index.html"
    assert article.published == datetime(2023, 5, 6, tzinfo=UTC)  # stated in the URL


def test_title_falls_back_to_the_file_name(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "council-budget.html"
    path.write_text(f"<html><body><div>{PARAGRAPHS}</div></body></html>", encoding="utf-8")
    assert load_one(path, settings).title == "council-budget"
