"""The web chat in headless Chromium: streaming, source cards, no script from articles."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.webui.library import Library
from assistant.webui.page import NewsdeskPage, build_app
from assistant.webui.server import start
from tests.fakes import FakeEmbedder
from tests.test_demo import make_fake_wheel
from tests.test_ui import STORIES, FakeAssistant, FakeLibrary, Story, free_port

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = os.environ.get("NEWSDESK_TEST_ARTIFACTS")  # keep screenshots there when set
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]
SCRIPT_TITLE = "<script>window.__pwned=1</script> Sanctions row deepens"
IMG_TITLE = '<img src=x onerror="window.__pwned=1"> Hungary lifts its veto'
EVIL = [
    Story(
        SCRIPT_TITLE,
        "Reuters",
        datetime(2025, 3, 4, tzinfo=UTC),
        "Sanctions on Russia were extended after a long row. <script>window.__pwned=1</script>",
        "https://example.com/script",
    ),
    Story(
        IMG_TITLE,
        "Evil <b>Outlet</b>",
        datetime(2025, 3, 5, tzinfo=UTC),
        'Hungary lifted its veto on sanctions. <img src=x onerror="window.__pwned=1">',
        "https://example.com/img",
    ),
]


@pytest.fixture
def page(request, settings, tmp_path: Path) -> Iterator:
    """A Chromium page and the app it talks to (fake assistant that streams slowly).

    ``@pytest.mark.parametrize("page", [[]], indirect=True)`` gives an empty index instead.
    """
    stories = getattr(request, "param", EVIL + STORIES)
    # slow enough that a busy machine still sees the answer stream
    assistant = FakeAssistant(stories=stories, delay=0.25, echo_titles=True)
    library = FakeLibrary(stories)
    if stories == "demo":  # a real index in the test home, filled from the fake demo wheel
        settings = settings.with_overrides(cache_dir=tmp_path / "cache")
        make_fake_wheel(settings.cache_dir)
        library = Library(settings, embedder=FakeEmbedder())
    app = build_app(assistant, settings, library=library)
    with browse(app, tmp_path) as tab:
        yield tab, assistant


def _screenshot(page, name: str, tmp_path: Path) -> None:
    page.screenshot(path=str(Path(ARTIFACTS or tmp_path) / name))


def test_question_streams_answer_with_cards_and_runs_no_article_script(page, tmp_path) -> None:
    page, _ = page
    question = page.locator("#nd-question textarea")
    question.wait_for(timeout=30_000)
    question.fill("What happened with the sanctions?")
    question.press("Enter")

    chat = page.locator("#nd-chat")
    # Streaming: the answer grows while the cursor is shown, before the cards arrive.
    chat.get_by_text("▍", exact=False).wait_for(timeout=30_000)
    assert page.locator("#nd-sources .nd-card").count() == 0
    cards = page.locator("#nd-sources .nd-card")
    cards.first.wait_for(timeout=30_000)

    assert cards.count() == 2
    first_card = cards.nth(0).inner_text()
    assert SCRIPT_TITLE in first_card and "Read the original" in first_card
    assert IMG_TITLE in cards.nth(1).inner_text()
    assert "Evil <b>Outlet</b>" in cards.nth(1).inner_text()
    assert page.locator("#nd-sources mark").count() == 2  # the cited passages are highlighted

    _screenshot(page, "browser-answer.png", tmp_path)
    answer = chat.inner_text()
    assert "<script>window.__pwned=1</script>" in answer  # shown literally
    assert '<img src=x onerror="window.__pwned=1">' in answer
    assert "▍" not in answer
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#nd-chat img[src='x'], #nd-sources img, #nd-chat script").count() == 0

    # A citation marker jumps to its card.
    page.locator("#nd-chat a[href='#nd-t1-s2']").first.click()
    page.wait_for_function("location.hash === '#nd-t1-s2'", timeout=5_000)

    # The sidebar shows the index status and the outlets filter; examples came from titles.
    assert "Articles" in page.locator("#nd-status").inner_text()
    page.locator("#nd-new").click()
    example = page.locator("#nd-chat").get_by_text("Hungary lifts its veto", exact=False).first
    example.wait_for(timeout=10_000)
    _screenshot(page, "browser-examples.png", tmp_path)
    assert '<img src=x onerror="window.__pwned=1">' in example.inner_text()
    assert page.locator("#nd-sources .nd-card").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_follow_up_in_the_page_keeps_history(page) -> None:
    page, assistant = page
    assistant.delay = 0.0
    question = page.locator("#nd-question textarea")
    question.wait_for(timeout=30_000)
    question.fill("What did the EU decide?")
    question.press("Enter")
    page.locator("#nd-sources .nd-card").first.wait_for(timeout=30_000)
    question.fill("And what did Serbia say?")
    question.press("Enter")
    page.locator("#nd-sources details.nd-earlier").wait_for(timeout=30_000)

    first, follow_up = assistant.calls
    assert follow_up.question == "And what did Serbia say?"
    assert follow_up.history == [(first.question, follow_up.history[0][1])]
    assert "[1]" in follow_up.history[0][1]


@pytest.mark.parametrize("page", [[]], indirect=True)
def test_empty_index_offers_the_demo_and_explains(page, tmp_path) -> None:
    page, _ = page
    page.locator("#nd-onboarding").get_by_text("Your index is empty").wait_for(timeout=30_000)
    assert "500 most recent" in page.locator("#nd-demo-quick").inner_text()
    _screenshot(page, "browser-empty-index.png", tmp_path)
    question = page.locator("#nd-question textarea")
    question.fill("Anything new?")
    question.press("Enter")
    page.locator("#nd-chat").get_by_text("The index is empty", exact=False).wait_for(timeout=30_000)
    assert "Traceback" not in page.locator("#nd-chat").inner_text()


@pytest.mark.parametrize("page", ["demo"], indirect=True)
def test_first_run_indexes_the_demo_with_progress(page) -> None:
    page, _ = page
    quick = page.locator("#nd-demo-quick")
    quick.wait_for(timeout=30_000)
    quick.click()
    page.locator("#nd-index-log .nd-ok").wait_for(timeout=60_000)
    assert "Indexed 4 new" in page.locator("#nd-index-log").inner_text()
    page.locator("#nd-onboarding").wait_for(state="hidden", timeout=30_000)
    page.locator("#nd-status .nd-stats").wait_for(timeout=30_000)
    status = page.locator("#nd-status").inner_text()
    assert "4" in status and "Dec 2016" in status
    page.locator("#nd-chat").get_by_text("Moscow ready to join talks", exact=False).wait_for(
        timeout=10_000
    )  # example questions now come from the new articles


class PinnedAssistant:
    """The real ``Assistant`` with "now" pinned to the fixture week (a Friday)."""

    def __init__(self, assistant, as_of: datetime) -> None:
        self.assistant, self.as_of = assistant, as_of

    def stream(self, question: str, history=None, filters=None, as_of=None):
        return self.assistant.stream(question, history=history, filters=filters, as_of=self.as_of)

    def ask(self, question: str, history=None, filters=None, as_of=None):
        return self.assistant.ask(question, history=history, filters=filters, as_of=self.as_of)


@contextmanager
def browse(app, tmp_path: Path) -> Iterator:
    """A Chromium tab on ``app`` (started here, closed after)."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium package (/usr/bin/chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    url = start(app, port=free_port(), quiet=True)
    profile = tmp_path / "chromium-profile"
    try:
        with playwright_api.sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(profile),
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_FLAGS,
                viewport={"width": 1400, "height": 900},
            )
            try:
                tab = context.pages[0] if context.pages else context.new_page()
                tab.goto(url)
                yield tab
            finally:
                context.close()
    finally:
        app.close()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def briefing_page(settings, tmp_path: Path) -> Iterator:
    """A Chromium page on a real index of tests/fixtures/briefing (fake embedder, extractive
    answers), the page's clock and the assistant's "now" both on Friday 14 March 2025."""
    import index
    from assistant.api import Assistant

    settings = settings.with_overrides(llm="extractive", briefing_threshold=BRIEFING_THRESHOLD)
    index.build([str(BRIEFING)], settings, embedder=FakeEmbedder())
    assistant = PinnedAssistant(Assistant(settings, embedder=FakeEmbedder()), BRIEFING_NOW)
    library = Library(settings, embedder=FakeEmbedder())
    app = build_app(assistant, settings, library=library, clock=lambda: BRIEFING_NOW)
    with browse(app, tmp_path) as tab:
        yield tab


