"""How cost grows with the archive: synthetic chunks and vectors (no model) at N chunks.

    python benchmarks/bench_scale.py --chunks 60000 600000 3000000 --parts keyword
    python benchmarks/bench_scale.py --chunks 60000 --parts all     # + catalog, Chroma server

``--parts keyword`` measures the keyword index alone (``index.stores.keyword_segments``, fed
straight from the generator, no catalog): the full build (analysis + tantivy, the generator's
own time left out), an incremental write of 1,000 new articles, its size on disk, and in a
fresh process (``--serve``) the time to open it, the resident memory it adds once warm, and
keyword search p50/p95 (chunk ranking, article ranking and the best chunk of each top article;
one query in three bounded by dates).

``--parts all`` writes the chunks to a ``chroma run`` server it starts on 127.0.0.1 and to the
catalog, then measures the keyword build from the catalog (``KeywordIndex.refresh``), the same
incremental write through the catalog's change log, keyword and hybrid (Chroma query + keyword
search) p50/p95, and a new replica's ready time from a published snapshot
(``index.stores.snapshot``) and from nothing (a full catch-up from the server).
``--keep DIR`` builds in ``DIR/N`` and keeps it, so the searches can be measured again on a
quiet machine (``--serve DIR/N/segments``; ``--parts all --serve DIR/N``: keyword and hybrid
through a server started on the kept store). Prints one Markdown row per N and
the load average beside it (``--json``: raw figures).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.scale_data import (  # noqa: E402
    CHUNKS_PER_ARTICLE,
    Timed,
    article_groups,
    queries,
    synthetic,
)
from index.settings import Settings  # noqa: E402
from index.stores.keyword_segments import (  # noqa: E402
    Segments,
    best_chunks,
    top_articles,
    top_chunks,
)
from index.stores.keyword_terms import query_terms  # noqa: E402

NEW_ARTICLES = 1_000


def rss_mb() -> float:
    """This process's resident memory (Linux ``/proc``), in MB."""
    resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def load() -> str:
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def measure_keyword(count: int, work: Path, n_queries: int, candidates: int) -> dict[str, Any]:
    """The keyword index alone, at ``count`` chunks."""
    figures: dict[str, Any] = {"chunks": count, "parts": "keyword", "load_start": load()}
    folder = work / "segments"
    segments = Segments(folder)
    timed = Timed(article_groups(synthetic(count, dim=0)))
    started = time.perf_counter()
    segments.write(timed, clear=True)
    figures["build_s"] = time.perf_counter() - started - timed.seconds
    new = list(article_groups(synthetic(NEW_ARTICLES * CHUNKS_PER_ARTICLE, 0, first=count)))
    started = time.perf_counter()
    segments.write(new, [article_id for article_id, _ in new])  # deletes first, as a sync
    figures["write_1k_s"] = time.perf_counter() - started
    figures["write_1k_share"] = figures["write_1k_s"] / figures["build_s"]
    figures["disk_mb"] = folder_mb(folder)
    del segments
    served = subprocess.run(
        [
            sys.executable,
            __file__,
            "--serve",
            str(folder),
            "--queries",
            str(n_queries),
            "--candidates",
            str(candidates),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    figures.update(json.loads(served.stdout))
    figures["rss_kb_per_chunk"] = figures["serve_rss_mb"] * 1024 / (count + 4 * NEW_ARTICLES)
    figures["load_end"] = load()
    return figures


def serve(folder: Path, n_queries: int, candidates: int) -> dict[str, Any]:
    """In a fresh process: open the segments, warm up, time searches, report memory added."""
    before = rss_mb()
    started = time.perf_counter()
    segments = Segments(folder)
    segments.reload()
    chunk_searcher, article_searcher = segments.searchers()
    opened = time.perf_counter() - started
    timings = []
    articles = chunk_searcher.num_docs // CHUNKS_PER_ARTICLE
    for number, (words, bounds) in enumerate(queries(n_queries + 5, articles)):
        started = time.perf_counter()
        terms = query_terms(words)
        top_chunks(chunk_searcher, terms, candidates, bounds)
        found = top_articles(article_searcher, terms, candidates // 2, bounds)
        best_chunks(chunk_searcher, terms, found, bounds)
        if number >= 5:  # the first ones warm the caches
            timings.append((time.perf_counter() - started) * 1000)
    return {
        "open_s": opened,
        "serve_rss_mb": rss_mb() - before,
        "keyword_p50_ms": percentile(timings, 50),
        "keyword_p95_ms": percentile(timings, 95),
        "docs": chunk_searcher.num_docs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, nargs="+", default=[60_000])
    parser.add_argument("--parts", choices=("all", "keyword"), default="keyword")
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--candidates", type=int, default=Settings().candidates)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--keep",
        type=Path,
        help="build in KEEP/N and keep it (searches: --serve KEEP/N/segments)",
    )
    parser.add_argument("--serve", type=Path, help="measure searches of a kept keyword index")
    args = parser.parse_args()
    if args.serve and args.parts == "all":
        from benchmarks.scale_hybrid import searches_again

        print(json.dumps(searches_again(args.serve, args.dim, args.queries)))
        return
    if args.serve:
        print(json.dumps(serve(args.serve, args.queries, args.candidates)))
        return
    results = []
    for count in args.chunks:
        if args.keep:
            work = args.keep / str(count)
            work.mkdir(parents=True, exist_ok=False)
        else:
            work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
        try:
            if args.parts == "keyword":
                figures = measure_keyword(count, work, args.queries, args.candidates)
            else:
                from benchmarks.scale_hybrid import measure_all

                figures = measure_all(count, work, args.dim, args.queries)
            results.append(figures)
            print(json.dumps(figures) if args.json else row(figures), flush=True)
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    if not args.json:
        print(HEADER)
        print(HEADER_RULE)
        for figures in results:
            print(row(figures))


HEADER = (
    "| chunks | parts | keyword build s | write 1k articles s (share of build) | disk MB "
    "| open s | keyword RSS MB (KB/chunk) | keyword p50/p95 ms | hybrid p50/p95 ms "
    "| replica ready s (snapshot / from nothing) | load start -> end |"
)
HEADER_RULE = "|" + " --- |" * 11


def row(f: dict[str, Any]) -> str:
    def fmt(key: str, spec: str = ".1f") -> str:
        value = f.get(key)
        return "-" if value is None else format(value, spec)

    return (
        f"| {f['chunks']:,} | {f['parts']} | {fmt('build_s')} "
        f"| {fmt('write_1k_s', '.2f')} ({fmt('write_1k_share', '.2%')}) | {fmt('disk_mb', '.0f')} "
        f"| {fmt('open_s', '.2f')} "
        f"| {fmt('serve_rss_mb', '.0f')} ({fmt('rss_kb_per_chunk', '.2f')}) "
        f"| {fmt('keyword_p50_ms')} / {fmt('keyword_p95_ms')} "
        f"| {fmt('hybrid_p50_ms')} / {fmt('hybrid_p95_ms')} "
        f"| {fmt('replica_snapshot_s')} / {fmt('replica_full_s')} "
        f"| {f.get('load_start', '-')} -> {f.get('load_end', '-')} |"
    )


if __name__ == "__main__":
    main()
