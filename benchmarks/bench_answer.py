"""Answer latency of the default local model (Qwen2.5-Coder-0.5B GGUF): out of process (as users
run it), in process, and the naive LangChain way.

    python benchmarks/bench_answer.py [--home DIR] [--limit N] [--others N] [--no-naive]
        [--no-inline] [--json]

Indexes a slice of RealTimeQA into ``--home`` (reused when it already holds articles): the
articles holding the answers of the first ``--limit`` questions plus ``--others`` other articles
(a fixed sample). Then asks those questions through the public API
(``Assistant.stream(question, as_of=<question date>)``, ``local`` backend, default threads) and
records per question: time to the first text the caller receives, the model's first token
(``timings["first_token"]``), total time, retrieval and generation time, prompt tokens and
generated tokens, and the process's CPU seconds (less distorted by a busy machine than wall
time). The model is loaded once and warmed up with one untimed question.

The cost of the process boundary, in the same run and interleaved: the same questions through
the same API with the model loaded into the benchmark's own process
(``assistant.backends.inline``: llama.cpp called directly, no HTTP, no child) beside the
default, where the model runs in its supervised child process and is reached over loopback
HTTP through the OpenAI-compatible client.

Baseline, in the same run and interleaved question by question: the naive LangChain pipeline on
the same slice (``newsdesk eval``'s ``NaiveBaseline``: ``RecursiveCharacterTextSplitter(1000,
200)`` + Chroma similarity search), top 4 chunks stuffed into LangChain's classic "Use the
following pieces of context..." prompt,
generated with ``llama_cpp.Llama`` directly: same GGUF, same threads, same context and the same
max tokens as the local backend. Reports p50/p95 of both, the ratios, and answer accuracy (a gold
answer string occurs in the answer, case- and punctuation-insensitive:
``assistant.evaluation.metrics.contains_answer``). The questions, the corpus reader and the naive
retrieval are ``newsdesk eval``'s (``assistant.evaluation``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.evaluation.data import load_corpus, load_questions, read_records
from assistant.evaluation.metrics import contains_answer
from assistant.evaluation.naive import NaiveBaseline
from index.settings import Settings

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "realtimeqa"
DEFAULT_HOME = Path("/tmp/newsdesk-bench-answer-home")
SEED = 20260103
NAIVE_K = 4
NAIVE_PROMPT = (
    "Use the following pieces of context to answer the question at the end. If you don't know "
    "the answer, just say that you don't know, don't try to make up an answer.\n\n"
    "{context}\n\nQuestion: {question}\nHelpful Answer:"
)
"""LangChain's classic "stuff" question-answering prompt (``RetrievalQA``)."""
METRICS = (
    "first_text", "first_token", "total", "retrieve", "generate", "verify",
    "first_token_cpu", "total_cpu",
)  # fmt: skip
"""Seconds; ``*_cpu`` is the process's CPU time (all threads), which the machine's load
inflates far less than wall time: on an idle machine, wall ~ CPU / threads for generation."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    settings = Settings(home=args.home, llm="local", gguf_path=None)
    everything = load_questions(args.questions)
    questions = everything[: args.limit]
    warmup = everything[args.limit] if len(everything) > args.limit else everything[0]
    ensure_slice_index(settings, args.corpus, questions, args.others)

    from index.embeddings import load_embedder

    embedder = load_embedder(settings)
    ours = OursRunner(settings, embedder)
    ours.ask(warmup.question, warmup.as_of)  # loads the model; untimed
    inline = None
    if not args.no_inline:
        from assistant.backends.inline import make_inline_backend

        inline = OursRunner(settings, embedder, llm=make_inline_backend(settings))
        inline.ask(warmup.question, warmup.as_of)
    naive = None
    if not args.no_naive:
        naive = NaiveRunner(settings, embedder, ours.max_tokens)
        naive.ask(warmup.question)

    rows: dict[str, list[dict[str, Any]]] = {"ours": []}
    if inline:
        rows["inline"] = []
    if naive:
        rows["naive"] = []
    for number, question in enumerate(questions, start=1):
        # Interleaved, so that a change in the machine's load hits every pipeline alike.
        for name in rows:
            if name == "ours":
                row = ours.ask(question.question, question.as_of)
            elif name == "inline":
                assert inline is not None
                row = inline.ask(question.question, question.as_of)
            else:
                assert naive is not None
                row = naive.ask(question.question)
            row["correct"] = contains_answer(row["text"], question.answers)
            row["id"] = question.id
            rows[name].append(row)
        totals = ", ".join(f"{name} {rows[name][-1]['total']:.2f} s" for name in rows)
        print(f"  {number}/{len(questions)} {totals}", file=sys.stderr)
    report = {
        "questions": len(questions),
        "model": settings.local_model,
        "threads": ours.threads,
        "max_tokens": ours.max_tokens,
        "load": os.getloadavg(),
        "summary": {name: summarize(values) for name, values in rows.items()},
        "runs": rows if args.json else None,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(markdown(report))
    return 0


class OursRunner:
    """Newsdesk through its public API, with the local backend."""

    def __init__(self, settings: Settings, embedder: Any, llm: Any = None) -> None:
        from assistant import Assistant
        from assistant.backends.local import default_threads, local_model_spec

        self.assistant = Assistant(settings, embedder=embedder, llm=llm)
        self.threads = settings.llm_threads or default_threads()
        self.max_tokens = self.assistant.llm.max_tokens
        self.model_path = local_model_spec(settings).path
        self._tokenizer: Any = None

    def ask(self, question: str, as_of: Any) -> dict[str, Any]:
        from assistant import Answer

        started, cpu = time.perf_counter(), time.process_time()
        first_text = first_cpu = None
        answer = None
        for part in self.assistant.stream(question, as_of=as_of):
            if isinstance(part, Answer):
                answer = part
            elif first_text is None and part:
                first_text = time.perf_counter() - started
                first_cpu = time.process_time() - cpu
        total = time.perf_counter() - started
        total_cpu = time.process_time() - cpu
        assert answer is not None
        timings = answer.timings
        return {
            "text": answer.text,
            "first_text": first_text if first_text is not None else total,
            "first_token": timings.get("first_token", total),
            "total": total,
            "retrieve": timings.get("retrieve", 0.0),
            "generate": timings.get("generate", 0.0),
            "verify": timings.get("verify", 0.0),
            "first_token_cpu": first_cpu if first_cpu is not None else total_cpu,
            "total_cpu": total_cpu,
            "prompt_tokens": self._count(self.assistant.llm.last_prompt),
            "generated_tokens": self.assistant.llm.model.last_tokens,  # the reader's model
        }

    def _count(self, prompt: str) -> int:
        if not prompt:
            return 0
        if self._tokenizer is None:  # the model's vocabulary only: no weights
            from llama_cpp import Llama

            self._tokenizer = Llama(str(self.model_path), vocab_only=True, verbose=False)
        return len(self._tokenizer.tokenize(prompt.encode("utf-8")))


class NaiveRunner:
    """The naive LangChain pipeline: 1000/200 chunks, Chroma top 4, stuffed prompt, llama.cpp."""

    def __init__(self, settings: Settings, embedder: Any, max_tokens: int) -> None:
        from llama_cpp import Llama

        from assistant.backends.local import default_threads, local_model_spec
        from assistant.evaluation.runner import corpus_fingerprint

        corpus = slice_path(settings)
        self.baseline = NaiveBaseline(settings.home / "naive", embedder, load_corpus(corpus))
        self.baseline.ensure_built(corpus_fingerprint(settings, corpus, embedder))
        self.max_tokens = max_tokens
        self.llama = Llama(
            model_path=str(local_model_spec(settings).path),  # the same weights as ours
            n_ctx=settings.llm_context,
            n_threads=settings.llm_threads or default_threads(),
            verbose=False,
        )

    def ask(self, question: str) -> dict[str, Any]:
        started, cpu = time.perf_counter(), time.process_time()
        contexts = self.baseline.chunks(question, k=NAIVE_K)
        retrieve = time.perf_counter() - started
        prompt = naive_prompt(question, contexts)
        mark = time.perf_counter()
        first = first_cpu = None
        pieces = []
        stream = self.llama.create_completion(
            prompt, max_tokens=self.max_tokens, temperature=0.0, stream=True
        )
        for part in stream:
            text = part["choices"][0]["text"]
            if first is None and text:
                first, first_cpu = time.perf_counter() - started, time.process_time() - cpu
            if text:
                pieces.append(text)
        total = time.perf_counter() - started
        return {
            "text": "".join(pieces).strip(),
            "first_text": first if first is not None else total,
            "first_token": first if first is not None else total,
            "total": total,
            "retrieve": retrieve,
            "generate": time.perf_counter() - mark,
            "verify": 0.0,
            "first_token_cpu": first_cpu if first_cpu is not None else time.process_time() - cpu,
            "total_cpu": time.process_time() - cpu,
            "prompt_tokens": len(self.llama.tokenize(prompt.encode("utf-8"))),
            "generated_tokens": len(pieces),
        }


def naive_prompt(question: str, contexts: Sequence[str]) -> str:
    """LangChain's stuff prompt over ``contexts``, joined by blank lines as the stuff chain does."""
    return NAIVE_PROMPT.format(context="\n\n".join(contexts), question=question)


