"""Honest progress: one bar in articles, chunks in words, a measured ETA; demo estimates."""

from __future__ import annotations

import pytest

from assistant.progress import IndexingProgress, describe_seconds
from assistant.webui.page import NewsdeskPage
from assistant.webui.panels import demo_label
from index import demo
from tests.test_ui import FakeAssistant, FakeLibrary


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_one_bar_in_articles_with_chunks_in_words_and_a_measured_eta() -> None:
    clock = Clock()
    tracker = IndexingProgress(clock)

    fetching = tracker.update(0, 1, "fetching the demo corpus")
    assert (fetching.done, fetching.total, fetching.text) == (
        None,
        None,
        "Fetching the demo corpus…",
    )
    clock.now += 60  # fetching the corpus is not indexing: it does not count
    assert tracker.update(5, 500, "articles").text == "Indexing 5 of 500 articles"  # too soon
    clock.now += 30  # 30 s for the first 100 of 500 articles: 120 s left
    tracker.update(100, 500, "articles")
    status = tracker.update(1700, None, "chunks")
    assert (status.done, status.total) == (100, 500)  # the chunks are no second bar
    assert status.text == "Indexing 100 of 500 articles · 1,700 chunks embedded · about 2 min left"


def test_an_unknown_total_gives_no_bar_and_no_eta() -> None:
    tracker = IndexingProgress(Clock())
    status = tracker.update(40, None, "articles")
    assert (status.total, status.text) == (None, "Indexing: 40 articles read")


@pytest.mark.parametrize(("seconds", "text"), [(3, "5 s"), (42, "40 s"), (200, "3 min")])
def test_time_left_reads_well(seconds: float, text: str) -> None:
    assert describe_seconds(seconds) == text


class SlowEmbedder:
    """Embedding takes 0.1 s per text on a fake clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock, self.dimension, self.name = clock, 4, "slow"

    def embed(self, texts):
        self.clock.now += 0.1 * len(texts)
        return [[0.0] * 4 for _ in texts]


def test_the_demo_rate_is_measured_on_this_machine_then_taken_from_its_builds(
    settings, tmp_path
) -> None:
    settings = settings.with_overrides(cache_dir=tmp_path / "cache")
    clock = Clock()
    rate = demo.measure_rate(SlowEmbedder(clock), clock=clock)
    assert rate == pytest.approx(
        10 / demo.CALIBRATION_SPEEDUP * demo.EMBEDDING_SHARE / demo.CHUNKS_PER_ARTICLE
    )

    assert demo.recorded_rate(settings) is None
    demo.record_rate(settings, articles=500, seconds=125.0)
    assert demo.recorded_rate(settings) == 4.0
    demo.record_rate(settings, articles=3, seconds=0.1)  # too small to say anything
    assert demo.recorded_rate(settings) == 4.0


def test_the_demo_buttons_show_the_measured_time_and_the_same_count_as_the_readme(
    settings,
) -> None:
    assert (
        demo_label(500, None)
        == "Quick start: the 500 most recent articles · measuring this machine…"
    )
    assert demo_label(None, 5.0) == f"All {demo.TOTAL_ARTICLES:,} articles · about 12 minutes here"
    page = NewsdeskPage(FakeAssistant(), settings, library=FakeLibrary([]))
    quick, whole = page.demo_estimates()
    assert quick["value"] == "Quick start: the 500 most recent articles · about 2 minutes here"
    assert whole["value"] == demo_label(None, 5.0)
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert f"{demo.TOTAL_ARTICLES:,}" in readme


class RecordingProgress:
    """Stands in for ``gr.Progress``: records what the page's bar was told."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, str, str | None]] = []

    def __call__(self, value, desc: str = "", unit: str | None = None, **_: object) -> None:
        self.calls.append((value, desc, unit))


def test_the_page_shows_one_bar_counted_in_articles(settings) -> None:
    page = NewsdeskPage(FakeAssistant(), settings, library=FakeLibrary())
    bar = RecordingProgress()

    def job(report):
        report(0, 1, "fetching the demo corpus")
        report(100, 500, "articles")
        report(640, None, "chunks")
        return None

    page.run_indexing(job, bar)

    assert bar.calls[0] == (None, "Fetching the demo corpus…", None)
    assert bar.calls[1] == ((100, 500), "Indexing 100 of 500 articles", "articles")
    assert bar.calls[2] == (
        (100, 500),
        "Indexing 100 of 500 articles · 640 chunks embedded",
        "articles",
    )


def test_the_library_measures_once_then_prefers_a_real_build(settings, tmp_path) -> None:
    from assistant.webui.library import Library

    settings = settings.with_overrides(cache_dir=tmp_path / "cache")
    clock = Clock()
    embedder = SlowEmbedder(clock)
    library = Library(settings, embedder=embedder)
    calls = []
    real_embed = embedder.embed
    embedder.embed = lambda texts: calls.append(len(texts)) or real_embed(texts)

    first = library.demo_rate()
    assert first is not None and library.demo_rate() == first  # measured once, then kept
    assert sum(calls) == demo.CALIBRATION_CHUNKS + 2
    demo.record_rate(settings, articles=300, seconds=100.0)
    assert library.demo_rate() == 3.0
