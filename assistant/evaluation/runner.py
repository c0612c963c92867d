"""One evaluation run: index the corpus, rank articles with every retriever, ask every backend.

The corpus is indexed into ``settings.home/eval/<fingerprint>`` (the Newsdesk index and the
naive baseline side by side), so a re-run over an unchanged corpus re-embeds nothing.
"""

from __future__ import annotations

import hashlib
import shlex
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.evaluation.answers import (
    AnswerFinder,
    evaluate_answers,
    label_free_share,
    latency_scores,
    refusal_shares,
)
from assistant.evaluation.data import Question, load_corpus, load_questions, select_questions
from assistant.evaluation.metrics import (
    answer_scores,
    contains_answer,
    first_hit_rank,
    recall_curve,
    retrieval_scores,
)
from assistant.evaluation.naive import NaiveBaseline
from assistant.evaluation.resume import ResultLog
from assistant.evaluation.retrieval import (
    RETRIEVERS,
    copies_of,
    gold_ids,
    make_retrievers,
    ranked_sources,
)
from assistant.evaluation.views import gold_in_views, view_shares
from index.errors import IndexEmpty
from index.models import Progress
from index.settings import Settings

if TYPE_CHECKING:
    from index.embeddings import Embedder

TOP_K = 10
CONTEXT_K = 5  # sources whose text counts for the label-free "answer in top 5"


@dataclass(frozen=True)
class EvalConfig:
    """What to evaluate (the ``newsdesk eval`` options)."""

    questions: Path
    corpus: Path
    llms: tuple[str, ...] = ()
    retrieval_only: bool = False
    limit: int | None = None
    sample: int | None = None
    seed: int = 0
    index_home: Path | None = None  # an index already built from the corpus (else built here)
    retrievers: tuple[str, ...] = RETRIEVERS
    views: bool = True  # measure "gold in view" per selector and budget (embeds sentences)
    results: Path | None = None  # per-question JSONL: written as it goes, resumed from

    def run_name(self) -> str:
        """What a resumed run must match: the command without ``--limit``/``--sample``."""
        parts = ["--questions", str(self.questions), "--corpus", str(self.corpus)]
        parts += [f"--llm={name}" for name in self.llms] + [f"--retrievers={self.retrievers}"]
        parts += [f"--index-home={self.index_home}", f"--views={self.views}"]
        return shlex.join(parts)

    def command_line(self) -> str:
        """The ``newsdesk eval`` command that repeats this run."""
        parts = ["newsdesk", "eval", "--questions", str(self.questions)]
        parts += ["--corpus", str(self.corpus)]
        for backend in self.llms:
            parts += ["--llm", backend]
        if self.retrieval_only:
            parts.append("--retrieval-only")
        if self.limit is not None:
            parts += ["--limit", str(self.limit)]
        if self.sample is not None:
            parts += ["--sample", str(self.sample), "--seed", str(self.seed)]
        if self.index_home is not None:
            parts += ["--index-home", str(self.index_home)]
        if "naive" not in self.retrievers:
            parts.append("--no-naive")
        if not self.views:
            parts.append("--no-views")
        if self.results is not None:
            parts += ["--report", str(self.results.parent)]
        return shlex.join(parts)