def select_articles(
    questions: Iterable[Any], all_ids: Sequence[str], others: int, seed: int = SEED
) -> set[str]:
    """The answer articles of ``questions`` plus ``others`` other ids (a fixed sample)."""
    wanted = {doc for question in questions for doc in question.answer_doc_ids}
    rest = sorted(set(all_ids) - wanted)
    return wanted | set(random.Random(seed).sample(rest, min(others, len(rest))))


def slice_path(settings: Settings) -> Path:
    return settings.home / "slice.jsonl"


def ensure_slice_index(
    settings: Settings, corpus: Path, questions: Sequence[Any], others: int
) -> None:
    """Index the slice into ``settings.home`` unless it already holds articles."""
    import index

    settings.home.mkdir(parents=True, exist_ok=True)
    if settings.catalog_path.exists() and index.stats(settings).articles:
        return
    records = [record for _, record in read_records(corpus)]
    chosen = select_articles(questions, [record["id"] for record in records], others)
    sliced = slice_path(settings)
    with sliced.open("w", encoding="utf-8") as out:
        for record in records:
            if record["id"] in chosen:
                out.write(json.dumps(record) + "\n")
    print(f"indexing {len(chosen)} articles into {settings.home} ...", file=sys.stderr)
    print(f"indexed: {index.build([str(sliced)], settings).summary()}", file=sys.stderr)


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


