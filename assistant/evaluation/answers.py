"""Answer evaluation: ask each question as is and as an unanswerable variant, per backend.

The unanswerable variant leaves out of retrieval the question's ``answer_doc_ids`` and every
corpus article that contains a gold answer (the labels miss some), so that a correct answer is
not possible from what is retrieved. Exclusion happens at retrieval time; the index is shared.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from assistant.claims import is_not_covered
from assistant.evaluation.data import CorpusArticle, Question
from assistant.evaluation.metrics import (
    AnswerOutcome,
    answer_is_correct,
    contains_answer,
    names_only_gold_choice,
    normalize,
)
from assistant.evaluation.resume import ResultLog
from index.errors import NewsdeskError
from index.models import Progress
from index.settings import Settings


def evaluate_answers(
    backend: str,
    questions: Sequence[Question],
    details: Sequence[dict[str, Any]],
    finder: AnswerFinder,
    settings: Settings,
    retriever: Any,
    *,
    embedder: Any = None,
    answerer: Any = None,
    progress: Progress | None = None,
    log: ResultLog | None = None,
) -> list[AnswerOutcome]:
    """One outcome per question; each question's ``details`` entry gets the answers given.

    ``answerer`` (an AnswerBackend) replaces the backend ``backend`` names (one of
    :data:`~assistant.backends.BACKEND_NAMES` otherwise). A question whose answer fails
    (backend error, timeout) is recorded with its error and counted wrong; the run goes on.
    A question ``log`` already holds for this backend is not asked again.
    """
    log = log if log is not None else ResultLog(None, "")
    from assistant.api import Assistant
    from assistant.backends import BACKEND_NAMES

    if backend in BACKEND_NAMES:
        settings = settings.with_overrides(llm=backend)
    excluding = ExcludingRetriever(retriever)
    assistant = Assistant(settings, retriever=excluding, llm=answerer, embedder=embedder)
    outcomes = []
    try:
        for done, (question, detail) in enumerate(zip(questions, details, strict=True), 1):
            record = log.get(backend, question.id)
            if record is None:
                record = _evaluate_one(assistant, excluding, finder, question)
                log.put(backend, question.id, record)
            outcomes.append(outcome_of(record))
            detail.setdefault("answers", {})[backend] = record
            if progress:
                progress(done, len(questions), backend)
    finally:
        if answerer is None:
            assistant.close()
    return outcomes


def latency_scores(details: Sequence[dict[str, Any]], backend: str) -> dict[str, float | None]:
    """Median first verified text and whole-answer seconds, and the share of failed questions."""
    records = [d["answers"][backend] for d in details if backend in d.get("answers", {})]
    answered = [r for r in records if "error" not in r]

    def median(key: str) -> float | None:
        values = sorted(r["seconds"][key] for r in answered if key in r.get("seconds", {}))
        return statistics.median(values) if values else None

    return {
        "first_text_p50": median("first_text"),
        "first_token_p50": median("first_token"),
        "total_p50": median("total"),
        "errors": (len(records) - len(answered)) / len(records) if records else None,
    }


def _evaluate_one(
    assistant: Any, excluding: ExcludingRetriever, finder: AnswerFinder, question: Question
) -> dict[str, Any]:
    excluding.excluded = frozenset()
    backend = assistant.llm
    if hasattr(backend, "last_prompt"):
        backend.last_prompt = ""  # so a refusal before generation shows no stale prompt
    _forget_reply(backend)
    try:
        answer = assistant.ask(question.question, as_of=question.as_of)
    except NewsdeskError as error:
        return {"error": str(error), "correct": False, "covered": False, "cited": []}
    correct = answer.covered and answer_is_correct(answer.text, question.answers)
    supported = sum(
        1 for c in answer.citations if finder.holds_answer(c.article_id, question.answers)
    )
    reader_text = _reader_text(backend, answer)
    record: dict[str, Any] = {
        "text": answer.text,
        "correct": correct,
        "gold_in_text": contains_answer(answer.text, question.answers),  # ignoring the cap
        "choice": (
            answer.covered
            and names_only_gold_choice(answer.text, question.choices, question.answers)
            if question.choices
            else None
        ),
        "covered": answer.covered,
        "refused_by": None if answer.covered else _refused_by(backend, answer.text),
        "cited": [c.article_id for c in answer.citations],
        "supported_citations": supported,
        "seconds": {name: round(value, 3) for name, value in answer.timings.items()},
        # label-free: the gold answer is in the text the reader was given (its prompt, or the
        # sources' text for a backend without one)
        "gold_in_reader_text": contains_answer(reader_text, question.answers),
        "reply": getattr(backend, "last_reply", None),  # the model's own words (None: none)
    }
    excluding.excluded = frozenset(question.answer_doc_ids) | finder.articles_with(question.answers)
    _forget_reply(backend)
    try:
        variant = assistant.ask(question.question, as_of=question.as_of)
    except NewsdeskError as error:
        record["variant_error"] = str(error)
    else:
        record.update(
            without_evidence=variant.text,
            abstained=not variant.covered,
            abstained_by=_refused_by(backend, variant.text) if not variant.covered else None,
            variant_reply=getattr(backend, "last_reply", None),
        )
    return record


def outcome_of(record: dict[str, Any]) -> AnswerOutcome:
    """The outcome a question's record stands for."""
    return AnswerOutcome(
        correct=bool(record["correct"]),
        covered=bool(record["covered"]),
        citations=len(record.get("cited", [])),
        supported_citations=int(record.get("supported_citations", 0)),
        abstained_without_evidence=record.get("abstained"),
    )


