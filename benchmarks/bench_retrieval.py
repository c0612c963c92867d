"""Retrieval quality and latency on RealTimeQA: dense only, keyword only and hybrid.

    python benchmarks/bench_retrieval.py [--home DIR] [--limit N] [--json] [--set FIELD=VALUE ...]

Indexes ``corpus.jsonl.gz`` into ``--home`` (reused when it already holds articles), then asks
every question with its ``date`` as the reference date and reports, at the article level against
``answer_doc_ids``: recall@1/5/10 and MRR@10 per mode, the share of questions whose gold answer
string occurs in the text of the top-5 sources (label-free), and search latency p50/p95.
``--set`` overrides HybridRetriever tuning fields (e.g. ``--set recency_prior=0.3``).
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as day_time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answer import Source
from assistant.retriever import HybridRetriever
from index.settings import Settings

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "realtimeqa"
DEFAULT_HOME = Path("/tmp/newsdesk-bench-home")
MODES = ("dense", "keyword", "hybrid")
DEPTH = 10


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    as_of: datetime
    gold: frozenset[str]
    answers: tuple[str, ...]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings(home=args.home)
    ensure_index(settings, args.corpus)
    questions = load_questions(args.questions, args.limit)
    retrievers = make_retrievers(settings, _overrides(args.set))
    canonical = canonical_ids(settings)
    results = {mode: evaluate(retrievers[mode], questions, canonical) for mode in args.modes}
    report = {"questions": len(questions), "retrieval": results}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(markdown(report))
    return 0


def ensure_index(settings: Settings, corpus: Path) -> None:
    """Build the index of ``corpus`` in ``settings.home`` unless it already holds articles."""
    import index

    if index.stats(settings).articles:
        return
    print(f"indexing {corpus} into {settings.home} ...", file=sys.stderr)
    started = time.perf_counter()
    report = index.build([str(corpus)], settings)
    print(
        f"indexed {report.new} articles, {report.chunks_added} chunks, "
        f"{len(report.rejected)} rejected in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )


def load_questions(path: Path, limit: int | None = None) -> list[Question]:
    """The questions of a RealTimeQA ``questions.jsonl`` (first ``limit`` when given)."""
    questions = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            day = date.fromisoformat(record["date"])
            questions.append(
                Question(
                    id=record["id"],
                    text=record["question"],
                    as_of=datetime.combine(day, day_time(12), tzinfo=UTC),
                    gold=frozenset(record["answer_doc_ids"]),
                    answers=tuple(record["answer"]),
                )
            )
            if limit and len(questions) >= limit:
                break
    return questions


def make_retrievers(settings: Settings, overrides: dict[str, Any]) -> dict[str, HybridRetriever]:
    """One retriever per mode over the same stores and embedding model."""
    from index.embeddings import load_embedder
    from index.stores import open_stores

    stores = open_stores(settings)
    embedder = load_embedder(settings)
    plain = settings.with_overrides(relevance_floor=-1.0)
    retrievers = {}
    for mode in MODES:
        # The single-search modes are measured as plain rankings (no relevance floor); hybrid
        # runs exactly as the assistant uses it.
        # (BM25 alone: chunk-level only, without the article-level ranking the hybrid adds)
        plain_fields = {"keyword_coverage": 0.0, "article_weight": 0.0, **overrides}
        fields = plain_fields if mode != "hybrid" else overrides
        retrievers[mode] = HybridRetriever(
            settings=settings if mode == "hybrid" else plain, embedder=embedder,
            dense=stores.chroma, keyword=stores.keyword, mode=mode, **fields,
        )
    return retrievers


def canonical_ids(settings: Settings) -> dict[str, str]:
    """Duplicate article id -> the indexed article it was linked to (so gold labels still match)."""
    try:
        with sqlite3.connect(settings.catalog_path) as db:
            rows = db.execute(
                "SELECT id, canonical_id FROM articles WHERE canonical_id IS NOT NULL"
            ).fetchall()
    except sqlite3.Error:
        return {}
    return dict(rows)


def evaluate(
    retriever: HybridRetriever, questions: Sequence[Question], canonical: dict[str, str]
) -> dict[str, float]:
    """Recall@1/5/10, MRR@10, answer-in-top-5-text and latency over ``questions``."""
    hits = {1: 0, 5: 0, 10: 0}
    reciprocal = 0.0
    answer_in_text = 0
    latencies: list[float] = []
    for number, question in enumerate(questions, start=1):
        started = time.perf_counter()
        sources = retriever.search(question.text, as_of=question.as_of, k=DEPTH)
        latencies.append(time.perf_counter() - started)
        gold = {canonical.get(doc, doc) for doc in question.gold}
        ranks = [i for i, s in enumerate(sources, start=1) if s.article_id in gold]
        first = ranks[0] if ranks else None
        for cutoff in hits:
            hits[cutoff] += bool(first and first <= cutoff)
        reciprocal += 1 / first if first else 0.0
        answer_in_text += contains_answer(sources[:5], question.answers)
        if number % 100 == 0:
            print(f"  {retriever.mode}: {number}/{len(questions)}", file=sys.stderr)
    n = max(len(questions), 1)
    return {
        "recall@1": hits[1] / n,
        "recall@5": hits[5] / n,
        "recall@10": hits[10] / n,
        "mrr@10": reciprocal / n,
        "answer@5": answer_in_text / n,
        "latency_p50_ms": 1000 * statistics.median(latencies) if latencies else 0.0,
        "latency_p95_ms": 1000 * float(np.percentile(latencies, 95)) if latencies else 0.0,
    }


def contains_answer(sources: Sequence[Source], answers: Sequence[str]) -> bool:
    """True when a gold answer occurs in the retrieved text (case/punctuation-insensitive)."""
    text = _normal(" ".join(chunk.text for source in sources for chunk in source.chunks))
    return any(_normal(answer) and f" {_normal(answer)} " in f" {text} " for answer in answers)


def markdown(report: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    lines = [
        f"Retrieval on RealTimeQA ({report['questions']} questions, article level)",
        "",
        "| mode | recall@1 | recall@5 | recall@10 | MRR@10 | answer in top-5 text "
        "| p50 ms | p95 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for mode, r in report["retrieval"].items():
        lines.append(
            f"| {mode} | {r['recall@1']:.3f} | {r['recall@5']:.3f} | {r['recall@10']:.3f} "
            f"| {r['mrr@10']:.3f} | {r['answer@5']:.3f} | {r['latency_p50_ms']:.1f} "
            f"| {r['latency_p95_ms']:.1f} |"
        )
    return "\n".join(lines)


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _overrides(pairs: Sequence[str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, _, raw = pair.partition("=")
        try:
            overrides[key] = json.loads(raw)
        except json.JSONDecodeError:
            overrides[key] = raw
    return overrides


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME, help="index folder (reused)")
    parser.add_argument("--corpus", type=Path, default=EVAL / "corpus.jsonl.gz")
    parser.add_argument("--questions", type=Path, default=EVAL / "questions.jsonl")
    parser.add_argument("--limit", type=int, default=None, help="first N questions only")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="override a HybridRetriever tuning field")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


if __name__ == "__main__":
    sys.exit(main())
