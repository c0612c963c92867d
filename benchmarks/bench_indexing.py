"""Indexing speed and memory: Newsdesk's pipeline vs the bare model and a naive LangChain build.

Over 400 lines: one script a user runs on its own (each stage in its own subprocess), so its
stages and their table stay together.

Over the first ``--limit`` articles of ``../shared/eval/realtimeqa/corpus.jsonl.gz`` this prints,
from one run, a Markdown table (``--json`` for the raw figures):

- chunks/s of the bare embedding model on Newsdesk's own chunks, per runtime (the ceiling);
- chunks/s of the full pipeline (``index.build``: load, dedup, chunk, embed, store);
- chunks/s of the naive LangChain pipeline (``newsdesk eval``'s baseline,
  ``assistant.evaluation.naive``: RecursiveCharacterTextSplitter 1000/200 + Chroma) with
  ``HuggingFaceEmbeddings`` on the same packaged model, as a user would write it;
- the time of a no-op re-run of the build (median of ``--noop-runs``);
- peak memory (RSS high-water mark) of each stage, each run in its own subprocess;
- the retrieval cost of int8: cosine of int8 vs torch fp32 vectors over the chunks.

Run: ``python benchmarks/bench_indexing.py [--limit 1000] [--json]``. Timings exclude the one-off
ONNX export (done before any stage is timed) but include loading the model inside each build.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "eval" / "realtimeqa" / "corpus.jsonl.gz"
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

STAGES = ("prepare", "bare-onnx-int8", "bare-torch", "pipeline", "noop", "naive")


def main() -> None:
    args = _parse_args()
    if args.stage:
        result = STAGE_FUNCTIONS[args.stage](args)
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print("RESULT " + json.dumps(result))
        return

    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-bench-"))
    try:
        results = run_all(args, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(results, indent=2) if args.json else render_markdown(results))


def run_all(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Run every stage in its own subprocess (separate memory peaks); gather the figures."""
    slice_path = workdir / f"realtimeqa-first{args.limit}.jsonl"
    written = _write_slice(Path(args.corpus), slice_path, args.limit)
    results: dict[str, Any] = {
        "articles": written,
        "corpus": str(args.corpus),
        "cpus": len(os.sched_getaffinity(0)),
        "stages": {},
    }
    for stage in args.stages:
        _log(f"stage {stage} ...")
        results["stages"][stage] = _run_stage(stage, args, workdir, slice_path)
        _log(f"stage {stage}: {json.dumps(results['stages'][stage])}")
    results["int8_cosine"] = _int8_cosine(workdir)
    results["ratios"] = _ratios(results["stages"])
    return results


# --- the stages (each runs in a subprocess: `--stage NAME`) ----------------------------------


