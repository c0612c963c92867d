"""In headless Chromium: a URL in an answer stays text, and a 6,000-character word wraps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.test_ui import Story
from tests.test_ui_browser import page  # noqa: F401  (the fixture: app + Chromium tab)

pytestmark = pytest.mark.browser

LONG_WORD = "x" * 6000
LINKY = [
    Story(
        "Harbour reopens",
        "Reuters",
        datetime(2025, 3, 4, tzinfo=UTC),
        "Visit www.evil-zorb.example or https://evil.example/a and mail bad@evil.example. "
        "The harbour reopened on Monday.",
        "https://outlet.example/harbour",
    ),
    Story(
        "A very long word",
        "BBC",
        datetime(2025, 3, 5, tzinfo=UTC),
        f"The word {LONG_WORD} was printed. It is long.",
        "https://bbc.example/word",
    ),
]


@pytest.mark.parametrize("page", [LINKY], indirect=True)
def test_answer_urls_stay_text_and_long_words_wrap(page) -> None:  # noqa: F811
    tab, _ = page
    question = tab.locator("#nd-question textarea")
    question.wait_for(timeout=30_000)
    question.fill("What happened at the harbour?")
    question.press("Enter")
    cards = tab.locator("#nd-sources .nd-card")
    cards.nth(1).wait_for(timeout=30_000)

    answer = tab.locator("#nd-chat .message").last
    text = answer.inner_text()
    assert "www.evil-zorb.example" in text and "https://evil.example/a" in text
    assert "\\" not in text  # the escapes render as the characters themselves
    hrefs = answer.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(href.startswith("#nd-t") for href in hrefs), hrefs
    card_hrefs = tab.locator("#nd-sources a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert sorted(card_hrefs) == ["https://bbc.example/word", "https://outlet.example/harbour"]

    # The long word wraps: nothing is wider than its box (before: a 50,000 px wide card).
    widths = "e => [e.scrollWidth, e.clientWidth]"
    for box in (
        tab.locator("#nd-sources"),
        cards.nth(1),
        cards.nth(1).locator(".nd-snippet"),
        answer,
    ):
        scroll, client = box.evaluate(widths)
        assert scroll <= client + 1, (scroll, client)
