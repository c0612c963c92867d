"""``bench_scale.py --parts all``: the whole store (Chroma server, catalog, keyword index)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.scale_data import (
    CHUNKS_PER_ARTICLE,
    WRITE_BATCH,
    queries,
    start_server,
    synthetic,
)
from index.reader import IndexReader
from index.settings import Settings
from index.stores import Stores, open_stores
from index.stores.changes import ChangeCounter, SyncMark
from index.stores.snapshot import publish

NEW_ARTICLES = 1_000


def _load() -> str:
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _write(stores: Stores, count: int, dim: int, first: int = 0) -> tuple[float, float]:
    """Write ``count`` synthetic chunks to Chroma and the catalog as the writer would (one
    counted batch); returns the seconds spent in each."""
    chroma_s = catalog_s = 0.0
    for records, vectors in synthetic(count, dim, first=first):
        started = time.perf_counter()
        stores.chroma.upsert([r.id for r in records], vectors, [r.text for r in records],
                             [r.metadata for r in records])  # fmt: skip
        middle = time.perf_counter()
        stores.catalog.import_chunks(records)
        chroma_s += middle - started
        catalog_s += time.perf_counter() - middle
    generation = ChangeCounter(stores.chroma.client, stores.chroma.name).bump("bench")
    SyncMark(stores.catalog.path.parent).write(generation)
    return chroma_s, catalog_s


def measure_all(count: int, work: Path, dim: int, n_queries: int) -> dict[str, Any]:
    """Everything at ``count`` chunks through a ``chroma run`` server on loopback."""
    figures: dict[str, Any] = {"chunks": count, "parts": "all", "load_start": _load()}
    server, url = start_server(work / "server")
    try:
        settings = Settings(home=work / "home", chroma_url=url, collection="scale")
        published = work / "published"
        with open_stores(settings, catch_up=False) as stores:
            chroma_s, catalog_s = _write(stores, count, dim)
            figures["chroma_write_s_per_10k"] = chroma_s / count * WRITE_BATCH
            figures["catalog_import_s_per_10k"] = catalog_s / count * WRITE_BATCH
            started = time.perf_counter()
            stores.keyword.refresh()
            figures["build_s"] = time.perf_counter() - started
            started = time.perf_counter()
            publish(stores.catalog, stores.keyword, settings.home, published)
            figures["publish_s"] = time.perf_counter() - started
            _write(stores, NEW_ARTICLES * CHUNKS_PER_ARTICLE, dim, first=count)
            started = time.perf_counter()
            stores.keyword.refresh()  # applies the catalog's change log: 1,000 articles
            figures["write_1k_s"] = time.perf_counter() - started
            figures["write_1k_share"] = figures["write_1k_s"] / figures["build_s"]
            figures.update(
                _searches(IndexReader(settings, stores), dim, n_queries, settings.candidates, count)
            )
        figures["replica_snapshot_s"] = _replica(
            settings.with_overrides(home=work / "replica-snapshot", snapshot_path=published)
        )
        figures["replica_full_s"] = _replica(settings.with_overrides(home=work / "replica-full"))
    finally:
        server.terminate()
        server.wait(timeout=60)
    figures["load_end"] = _load()
    return figures


def searches_again(work: Path, dim: int, n_queries: int) -> dict[str, Any]:
    """Keyword and hybrid p50/p95 on a store ``measure_all`` kept in ``work`` (``KEEP/N``)."""
    count = int(work.name)
    figures: dict[str, Any] = {"chunks": count, "parts": "all", "load_start": _load()}
    server, url = start_server(work / "server")
    try:
        settings = Settings(home=work / "home", chroma_url=url, collection="scale")
        with open_stores(settings, catch_up=False) as stores:
            figures.update(
                _searches(IndexReader(settings, stores), dim, n_queries, settings.candidates, count)
            )
        figures["server_rss_mb"] = _rss_mb(server.pid)  # warm: the HNSW index is loaded
    finally:
        server.terminate()
        server.wait(timeout=60)
    figures["load_end"] = _load()
    return figures


def _rss_mb(pid: int) -> float:
    """A process's resident memory (Linux ``/proc``), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _searches(
    reader: IndexReader, dim: int, n: int, candidates: int, count: int
) -> dict[str, float]:
    """Dense and keyword searches as the answering side makes them (through ``IndexReader``;
    not closed here: the caller owns the stores)."""
    rng = np.random.default_rng(5)
    hybrid, keyword = [], []
    for number, (words, bounds) in enumerate(queries(n + 5, count // CHUNKS_PER_ARTICLE)):
        vector = rng.standard_normal(dim).astype(np.float32)
        started = time.perf_counter()
        reader.query(vector, candidates, bounds)
        middle = time.perf_counter()
        reader.search(words, candidates, bounds)  # chunk and article rankings
        done = time.perf_counter()
        if number >= 5:  # the first ones warm the caches
            hybrid.append((done - started) * 1000)
            keyword.append((done - middle) * 1000)
    return {
        "hybrid_p50_ms": _percentile(hybrid, 50),
        "hybrid_p95_ms": _percentile(hybrid, 95),
        "keyword_p50_ms": _percentile(keyword, 50),
        "keyword_p95_ms": _percentile(keyword, 95),
    }


def _replica(settings: Settings) -> float:
    """Seconds from an empty home to a first answered keyword search (catch-up included)."""
    started = time.perf_counter()
    with open_stores(settings) as stores:  # bootstrap (when published) and follow the server
        stores.keyword.search(["synthetic"], 10)
        assert stores.catalog.chunk_count() == stores.chroma.count()
    return time.perf_counter() - started
