"""Showing an evaluation: rich tables on the terminal, and a Markdown report with PNG plots."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from assistant.evaluation.metrics import MAX_ANSWER_CHARS, MAX_ANSWER_WORDS
from index.errors import MissingExtra

if TYPE_CHECKING:
    from rich.console import Console

    from assistant.evaluation.runner import EvalResult

RETRIEVER_LABELS = {
    "dense": "dense (Chroma)",
    "bm25": "keyword (BM25)",
    "hybrid": "hybrid (Newsdesk)",
    "naive": "naive LangChain",
}
ANSWER_MEASURES = ("accuracy", "citation_precision", "abstention", "false_refusal")
MORE_MEASURES = ("choice_accuracy", "not_covered_gold_in_view", "label_free")
MORE_LABELS = ("choice accuracy", "not covered, gold in view", "gold in view")


PIPED_WIDTH = 200  # wide enough for every table, so a redirected output is not cut at 80


def tables_console(file: IO[str] | None = None) -> Console:
    """A console for the tables: the terminal's width, or ``PIPED_WIDTH`` when the output is a
    file or a pipe (rich would cut the tables to 80 columns) unless ``COLUMNS`` says otherwise."""
    from rich.console import Console

    console = Console(file=file)
    if console.is_terminal or "COLUMNS" in os.environ:
        return console
    return Console(file=file, width=PIPED_WIDTH)


def print_tables(result: EvalResult, console: Console) -> None:
    """The retrieval and answer tables, for the terminal."""
    from rich.table import Table

    table = Table(title=f"Retrieval, article level ({result.questions} questions)")
    for column in ("retriever", "R@1", "R@5", "R@10", "MRR@10", "answer in top 5"):
        table.add_column(column, justify="left" if column == "retriever" else "right")
    for name, scores in result.retrieval.items():
        table.add_row(
            RETRIEVER_LABELS.get(name, name),
            *(_fmt(scores[key]) for key in ("recall@1", "recall@5", "recall@10", "mrr@10")),
            _fmt(result.answer_in_context.get(name)),
        )
    console.print(table)
    if result.answers:
        table = Table(title="Answers")
        for column in ("backend", "accuracy", "citation precision", "abstention", "false refusal"):
            table.add_column(column, justify="left" if column == "backend" else "right")
        for column in MORE_LABELS:
            table.add_column(column, justify="right")
        for backend, measured in result.answers.items():
            keys = (*ANSWER_MEASURES, *MORE_MEASURES)
            table.add_row(backend, *(_fmt(measured.get(key)) for key in keys))
        console.print(table)
    if result.views:
        table = Table(title="Gold answer in the reader's view (label-free, hybrid top sources)")
        table.add_column("view")
        table.add_column("share", justify="right")
        for key, share in result.views.items():
            table.add_row(key, _fmt(share))
        console.print(table)
    console.print(f"[dim]{result.seconds_summary()}[/dim]")


def write_report(result: EvalResult, folder: Path) -> Path:
    """Write ``report.md``, its plots, ``results.json`` and per-question ``questions.jsonl``."""
    folder.mkdir(parents=True, exist_ok=True)
    plot_recall_curves(result, folder / "recall_at_k.png")
    if result.answers:
        plot_answers(result, folder / "answers.png")
    (folder / "results.json").write_text(json.dumps(result.to_full_json(), indent=2) + "\n")
    with (folder / "questions.jsonl").open("w", encoding="utf-8") as out:
        for detail in result.details:
            out.write(json.dumps(detail, ensure_ascii=False) + "\n")
    path = folder / "report.md"
    path.write_text(markdown(result), encoding="utf-8")
    return path


def markdown(result: EvalResult) -> str:
    """The report as Markdown (plots referenced by file name)."""
    lines = [
        "# Newsdesk evaluation",
        "",
        f"- Questions: {result.questions} from `{result.config.questions}`",
        f"- Corpus: `{result.config.corpus}`",
        f"- Index: `{result.index_home}`",
        f"- Run: {result.started} · {result.seconds_summary()}",
        "",
        "## Retrieval",
        "",
        "Share of questions with an article of `answer_doc_ids` among the top k articles "
        "(recall@k) and mean reciprocal rank of the first one (MRR@10). *Answer in top 5* is "
        "label-free: a gold answer string occurs in the text each retriever would put in the "
        "prompt (the chunks of its top 5 results).",
        "",
        "| retriever | R@1 | R@5 | R@10 | MRR@10 | answer in top 5 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, scores in result.retrieval.items():
        cells = [_fmt(scores[key]) for key in ("recall@1", "recall@5", "recall@10", "mrr@10")]
        cells.append(_fmt(result.answer_in_context.get(name)))
        lines.append(f"| {RETRIEVER_LABELS.get(name, name)} | " + " | ".join(cells) + " |")
    lines += ["", "![recall@k per retriever](recall_at_k.png)", ""]
    if result.answers:
        lines += [
            "## Answers",
            "",
            f"*Accuracy*: a gold string occurs in the answer (case, accents and punctuation "
            f"ignored); answers over {MAX_ANSWER_CHARS} characters or {MAX_ANSWER_WORDS} words "
            "count as wrong. *Citation precision*: share of the citations of correct answers "
            "whose article contains a gold answer. *Abstention*: share of unanswerable variants "
            "(the question's answer articles, and every article containing a gold answer, left "
            'out of retrieval) answered with "the news does not cover it". *False refusal*: '
            "share of answerable questions answered that way. *Choice accuracy*: the answer "
            "names the gold choice of `choices` and no other. *Not covered, gold in view*: "
            "answerable questions refused although the reader's text held a gold answer "
            "(per refuser in `results.json`).",
            "",
            "| backend | accuracy | citation precision | abstention | false refusal | "
            + " | ".join(MORE_LABELS)
            + " |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for backend, measured in result.answers.items():
            cells = [_fmt(measured.get(key)) for key in (*ANSWER_MEASURES, *MORE_MEASURES)]
            lines.append(f"| {backend} | " + " | ".join(cells) + " |")
        lines += ["", "![answer measures per backend](answers.png)", ""]
    if result.views:
        lines += ["## Gold answer in the reader's view", "", "| view | share |", "|---|---:|"]
        lines += [f"| {key} | {_fmt(share)} |" for key, share in result.views.items()]
        lines.append("")
    lines += [
        "## Reproduce",
        "",
        "```",
        result.config.command_line(),
        "```",
        "",
        "Per-question ranks and answers: `questions.jsonl`; all figures: `results.json`.",
        "",
    ]
    return "\n".join(lines)


def plot_recall_curves(result: EvalResult, path: Path) -> None:
    """Recall@k for k = 1..10, one line per retriever."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 4.2))
    for name, curve in result.curves.items():
        ks = range(1, len(curve) + 1)
        axes.plot(ks, curve, marker="o", label=RETRIEVER_LABELS.get(name, name))
    axes.set_xlabel("k (articles)")
    axes.set_ylabel("recall@k")
    axes.set_ylim(0, 1)
    axes.set_xticks(range(1, 11))
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right")
    axes.set_title(f"Recall@k, {result.questions} questions")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def plot_answers(result: EvalResult, path: Path) -> None:
    """Grouped bars: the four answer measures per backend."""
    plt = _pyplot()
    backends = list(result.answers)
    width = 0.8 / len(ANSWER_MEASURES)
    figure, axes = plt.subplots(figsize=(6.4, 4.2))
    for offset, measure in enumerate(ANSWER_MEASURES):
        values = [result.answers[backend][measure] or 0.0 for backend in backends]
        positions = [index + offset * width for index in range(len(backends))]
        bars = axes.bar(positions, values, width, label=measure.replace("_", " "))
        axes.bar_label(bars, fmt="%.2f", fontsize="x-small")
    axes.set_xticks([index + 0.4 - width / 2 for index in range(len(backends))], backends)
    axes.set_ylim(0, 1.08)
    axes.set_ylabel("share")
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=4, fontsize="small")
    axes.set_title(f"Answers, {result.answer_questions} questions")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as error:
        raise MissingExtra(
            "The evaluation report draws its figures with matplotlib: "
            "pip install -e '.[eval]' (or leave out --report)."
        ) from error

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"
