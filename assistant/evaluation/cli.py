"""``newsdesk eval``: measure retrieval and answers on a question set over a closed corpus."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assistant.backends.registry import BACKEND_NAMES as BACKENDS
from assistant.evaluation.retrieval import RETRIEVERS
from assistant.evaluation.runner import EvalConfig, run_evaluation
from assistant.progress import ProgressBar
from index.errors import NewsdeskError
from index.settings import Settings

if TYPE_CHECKING:
    from assistant.backends import AnswerBackend
    from index.embeddings import Embedder

PROGRESS_FILE = "progress.jsonl"
"""Per-question results, written as they are known (``--report`` folder): a run resumes here."""


@dataclass
class EvalDeps:
    """Parts that replace the real ones (tests pass this as the click context object)."""

    settings: Settings | None = None
    embedder: Embedder | None = None
    backends: dict[str, AnswerBackend] = field(default_factory=dict)


def _input_file(flag: str, name: str, help: str) -> Callable[[Any], Any]:
    """A required option naming an existing file (passed resolved, as a ``Path``)."""
    existing = click.Path(exists=True, dir_okay=False, resolve_path=True, path_type=Path)
    return click.option(flag, name, required=True, type=existing, help=help)


@click.command("eval")
@_input_file(
    "--questions",
    "questions_path",
    "Questions JSONL (id, date, question, answer, answer_doc_ids per line).",
)
@_input_file(
    "--corpus", "corpus_path", "Corpus JSONL or JSONL.gz (id, title, text, published per line)."
)
@click.option(
    "--llm",
    "llms",
    multiple=True,
    help=f"Answering backend to measure (repeatable): {', '.join(BACKENDS)}.",
)
@click.option("--retrieval-only", is_flag=True, help="Measure retrieval only, ask no backend.")
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N questions.")
@click.option("--sample", type=click.IntRange(min=1), help="A random sample of N questions.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of --sample.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=(
        "Write report.md, plots, results.json and per-question details here; per-question "
        "results go to progress.jsonl as they are known, and a run stopped is continued."
    ),
)
@click.option(
    "--no-views", is_flag=True, help="Skip the gold-in-view measure per view selector and budget."
)
@click.option(
    "--index-home",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Use an index already built from the corpus instead of building one.",
)
@click.option(
    "--no-naive",
    is_flag=True,
    help="Skip the naive LangChain baseline (its index of the corpus takes longest).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_context
def eval_command(
    ctx: click.Context,
    questions_path: Path,
    corpus_path: Path,
    llms: tuple[str, ...],
    retrieval_only: bool,
    limit: int | None,
    sample: int | None,
    seed: int,
    as_json: bool,
    report_dir: Path | None,
    index_home: Path | None,
    no_naive: bool,
    no_views: bool,
    quiet: bool,
) -> None:
    """Measure retrieval (dense, BM25, hybrid, naive LangChain) and answers (per --llm).

    The corpus is indexed into its own folder under the home (reused while the file is
    unchanged); each question is asked with its date as the reference date. Answers are
    measured for each --llm (default: extractive) unless --retrieval-only.
    """
    deps = ctx.find_object(EvalDeps) or EvalDeps()
    settings = deps.settings or ctx.find_object(Settings) or Settings()
    unknown = [name for name in llms if name not in BACKENDS and name not in deps.backends]
    if unknown:
        raise click.BadParameter(
            f"unknown backend {unknown[0]!r}; choose from {', '.join(BACKENDS)}", param_hint="--llm"
        )
    config = EvalConfig(
        questions=questions_path,
        corpus=corpus_path,
        llms=() if retrieval_only else tuple(dict.fromkeys(llms or ("extractive",))),
        retrieval_only=retrieval_only,
        limit=limit,
        sample=sample,
        seed=seed,
        index_home=index_home,
        retrievers=tuple(name for name in RETRIEVERS if not (no_naive and name == "naive")),
        views=not no_views,
        results=report_dir / PROGRESS_FILE if report_dir is not None else None,
    )
    try:
        with ProgressBar(quiet) as progress:
            result = run_evaluation(
                config,
                settings,
                embedder=deps.embedder,
                backends=deps.backends,
                progress=progress,
            )
    except NewsdeskError as error:
        raise click.ClickException(str(error)) from None
    if report_dir is not None:
        from assistant.evaluation.report import write_report

        written = write_report(result, report_dir)
        click.echo(f"Report written to {written}", err=True)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
        return
    from assistant.evaluation.report import print_tables, tables_console

    print_tables(result, tables_console())
