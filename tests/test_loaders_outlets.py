"""Outlet names from URLs: well-known outlets by name, others by bare host."""

from __future__ import annotations

import pytest

from index.loaders.outlets import known_outlet, outlet_from_url


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://www.usatoday.com/story/news/nation/2022/04/11/x", "USA Today"),
        ("https://college.usatoday.com/2022/01/01/x", "USA Today"),
        ("https://www.cnn.com/2022/02/24/europe/x/index.html", "CNN"),
        ("https://edition.cnn.com/x", "CNN"),
        ("https://theweek.com/x", "The Week"),
        ("https://www.theweek.co.uk/news/x", "The Week"),
        ("https://www.reuters.com/world/x", "Reuters"),
        ("https://apnews.com/article/x", "AP"),
        ("https://www.bbc.co.uk/news/x", "BBC"),
        ("https://www.bbc.com/news/x", "BBC"),
        ("https://www.nytimes.com/2022/x.html", "The New York Times"),
        ("https://www.localpaper.example.org/x", "localpaper.example.org"),
        ("http://WWW.Example.COM:8080/x", "example.com"),
        ("https://m.example.com/x", "example.com"),
        ("https://example.com/x", "example.com"),
        ("", None),
        (None, None),
        ("not a url", None),
    ],
)
def test_outlet_from_url(url: str | None, outlet: str | None) -> None:
    assert outlet_from_url(url) == outlet


def test_known_outlet_only_knows_the_table() -> None:
    assert known_outlet("https://www.reuters.com/world/") == "Reuters"
    assert known_outlet("https://harbourgazette.example.org/") is None
    assert known_outlet("https://notreuters.com/") is None
