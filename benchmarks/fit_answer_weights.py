"""Fit the extractive answerer's sentence weights on RealTimeQA, and measure them held out.

    python benchmarks/fit_answer_weights.py [--home DIR] [--limit N] [--json]

For every question the top 5 hybrid sources (as ``newsdesk eval`` retrieves them, the
question's date as the reference date) are grounded once, and each sentence of 3 or more
content words gets the signals :func:`assistant.view.score_sentences` weighs (the question's
rare words, meaning, an item of the type asked, the lede, the source's rank, what it says
beyond the question), each read by scoring with that signal alone. A sentence is labelled by
whether it holds a gold answer string. A logistic regression (scikit-learn, balanced classes)
is fitted on half the questions and measured on the other half, both ways: the share of
questions whose likeliest sentence (and likeliest 2, 3) holds the gold, beside the same with
:data:`assistant.extractive.ANSWER_WEIGHTS` and with words and meaning alone (the ranking the
answerer used before). The weights fitted on all questions are printed last.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from assistant.evaluation.data import Question, load_questions, select_questions
from assistant.evaluation.metrics import contains_answer
from assistant.evaluation.retrieval import make_retrievers
from assistant.extractive import ANSWER_WEIGHTS
from assistant.grounding import Grounding
from assistant.question import analyse
from assistant.view import Weights, score_sentences
from benchmarks.bench_retrieval import ensure_index
from index.settings import Settings

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "realtimeqa"
DEFAULT_HOME = Path("/tmp/newsdesk-bench-home")
SOURCES = 5
MIN_WORDS = 3
SIGNALS = Weights._fields
BEFORE = Weights(0.5, 0.5, 0.0)
"""The words-and-meaning ranking the extractive answerer used before (lede and rank: ties)."""

Table = tuple[np.ndarray, np.ndarray]  # one question: signals per sentence, gold per sentence


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings(home=args.home)
    ensure_index(settings, args.corpus)
    questions = select_questions(load_questions(args.questions), limit=args.limit)
    from index.embeddings import load_embedder

    embedder = load_embedder(settings)
    hybrid = make_retrievers(settings, embedder, ("hybrid",))["hybrid"]
    tables = []
    for number, question in enumerate(questions, start=1):
        sources = list(hybrid.search(question.question, as_of=question.as_of, k=SOURCES))
        tables.append(signals(question, Grounding(sources, embedder)))
        if number % 100 == 0:
            print(f"  {number}/{len(questions)}", file=sys.stderr)
    report = fit_and_measure(tables)
    print(json.dumps(report, indent=2) if args.json else markdown(report))
    return 0


def signals(question: Question, grounding: Grounding) -> Table:
    """Each sentence's signals (one column per :class:`Weights` field) and its gold label."""
    analysis = analyse(question.question, question.as_of)
    columns = []
    order = None
    for field in SIGNALS:
        alone = Weights(**{name: float(name == field) for name in SIGNALS})
        scored = score_sentences(
            analysis, grounding, sources=None, min_words=MIN_WORDS, weights=alone
        )
        by_sentence = {(s.sentence.n, s.sentence.position): s.score for s in scored}
        order = order or sorted(by_sentence)
        columns.append([by_sentence[key] for key in order])
    texts = {(s.n, s.position): s.text for s in grounding.sentences(None)}
    labels = [contains_answer(texts[key], question.answers) for key in order or []]
    return np.array(columns, dtype=float).T.reshape(-1, len(SIGNALS)), np.array(labels, bool)


def fit_and_measure(tables: Sequence[Table]) -> dict[str, Any]:
    """Held-out shares (2 folds) for the fitted, the shipped and the former weights."""
    usable = [t for t in tables if len(t[1])]
    halves = [usable[0::2], usable[1::2]]
    held_out: dict[str, list[float]] = {"fitted": [0.0] * 3}
    for train, test in ((halves[0], halves[1]), (halves[1], halves[0])):
        model = _fit(train)
        for i, share in enumerate(_top_k(test, model.coef_[0], len(tables))):
            held_out["fitted"][i] += share  # each fold's hits over all questions
    for name, weights in (("shipped", ANSWER_WEIGHTS), ("before", BEFORE)):
        held_out[name] = _top_k(usable, np.array(weights), len(tables))
    model = _fit(usable)
    return {
        "questions": len(tables),
        "sentences": int(sum(len(t[1]) for t in tables)),
        "likeliest_holds_gold": {k: [round(v, 3) for v in vs] for k, vs in held_out.items()},
        "weights": {f: round(float(w), 2) for f, w in zip(SIGNALS, model.coef_[0], strict=True)},
        "bias": round(float(model.intercept_[0]), 2),
    }


def _fit(tables: Sequence[Table]) -> LogisticRegression:
    features = np.vstack([t[0] for t in tables])
    labels = np.concatenate([t[1] for t in tables])
    return LogisticRegression(max_iter=3000, class_weight="balanced").fit(features, labels)


def _top_k(tables: Sequence[Table], weights: np.ndarray, questions: int) -> list[float]:
    """Share of ``questions`` whose 1, 2, 3 likeliest sentences hold the gold."""
    hits = [0, 0, 0]
    for features, labels in tables:
        order = np.argsort(-(features @ weights), kind="stable")
        for k in range(3):
            hits[k] += bool(labels[order[: k + 1]].any())
    return [h / max(questions, 1) for h in hits]


def markdown(report: dict[str, Any]) -> str:
    """The report as a Markdown table and the fitted weights."""
    lines = [
        f"Likeliest sentences of the top {SOURCES} sources holding the gold answer "
        f"({report['questions']} questions, {report['sentences']} sentences; fitted: 2-fold "
        "held out)",
        "",
        "| weights | top 1 | top 2 | top 3 |",
        "|---|---|---|---|",
    ]
    for name, shares in report["likeliest_holds_gold"].items():
        lines.append(f"| {name} | " + " | ".join(f"{s:.3f}" for s in shares) + " |")
    weights = ", ".join(f"{k}={v}" for k, v in report["weights"].items())
    return "\n".join([*lines, "", f"fitted on all: {weights}, bias={report['bias']}"])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME, help="index folder")
    parser.add_argument("--questions", type=Path, default=EVAL / "questions.jsonl")
    parser.add_argument("--corpus", type=Path, default=EVAL / "corpus.jsonl.gz")
    parser.add_argument("--limit", type=int, help="only the first N questions")
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
