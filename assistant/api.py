"""The Python API: ``Assistant(settings).ask(question) -> Answer``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from assistant.answer import Answer
from assistant.errors import IndexEmpty, InvalidQuestion
from index.settings import Settings

INDEX_EMPTY = "The index is empty: run `newsdesk index build PATH`"


class Assistant:
    """Answers questions about the indexed news, with citations.

    Parts not given are built from ``settings`` on first use: the hybrid retriever over the
    index in ``settings.home``, the embedder, and the answering backend (an
    :class:`~assistant.backends.AnswerBackend`) chosen by ``settings.llm``. Tests
    pass fakes: any object with ``.search(question, filters=None, as_of=None, k=None)``
    returning ``Source`` objects serves as retriever.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        retriever: Any = None,
        llm: Any = None,
        embedder: Any = None,
    ) -> None:
        self.settings = settings or Settings()
        self._retriever = retriever
        self._llm = llm
        self._embedder = embedder
        self._chain: Any = None

    @classmethod
    def from_env(cls, **overrides: Any) -> Assistant:
        """An assistant on ``Settings()`` (``NEWSDESK_*`` environment) with ``overrides``."""
        return cls(Settings().with_overrides(**overrides))

    def ask(
        self,
        question: str,
        history: Sequence[tuple[str, str]] | None = None,
        filters: Any = None,
        as_of: datetime | None = None,
    ) -> Answer:
        """Answer ``question``; with ``history`` ((user, assistant) pairs) it is a follow-up."""
        answer = None
        for part in self.stream(question, history=history, filters=filters, as_of=as_of):
            if isinstance(part, Answer):
                answer = part
        assert answer is not None  # the chain always ends with an Answer
        return answer

    def stream(
        self,
        question: str,
        history: Sequence[tuple[str, str]] | None = None,
        filters: Any = None,
        as_of: datetime | None = None,
    ) -> Iterator[str | Answer]:
        """Yield the answer's text as it is generated (already verified), then the Answer."""
        question = self._check(question)
        history = [(str(user), str(reply)) for user, reply in history or ()]
        return self.chain.stream(question, history=history, filters=filters, as_of=as_of)

    @property
    def chain(self) -> Any:
        """The :class:`~assistant.chain.AnswerChain`, built on first use."""
        if self._chain is None:
            from assistant.chain import AnswerChain

            retriever = self.retriever
            self._chain = AnswerChain(
                retriever, self.llm, k=self.settings.k, embedder=self._embedder
            )
        return self._chain

    @property
    def retriever(self) -> Any:
        """The retriever given, or the hybrid retriever over the index in ``settings.home``."""
        if self._retriever is None:
            self._check_index()
            from assistant.retriever import HybridRetriever
            from index.embeddings import load_embedder

            if self._embedder is None:
                self._embedder = load_embedder(self.settings)
            self._retriever = HybridRetriever.from_settings(self.settings, embedder=self._embedder)
        return self._retriever

    @property
    def llm(self) -> Any:
        """The answering backend given, or the one ``settings.llm`` names (owned here)."""
        if self._llm is None:
            from assistant.backends import make_backend

            self._llm = make_backend(self.settings, embedder=self._embedder)
        return self._llm

    def close(self) -> None:
        """Free the answering backend (a loaded model); the next question builds it again."""
        if self._llm is not None:
            self._llm.close()
        self._llm = None
        self._chain = None

    def _check(self, question: str) -> str:
        question = (question or "").strip()
        if not question:
            raise InvalidQuestion("The question is empty: ask something about the indexed news.")
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise InvalidQuestion(
                f"The question is {len(question)} characters long; the limit is {limit}. "
                "Shorten it (or raise NEWSDESK_MAX_QUESTION_CHARS)."
            )
        return question

    def _check_index(self) -> None:
        if not self.settings.catalog_path.exists():
            raise IndexEmpty(INDEX_EMPTY)
        import index

        if index.stats(self.settings).articles == 0:
            raise IndexEmpty(INDEX_EMPTY)
