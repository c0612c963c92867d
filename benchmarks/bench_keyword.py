"""The keyword index on a real index: full build, resident memory, search latency and rankings.

    PYTHONPATH=. python benchmarks/bench_keyword.py --home COPY --json out.json
    PYTHONPATH=/work/main python benchmarks/bench_keyword.py --home COPY2   # another version

Measures whichever ``index.stores.KeywordIndex`` is on the path (the bm25s one on main, the
tantivy one since issue 21) against the catalog of ``--home`` (a copy: the saved keyword index
is deleted and rebuilt): the full build (``refresh`` on an empty folder), then in a fresh
process the time to load it, the resident memory it adds once every question ran once (before
the timed pass, whose results are kept), and search p50/p95 over every question of
``--questions`` with the retriever's own terms and bounds (``plan_search``: the question's date
as "as of", its time phrase as a window, 60 chunks and 30 articles). ``--json`` also keeps each
question's top chunk and article ids, so two versions' rankings can be compared
(``--compare a.json b.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

QUESTIONS = Path("/work/shared/eval/realtimeqa/questions.jsonl")


def rss_mb() -> float:
    resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def build(home: Path) -> float:
    from index.settings import Settings
    from index.stores import open_stores

    settings = Settings(home=home)
    shutil.rmtree(settings.keyword_path, ignore_errors=True)
    with open_stores(settings, catch_up=False) as stores:
        started = time.perf_counter()
        stores.keyword.refresh()
        return time.perf_counter() - started


def serve(home: Path, questions: Path, candidates: int) -> dict[str, Any]:
    """In a fresh process: load the saved index, run every question, report."""
    from assistant.evaluation.data import load_questions
    from assistant.filters import Filters
    from assistant.retrieval.plan import plan_search
    from index.settings import Settings
    from index.stores import open_stores

    with open_stores(Settings(home=home), catch_up=False) as stores:
        before = rss_mb()
        started = time.perf_counter()
        stores.keyword.refresh()
        loaded = time.perf_counter() - started
        plans = {}
        for question in load_questions(questions):
            plan = plan_search(
                question.question, Filters(), question.as_of,
                outlets=stores.keyword.outlets, syndicated_in=stores.keyword.syndicated_in,
            )  # fmt: skip
            if plan is not None:
                plans[question.id] = plan
        for plan in plans.values():  # warm: every question once, results dropped
            stores.keyword.search(plan.keyword_terms, candidates, plan.bounds)
        resident = rss_mb() - before  # the index as loaded and touched by every question
        timings, cpu, rankings = [], [], {}
        for question_id, plan in plans.items():
            started, cpu_started = time.perf_counter(), time.process_time()
            found = stores.keyword.search(
                plan.keyword_terms, candidates, plan.bounds, articles=candidates // 2
            )
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            rankings[question_id] = {
                "chunks": [hit.chunk_id for hit in found.chunks],
                "articles": [hit.metadata["article_id"] for hit in found.articles],
            }
        return {
            "load_s": loaded,
            "rss_mb": resident,
            "chunks": stores.catalog.chunk_count(),
            "p50_ms": float(np.percentile(timings, 50)),
            "p95_ms": float(np.percentile(timings, 95)),
            "cpu_p50_ms": float(np.percentile(cpu, 50)),  # CPU time: what a loaded machine
            "cpu_p95_ms": float(np.percentile(cpu, 95)),  # does not inflate
            "questions": len(timings),
            "rankings": rankings,
        }


def compare(first: Path, second: Path, top: int = 10) -> dict[str, float]:
    """Mean overlap of the top chunk / article ids of two runs, question by question."""
    a, b = (json.loads(path.read_text())["rankings"] for path in (first, second))
    shared = sorted(set(a) & set(b))

    def overlap(kind: str) -> float:
        values = []
        for qid in shared:
            x, y = set(a[qid][kind][:top]), set(b[qid][kind][:top])
            values.append(len(x & y) / len(x | y) if x | y else 1.0)  # both empty: agree
        return float(np.mean(values)) if values else float("nan")

    return {"questions": len(shared), "chunks_jaccard": overlap("chunks"),
            "articles_jaccard": overlap("articles")}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--candidates", type=int, default=60)
    parser.add_argument("--json", type=Path, help="write the figures and rankings here")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--compare", type=Path, nargs=2)
    args = parser.parse_args()
    if args.compare:
        print(json.dumps(compare(*args.compare)))
        return
    if args.serve:
        print(json.dumps(serve(args.home, args.questions, args.candidates)))
        return
    figures: dict[str, Any] = {"load_start": os.getloadavg()}
    figures["build_s"] = build(args.home)
    served = subprocess.run(
        [sys.executable, __file__, "--serve", "--home", str(args.home),
         "--questions", str(args.questions), "--candidates", str(args.candidates)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    figures.update(json.loads(served.stdout.strip().splitlines()[-1]))
    figures["load_end"] = os.getloadavg()
    figures["rss_kb_per_chunk"] = figures["rss_mb"] * 1024 / max(figures["chunks"], 1)
    if args.json:
        args.json.write_text(json.dumps(figures))
    print(json.dumps({k: v for k, v in figures.items() if k != "rankings"}))


if __name__ == "__main__":
    main()
