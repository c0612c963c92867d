"""Answers on RealTimeQA with each question's own search results as its sources (no index).

Each question's ``retrieved_doc_ids`` (the web search results shipped with the data set) stand
in for retrieval: the first ``--k`` that the corpus holds become sources 1..k, each showing its
best ``--passages`` passages of about 1,000 characters (ranked by the question's words, kept in
article order), as the retriever shows an article's best chunks. The unanswerable variant
leaves out the answer articles and every article holding a gold answer, as ``newsdesk eval``
does. Everything after retrieval is the project's own chain (gate, view, reader, verifier), so
answering changes can be measured on all 619 questions while no index of the corpus exists.

    python benchmarks/bench_answers_sources.py --llm extractive --out DIR [--limit N]

With ``--out`` the per-question results go to ``DIR/progress-<llm>.jsonl`` as they are known,
and the same command continues a stopped run; the summary is printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.answer import RetrievedChunk, Source
from assistant.evaluation import answers as answering
from assistant.evaluation.data import CorpusArticle, Question, load_corpus, load_questions
from assistant.evaluation.metrics import answer_scores
from index.settings import Settings

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "realtimeqa"
PASSAGE_CHARS = 1000
_WORD = re.compile(r"[a-z0-9]+")


class SearchResults:
    """A retriever answering each evaluation question with its own search results."""

    def __init__(
        self,
        corpus: Mapping[str, CorpusArticle],
        questions: Sequence[Question],
        k: int,
        passages: int,
    ) -> None:
        self.corpus = corpus
        self.results = {
            q.question: [i for i in q.retrieved_doc_ids if i in corpus] for q in questions
        }
        self.settings = Settings().with_overrides(k=k)
        self.passages = passages

    def search(
        self,
        question: str,
        filters: Any = None,
        as_of: Any = None,
        k: int | None = None,
        **_: Any,
    ) -> list[Source]:
        """The question's search results (its first ``k``), as sources 1..k."""
        ids = self.results.get(question, [])[: k or self.settings.k]
        return [self._source(n, self.corpus[i], question) for n, i in enumerate(ids, start=1)]

    def _source(self, n: int, article: CorpusArticle, question: str) -> Source:
        pieces = _passages(article.text)
        asked = set(_WORD.findall(question.lower()))
        ranked = sorted(
            range(len(pieces)),
            key=lambda i: (-len(asked & set(_WORD.findall(pieces[i].lower()))), i),
        )
        chosen = sorted(ranked[: self.passages])
        chunks = tuple(
            RetrievedChunk(f"{article.id}#{i}", pieces[i], pieces[i], score=1.0 / n) for i in chosen
        )
        return Source(
            n=n,
            article_id=article.id,
            title=article.title,
            source=None,
            url=None,
            published=_date(article.published),
            chunks=chunks,
            score=1.0 / n,
        )


def _passages(text: str) -> list[str]:
    """The article cut at paragraph ends into pieces of about PASSAGE_CHARS characters."""
    pieces, current = [], ""
    for paragraph in (p.strip() for p in text.split("\n")):
        if not paragraph:
            continue
        if current and len(current) + len(paragraph) > PASSAGE_CHARS:
            pieces.append(current)
            current = ""
        current = f"{current}\n{paragraph}" if current else paragraph
    if current:
        pieces.append(current)
    return pieces or [text]


def _date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value[:10]).replace(tzinfo=UTC)
    except ValueError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", required=True)
    parser.add_argument("--data", type=Path, default=EVAL)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--passages", type=int, default=2)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    questions = load_questions(args.data / "questions.jsonl")[: args.limit]
    corpus = load_corpus(args.data / "corpus.jsonl.gz")
    from index.embeddings import load_embedder

    settings = Settings().with_overrides(llm=args.llm, k=args.k)
    embedder = load_embedder(settings)
    retriever = SearchResults(corpus, questions, args.k, args.passages)
    details = [{"id": q.id, "question": q.question, "answer": list(q.answers)} for q in questions]
    extra: dict[str, Any] = {}
    try:  # resumable where the code has it (not before issue 18)
        from assistant.evaluation.resume import ResultLog

        if args.out is not None:
            run = f"{args.llm} k={args.k} passages={args.passages} {args.data}"
            extra["log"] = ResultLog(args.out / f"progress-{args.llm}.jsonl", run)
    except ImportError:
        pass
    started = time.perf_counter()
    outcomes = answering.evaluate_answers(
        args.llm,
        questions,
        details,
        answering.AnswerFinder(corpus),
        settings,
        retriever,
        embedder=embedder,
        **extra,
    )
    summary: dict[str, Any] = {
        "llm": args.llm,
        "questions": len(questions),
        **answer_scores(outcomes),
        "label_free": answering.label_free_share(details, args.llm),
        **answering.latency_scores(details, args.llm),
        "seconds": round(time.perf_counter() - started, 1),
        "load": os.getloadavg(),
    }
    if hasattr(answering, "refusal_shares"):
        summary.update(answering.refusal_shares(details, args.llm))
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        with (args.out / f"questions-{args.llm}.jsonl").open("w", encoding="utf-8") as out:
            for detail in details:
                out.write(json.dumps(detail, ensure_ascii=False) + "\n")
        (args.out / f"summary-{args.llm}.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
