"""Crash safety: a build killed (SIGKILL) at any point and run again gives the same index as an
uninterrupted build: same chunk ids and documents in Chroma and the catalog, no duplicates,
no orphans, nothing missing."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from chromadb.api.shared_system_client import SharedSystemClient

import index
from index.fakes import FakeEmbedder
from index.settings import Settings
from index.stores import open_stores

REPO = Path(__file__).resolve().parents[1]
OUTLETS = ("Reuters", "AP", "AFP")
WORDS = [
    "minister",
    "talks",
    "border",
    "deal",
    "vote",
    "court",
    "rates",
    "bank",
    "storm",
    "flood",
    "harvest",
    "strike",
    "port",
    "union",
    "election",
    "budget",
    "oil",
    "gas",
    "price",
    "rebels",
    "army",
    "ceasefire",
    "summit",
    "trade",
    "tariff",
    "export",
    "market",
    "police",
    "protest",
    "capital",
    "river",
    "bridge",
    "rail",
    "airline",
    "pilots",
    "doctors",
    "hospital",
    "school",
    "drought",
]

CHILD = """
import sys, time
from index import build
from index.settings import Settings
from index.fakes import FakeEmbedder

class SlowEmbedder(FakeEmbedder):
    def embed(self, texts):
        time.sleep(0.004 * len(texts))  # leave time to be killed mid-build
        return super().embed(texts)

settings = Settings(home=sys.argv[2], chunk_tokens=48, chunk_overlap=8, embedding_batch_size=4)
build([sys.argv[1]], settings, embedder=SlowEmbedder(), prune=True)
"""


# Kills itself (SIGKILL) right after the Nth call of a write step, for the exact points the
# random kills may miss. Patches test-side only; the product has no crash hooks.
CHILD_AT = """
import os, signal, sys
from index import build
from index.settings import Settings
from index.stores.catalog import Catalog
from index.stores.chroma_store import ChromaStore
from index.fakes import FakeEmbedder

target = {"pending": (Catalog, "mark_pending"), "delete": (ChromaStore, "delete"),
          "upsert": (ChromaStore, "upsert")}[sys.argv[3]]
calls = [0]
original = getattr(*target)

def step(*args, **kwargs):
    result = original(*args, **kwargs)
    calls[0] += 1
    if calls[0] == int(sys.argv[4]):
        os.kill(os.getpid(), signal.SIGKILL)
    return result

setattr(target[0], target[1], step)
settings = Settings(home=sys.argv[2], chunk_tokens=48, chunk_overlap=8, embedding_batch_size=4)
build([sys.argv[1]], settings, embedder=FakeEmbedder(), prune=True)
"""


def settings_for(home: Path) -> Settings:
    return Settings(home=home, chunk_tokens=48, chunk_overlap=8, embedding_batch_size=4)


def write_corpus(folder: Path, count: int, seed: int = 7) -> None:
    """``count`` wire stories; every tenth is a syndicated copy of the story before it."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    body = ""
    for number in range(count):
        outlet = OUTLETS[number % 3]
        if number % 10 != 9:
            body = " ".join(
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."
                for _ in range(rng.randint(5, 14))
            )
        title = f"Story {number} about {rng.choice(WORDS)}"
        (folder / f"story_{number:03d}.txt").write_text(f"{title}\n\nPARIS ({outlet}) - {body}\n")


def state(home: Path) -> dict:
    """Everything that must match a clean build (and internal consistency checks)."""
    with open_stores(settings_for(home)) as stores:
        ids = sorted(stores.chroma.ids())
        assert stores.chroma.count() == len(ids)
        got = stores.chroma._collection.get(ids=ids, include=["documents", "embeddings"])
        chroma = dict(zip(got["ids"], got["documents"], strict=True))
        rounded = np.asarray(got["embeddings"]).round(5).tolist()
        vectors = dict(zip(got["ids"], rounded, strict=True))
        catalog = {record.id: record.text for record in stores.catalog.chunks()}
        db = stores.catalog._db
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        manifest = {
            row[0]: tuple(row[1:])
            for row in db.execute(
                "SELECT id, content_hash, state, canonical_id, chunk_ids FROM articles"
            )
        }
    assert chroma == catalog, "Chroma and the catalog disagree"
    assert all(row[1] == "done" for row in manifest.values())
    owned = {chunk_id for row in manifest.values() for chunk_id in json.loads(row[3])}
    assert owned == set(catalog), "chunks not owned by exactly the done articles"
    return {"chunks": chroma, "vectors": vectors, "manifest": manifest}


