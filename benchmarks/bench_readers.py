"""Readers side by side: each packaged local model reads the same questions' search results.

For a seeded sample of the RealTimeQA questions, the sources are the first three of the
question's own web-search results found in the corpus (whole articles; the reader's prompt
style picks the sentences it shows). No retrieval and no citation check: this isolates the
reader. Prints one line per question and a RESULT line: accuracy (the metrics of
``newsdesk eval``), gold answer in the prompt (label-free), not-covered replies, and the
medians of first piece, whole answer and CPU seconds, with the load average.

    python benchmarks/bench_readers.py qwen2.5-0.5b --sample 40 --seed 11
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from assistant.answer import RetrievedChunk, Source
from assistant.backends import LOCAL_MODEL_NAMES, make_backend
from assistant.errors import BackendUnavailable
from assistant.evaluation.data import load_corpus, load_questions, select_questions
from assistant.evaluation.metrics import answer_is_correct, contains_answer
from assistant.grounding import Grounding
from assistant.prompts import NOT_COVERED
from assistant.question import analyse
from index.settings import Settings

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "realtimeqa"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=LOCAL_MODEL_NAMES)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--data", type=Path, default=EVAL)
    args = parser.parse_args()
    questions = load_questions(args.data / "questions.jsonl")
    questions = select_questions(questions, sample=args.sample, seed=args.seed)
    corpus = load_corpus(args.data / "corpus.jsonl.gz")
    backend = make_backend(Settings(llm="local", local_model=args.model))
    right = gold = refused = 0
    firsts: list[float] = []
    totals: list[float] = []
    cpus: list[float] = []
    for question in questions:
        ids = [i for i in question.retrieved_doc_ids if i in corpus][:3]
        sources = [_source(n, corpus[i]) for n, i in enumerate(ids, start=1)]
        grounding, analysis = Grounding(sources), analyse(question.question, question.as_of)
        started, cpu, first, text = time.perf_counter(), time.process_time(), None, ""
        try:
            for piece in backend.answer(analysis, grounding):
                first = first or time.perf_counter() - started
                text += piece
        except BackendUnavailable as error:  # a timeout: this question fails, the run goes on
            text = f"ERROR {error}"
        totals.append(time.perf_counter() - started)
        firsts.append(first or totals[-1])
        cpus.append(time.process_time() - cpu)
        correct = answer_is_correct(text, question.answers)
        right += correct
        refused += NOT_COVERED in text
        gold += contains_answer(getattr(backend, "last_prompt", ""), question.answers)
        print(
            int(correct), f"{firsts[-1]:.1f}/{totals[-1]:.1f}", question.question[:70], "|",
            question.answers[0], "|", text[:150].replace("\n", " "), flush=True,
        )  # fmt: skip
    n = len(questions)
    print(
        f"RESULT {args.model} n {n} accuracy {right / n:.3f} gold_in_prompt {gold / n:.3f} "
        f"not_covered {refused / n:.3f} first_p50 {statistics.median(firsts):.2f} "
        f"total_p50 {statistics.median(totals):.2f} cpu_p50 {statistics.median(cpus):.2f} "
        f"load {os.getloadavg()[0]:.1f}"
    )
    backend.close()


def _source(n: int, article) -> Source:
    published = (
        datetime.fromisoformat(article.published).replace(tzinfo=UTC) if article.published else None
    )
    chunk = RetrievedChunk(article.id, article.text, article.text, 1.0)
    return Source(n, article.id, article.title, None, None, published, (chunk,), 1.0)


if __name__ == "__main__":
    main()