@dataclass
class EvalResult:
    """Every figure of one run, and per-question details for the report."""

    config: EvalConfig
    questions: int
    retrieval: dict[str, dict[str, float]]
    curves: dict[str, list[float]]
    answer_in_context: dict[str, float]
    answers: dict[str, dict[str, float | None]]
    answer_questions: int
    details: list[dict[str, Any]]
    index_home: Path
    started: str
    seconds: dict[str, float] = field(default_factory=dict)
    latency: dict[str, dict[str, float | None]] = field(default_factory=dict)
    """Per backend: median first-text and total seconds per answer, share of failed questions."""
    views: dict[str, float] = field(default_factory=dict)
    """Share of questions whose gold answer is in each view ("<selector>@<budget>", "top3"; over
    5 sources: "blend@<budget>/5", "top5")."""

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` object (its shape is a contract)."""
        return {
            "retrieval": {name: _rounded(scores) for name, scores in self.retrieval.items()},
            "answers": {name: _rounded(scores) for name, scores in self.answers.items()},
            "questions": self.questions,
        }

    def to_full_json(self) -> dict[str, Any]:
        """``to_json`` plus curves, the label-free measure, timings and the command."""
        return {
            **self.to_json(),
            "recall_curves": self.curves,
            "answer_in_top5": self.answer_in_context,
            "gold_in_view": {key: round(value, 4) for key, value in self.views.items()},
            "answer_latency": {name: _rounded(scores) for name, scores in self.latency.items()},
            "answer_questions": self.answer_questions,
            "seconds": {stage: round(value, 1) for stage, value in self.seconds.items()},
            "index_home": str(self.index_home),
            "started": self.started,
            "command": self.config.command_line(),
        }

    def seconds_summary(self) -> str:
        """E.g. ``index 12.0s, retrieval 30.1s, extractive 44.2s``."""
        return ", ".join(f"{stage} {value:.1f}s" for stage, value in self.seconds.items())


def run_evaluation(
    config: EvalConfig,
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    backends: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> EvalResult:
    """Run the evaluation ``config`` describes; ``embedder``/``backends`` replace the real ones.

    ``backends`` maps a backend name to an AnswerBackend (tests pass fakes); names not in it
    are built from ``settings`` (see ``assistant.backends.BACKEND_NAMES``).
    """
    started = datetime.now(UTC).isoformat(timespec="seconds")
    seconds: dict[str, float] = {}
    questions = select_questions(
        load_questions(config.questions), limit=config.limit, sample=config.sample, seed=config.seed
    )
    corpus = load_corpus(config.corpus)
    copies = copies_of(corpus)
    if embedder is None:
        from index.embeddings import load_embedder

        embedder = load_embedder(settings)

    mark = time.perf_counter()
    fingerprint = corpus_fingerprint(settings, config.corpus, embedder)
    folder = evaluations_folder(settings) / fingerprint[:16]
    index_settings = settings.with_overrides(home=config.index_home or folder / "index")
    _ensure_index(config, index_settings, embedder, progress)
    naive = None
    if "naive" in config.retrievers:
        naive = NaiveBaseline(folder / "naive", embedder, corpus)
        naive.ensure_built(fingerprint, progress)
    seconds["index"] = time.perf_counter() - mark

    mark = time.perf_counter()
    log = ResultLog(config.results, config.run_name())
    retrievers = make_retrievers(index_settings, embedder, config.retrievers)
    details: list[dict[str, Any]] = [
        {"id": q.id, "question": q.question, "answer": list(q.answers)} for q in questions
    ]
    ranks: dict[str, list[int | None]] = {name: [] for name in config.retrievers}
    in_context: dict[str, list[bool]] = {name: [] for name in config.retrievers}
    for done, (question, detail) in enumerate(zip(questions, details, strict=True), start=1):
        record = log.get("retrieval", question.id)
        if record is None:
            record = _retrieval_record(config, question, retrievers, naive, copies, embedder)
            log.put("retrieval", question.id, record)
        detail["ranks"] = record["ranks"]
        if "views" in record:
            detail["views"] = record["views"]
        for name in config.retrievers:
            ranks[name].append(record["ranks"][name])
            in_context[name].append(record["in_context"][name])
        if progress:
            progress(done, len(questions), "retrieval")
    seconds["retrieval"] = time.perf_counter() - mark

    answers: dict[str, dict[str, float | None]] = {}
    latency: dict[str, dict[str, float | None]] = {}
    if not config.retrieval_only:
        hybrid = retrievers.get("hybrid")
        if hybrid is None:
            hybrid = make_retrievers(index_settings, embedder, ("hybrid",))["hybrid"]
        finder = AnswerFinder(corpus)
        for backend in config.llms:
            mark = time.perf_counter()
            outcomes = evaluate_answers(
                backend,
                questions,
                details,
                finder,
                index_settings,
                hybrid,
                embedder=embedder,
                answerer=(backends or {}).get(backend),
                progress=progress,
                log=log,
            )
            answers[backend] = {
                **answer_scores(outcomes),
                "label_free": label_free_share(details, backend),
                **refusal_shares(details, backend),
            }
            latency[backend] = latency_scores(details, backend)
            seconds[backend] = time.perf_counter() - mark

    return EvalResult(
        config=config,
        questions=len(questions),
        retrieval={name: retrieval_scores(ranks[name]) for name in config.retrievers},
        curves={name: recall_curve(ranks[name], TOP_K) for name in config.retrievers},
        answer_in_context={
            name: sum(values) / len(values) if values else 0.0
            for name, values in in_context.items()
        },
        answers=answers,
        views=view_shares(details),
        latency=latency,
        answer_questions=len(questions) if answers else 0,
        details=details,
        index_home=index_settings.home,
        started=started,
        seconds=seconds,
    )


def _retrieval_record(
    config: EvalConfig,
    question: Question,
    retrievers: Mapping[str, Any],
    naive: NaiveBaseline | None,
    copies: Mapping[str, frozenset[str]],
    embedder: Any,
) -> dict[str, Any]:
    """One question's ranks and label-free measures, for every retriever."""
    gold = gold_ids(question, copies)
    record: dict[str, Any] = {"ranks": {}, "in_context": {}}
    for name in config.retrievers:
        ids, texts, sources = ranked_sources(name, question, retrievers, naive, TOP_K)
        record["ranks"][name] = first_hit_rank(ids, gold)
        record["in_context"][name] = contains_answer("\n".join(texts[:CONTEXT_K]), question.answers)
        if name == "hybrid" and config.views:
            record["views"] = gold_in_views(question, sources, embedder)
    return record


def _rounded(scores: Mapping[str, float | None]) -> dict[str, float | None]:
    return {key: None if value is None else round(value, 4) for key, value in scores.items()}


def _ensure_index(
    config: EvalConfig, settings: Settings, embedder: Embedder | None, progress: Progress | None
) -> None:
    """Build (incrementally) the index of the corpus, or check the one given is not empty."""
    import index

    if config.index_home is None:
        index.build([str(config.corpus)], settings, embedder=embedder, progress=progress)
    elif index.stats(settings).articles == 0:
        raise IndexEmpty(
            f"--index-home {config.index_home} holds no index; build it from {config.corpus} "
            "first, or leave --index-home out to let eval build one"
        )


def evaluations_folder(settings: Settings) -> Path:
    """``settings.home/eval``: the indexes ``newsdesk eval`` builds, beside the home's own."""
    return settings.home / "eval"


def eval_folder(settings: Settings, corpus: Path, embedder: Embedder | None = None) -> Path:
    """``settings.home/eval/<hash>``: one folder per corpus content and embedding setup."""
    return evaluations_folder(settings) / corpus_fingerprint(settings, corpus, embedder)[:16]


def corpus_fingerprint(settings: Settings, corpus: Path, embedder: Embedder | None = None) -> str:
    """Hash of the corpus bytes (a copy elsewhere is the same corpus), the embedding and
    chunking settings and the model."""
    with corpus.open("rb") as file:
        content = hashlib.file_digest(file, "sha256").hexdigest()
    parts = [
        content,
        settings.embedding_model,
        settings.embedding_runtime,
        str(settings.chunk_tokens),
        str(settings.chunk_overlap),
        getattr(embedder, "name", "") if embedder is not None else "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
