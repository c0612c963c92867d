"""The test doubles ship in the package, so users' tests can use them without this repo's tests/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from assistant.testing import FakeRetriever
from index.fakes import FakeEmbedder
from tests.fixtures.answering.sources import three_sources

ROOT = Path(__file__).resolve().parents[1]


def test_fake_embedder_gives_normalised_vectors_that_share_words() -> None:
    embedder = FakeEmbedder(dimension=32)
    vectors = embedder.embed(["flood in Dhaka", "Dhaka flood", "stock market"])
    assert vectors.shape == (3, 32) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert embedder.count_tokens("flood in Dhaka") == 3


def test_fake_retriever_returns_its_sources_and_records_the_call() -> None:
    sources = three_sources()
    retriever = FakeRetriever(sources)
    assert retriever.search("who won?", k=2) == sources
    assert retriever.calls == [{"question": "who won?", "filters": None, "as_of": None, "k": 2}]


def test_doubles_import_without_the_tests_folder(tmp_path: Path) -> None:
    code = "import index.fakes, assistant.testing; print('ok')"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "ok", result.stderr
