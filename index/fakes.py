"""Test doubles for the index side, shipped so users' tests can use them too.

Fast, deterministic, no model downloads. The answering side's doubles are in
``assistant.testing``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

_WORD = re.compile(r"\w+")


class FakeEmbedder:
    """Bag-of-words hashing embedder: texts sharing words get similar vectors.

    Follows ``index.embeddings.Embedder``; one token per word for ``count_tokens``.
    """

    name = "fake-hashing"

    def __init__(self, dimension: int = 64) -> None:
        self.dimension = dimension
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension
                vectors[row, bucket] += 1.0
            norm = np.linalg.norm(vectors[row])
            vectors[row] = vectors[row] / norm if norm else vectors[row]
            if not norm:
                vectors[row, 0] = 1.0
        return vectors

    def count_tokens(self, text: str) -> int:
        return len(_WORD.findall(text))
