"""The page's index panel: how fresh the sources are, who is indexing, and indexing clicks
that meet another writer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from assistant.webui.library import Library
from assistant.webui.page import NewsdeskPage
from assistant.webui.panels import busy_message, freshness_html, writer_html
from index.settings import Settings
from index.source_status import SourceStatus, SourceStatusTable
from index.writing import WriterInfo, writer
from tests.fakes import FakeEmbedder
from tests.test_demo import make_fake_wheel
from tests.test_ui import FakeAssistant, FakeLibrary

NOW = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
FEED = "https://news.example/rss.xml"
BROKEN = "https://broken.example/feed"


class _Progress:
    def __call__(self, *args, **kwargs) -> None:
        pass


def test_freshness_says_when_sources_were_updated_and_names_the_failing_one() -> None:
    now = NOW.timestamp()
    statuses = [
        SourceStatus(FEED, now - 240, now - 240, None, added=12, added_total=40),
        SourceStatus(BROKEN, now - 60, now - 7200, "HTTP 500 from broken.example", failures=2),
    ]
    shown = freshness_html(statuses, NOW)
    assert "Sources updated 4 minutes ago, 12 new" in shown
    assert "Failing (1)" in shown and BROKEN in shown
    assert "HTTP 500 from broken.example" in shown
    assert FEED not in shown  # a healthy source is not listed
    assert freshness_html([], NOW) == ""


def test_freshness_escapes_source_names_and_errors() -> None:
    bad = SourceStatus("https://x.example/<b>", 1.0, None, "<script>x</script>", failures=1)
    shown = freshness_html([bad], NOW)
    assert "Sources not read successfully yet" in shown
    assert "<script>" not in shown and "&lt;script&gt;" in shown and "<b>" not in shown


def test_who_indexes_is_named_by_pid_command_and_time() -> None:
    holder = WriterInfo(
        4242,
        "desk1",
        "index build: newsdesk index build feeds/",
        datetime(2026, 12, 1, 15, 30, 2, tzinfo=UTC).timestamp(),
    )
    line = writer_html(holder)
    assert "Indexing now: pid 4242 on desk1, index build: newsdesk index build feeds/" in line
    assert "since 15:30:02 UTC" in line
    assert writer_html(None) == ""
    assert busy_message(holder).startswith("Another process is indexing (pid 4242 on desk1, ")
    assert busy_message(holder).endswith("try again when it finishes.")
    assert busy_message(None) == "Another process is indexing: try again when it finishes."


def test_the_index_panel_shows_source_status_from_the_home(settings: Settings) -> None:
    now = NOW.timestamp()
    with SourceStatusTable(settings) as table:
        table.succeeded(FEED, now - 240, 12)
        table.failed(BROKEN, now - 60, "timed out after 15 s")
    page = NewsdeskPage(FakeAssistant(), settings, library=FakeLibrary(), clock=lambda: NOW)

    panel = page.status_panel(FakeLibrary().view())
    assert "Articles" in panel  # the stats are still there
    assert "Sources updated 4 minutes ago, 12 new" in panel
    assert BROKEN in panel and "timed out after 15 s" in panel
    assert "Indexing now" not in panel


@contextmanager
def held(settings: Settings) -> Iterator[None]:
    """The home's writer lock, held by another thread (as by a CLI build) meanwhile."""
    taken, done = threading.Event(), threading.Event()

    def hold() -> None:
        with writer(settings, "index build"):
            taken.set()
            done.wait(60)

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(60)
    try:
        yield
    finally:
        done.set()
        thread.join()


def _page(settings: Settings, tmp_path: Path) -> NewsdeskPage:
    settings = settings.with_overrides(ui_source_roots=[tmp_path], cache_dir=tmp_path / "cache")
    make_fake_wheel(settings.cache_dir)
    return NewsdeskPage(
        FakeAssistant(), settings, library=Library(settings, embedder=FakeEmbedder())
    )


def _story(tmp_path: Path) -> str:
    story = tmp_path / "story.txt"
    story.write_text("A title\n\nSome body text of the story.")
    return str(story)


def test_indexing_from_the_page_does_not_wait_behind_another_writer(
    settings: Settings, tmp_path: Path
) -> None:
    page = _page(settings, tmp_path)
    first, _, _ = page.add_sources(None, _story(tmp_path), _Progress())
    assert "Indexed 1 new" in first  # the lock is free: indexed

    with held(settings):
        added, _, _ = page.add_sources(None, _story(tmp_path), _Progress())
        assert "Another process is indexing (pid " in added and "index build" in added
        assert "try again when it finishes" in added
        assert "Another process is indexing" in page.update_index(_Progress())
        assert "Another process is indexing" in page.index_quick(_Progress())
        panel = page.status_panel(page.library.view())
        assert "Indexing now: pid " in panel and "index build" in panel

    assert "Indexing now" not in page.status_panel(page.library.view())
    assert "1 unchanged" in page.update_index(_Progress())


def test_a_reader_replica_hides_its_indexing_controls_and_says_who_indexes(
    settings: Settings,
) -> None:
    reader = settings.with_overrides(role="reader")
    page = NewsdeskPage(FakeAssistant(), reader, library=FakeLibrary(), clock=lambda: NOW)
    page.build()
    assert page.update_button.visible is False
    panel = page.status_panel(FakeLibrary().view())
    assert "NEWSDESK_ROLE=reader" in panel and "indexer" in panel

    writer_page = NewsdeskPage(FakeAssistant(), settings, library=FakeLibrary(), clock=lambda: NOW)
    writer_page.build()
    assert writer_page.update_button.visible is True
    assert "NEWSDESK_ROLE=reader" not in writer_page.status_panel(FakeLibrary().view())