def _forget_reply(backend: Any) -> None:
    """The backend's last reply is None until it is asked again (None after: the gate refused)."""
    if hasattr(backend, "last_reply"):
        backend.last_reply = None


def _refused_by(backend: Any, text: str) -> str:
    """Who said "not covered": the evidence gate (the backend was never asked), the model
    (or extractive answerer), or the citation verifier (nothing said was supported)."""
    reply = getattr(backend, "last_reply", None)
    if reply is None:
        return "gate"
    return "model" if not reply.strip() or is_not_covered(reply) else "verifier"


def refusal_shares(details: Sequence[dict[str, Any]], backend: str) -> dict[str, float | None]:
    """Shares of answerable questions refused with the gold in the reader's view, by who
    refused: ``not_covered_gold_in_view`` (all), and ``..._model``/``..._verifier``/``..._gate``;
    and ``choice_accuracy``: the answer names the gold choice and no other."""
    records = [d["answers"][backend] for d in details if backend in d.get("answers", {})]
    if not records:
        return {}
    in_view = [r for r in records if r.get("gold_in_reader_text") and not r.get("covered")]
    shares: dict[str, float | None] = {"not_covered_gold_in_view": len(in_view) / len(records)}
    for who in ("gate", "model", "verifier"):
        count = sum(1 for r in in_view if r.get("refused_by") == who)
        shares[f"not_covered_gold_in_view_{who}"] = count / len(records)
    choices = [r["choice"] for r in records if r.get("choice") is not None]
    shares["choice_accuracy"] = sum(choices) / len(choices) if choices else None
    return shares


def label_free_share(details: Sequence[dict[str, Any]], backend: str) -> float | None:
    """Share of questions whose gold answer was in the text given to ``backend``'s reader."""
    records = [d["answers"][backend] for d in details if backend in d.get("answers", {})]
    flags = [r["gold_in_reader_text"] for r in records if "gold_in_reader_text" in r]
    return sum(flags) / len(flags) if flags else None


def _reader_text(backend: Any, answer: Any) -> str:
    prompt = getattr(backend, "last_prompt", "")
    if prompt:
        return str(prompt)
    return " ".join(f"{source.title} {source.text}" for source in answer.sources)


class ExcludingRetriever:
    """Wraps a retriever so that it never returns the article ids in ``excluded``."""

    def __init__(self, retriever: Any, excluded: frozenset[str] = frozenset()) -> None:
        self.retriever = retriever
        self.excluded = excluded

    def search(
        self,
        question: str,
        filters: Any = None,
        as_of: datetime | None = None,
        k: int | None = None,
        constraint: Any = None,
    ) -> list[Any]:
        """Search with room for the excluded articles, drop them, renumber 1..k (the resolved
        time ``constraint`` is passed on when there is one)."""
        k = k or self.retriever.settings.k
        extra = {"constraint": constraint} if constraint is not None else {}
        if not self.excluded:
            return list(self.retriever.search(question, filters=filters, as_of=as_of, k=k, **extra))
        found = self.retriever.search(
            question, filters=filters, as_of=as_of, k=k + len(self.excluded), **extra
        )
        kept = [source for source in found if source.article_id not in self.excluded][:k]
        return [replace(source, n=n) for n, source in enumerate(kept, start=1)]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.retriever, name)


class AnswerFinder:
    """Which corpus articles contain a gold answer (normalised texts, built on first use)."""

    def __init__(self, corpus: Mapping[str, CorpusArticle]) -> None:
        self.corpus = corpus
        self._texts: dict[str, str] | None = None

    def holds_answer(self, article_id: str, answers: Sequence[str]) -> bool:
        """True when the article's title or text contains one of ``answers``."""
        text = self._normalised().get(article_id)
        return text is not None and _holds(text, answers)

    def articles_with(self, answers: Sequence[str]) -> frozenset[str]:
        """Every article that contains one of ``answers``."""
        return frozenset(a for a, text in self._normalised().items() if _holds(text, answers))

    def _normalised(self) -> dict[str, str]:
        if self._texts is None:
            self._texts = {
                a.id: f" {normalize(a.title + ' ' + a.text)} " for a in self.corpus.values()
            }
        return self._texts


def _holds(padded_text: str, answers: Sequence[str]) -> bool:
    return any((needle := normalize(a)) and f" {needle} " in padded_text for a in answers)
