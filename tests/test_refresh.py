"""Scheduled refresh against a local feed server whose feed changes between polls, answers 304,
fails with 500, hangs and disappears: conditional requests, back-off, nothing ever removed,
and the per-source status shown by `index stats`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner

import index
from assistant.cli import main
from index.fakes import FakeEmbedder
from index.refresh import Refresher, backoff, parse_every
from index.settings import Settings
from index.source_status import read_status
from tests.httpserver import Server, respond, serving

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-c", "from assistant.cli import main; main()"]
EVERY = 600.0


def rss(*numbers: int) -> bytes:
    items = "".join(
        f"<item><guid>story-{n}</guid><title>Story {n}</title><link>https://news.example/{n}"
        f"</link><pubDate>Tue, 01 Dec 2026 0{n}:00:00 GMT</pubDate><description>Harbour "
        f"workers in story {n} talk about the port, the union and the strike.</description>"
        "</item>"
        for n in numbers
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>{items}'
        "</channel></rss>".encode()
    )


class Feed:
    """The feed the server answers with; ``mode`` is ok, 500, hang or gone."""

    def __init__(self) -> None:
        self.body, self.etag, self.mode = rss(1, 2), '"v1"', "ok"

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        if self.mode == "500":
            respond(handler, 500, b"oops")
        elif self.mode == "gone":
            respond(handler, 404, b"gone")
        elif self.mode == "hang":
            time.sleep(5)
        elif handler.headers.get("If-None-Match") == self.etag:
            respond(handler, 304, headers={"ETag": self.etag})
        else:
            respond(
                handler, 200, self.body, {"ETag": self.etag, "Content-Type": "application/rss+xml"}
            )


@pytest.fixture
def feed_server() -> Iterator[tuple[Server, Feed]]:
    with serving() as server:
        feed = Feed()
        server.routes["/feed.xml"] = feed
        yield server, feed


def settings_for(home: Path) -> Settings:
    return Settings(
        home=home,
        allow_private_urls=True,
        fetch_timeout=1.0,
        chunk_tokens=48,
        chunk_overlap=8,
        embedding_batch_size=4,
    )


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_feed_refreshed_through_changes_304_failures_and_hangs(
    tmp_path: Path, feed_server: tuple[Server, Feed]
) -> None:
    server, feed = feed_server
    url = f"{server.base}/feed.xml"
    settings = settings_for(tmp_path / "home")
    index.build([url], settings, embedder=FakeEmbedder())
    clock, lines = Clock(), []
    refresher = Refresher(
        settings, embedder=FakeEmbedder(), prune=True, clock=clock, notify=lines.append
    )

    first = refresher.run_once(EVERY)  # no validators yet: read again, nothing new
    assert first.checked == {url: 0}
    clock.now += EVERY
    second = refresher.run_once(EVERY)  # conditional: 304
    assert second.not_modified == [url]
    assert server.requests[-1][1]["If-None-Match"] == '"v1"'

    feed.body, feed.etag = rss(1, 2, 3), '"v2"'  # the feed changes between polls
    clock.now += EVERY
    assert refresher.run_once(EVERY).checked == {url: 1}
    assert index.stats(settings).articles == 3
    [status] = read_status(settings)
    assert (status.added, status.added_total, status.failures) == (1, 1, 0)

    feed.mode = "500"  # failures never remove articles, even with prune
    clock.now += EVERY
    failed = refresher.run_once(EVERY).failed
    assert failed == {url: "could not fetch URL: HTTP 500 Internal Server Error"}
    checked_at = clock.now
    clock.now += EVERY / 2  # backing off: not tried before `every` has passed
    assert refresher.run_once(EVERY).waiting == [url]
    assert lines[-1].startswith(f"{url}: still failing (could not fetch URL: HTTP 500 Internal")
    assert lines[-1].endswith("1 in a row); next try in 5m")
    clock.now = checked_at + EVERY
    feed.mode = "hang"
    assert refresher.run_once(EVERY).failed == {url: "could not fetch URL"}
    clock.now += EVERY  # two failures: the next try waits twice as long
    assert refresher.run_once(EVERY).waiting == [url]
    clock.now += EVERY
    feed.mode = "gone"
    assert list(refresher.run_once(EVERY).failed) == [url]
    [status] = read_status(settings)
    assert status.failures == 3 and "404" in (status.last_error or "")
    assert status.last_success is not None and status.last_success < status.last_checked
    assert index.stats(settings).articles == 3

    feed.mode = "ok"
    clock.now += backoff(3, EVERY, settings)
    assert refresher.run_once(EVERY).not_modified == [url]
    [status] = read_status(settings)
    assert (status.failures, status.last_error) == (0, None)
    assert index.stats(settings).articles == 3
    assert any("failed" in line and "next try in" in line for line in lines)


def test_backoff_doubles_and_is_capped(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, refresh_backoff_cap=3600)
    assert [backoff(n, 600, settings) for n in (1, 2, 3, 4, 9)] == [600, 1200, 2400, 3600, 3600]


@pytest.mark.parametrize(
    ("text", "seconds"), [("30m", 1800), ("2h", 7200), ("45s", 45), ("1d", 86400), ("90", 90)]
)
def test_parse_every(text: str, seconds: float) -> None:
    assert parse_every(text) == seconds


@pytest.mark.parametrize("text", ["soon", "-5m", "0"])
def test_parse_every_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"duration|positive"):
        parse_every(text)


def test_stats_show_the_source_status(tmp_path: Path, feed_server: tuple[Server, Feed]) -> None:
    server, _ = feed_server
    url = f"{server.base}/feed.xml"
    settings = settings_for(tmp_path / "home")
    index.build([url], settings, embedder=FakeEmbedder())
    Refresher(settings, embedder=FakeEmbedder(), notify=lambda line: None).run_once(EVERY)
    runner = CliRunner()
    got = runner.invoke(main, ["--home", str(settings.home), "index", "stats", "--json"])
    assert got.exit_code == 0, got.output
    [status] = json.loads(got.output)["sources_status"]
    assert status["source"] == url and status["added_total"] == 0
    assert status["last_checked"] and status["last_error"] is None
    text = runner.invoke(main, ["--home", str(settings.home), "index", "stats"])
    assert f"  {url}: checked " in text.output and "0 new (0 in all)" in text.output


def test_the_refresher_thread_stops(tmp_path: Path, feed_server: tuple[Server, Feed]) -> None:
    server, _ = feed_server
    settings = settings_for(tmp_path / "home")
    index.build([f"{server.base}/feed.xml"], settings, embedder=FakeEmbedder())
    lines: list[str] = []
    refresher = Refresher(settings, embedder=FakeEmbedder(), notify=lines.append)
    thread = refresher.start(0.05)
    deadline = time.monotonic() + 60
    while len(lines) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    refresher.stop(timeout=30)
    assert not thread.is_alive()
    assert lines[1].endswith("not modified")  # the second round was conditional


def test_watch_stops_cleanly_on_sigterm(tmp_path: Path, feed_server: tuple[Server, Feed]) -> None:
    server, feed = feed_server
    home = tmp_path / "home"
    url = f"{server.base}/feed.xml"
    index.build([url], settings_for(home), embedder=FakeEmbedder())  # read once: recorded
    feed.mode = "500"
    env = {**os.environ, "PYTHONPATH": str(REPO), "NEWSDESK_ALLOW_PRIVATE_URLS": "1"}
    watch = subprocess.Popen(
        [*CLI, "--home", str(home), "index", "watch", "--every", "1h"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert watch.stdout is not None
        line = watch.stdout.readline()
        assert line.startswith(f"{url}: failed (could not fetch URL: HTTP 500")
        watch.send_signal(signal.SIGTERM)
        _, err = watch.communicate(timeout=60)
    finally:
        if watch.poll() is None:
            watch.kill()
            watch.wait()
    assert watch.returncode == 0, err
    assert err.rstrip().endswith("Stopped.")
    [status] = read_status(settings_for(home))
    assert status.failures == 1


def test_watch_once_exit_code(tmp_path: Path, feed_server: tuple[Server, Feed]) -> None:
    server, feed = feed_server
    home = tmp_path / "home"
    index.build([f"{server.base}/feed.xml"], settings_for(home), embedder=FakeEmbedder())
    feed.mode = "gone"
    env = {"NEWSDESK_ALLOW_PRIVATE_URLS": "1"}
    got = CliRunner().invoke(main, ["--home", str(home), "index", "watch", "--once"], env=env)
    assert got.exit_code == 3, got.output
    assert "404" in got.output
    # Right after: the source is not tried again yet, and that is still a failing source.
    again = CliRunner().invoke(main, ["--home", str(home), "index", "watch", "--once"], env=env)
    assert again.exit_code == 3, again.output
    assert "still failing" in again.output and "404" in again.output
    assert "next try in" in again.output


def test_ui_refresh_every_runs_the_refresher_beside_the_page(
    tmp_path: Path, feed_server: tuple[Server, Feed], monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from assistant.webui import server as webserver

    server, _ = feed_server
    home = tmp_path / "home"
    index.build([f"{server.base}/feed.xml"], settings_for(home), embedder=FakeEmbedder())
    seen: list[bool] = []

    def launch(settings: Settings, **options: object) -> None:
        names = [thread.name for thread in threading.enumerate()]
        seen.append("newsdesk-refresh" in names)

    monkeypatch.setattr(webserver, "launch", launch)
    monkeypatch.setattr("index.refresh.Refresher._embedder_for_build", lambda self: FakeEmbedder())
    env = {"NEWSDESK_ALLOW_PRIVATE_URLS": "1"}
    got = CliRunner().invoke(main, ["--home", str(home), "ui", "--refresh-every", "1h"], env=env)
    assert got.exit_code == 0, got.output
    assert seen == [True]
    assert not any(t.name == "newsdesk-refresh" for t in threading.enumerate())
