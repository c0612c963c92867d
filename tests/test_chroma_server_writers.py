"""Several processes ("machines", each with its own home) on one real Chroma server: writers
started together, a lease holder killed with SIGKILL, a replica following a running writer.
After each, the articles in Chroma are exactly the union of what was indexed, each complete."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.stores import open_stores
from index.stores.lease import writer_status
from index.stores.repair import follow
from tests.chroma_server import chroma_server
from tests.chroma_writer import writer_settings

ROOT = Path(__file__).resolve().parents[1]
TOPICS = ("harbour", "orchard", "glacier", "railway", "vineyard", "lighthouse")


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    """A real Chroma server on 127.0.0.1 for this test."""
    yield from chroma_server(tmp_path)


def make_articles(folder: Path, prefix: str, count: int) -> set[str]:
    """``count`` distinct multi-chunk Markdown articles; returns their paths (= article ids)."""
    folder.mkdir(parents=True)
    for number in range(count):
        topic = TOPICS[number % len(TOPICS)]
        body = " ".join(
            f"Paragraph {line} of report {prefix}{number} on the {topic} said the council of "
            f"{prefix}town{number} met residents on day {line} to discuss the {topic} plan."
            for line in range(8)
        )
        (folder / f"{prefix}{number:03d}.md").write_text(
            f"{prefix.upper()} report {number} on the {topic}\n\n{body}\n", encoding="utf-8"
        )
    return {str(path) for path in folder.glob("*.md")}


def start_writer(home: Path, url: str, folder: Path, delay: float = 0.0) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.chroma_writer", str(home), url, str(folder), str(delay)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> str:
    _, err = process.communicate(timeout=240)
    assert process.returncode == 0, err[-3000:]
    return err


def articles_in_chroma(home: Path, url: str) -> dict[str, list[int]]:
    """Article id -> its chunk indexes, read straight from the server."""
    with open_stores(writer_settings(home, url), catch_up=False) as stores:
        hits = stores.chroma.get(sorted(stores.chroma.ids()))
    found: dict[str, list[int]] = defaultdict(list)
    for hit in hits:
        found[str(hit.metadata["article_id"])].append(int(hit.metadata["chunk_index"]))
    return found


def assert_exactly(found: dict[str, list[int]], expected: set[str]) -> None:
    assert set(found) == expected  # nothing lost, nothing extra
    for article_id, indexes in found.items():  # each complete, no chunk twice
        assert sorted(indexes) == list(range(len(indexes))), article_id
        assert len(indexes) > 1


def test_two_writers_started_together_both_land(chroma_url: str, tmp_path: Path) -> None:
    first = make_articles(tmp_path / "news-a", "a", 12)
    second = make_articles(tmp_path / "news-b", "b", 12)
    writers = [
        start_writer(tmp_path / "home-a", chroma_url, tmp_path / "news-a", 0.02),
        start_writer(tmp_path / "home-b", chroma_url, tmp_path / "news-b", 0.02),
    ]
    for writer in writers:  # the later one waits for the other's lease (or finds it free)
        finish(writer)
    assert_exactly(articles_in_chroma(tmp_path / "probe", chroma_url), first | second)
    assert writer_status(writer_settings(tmp_path / "probe", chroma_url)) is None


def test_a_killed_holder_is_taken_over_and_its_half_write_undone(
    chroma_url: str, tmp_path: Path
) -> None:
    first = make_articles(tmp_path / "news-a", "a", 30)
    second = make_articles(tmp_path / "news-b", "b", 6)
    probe = writer_settings(tmp_path / "probe", chroma_url)
    victim = start_writer(tmp_path / "home-a", chroma_url, tmp_path / "news-a", 0.15)
    deadline = time.monotonic() + 120
    while True:  # wait until it holds the lease and has written something
        holder = writer_status(probe)
        if holder is not None and holder.pid == victim.pid:
            with open_stores(probe, catch_up=False) as stores:
                if stores.chroma.count() > 0:
                    break
        assert victim.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert writer_status(probe).pid == victim.pid  # its claim outlives it until expiry

    heir = start_writer(tmp_path / "home-b", chroma_url, tmp_path / "news-b")
    finish(heir)  # it took the lease over once the dead claim expired
    found = articles_in_chroma(tmp_path / "probe", chroma_url)
    assert second <= set(found) and set(found) < first | second  # A was cut short

    # the killed machine comes back: it undoes only its own half-write and finishes
    finish(start_writer(tmp_path / "home-a", chroma_url, tmp_path / "news-a"))
    assert_exactly(articles_in_chroma(tmp_path / "probe", chroma_url), first | second)


def test_a_replica_follows_a_running_writer_without_restarting(
    chroma_url: str, tmp_path: Path
) -> None:
    expected = make_articles(tmp_path / "news", "r", 24)
    writer = start_writer(tmp_path / "home-w", chroma_url, tmp_path / "news", 0.05)
    replica = writer_settings(tmp_path / "replica", chroma_url)
    lags: list[int] = []
    with open_stores(replica, catch_up=False) as stores:  # one long-running replica
        while writer.poll() is None:
            lags.append(follow(stores))
            assert stores.catalog.pending_ids() == []  # a replica never marks anything
            time.sleep(0.3)
        finish(writer)
        lags.append(follow(stores))
        assert sum(lags) > 0
        assert stores.catalog.chunk_ids() == stores.chroma.ids()
        assert {a for a, _, _ in stores.catalog.entries()} == expected
        hit = stores.keyword.search(["rtown23", "lighthouse"], 1).chunks[0]
        assert hit.metadata["article_id"].endswith("r023.md")
        assert follow(stores) == 0
    assert_exactly(articles_in_chroma(tmp_path / "probe", chroma_url), expected)
