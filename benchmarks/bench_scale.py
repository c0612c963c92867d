"""How cost grows with the archive: synthetic chunks and vectors (no model) at N chunks.

    python benchmarks/bench_scale.py --chunks 60000                 # everything, Chroma server
    python benchmarks/bench_scale.py --chunks 300000 --parts bm25   # catalog + BM25 only

For each N it measures, on a Chroma server it starts itself (``chroma run`` on 127.0.0.1) or
embedded (``--embedded``): write throughput (seconds per 10k chunks upserted), the catalog's
size on disk, the BM25 build (``KeywordIndex.refresh``: time and resident memory added), hybrid
search p50/p95 (Chroma query + chunk BM25 + article BM25 over random queries), and the time a new
replica takes to become ready (empty home -> ``repair.follow`` full catch-up -> BM25 built).
Prints one Markdown table row per N (``--json``: raw figures).
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.settings import Settings  # noqa: E402
from index.stores import open_stores  # noqa: E402
from index.stores.catalog import ChunkRecord  # noqa: E402
from index.stores.repair import follow  # noqa: E402

WORDS_PER_CHUNK = 150
CHUNKS_PER_ARTICLE = 4
VOCABULARY = 60_000
OUTLETS = ("Reuters", "AP", "AFP", "BBC", "Guardian", "DW", "NHK", "Xinhua")
WRITE_BATCH = 10_000


def words(seed: int = 7) -> np.ndarray:
    """A synthetic vocabulary (pronounceable-ish, unique)."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnoprstuvwyz"))
    made = {"".join(rng.choice(letters, size=int(rng.integers(4, 10)))) for _ in range(VOCABULARY)}
    return np.array(sorted(made))


def synthetic(count: int, dim: int, seed: int = 1):
    """Yield ``(records, vectors)`` batches of WRITE_BATCH chunks (Zipf-distributed words)."""
    vocab = words()
    rng = np.random.default_rng(seed)
    base = 1_600_000_000
    for start in range(0, count, WRITE_BATCH):
        size = min(WRITE_BATCH, count - start)
        ranks = np.minimum(rng.zipf(1.15, size=(size, WORDS_PER_CHUNK)), len(vocab)) - 1
        records = []
        for row in range(size):
            n = start + row
            article, index = divmod(n, CHUNKS_PER_ARTICLE)
            text = " ".join(vocab[ranks[row]])
            ts = base + article * 600
            records.append(
                ChunkRecord(
                    f"a{article}#{article:012x}#{index}",
                    text,
                    {
                        "article_id": f"a{article}",
                        "chunk_index": index,
                        "title": f"Story {article}",
                        "source": OUTLETS[article % len(OUTLETS)],
                        "url": "",
                        "authors": "",
                        "published": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts)),
                        "published_ts": ts,
                        "place": "",
                        "body_start": 0,
                        "content_hash": f"{article:012x}",
                        "origin": f"/synthetic/{article // 1000}",
                    },
                )
            )
        vectors = rng.standard_normal((size, dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        yield records, vectors


def start_server(folder: Path) -> tuple[subprocess.Popen, str]:
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


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def measure(count: int, dim: int, parts: str, settings: Settings, queries: int) -> dict:
    figures: dict = {"chunks": count, "parts": parts}
    vocab = words()
    with open_stores(settings, catch_up=False) as stores:
        write_seconds = catalog_seconds = 0.0
        for records, vectors in synthetic(count, dim):
            if parts == "all":
                started = time.perf_counter()
                stores.chroma.upsert(
                    [r.id for r in records],
                    vectors,
                    [r.text for r in records],
                    [r.metadata for r in records],
                )
                write_seconds += time.perf_counter() - started
            started = time.perf_counter()
            stores.catalog.import_chunks(records)
            catalog_seconds += time.perf_counter() - started
        figures["catalog_import_s_per_10k"] = catalog_seconds / count * WRITE_BATCH
        figures["catalog_mb"] = (
            sum(
                Path(f"{settings.catalog_path}{s}").stat().st_size
                for s in ("", "-wal")
                if Path(f"{settings.catalog_path}{s}").exists()
            )
            / 2**20
        )
        if parts == "all":
            figures["chroma_write_s_per_10k"] = write_seconds / count * WRITE_BATCH
        before = rss_mb()
        started = time.perf_counter()
        stores.keyword.refresh()
        figures["bm25_build_s"] = time.perf_counter() - started
        figures["bm25_rss_mb"] = rss_mb() - before
        rng = np.random.default_rng(3)
        timings, keyword_timings = [], []
        for _ in range(queries):
            terms = list(rng.choice(vocab[:5000], size=6))
            vector = rng.standard_normal(dim).astype(np.float32)
            started = time.perf_counter()
            if parts == "all":
                stores.chroma.query(vector, settings.candidates)
            middle = time.perf_counter()
            stores.keyword.search(terms, settings.candidates)  # chunk and article rankings
            done = time.perf_counter()
            timings.append((done - started) * 1000)
            keyword_timings.append((done - middle) * 1000)
        figures["hybrid_p50_ms"] = percentile(timings, 50) if parts == "all" else None
        figures["hybrid_p95_ms"] = percentile(timings, 95) if parts == "all" else None
        figures["bm25_p50_ms"] = percentile(keyword_timings[1:], 50)
        figures["bm25_p95_ms"] = percentile(keyword_timings[1:], 95)
    if parts == "all":
        replica = settings.with_overrides(home=settings.home.parent / "replica")
        started = time.perf_counter()
        with open_stores(replica, catch_up=False) as stores:
            follow(stores)
            caught = time.perf_counter()
            stores.keyword.refresh()
            assert stores.catalog.chunk_count() == count
        figures["replica_catch_up_s"] = caught - started
        figures["replica_ready_s"] = time.perf_counter() - started
    return figures


HEADER = (
    "| chunks | parts | Chroma write s/10k | catalog import s/10k | catalog MB | BM25 build s "
    "| BM25 RSS MB | BM25 p50/p95 ms | hybrid p50/p95 ms | replica catch-up s | replica ready s |"
)


def row(f: dict) -> str:
    def fmt(key: str, spec: str = ".1f") -> str:
        value = f.get(key)
        return "-" if value is None else format(value, spec)

    return (
        f"| {f['chunks']:,} | {f['parts']} | {fmt('chroma_write_s_per_10k')} "
        f"| {fmt('catalog_import_s_per_10k')} | {fmt('catalog_mb', '.0f')} "
        f"| {fmt('bm25_build_s')} | {fmt('bm25_rss_mb', '.0f')} "
        f"| {fmt('bm25_p50_ms')} / {fmt('bm25_p95_ms')} "
        f"| {fmt('hybrid_p50_ms')} / {fmt('hybrid_p95_ms')} "
        f"| {fmt('replica_catch_up_s')} | {fmt('replica_ready_s')} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, nargs="+", default=[60_000])
    parser.add_argument("--parts", choices=("all", "bm25"), default="all")
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--embedded", action="store_true", help="embedded Chroma, no server")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = []
    for count in args.chunks:
        work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
        server = None
        try:
            url = None
            if args.parts == "all" and not args.embedded:
                server, url = start_server(work / "server")
            settings = Settings(home=work / "home", chroma_url=url, collection="scale")
            results.append(measure(count, args.dim, args.parts, settings, args.queries))
            print(json.dumps(results[-1]) if args.json else row(results[-1]), flush=True)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            shutil.rmtree(work, ignore_errors=True)
    if not args.json:
        print(HEADER)
        print("|" + " --- |" * 11)
        for figures in results:
            print(row(figures))


if __name__ == "__main__":
    main()
