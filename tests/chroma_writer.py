"""A writer "machine" for the multi-process tests: ``python -m tests.chroma_writer HOME URL
FOLDER [DELAY]`` indexes FOLDER into its own HOME on the Chroma server at URL with the
FakeEmbedder (no model), sleeping DELAY seconds per embedding batch so a test can interleave
writers, or kill one mid-write."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import index
from index.errors import NewsdeskError
from index.fakes import FakeEmbedder
from index.settings import Settings

LEASE_TTL = 6.0


class SlowEmbedder(FakeEmbedder):
    """The FakeEmbedder, slowed down per batch."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        time.sleep(self.delay)
        return super().embed(texts)


def writer_settings(home: Path, url: str) -> Settings:
    """The settings every writer and replica of these tests shares (short lease, small chunks)."""
    return Settings(
        home=home,
        chroma_url=url,
        chunk_tokens=48,
        chunk_overlap=8,
        embedding_batch_size=2,
        lease_ttl=LEASE_TTL,
        lease_settle=0.2,
    )


def main(argv: list[str]) -> int:
    home, url, folder = Path(argv[0]), argv[1], Path(argv[2])
    delay = float(argv[3]) if len(argv) > 3 else 0.0
    try:
        report = index.build([folder], writer_settings(home, url), embedder=SlowEmbedder(delay))
    except NewsdeskError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"new={report.new} changed={report.changed} chunks={report.chunks_added}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
