"""Retrieval quality and latency on RealTimeQA: dense only, BM25 only and hybrid.

    python benchmarks/bench_retrieval.py [--home DIR] [--limit N] [--json] [--set FIELD=VALUE ...]

Indexes ``corpus.jsonl.gz`` into ``--home`` (reused when it already holds articles), then asks
every question with its date as the reference date, through the retrievers ``newsdesk eval``
measures (``assistant.evaluation``: the same questions, gold articles and answer matching), and
reports recall@1/5/10 and MRR@10 per mode, the share of questions whose gold answer string
occurs in the text of the top-5 sources (label-free), and search latency p50/p95.
``--set`` overrides HybridRetriever tuning fields (e.g. ``--set recency_prior=0.3``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.evaluation.data import Question, load_corpus, load_questions, select_questions
from assistant.evaluation.metrics import contains_answer, first_hit_rank, retrieval_scores
from assistant.evaluation.retrieval import copies_of, gold_ids, make_retrievers, ranked_articles
from index.settings import Settings

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "realtimeqa"
DEFAULT_HOME = Path("/tmp/newsdesk-bench-home")
MODES = ("dense", "bm25", "hybrid")
DEPTH = 10
CONTEXT = 5  # sources whose text counts for "answer in top 5"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings(home=args.home)
    ensure_index(settings, args.corpus)
    questions = select_questions(load_questions(args.questions), limit=args.limit)
    copies = copies_of(load_corpus(args.corpus))
    from index.embeddings import load_embedder

    retrievers = make_retrievers(
        settings, load_embedder(settings), args.modes, **_overrides(args.set)
    )
    results = {mode: evaluate(mode, retrievers, questions, copies) for mode in args.modes}
    report = {"questions": len(questions), "retrieval": results}
    print(json.dumps(report, indent=2) if args.json else markdown(report))
    return 0


def ensure_index(settings: Settings, corpus: Path) -> None:
    """Build the index of ``corpus`` in ``settings.home`` unless it already holds articles."""
    import index

    if index.stats(settings).articles:
        return
    print(f"indexing {corpus} into {settings.home} ...", file=sys.stderr)
    print(f"indexed: {index.build([str(corpus)], settings).summary()}", file=sys.stderr)


def evaluate(
    mode: str,
    retrievers: Mapping[str, Any],
    questions: Sequence[Question],
    copies: Mapping[str, frozenset[str]],
) -> dict[str, float]:
    """Recall@1/5/10, MRR@10, answer-in-top-5-text and search latency of one mode."""
    ranks: list[int | None] = []
    answer_in_text = 0
    latencies: list[float] = []
    for number, question in enumerate(questions, start=1):
        started = time.perf_counter()
        ids, texts = ranked_articles(mode, question, retrievers, None, DEPTH)
        latencies.append(time.perf_counter() - started)
        ranks.append(first_hit_rank(ids, gold_ids(question, copies)))
        answer_in_text += contains_answer("\n".join(texts[:CONTEXT]), question.answers)
        if number % 100 == 0:
            print(f"  {mode}: {number}/{len(questions)}", file=sys.stderr)
    return {
        **retrieval_scores(ranks),
        "answer@5": answer_in_text / max(len(questions), 1),
        "latency_p50_ms": 1000 * statistics.median(latencies) if latencies else 0.0,
        "latency_p95_ms": 1000 * float(np.percentile(latencies, 95)) if latencies else 0.0,
    }


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
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="override a HybridRetriever tuning field",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


if __name__ == "__main__":
    sys.exit(main())
