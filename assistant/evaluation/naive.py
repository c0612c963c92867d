"""The baseline a user would build first: LangChain's recursive splitter and Chroma top-k search.

Whole article text cut into 1000-character chunks with 200 overlap, embedded with the same model
as Newsdesk, searched by plain similarity. Kept in its own folder; re-runs add only missing chunks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.evaluation.data import CorpusArticle
from index.models import Progress

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
_BATCH = 256
_COMPLETE = "complete.json"


@dataclass(frozen=True)
class NaiveHit:
    """One article found by the baseline, with the text of its best chunk."""

    article_id: str
    text: str


class NaiveBaseline:
    """Naive LangChain retrieval over ``corpus``, persisted in ``folder``.

    ``embedder`` is a Newsdesk embedder (``index.embeddings.Embedder``) or a LangChain
    ``Embeddings`` (e.g. ``HuggingFaceEmbeddings``, as a user would write it).
    """

    def __init__(self, folder: Path, embedder: Any, corpus: Mapping[str, CorpusArticle]) -> None:
        self.folder = folder
        self.embedder = embedder
        self.corpus = corpus
        self._store: Any = None

    def ensure_built(self, fingerprint: str, progress: Progress | None = None) -> int:
        """Index the corpus unless ``folder`` already holds it for this ``fingerprint``;
        returns the number of chunks."""
        marker = self.folder / _COMPLETE
        if marker.exists():
            built = json.loads(marker.read_text())
            if built.get("fingerprint") == fingerprint:
                return int(built.get("chunks", 0))
        marker.unlink(missing_ok=True)
        owner = self.folder / "fingerprint.txt"
        store = self._open()
        if owner.exists() and owner.read_text() != fingerprint:
            store.reset_collection()  # another corpus or model: start again
        owner.write_text(fingerprint)
        ids, texts, metadatas = self._chunks()
        present = set(store.get(include=[])["ids"])
        missing = [position for position, chunk_id in enumerate(ids) if chunk_id not in present]
        done = len(ids) - len(missing)
        if progress:
            progress(done, len(ids), "naive")
        for start in range(0, len(missing), _BATCH):
            batch = missing[start : start + _BATCH]
            store.add_texts(
                [texts[i] for i in batch],
                metadatas=[metadatas[i] for i in batch],
                ids=[ids[i] for i in batch],
            )
            done += len(batch)
            if progress:
                progress(done, len(ids), "naive")
        marker.write_text(json.dumps({"fingerprint": fingerprint, "chunks": len(ids)}))
        return len(ids)

    def chunks(self, question: str, k: int = 4) -> list[str]:
        """The text of the ``k`` chunks most similar to ``question`` (what a stuff chain gets)."""
        return [document.page_content for document in self._similar(question, k)]

    def search(self, question: str, k: int = 10) -> list[NaiveHit]:
        """The top ``k`` articles for ``question``, in the order of their best chunk."""
        fetch = 4 * k
        while True:
            documents = self._similar(question, fetch)
            hits: dict[str, NaiveHit] = {}
            for document in documents:
                article_id = document.metadata["article_id"]
                hits.setdefault(article_id, NaiveHit(article_id, document.page_content))
            if len(hits) >= k or len(documents) < fetch or fetch >= 32 * k:
                return list(hits.values())[:k]
            fetch *= 2

    def _similar(self, question: str, k: int) -> list[Any]:
        return self._open().similarity_search(question, k=k)

    def _chunks(self) -> tuple[list[str], list[str], list[dict[str, str]]]:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP
        )
        ids: list[str] = []
        texts: list[str] = []
        metadatas: list[dict[str, str]] = []
        for article in self.corpus.values():
            for position, text in enumerate(splitter.split_text(article.text)):
                ids.append(f"{article.id}#{position}")
                texts.append(text)
                metadatas.append({"article_id": article.id})
        return ids, texts, metadatas

    def _open(self) -> Any:
        if self._store is None:
            import chromadb
            from langchain_chroma import Chroma
            from langchain_core.embeddings import Embeddings

            from index.embeddings import LangChainEmbeddings

            self.folder.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(
                path=str(self.folder / "chroma"),
                settings=chromadb.Settings(anonymized_telemetry=False),
            )
            self._store = Chroma(
                collection_name="naive",
                embedding_function=(
                    self.embedder
                    if isinstance(self.embedder, Embeddings)
                    else LangChainEmbeddings(self.embedder)
                ),
                client=client,
            )
        return self._store