def written_since(home: Path, since: float) -> int:
    """Articles the child has finished writing since ``since`` (read-only peek at the catalog)."""
    path = settings_for(home).catalog_path
    if not path.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)) as db:
            return db.execute(
                "SELECT COUNT(*) FROM articles WHERE state = 'done' AND indexed_at >= ?", (since,)
            ).fetchone()[0]
    except sqlite3.Error:
        return 0


def pending_now(home: Path) -> int:
    path = settings_for(home).catalog_path
    if not path.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)) as db:
            return db.execute("SELECT COUNT(*) FROM articles WHERE state = 'pending'").fetchone()[0]
    except sqlite3.Error:
        return 0


def run_and_kill(corpus: Path, home: Path, when: Callable[[float], bool], delay: float) -> bool:
    """Start a build in a child process and SIGKILL it once ``when(started)`` holds, after
    ``delay`` seconds. Returns False when the build finished before it could be killed."""
    env = {**os.environ, "NEWSDESK_HOME": str(home), "ANONYMIZED_TELEMETRY": "False"}
    started = time.time()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(corpus), str(home)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while child.poll() is None and time.monotonic() < deadline:
            if when(started):
                time.sleep(delay)
                break
            time.sleep(0.003)
        if child.poll() is not None:
            assert child.returncode == 0, child.stderr.read().decode()
            return False
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        return True
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stderr.close()
        # This process may hold a Chroma client opened before the child wrote: embedded Chroma
        # caches the collection per process, so open a fresh one for what follows.
        SharedSystemClient.clear_system_cache()


def clean_build(corpus: Path, home: Path) -> dict:
    index.build([corpus], settings_for(home), embedder=FakeEmbedder(), prune=True)
    return state(home)


def test_killed_builds_resume_to_the_same_index(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 100)
    expected = clean_build(corpus, tmp_path / "clean")
    assert len(expected["chunks"]) > 150

    rng = random.Random(1)
    home = tmp_path / "crashed"
    kills = 0
    for after in (1, 25, 50):  # articles written by this child before it is killed
        when = partial(lambda started, after: written_since(home, started) >= after, after=after)
        kills += run_and_kill(corpus, home, when, rng.uniform(0, 0.1))
    assert kills >= 2, "the builds finished before they could be killed: slow the child down"
    report = index.build([corpus], settings_for(home), embedder=FakeEmbedder(), prune=True)
    assert report.ok
    assert state(home) == expected


def test_killed_update_resumes_to_the_same_index(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 60)
    home = tmp_path / "crashed"
    index.build([corpus], settings_for(home), embedder=FakeEmbedder(), prune=True)

    write_corpus(corpus, 40, seed=8)  # rewrites the first 40 stories
    (corpus / "story_059.txt").unlink()
    expected = clean_build(corpus, tmp_path / "clean")
    killed = run_and_kill(corpus, home, lambda started: written_since(home, started) >= 10, 0.03)
    assert killed
    index.build([corpus], settings_for(home), embedder=FakeEmbedder(), prune=True)
    assert state(home) == expected


@pytest.mark.parametrize(("step", "call"), [("pending", 2), ("delete", 3), ("upsert", 2)])
def test_killed_between_write_steps(tmp_path: Path, step: str, call: int) -> None:
    """Killed right after a write step of a batch (pending mark, Chroma delete, Chroma upsert),
    then re-run without the stories of that batch: repair removes every trace of them."""
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 30, seed=3)
    home = tmp_path / "crashed"
    index.build([corpus], settings_for(home), embedder=FakeEmbedder())
    write_corpus(corpus, 30, seed=4)  # every story changes: old chunks deleted, new upserted
    SharedSystemClient.clear_system_cache()
    env = {**os.environ, "NEWSDESK_HOME": str(home), "ANONYMIZED_TELEMETRY": "False"}
    child = subprocess.run(
        [sys.executable, "-c", CHILD_AT, str(corpus), str(home), step, str(call)],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]
    with open_stores(settings_for(home)) as stores:
        pending = stores.catalog.pending_ids()
    SharedSystemClient.clear_system_cache()
    assert pending
    for article_id in pending:
        Path(article_id).unlink()  # wire story ids are their file paths
    index.build([corpus], settings_for(home), embedder=FakeEmbedder(), prune=True)
    assert state(home) == clean_build(corpus, tmp_path / "clean")
