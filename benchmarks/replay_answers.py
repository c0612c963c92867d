"""Replay a recorded evaluation's model replies through the current chain.

A full ``newsdesk eval --llm local`` run takes an hour on 2 cores, nearly all of it the model.
What runs after the model (the echo guard, the citation verifier, the refusal rules) and the
evidence gate before it can be measured without it: the run's ``questions.jsonl`` (``--report``)
holds, for every question, what the model replied to the question and to its unanswerable
variant. This script asks every question again through the current code with a model that
gives back those replies, and prints the answer scores of the recorded run and of the replay
side by side, with the right answers gained and lost. All 619 questions take 6 minutes on
a quiet 2-core machine.

    PYTHONPATH=. python benchmarks/replay_answers.py --run REPORT_DIR --home INDEX_HOME

The replies stand for the model's only while its prompt is the recorded one: a change to the
view or the prompt needs a real run. An ask the recorded run never sent to the model (its gate
refused it) gets the not-covered reply; their number is printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.backends.base import ChatModel, Message
from assistant.backends.local import local_model_spec
from assistant.backends.reader import Reader
from assistant.evaluation.answers import (
    AnswerFinder,
    evaluate_answers,
    outcome_of,
    refusal_shares,
)
from assistant.evaluation.data import load_corpus, load_questions
from assistant.evaluation.metrics import answer_scores
from assistant.evaluation.retrieval import make_retrievers
from assistant.prompts import NOT_COVERED
from index.embeddings import load_embedder
from index.settings import Settings

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "realtimeqa"
BACKEND = "local"
SCORES = ("accuracy", "choice_accuracy", "false_refusal", "abstention", "citation_precision")


class PhaseRetriever:
    """Passes searches on and remembers the last one: its question, and whether it was the
    unanswerable variant's (the evaluation asks for room for the excluded articles then)."""

    def __init__(self, retriever: Any) -> None:
        self.retriever = retriever
        self.question = ""
        self.variant = False

    def search(self, question: str, **options: Any) -> list[Any]:
        """The wrapped retriever's sources for ``question``."""
        self.question = question
        self.variant = (options.get("k") or self.settings.k) > self.settings.k
        return list(self.retriever.search(question, **options))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.retriever, name)


