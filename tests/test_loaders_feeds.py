"""RSS/Atom feeds from files and URLs (a local http.server), and every way a feed goes wrong."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from index.loaders import load_source
from index.models import Article, Rejection
from index.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "loaders"

ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/feed.xml": (200, "application/atom+xml", (FIXTURES / "feed.atom").read_bytes()),
    "/rss": (200, "application/rss+xml", (FIXTURES / "feed.rss").read_bytes()),
    "/page.html": (200, "text/html", b"<html><body><p>Not a feed</p></body></html>"),
    "/big.xml": (200, "application/rss+xml", b"<rss>" + b" " * 200_000 + b"</rss>"),
}


class FeedHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/feed.xml")
            self.end_headers()
            return
        status, kind, body = ROUTES.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if self.path != "/big.xml":  # make the size cap work without a Content-Length
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture
def server() -> Iterator[str]:
    """Base URL of a tiny feed server on 127.0.0.1, stopped after the test."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FeedHandler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def settings(newsdesk_home: Path) -> Settings:
    """The test server is on 127.0.0.1, which only ``allow_private_urls`` lets a fetch reach."""
    return Settings(home=newsdesk_home, allow_private_urls=True)


def split(items: list[Article | Rejection]) -> tuple[list[Article], list[Rejection]]:
    return (
        [item for item in items if isinstance(item, Article)],
        [item for item in items if isinstance(item, Rejection)],
    )


def check_atom(articles: list[Article], origin: str) -> None:
    talks, undated = articles
    assert talks.id == "urn:uuid:entry-1"
    assert talks.title == "Kosovo talks resume in Brussels"
    assert talks.text == "BRUSSELS (Reuters) - Serbian and Kosovo leaders met again."
    assert talks.url == "https://www.reuters.com/world/kosovo-talks"
    assert talks.published == datetime(2025, 3, 4, 8, 30, tzinfo=UTC)
    assert talks.authors == ("Justyna Pawlak",)
    assert (talks.source, talks.place) == ("Reuters", "BRUSSELS")  # reuters.com is well known
    assert talks.origin == origin
    assert undated.published is None  # no entry date: not the feed's <updated>, not now
    assert undated.text == "An entry that states no date at all."


def test_atom_file(settings: Settings) -> None:
    path = FIXTURES / "feed.atom"
    articles, rejections = split(list(load_source(path, settings)))
    assert rejections == []
    check_atom(articles, str(path.resolve()))


def test_rss_file(settings: Settings) -> None:
    path = FIXTURES / "feed.rss"
    articles, rejections = split(list(load_source(path, settings)))
    ferry, festival = articles
    assert ferry.id == "hg-2025-0101"
    assert ferry.text == (
        "The island ferry resumed service on Wednesday.\n\nRepairs took three weeks."
    )
    assert ferry.published == datetime(2025, 1, 1, 8, 15, tzinfo=UTC)
    assert ferry.authors == ("Tom Baker",)
    assert ferry.source == "The Harbour Gazette"  # the feed's title
    assert festival.id == "https://harbourgazette.example.org/festival"  # no guid: the link
    assert festival.text == (
        "HARBOURTOWN (Gazette) - More than 40,000 people attended the harbour festival."
        "\n\nOrganisers said it was the busiest year yet."
    )
    assert festival.place == "HARBOURTOWN"
    assert festival.source == "The Harbour Gazette"
    assert rejections == [
        Rejection(
            str(path.resolve()),
            "entry 3: 'Title only, no text': no text (the entry has neither content nor a summary)",
        )
    ]


def test_broken_feed_is_one_rejection(settings: Settings) -> None:
    path = FIXTURES / "broken_feed.xml"
    [rejection] = load_source(path, settings)
    assert isinstance(rejection, Rejection)
    assert rejection.input == str(path.resolve())
    assert rejection.reason.startswith("feed could not be parsed: ")
    assert "\n" not in rejection.reason


def test_xml_that_is_not_a_feed(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "sitemap.xml"
    path.write_text('<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>', "utf-8")
    [rejection] = load_source(path, settings)
    assert isinstance(rejection, Rejection)
    assert rejection.reason in {"not an RSS or Atom feed"} or rejection.reason.startswith(
        "feed could not be parsed"
    )


def test_empty_but_valid_feed_yields_nothing(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "quiet.rss"
    path.write_text('<rss version="2.0"><channel><title>Quiet</title></channel></rss>', "utf-8")
    assert list(load_source(path, settings)) == []


def test_feed_url(server: str, settings: Settings) -> None:
    url = f"{server}/feed.xml"
    articles, rejections = split(list(load_source(url, settings)))
    assert rejections == []
    check_atom(articles, url)


def test_feed_url_follows_redirects(server: str, settings: Settings) -> None:
    articles, _ = split(list(load_source(f"{server}/moved", settings)))
    assert [article.origin for article in articles] == [f"{server}/moved"] * 2


def test_rss_url(server: str, settings: Settings) -> None:
    articles, rejections = split(list(load_source(f"{server}/rss", settings)))
    assert len(articles) == 2 and len(rejections) == 1


def test_unreachable_url_is_one_rejection(settings: Settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed.xml"
    [rejection] = load_source(url, settings)
    assert isinstance(rejection, Rejection)
    assert rejection.input == url
    assert rejection.reason == "could not fetch URL"  # not "refused": ports stay unknown


def test_http_error_is_one_rejection(server: str, settings: Settings) -> None:
    url = f"{server}/gone.xml"
    assert list(load_source(url, settings)) == [
        Rejection(url, "could not fetch URL: HTTP 404 Not Found")
    ]


def test_url_that_is_not_a_feed(server: str, settings: Settings) -> None:
    [rejection] = load_source(f"{server}/page.html", settings)
    assert isinstance(rejection, Rejection)
    assert rejection.reason == "not an RSS or Atom feed"


def test_feed_url_over_the_size_limit(server: str, settings: Settings) -> None:
    [rejection] = load_source(f"{server}/big.xml", settings.with_overrides(max_file_bytes=50_000))
    assert rejection == Rejection(
        f"{server}/big.xml", "response is larger than the 50 KB limit (NEWSDESK_MAX_FILE_BYTES)"
    )


def test_a_feed_on_a_private_address_is_refused_by_default(
    server: str, newsdesk_home: Path
) -> None:
    [rejection] = load_source(f"{server}/feed.xml", Settings(home=newsdesk_home))
    assert isinstance(rejection, Rejection)
    assert rejection.reason.startswith("refused: the URL's host is a loopback, private")