def stage_prepare(args: argparse.Namespace) -> dict[str, Any]:
    """Export the ONNX model if needed (untimed elsewhere) and chunk the slice once."""
    from index.chunking import chunk_article
    from index.embeddings import load_embedder

    settings = _settings(args)
    with Timer() as loading:
        embedder = load_embedder(settings.with_overrides(embedding_runtime="onnx-int8"))
    articles = list(_articles(Path(args.slice), settings))
    with Timer() as chunking:
        texts = [
            chunk.text
            for article in articles
            for chunk in chunk_article(
                article, embedder.count_tokens, settings.chunk_tokens, settings.chunk_overlap
            )
        ]
    Path(args.workdir, "chunks.json").write_text(json.dumps(texts))
    tokens = [embedder.count_tokens(text) for text in texts[:: max(1, len(texts) // 500)]]
    return {
        "articles": len(articles),
        **chunking.figures(len(texts)),
        "median_chunk_tokens": statistics.median(tokens) if tokens else 0,
        "model_load_seconds": loading.wall,
    }


def stage_bare(args: argparse.Namespace, runtime: str) -> dict[str, Any]:
    """Embed the prepared chunks with the bare embedder: the ceiling for a pipeline."""
    from index.embeddings import load_embedder

    texts: list[str] = json.loads(Path(args.workdir, "chunks.json").read_text())
    rows = _sample_rows(len(texts), args.torch_sample if runtime == "torch" else 0)
    texts = [texts[row] for row in rows]
    embedder = load_embedder(_settings(args).with_overrides(embedding_runtime=runtime))
    embedder.embed(texts[:8])  # warm-up: first-call allocations are not the steady rate
    runs = []
    for _ in range(args.repeat):
        with Timer() as run:
            vectors = _embed_in_batches(embedder, texts, args.batch)
        runs.append(run)
    np.save(Path(args.workdir, f"vectors-{runtime}.npy"), vectors)
    np.save(Path(args.workdir, f"rows-{runtime}.npy"), np.asarray(rows))
    median = sorted(runs, key=lambda run: run.wall)[len(runs) // 2]
    return {"runtime": runtime, **median.figures(len(texts)), "runs": len(runs)}


def stage_pipeline(args: argparse.Namespace) -> dict[str, Any]:
    """A full Newsdesk build of the slice into a fresh home (model loading included)."""
    import index

    settings = _settings(args)
    with Timer() as build:
        report = index.build([args.slice], settings)
    return {
        **build.figures(report.chunks_added),
        "articles_new": report.new,
        "duplicates": report.duplicates,
        "rejected": len(report.rejected),
    }


def stage_noop(args: argparse.Namespace) -> dict[str, Any]:
    """Re-run the build on the home the pipeline stage filled: nothing changed, nothing to do."""
    import index

    settings = _settings(args)
    runs = []
    for _ in range(args.noop_runs):
        with Timer() as run:
            report = index.build([args.slice], settings)
        runs.append(run)
    median = sorted(runs, key=lambda run: run.wall)[len(runs) // 2]
    return {
        "seconds": median.wall,
        "cpu_seconds": median.cpu,
        "runs": len(runs),
        "unchanged": report.unchanged,
        "chunks_added": report.chunks_added,
    }


def stage_naive(args: argparse.Namespace) -> dict[str, Any]:
    """What a user would otherwise write with LangChain, on the same packaged model."""
    from langchain_huggingface import HuggingFaceEmbeddings

    from assistant.evaluation.data import load_corpus
    from assistant.evaluation.naive import NaiveBaseline
    from index.embeddings import packaged_model_path

    corpus = load_corpus(Path(args.slice))
    with Timer() as build:  # model loading included, as in the pipeline stage
        embeddings = HuggingFaceEmbeddings(
            model_name=str(packaged_model_path()),
            model_kwargs={"device": "cpu"},
            encode_kwargs={"normalize_embeddings": True},
        )
        chunks = NaiveBaseline(Path(args.workdir, "naive"), embeddings, corpus).ensure_built("x")
    return build.figures(chunks)


STAGE_FUNCTIONS = {
    "prepare": stage_prepare,
    "bare-onnx-int8": lambda args: stage_bare(args, "onnx-int8"),
    "bare-torch": lambda args: stage_bare(args, "torch"),
    "pipeline": stage_pipeline,
    "noop": stage_noop,
    "naive": stage_naive,
}


# --- helpers ---------------------------------------------------------------------------------


class Timer:
    """Wall-clock and CPU time (all threads of this process) of a ``with`` block.

    CPU time is reported beside wall time because a shared machine stretches wall time.
    """

    def __enter__(self) -> Timer:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu

    def figures(self, chunks: int) -> dict[str, Any]:
        return {
            "chunks": chunks,
            "seconds": self.wall,
            "cpu_seconds": self.cpu,
            "chunks_per_s": chunks / self.wall if self.wall else None,
            "chunks_per_cpu_s": chunks / self.cpu if self.cpu else None,
        }


def _run_stage(stage: str, args: argparse.Namespace, workdir: Path, slice_path: Path) -> dict:
    command = [
        sys.executable, str(Path(__file__).resolve()), "--stage", stage,
        "--workdir", str(workdir), "--slice", str(slice_path),
        "--repeat", str(args.repeat), "--noop-runs", str(args.noop_runs),
        "--batch", str(args.batch), "--torch-sample", str(args.torch_sample),
    ]  # fmt: skip
    if args.cache_dir:
        command += ["--cache-dir", args.cache_dir]
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "TOKENIZERS_PARALLELISM": "false",
    }
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-15:]
        return {"error": f"exit {done.returncode}: " + " | ".join(tail)}
    return json.loads(lines[-1].removeprefix("RESULT "))


def _settings(args: argparse.Namespace) -> Any:
    from index.settings import Settings

    overrides: dict[str, Any] = {"home": Path(args.workdir, "home")}
    if args.cache_dir:
        overrides["cache_dir"] = Path(args.cache_dir)
    return Settings().with_overrides(**overrides)


def _write_slice(corpus: Path, target: Path, limit: int) -> int:
    """The first ``limit`` records of the corpus, as a plain .jsonl file the loaders read."""
    from assistant.evaluation.data import read_records

    written = 0
    with target.open("w", encoding="utf-8") as out:
        for _, record in read_records(corpus):
            if written >= limit:
                break
            out.write(json.dumps(record) + "\n")
            written += 1
    return written


def _articles(path: Path, settings: Any) -> Iterator[Any]:
    """The articles of the slice, through Newsdesk's loaders."""
    from index.loaders import load_source
    from index.models import Article

    return (item for item in load_source(path, settings) if isinstance(item, Article))


def _sample_rows(total: int, sample: int) -> list[int]:
    """All rows, or ``sample`` rows evenly spread over them."""
    if not sample or sample >= total:
        return list(range(total))
    return sorted({round(i * (total - 1) / (sample - 1)) for i in range(sample)})


def _embed_in_batches(embedder: Any, texts: list[str], batch: int) -> np.ndarray:
    """Embed as a pipeline does: a batch of chunks at a time."""
    parts = [embedder.embed(texts[start : start + batch]) for start in range(0, len(texts), batch)]
    return np.concatenate(parts) if parts else np.zeros((0, embedder.dimension), np.float32)


def _int8_cosine(workdir: Path) -> dict[str, float] | None:
    """Cosine between int8 and torch fp32 vectors of the same chunks (the retrieval cost)."""
    paths = [workdir / f"{kind}-{runtime}.npy" for runtime in ("onnx-int8", "torch")
             for kind in ("vectors", "rows")]  # fmt: skip
    if not all(path.exists() for path in paths):
        return None
    int8, int8_rows, fp32, fp32_rows = (np.load(path) for path in paths)
    position = {row: index for index, row in enumerate(int8_rows.tolist())}
    matched = int8[[position[row] for row in fp32_rows.tolist()]]
    cosines = np.sum(matched * fp32, axis=1)
    return {
        "chunks": len(cosines),
        "median": float(np.median(cosines)),
        "p01": float(np.percentile(cosines, 1)),
        "min": float(np.min(cosines)),
    }


def _ratios(stages: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    """Speed ratios from wall time and from CPU time (fairer when the machine is shared)."""

    def figure(stage: str, key: str) -> float | None:
        return stages.get(stage, {}).get(key)

    def divide(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    ratios: dict[str, float | None] = {}
    for clock, rate, seconds in (
        ("wall", "chunks_per_s", "seconds"),
        ("cpu", "chunks_per_cpu_s", "cpu_seconds"),
    ):
        ratios |= {
            f"pipeline / bare int8 (chunks/s, {clock})": divide(
                figure("pipeline", rate), figure("bare-onnx-int8", rate)
            ),
            f"pipeline / naive (chunks/s, {clock})": divide(
                figure("pipeline", rate), figure("naive", rate)
            ),
            f"naive time / pipeline time, same articles ({clock})": divide(
                figure("naive", seconds), figure("pipeline", seconds)
            ),
            f"bare int8 / bare torch (chunks/s, {clock})": divide(
                figure("bare-onnx-int8", rate), figure("bare-torch", rate)
            ),
            f"no-op re-run / full build ({clock})": divide(
                figure("noop", seconds), figure("pipeline", seconds)
            ),
        }
    return ratios


def render_markdown(results: dict[str, Any]) -> str:
    """The figures as a Markdown table, ratios and the int8 cosine below it."""
    names = {
        "prepare": "chunking only (sentence split + token count)",
        "bare-onnx-int8": "bare model, ONNX int8 (ceiling)",
        "bare-torch": "bare model, torch fp32",
        "pipeline": "Newsdesk `index.build` (full)",
        "noop": "Newsdesk no-op re-run",
        "naive": "naive LangChain (splitter 1000/200 + Chroma.from_documents)",
    }
    lines = [
        f"Indexing benchmark: first {results['articles']} articles of realtimeqa corpus, "
        f"{results['cpus']} CPUs",
        "",
        "| stage | chunks | seconds | chunks/s | CPU s | chunks/CPU s | peak RSS (MB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for stage, figures in results["stages"].items():
        if "error" in figures:
            lines.append(f"| {names[stage]} | error: {figures['error'][:300]} | | | | | |")
            continue
        lines.append(
            f"| {names[stage]} | {figures.get('chunks', '')} | {_fmt(figures.get('seconds'))} | "
            f"{_fmt(figures.get('chunks_per_s'))} | {_fmt(figures.get('cpu_seconds'))} | "
            f"{_fmt(figures.get('chunks_per_cpu_s'))} | {_fmt(figures.get('peak_rss_mb'), 0)} |"
        )
    lines += ["", "| ratio | value |", "| --- | ---: |"]
    lines += [
        f"| {name} | {'' if value is None else f'{value:.3g}'} |"
        for name, value in results["ratios"].items()
    ]
    cosine = results.get("int8_cosine")
    if cosine:
        lines += [
            "",
            f"int8 vs torch fp32 cosine over {cosine['chunks']} chunks: median "
            f"{cosine['median']:.4f}, 1st percentile {cosine['p01']:.4f}, min {cosine['min']:.4f}",
        ]
    return "\n".join(lines)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _log(message: str) -> None:
    print(f"[bench] {time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=1000, help="articles from the corpus start")
    parser.add_argument("--corpus", default=str(CORPUS))
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    parser.add_argument("--repeat", type=int, default=1, help="runs of each bare-model stage")
    parser.add_argument("--noop-runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64, help="chunks per embed call (bare)")
    parser.add_argument(
        "--torch-sample", type=int, default=0,
        help="embed only this many evenly spread chunks with torch (0 = all)",
    )  # fmt: skip
    parser.add_argument("--cache-dir", default=None, help="ONNX export cache (default: settings)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--slice", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    main()