def summarize(rows: Sequence[dict[str, Any]]) -> dict[str, float]:
    """p50/p95 of every timing, median prompt and generated tokens, accuracy."""
    summary: dict[str, float] = {}
    for metric in METRICS:
        values = [row[metric] for row in rows]
        summary[f"{metric}_p50"] = statistics.median(values) if values else 0.0
        summary[f"{metric}_p95"] = percentile(values, 95)
    for field in ("prompt_tokens", "generated_tokens"):
        summary[f"{field}_p50"] = statistics.median(row[field] for row in rows) if rows else 0
    summary["accuracy"] = sum(row["correct"] for row in rows) / max(len(rows), 1)
    return summary


def markdown(report: dict[str, Any]) -> str:
    """The results as a Markdown table, then ours/naive ratios."""
    ours, naive = report["summary"]["ours"], report["summary"].get("naive")
    load = ", ".join(f"{value:.2f}" for value in report["load"])
    lines = [
        f"Answer latency on RealTimeQA ({report['questions']} questions, {report['model']}, "
        f"{report['threads']} threads, max {report['max_tokens']} tokens, load {load})",
        "",
        "| pipeline | first text p50 / p95 s | model first token p50 / p95 s | total p50 / p95 s "
        "| CPU s to first token / total p50 | retrieve p50 s | generate p50 s | verify p50 s "
        "| prompt tokens p50 | generated tokens p50 | accuracy |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    labels = {
        "ours": "Newsdesk (local, model in its child process)",
        "inline": "Newsdesk (local, model in this process)",
        "naive": "naive LangChain",
    }
    for name, r in report["summary"].items():
        lines.append(
            f"| {labels[name]} | {r['first_text_p50']:.2f} / {r['first_text_p95']:.2f} "
            f"| {r['first_token_p50']:.2f} / {r['first_token_p95']:.2f} "
            f"| {r['total_p50']:.2f} / {r['total_p95']:.2f} "
            f"| {r['first_token_cpu_p50']:.2f} / {r['total_cpu_p50']:.2f} "
            f"| {r['retrieve_p50']:.3f} | {r['generate_p50']:.2f} | {r['verify_p50']:.2f} "
            f"| {r['prompt_tokens_p50']:.0f} | {r['generated_tokens_p50']:.0f} "
            f"| {r['accuracy']:.2f} |"
        )
    inline = report["summary"].get("inline")
    if inline:
        lines += [
            "",
            "child process / in process, p50 (the process boundary's cost): "
            f"first text {_ratio(ours['first_text_p50'], inline['first_text_p50'])}, "
            f"model first token {_ratio(ours['first_token_p50'], inline['first_token_p50'])}, "
            f"total {_ratio(ours['total_p50'], inline['total_p50'])}",
        ]
    if naive:
        lines += [
            "",
            "ours / naive, p50: "
            f"first text {_ratio(ours['first_text_p50'], naive['first_text_p50'])}, "
            f"model first token {_ratio(ours['first_token_p50'], naive['first_token_p50'])}, "
            f"total {_ratio(ours['total_p50'], naive['total_p50'])}",
        ]
    lines += [
        "",
        f"targets: first token < 1.5 s p50 (model first token "
        f"{_met(ours['first_token_p50'] < 1.5)}, first text {_met(ours['first_text_p50'] < 1.5)})"
        f", whole answer < 4 s p50 ({_met(ours['total_p50'] < 4.0)})",
    ]
    return "\n".join(lines)


def _ratio(ours: float, naive: float) -> str:
    return f"{ours / naive:.2f}x" if naive else "-"


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME, help="index folder (reused)")
    parser.add_argument("--corpus", type=Path, default=EVAL / "corpus.jsonl.gz")
    parser.add_argument("--questions", type=Path, default=EVAL / "questions.jsonl")
    parser.add_argument("--limit", type=int, default=20, help="first N questions (timed)")
    parser.add_argument("--others", type=int, default=40, help="articles besides the answers'")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    parser.add_argument(
        "--no-inline", action="store_true", help="skip the in-process model (boundary cost)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


if __name__ == "__main__":
    sys.exit(main())