BRIEFING = Path(__file__).parent / "fixtures" / "briefing"
BRIEFING_NOW = datetime(2025, 3, 14, 12, tzinfo=UTC)
BRIEFING_THRESHOLD = 0.75  # the fake embedder's (see tests/test_briefing.py)


def test_what_happened_this_week_shows_a_dated_list_with_its_cards(briefing_page, tmp_path):
    page = briefing_page
    # Offered among the examples: the index has news of the last 7 days.
    example = page.locator("#nd-chat").get_by_text("What happened this week?", exact=True)
    example.first.wait_for(timeout=30_000)
    example.first.click()

    items = page.locator("#nd-chat .nd-brief-item")
    items.first.wait_for(timeout=60_000)
    _screenshot(page, "browser-briefing.png", tmp_path)
    assert page.locator("#nd-chat .nd-brief-title").inner_text() == "Briefing"
    assert items.count() == 3  # the summit, the strike, the museum: each story once
    dates = [items.nth(i).locator(".nd-brief-date").inner_text() for i in range(3)]
    assert all(date.startswith("2025-03-1") for date in dates)  # this week: 10-14 March
    texts = page.locator("#nd-chat .nd-brief-list").inner_text()
    assert "Arctic" in texts and "strike" in texts and "Munch" in texts
    assert "flood" not in texts.lower()  # the week before

    cards = page.locator("#nd-sources .nd-card")
    cards.first.wait_for(timeout=30_000)
    assert cards.count() >= 3
    sources = page.locator("#nd-sources").inner_text()
    assert "Oslo opens new Munch museum wing" in sources
    # Each line's [n] jumps to its card.
    link = items.nth(2).locator("a.nd-cite").first
    target = link.get_attribute("href")
    assert target and target.startswith("#nd-t1-s")
    assert page.locator(f"#nd-sources {target}").count() == 1
    link.click()
    page.wait_for_function(f"location.hash === '{target}'", timeout=5_000)


def test_a_question_behind_another_says_it_waits_for_the_model(settings, tmp_path) -> None:
    newsdesk = NewsdeskPage(FakeAssistant(), settings, library=FakeLibrary())
    running = newsdesk.turnstile.join()  # another user's question holds the model
    try:
        with browse(newsdesk.build(), tmp_path) as page:
            question = page.locator("#nd-question textarea")
            question.wait_for(timeout=30_000)
            question.fill("What did the EU decide?")
            question.press("Enter")
            chat = page.locator("#nd-chat")
            chat.get_by_text(
                "Waiting for the model: 1 question ahead of yours", exact=False
            ).wait_for(timeout=30_000)
            _screenshot(page, "browser-queued.png", tmp_path)
            assert page.locator("#nd-sources .nd-card").count() == 0

            newsdesk.turnstile.leave(running)
            page.locator("#nd-sources .nd-card").first.wait_for(timeout=30_000)
            assert "Waiting for the model" not in chat.inner_text()
    finally:
        newsdesk.turnstile.leave(running)
