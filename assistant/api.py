"""The Python API: ``Assistant(settings).ask(question) -> Answer``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Unpack

from assistant.answer import Answer, Source
from assistant.errors import IndexEmpty, InvalidQuestion
from assistant.numbering import numbered_stream
from assistant.protocols import AskOptions, Retriever
from index.inputs import decode_input
from index.settings import Settings

if TYPE_CHECKING:
    from assistant.backends import AnswerBackend
    from assistant.briefing import BriefingDesk
    from assistant.chain import AnswerChain
    from assistant.filters import Filters
    from index.embeddings import Embedder
    from index.reader import IndexReader

INDEX_EMPTY = "The index is empty: run `newsdesk index build PATH`"


class Assistant:
    """Answers questions about the indexed news, with citations.

    Parts not given are built from ``settings`` on first use: the hybrid retriever over the
    index in ``settings.home``, the embedder, and the answering backend (an
    :class:`~assistant.backends.AnswerBackend`) chosen by ``settings.llm``. Tests
    pass fakes: any :class:`~assistant.protocols.Retriever` (``.search(question,
    filters=None, as_of=None, k=None)`` returning ``Source`` objects) serves as retriever.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        retriever: Retriever | None = None,
        llm: AnswerBackend | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self._retriever = retriever
        self._llm = llm
        self._embedder = embedder
        self._chain: AnswerChain | None = None
        self._reader: IndexReader | None = None  # the index behind the retriever built here

    @classmethod
    def from_env(cls, **overrides: Any) -> Assistant:
        """An assistant on ``Settings()`` (``NEWSDESK_*`` environment) with ``overrides``."""
        return cls(Settings().with_overrides(**overrides))

    def ask(self, question: str, **options: Unpack[AskOptions]) -> Answer:
        """Answer ``question`` (see :class:`AskOptions`: a follow-up with ``history``, ...)."""
        answer = None
        for part in self.stream(question, **options):
            if isinstance(part, Answer):
                answer = part
        assert answer is not None  # the chain always ends with an Answer
        return answer

    def stream(self, question: str, **options: Unpack[AskOptions]) -> Iterator[str | Answer]:
        """Yield the answer's text as it is generated (already verified), then the Answer."""
        unknown = sorted(set(options) - AskOptions.__optional_keys__)
        if unknown:
            raise TypeError(f"unexpected option(s) of a question: {', '.join(unknown)}")
        question = self._check(decode_input(question or ""))
        history = [
            (decode_input(str(user)), decode_input(str(reply)))
            for user, reply in options.get("history") or ()
        ]
        filters, as_of = options.get("filters"), options.get("as_of")
        self.refresh()
        from assistant.kinds import resolve_kind
        from assistant.question import analyse

        analysis = analyse(question, as_of)  # once: the router and the chain read it
        kind = options.get("kind", "auto")
        users = [user for user, _ in history]
        found = resolve_kind(question, kind, as_of, history=users, time=analysis.time)
        if found.kind != "fact":
            desk = self.desk()
            try:
                answer = desk.answer(question, found, filters=filters, as_of=as_of)
            finally:
                desk.queries.close()
            return numbered_stream([answer.text, answer])
        return numbered_stream(
            self.chain.stream(
                question, history=history, filters=filters, as_of=as_of, analysis=analysis
            )
        )

    def brief(
        self,
        question: str = "What happened?",
        filters: Filters | None = None,
        as_of: datetime | None = None,
    ) -> Answer:
        """The briefing of the period (and topic) ``question`` names; default the last 7 days."""
        return self.ask(question, filters=filters, as_of=as_of, kind="briefing")

    def timeline(
        self, topic: str, filters: Filters | None = None, as_of: datetime | None = None
    ) -> Answer:
        """The articles on ``topic`` in date order, one line each with what changed."""
        return self.ask(topic, filters=filters, as_of=as_of, kind="timeline")

    def desk(self) -> BriefingDesk:
        """The :class:`~assistant.briefing.BriefingDesk` over the index (built on each call)."""
        self._check_index()
        from assistant.briefing import BriefingDesk
        from assistant.briefing.vectors import EmbeddedVectors, StoredVectors
        from index.reader import open_periods

        fallback = EmbeddedVectors(self._embedder) if self._embedder is not None else None
        return BriefingDesk(
            open_periods(self.settings),
            StoredVectors.open(self.settings, fallback=fallback),
            retriever=_Lazy(lambda: self.retriever),
            stories=self.settings.briefing_stories,
            threshold=self.settings.briefing_threshold,
        )

    def refresh(self) -> bool:
        """See what other processes (``newsdesk index update``, the web page) wrote since the
        last question; True when there was something new. ``stream``/``ask`` call it first.

        Cheap when nothing changed (see :meth:`index.reader.IndexReader.refresh`). A retriever
        given to the constructor is left alone.
        """
        return self._reader.refresh() if self._reader is not None else False

    @property
    def chain(self) -> AnswerChain:
        """The :class:`~assistant.chain.AnswerChain`, built on first use."""
        if self._chain is None:
            from assistant.chain import AnswerChain

            retriever = self.retriever
            self._chain = AnswerChain(
                retriever, self.llm, k=self.settings.k, embedder=self._embedder
            )
        return self._chain

    @property
    def retriever(self) -> Retriever:
        """The retriever given, or the hybrid retriever over the index in ``settings.home``."""
        if self._retriever is None:
            self._check_index()
            from assistant.retriever import HybridRetriever
            from index.embeddings import load_embedder
            from index.reader import IndexReader

            if self._embedder is None:
                self._embedder = load_embedder(self.settings)
            self._reader = IndexReader.open(self.settings)
            self._retriever = HybridRetriever.from_settings(
                self.settings, embedder=self._embedder, reader=self._reader
            )
        return self._retriever

    @property
    def llm(self) -> AnswerBackend:
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
        """Raise ``IndexEmpty`` before building anything on an empty index. On a Chroma server
        a replica's home may hold no catalog yet: ``stats`` catches up with the server first."""
        if not self.settings.chroma_url and not self.settings.catalog_path.exists():
            raise IndexEmpty(INDEX_EMPTY)
        import index

        if index.stats(self.settings).articles == 0:
            raise IndexEmpty(INDEX_EMPTY)


class _Lazy:
    """A retriever built on first ``search`` (briefings never need one)."""

    def __init__(self, build: Callable[[], Retriever]) -> None:
        self._build = build

    def search(
        self,
        question: str,
        filters: Filters | None = None,
        as_of: datetime | None = None,
        k: int | None = None,
    ) -> list[Source]:
        return self._build().search(question, filters=filters, as_of=as_of, k=k)
