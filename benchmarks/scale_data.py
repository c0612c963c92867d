"""Synthetic archive for ``bench_scale.py``: chunks, vectors, queries, and a Chroma server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from index.stores.bounds import SearchBounds
from index.stores.catalog import ChunkRecord

WORDS_PER_CHUNK = 150
CHUNKS_PER_ARTICLE = 4
VOCABULARY = 60_000
OUTLETS = ("Reuters", "AP", "AFP", "BBC", "Guardian", "DW", "NHK", "Xinhua")
WRITE_BATCH = 10_000
BASE_TS = 1_600_000_000
ARTICLE_EVERY_S = 600  # one article every ten minutes


@lru_cache(maxsize=2)
def words(seed: int = 7) -> np.ndarray:
    """A synthetic vocabulary of 4-9 letter words (unique, sorted)."""
    rng = np.random.default_rng(seed)
    letters = np.frombuffer(b"abcdefghijklmnoprstuvwyz", dtype=np.uint8)
    spelled = letters[rng.integers(0, len(letters), size=(VOCABULARY, 9))].tobytes()
    lengths = rng.integers(4, 10, size=VOCABULARY)
    made = {spelled[9 * n : 9 * n + int(size)].decode() for n, size in enumerate(lengths)}
    return np.array(sorted(made))


def synthetic(
    count: int, dim: int, *, first: int = 0, seed: int = 1
) -> Iterator[tuple[list[ChunkRecord], np.ndarray | None]]:
    """``(records, vectors)`` batches of WRITE_BATCH chunks numbered from ``first``
    (Zipf-distributed words; no vectors when ``dim`` is 0)."""
    vocab = words()
    rng = np.random.default_rng(seed + first)
    for start in range(first, first + count, WRITE_BATCH):
        size = min(WRITE_BATCH, first + count - start)
        ranks = np.minimum(rng.zipf(1.15, size=(size, WORDS_PER_CHUNK)), len(vocab)) - 1
        records = []
        for row in range(size):
            article, index = divmod(start + row, CHUNKS_PER_ARTICLE)
            ts = BASE_TS + article * ARTICLE_EVERY_S
            records.append(ChunkRecord(
                f"a{article}#{article:012x}#{index}",
                " ".join(vocab[ranks[row]]),
                {
                    "article_id": f"a{article}", "chunk_index": index,
                    "title": f"Story {article}", "source": OUTLETS[article % len(OUTLETS)],
                    "url": "", "authors": "", "place": "", "body_start": 0,
                    "published": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts)),
                    "published_ts": ts, "content_hash": f"{article:012x}",
                    "origin": f"/synthetic/{article // 1000}",
                },
            ))  # fmt: skip
        vectors = None
        if dim:
            vectors = rng.standard_normal((size, dim)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        yield records, vectors


def article_groups(
    batches: Iterable[tuple[list[ChunkRecord], Any]],
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Keyword rows grouped by article (as the catalog gives them), rowid = chunk number."""
    pending: list[dict[str, Any]] = []
    for records, _ in batches:
        for record in records:
            meta = record.metadata
            number = int(record.id.rsplit("#", 1)[1])
            article = int(str(meta["article_id"])[1:])
            row = {
                "rowid": article * CHUNKS_PER_ARTICLE + number + 1,
                "article_id": meta["article_id"], "text": record.text, "body_start": 0,
                "published_ts": meta["published_ts"], "source": meta["source"],
            }  # fmt: skip
            if pending and pending[0]["article_id"] != row["article_id"]:
                yield str(pending[0]["article_id"]), pending
                pending = []
            pending.append(row)
    if pending:
        yield str(pending[0]["article_id"]), pending


class Timed:
    """An iterator that adds up the time spent producing its items (left out of a build)."""

    def __init__(self, items: Iterable[Any]) -> None:
        self._items = iter(items)
        self.seconds = 0.0

    def __iter__(self) -> Timed:
        return self

    def __next__(self) -> Any:
        started = time.perf_counter()
        try:
            return next(self._items)
        finally:
            self.seconds += time.perf_counter() - started


def queries(
    count: int, articles: int = 0, seed: int = 3
) -> Iterator[tuple[list[str], SearchBounds]]:
    """Six words from the 5,000 commonest; one query in three bounded to a week of the
    archive (of ``articles`` articles: a week near its end when 0)."""
    vocab = words()[:5000]
    rng = np.random.default_rng(seed)
    week = 7 * 86_400
    for number in range(count):
        terms = [str(word) for word in rng.choice(vocab, size=6)]
        bounds = SearchBounds()
        if number % 3 == 2:
            span = max(articles * ARTICLE_EVERY_S - week, 1)
            since = BASE_TS + int(rng.integers(0, span))
            bounds = SearchBounds(since_ts=since, until_ts=since + week)
        yield terms, bounds


def start_server(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``chroma run`` on a free loopback port; returns the process and its URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    chroma = Path(sys.executable).with_name("chroma")
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("chroma run did not answer")