class ReplayModel:
    """A chat model that gives back the recorded reply to the question ``phase`` last searched
    for; :data:`NOT_COVERED` (counted in ``unrecorded``) when the run recorded none."""

    def __init__(self, replies: Mapping[str, tuple[str | None, str | None]], phase: Any) -> None:
        self.replies = replies
        self.phase = phase
        self.unrecorded = 0

    def generate(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """The recorded reply, in one piece."""
        answerable, variant = self.replies.get(self.phase.question, (None, None))
        reply = variant if self.phase.variant else answerable
        if reply is None:
            self.unrecorded += 1
            reply = NOT_COVERED
        yield reply

    def close(self) -> None:
        """Nothing to free."""


def recorded_run(path: Path) -> list[dict[str, Any]]:
    """The per-question records of a ``newsdesk eval --report`` folder (or its file)."""
    path = path / "questions.jsonl" if path.is_dir() else path
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def recorded_replies(records: Sequence[dict[str, Any]]) -> dict[str, tuple[str | None, str | None]]:
    """Question text -> the model's replies to it and to its variant (None: not asked)."""
    replies: dict[str, tuple[str | None, str | None]] = {}
    for record in records:
        answer = record.get("answers", {}).get(BACKEND, {})
        replies.setdefault(record["question"], (answer.get("reply"), answer.get("variant_reply")))
    return replies


def compare(
    recorded: Sequence[dict[str, Any]], replayed: Sequence[dict[str, Any]]
) -> dict[str, int]:
    """Right answers gained and lost, abstentions gained and lost, answers changed."""
    before = {r["id"]: r["answers"][BACKEND] for r in recorded if BACKEND in r.get("answers", {})}
    counts = dict.fromkeys(
        ("right_gained", "right_lost", "abstained_gained", "abstained_lost", "changed"), 0
    )
    for detail in replayed:
        old, new = before.get(detail["id"]), detail["answers"][BACKEND]
        if old is None:
            continue
        counts["right_gained"] += new["correct"] and not old["correct"]
        counts["right_lost"] += old["correct"] and not new["correct"]
        counts["abstained_gained"] += bool(new.get("abstained")) and not old.get("abstained")
        counts["abstained_lost"] += bool(old.get("abstained")) and not new.get("abstained")
        counts["changed"] += (old["text"], old.get("without_evidence")) != (
            new["text"],
            new.get("without_evidence"),
        )
    return counts


def scores_of(details: Sequence[dict[str, Any]]) -> dict[str, float | None]:
    """The evaluation's answer scores over per-question records."""
    outcomes = [outcome_of(d["answers"][BACKEND]) for d in details if BACKEND in d["answers"]]
    return {**answer_scores(outcomes), **refusal_shares(details, BACKEND)}


def replay(
    records: Sequence[dict[str, Any]],
    settings: Settings,
    questions_path: Path,
    corpus_path: Path,
    limit: int | None = None,
    embedder: Any = None,
    reader_for: Callable[[ChatModel], Reader] | None = None,
) -> tuple[list[dict[str, Any]], ReplayModel]:
    """Ask the recorded run's questions again, the model's replies replayed to the reader
    ``reader_for`` puts around it (default: the configured local model's, echo guard and
    all)."""
    wanted = {record["id"] for record in records}
    questions = [q for q in load_questions(questions_path) if q.id in wanted][:limit]
    embedder = embedder if embedder is not None else load_embedder(settings)
    retriever = PhaseRetriever(make_retrievers(settings, embedder, ("hybrid",))["hybrid"])
    model = ReplayModel(recorded_replies(records), retriever)
    reader = (reader_for or local_reader(settings))(model)
    details: list[dict[str, Any]] = [{"id": q.id, "question": q.question} for q in questions]
    finder = AnswerFinder(load_corpus(corpus_path))
    evaluate_answers(
        BACKEND, questions, details, finder, settings, retriever, embedder=embedder, answerer=reader
    )
    return details, model


def local_reader(settings: Settings) -> Callable[[ChatModel], Reader]:
    """Puts the reader of the configured local model (its prompt, view and echo guard) around
    a chat model."""
    spec = local_model_spec(settings)
    return lambda model: spec.reader(model, spec.style, max_tokens=spec.max_tokens, name=BACKEND)


def markdown(
    recorded: dict[str, float | None], replayed: dict[str, float | None], counts: dict[str, int]
) -> str:
    """The two runs' scores as a table, and what changed."""

    def cell(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    lines = [
        "| run | " + " | ".join(SCORES) + " |",
        "| --- |" + " ---: |" * len(SCORES),
        "| recorded | " + " | ".join(cell(recorded.get(s)) for s in SCORES) + " |",
        "| replayed | " + " | ".join(cell(replayed.get(s)) for s in SCORES) + " |",
        "",
        ", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in counts.items()),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Replay the run ``--run`` names over the index at ``--home``; print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", type=Path, required=True, help="a newsdesk eval --report folder")
    parser.add_argument("--home", type=Path, required=True, help="the evaluation's index home")
    parser.add_argument("--questions", type=Path, default=SHARED / "questions.jsonl")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus.jsonl.gz")
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions")
    parser.add_argument("--out", type=Path, default=None, help="write the replay's records here")
    args = parser.parse_args(argv)
    records = recorded_run(args.run)
    settings = Settings().with_overrides(home=args.home)
    started = time.perf_counter()
    details, model = replay(records, settings, args.questions, args.corpus, args.limit)
    asked = {d["id"] for d in details}
    before = [r for r in records if r["id"] in asked]
    print(markdown(scores_of(before), scores_of(details), compare(before, details)))
    print(
        f"{len(details)} questions in {time.perf_counter() - started:.0f} s; "
        f"{model.unrecorded} asks reached the model that the recorded run's gate had refused "
        "(replied not covered)."
    )
    if args.out:
        args.out.write_text("".join(json.dumps(d) + "\n" for d in details), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
