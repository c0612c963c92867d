"""The Python API: ``Assistant(settings).ask(question) -> Answer``."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TypedDict, Unpack

from assistant.answer import Answer
from assistant.errors import IndexEmpty, InvalidQuestion
from index.settings import Settings

INDEX_EMPTY = "The index is empty: run `newsdesk index build PATH`"


class AskOptions(TypedDict, total=False):
    """How ``ask``/``stream`` answer; every key is optional.

    ``history``: earlier (user, assistant) pairs, making the question a follow-up; ``filters``:
    an ``assistant.filters.Filters``; ``as_of``: the reference date of words like "last week";
    ``kind``: "fact", "briefing", "timeline", "compare" or "auto" (the default: recognised from
    the wording, see :mod:`assistant.kinds`).
    """

    history: Sequence[tuple[str, str]] | None
    filters: Any
    as_of: datetime | None
    kind: str


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
        self._stores: Any = None  # index.stores.Stores behind the retriever built here
        self._generation: int | None = None  # the catalog generation those stores show
        self._refreshing = threading.Lock()  # the web page refreshes from two threads

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
        question = self._check(question)
        history = [(str(user), str(reply)) for user, reply in options.get("history") or ()]
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
            return iter([answer.text, answer])
        return self.chain.stream(
            question, history=history, filters=filters, as_of=as_of, analysis=analysis
        )

    def brief(
        self, question: str = "What happened?", filters: Any = None, as_of: datetime | None = None
    ) -> Answer:
        """The briefing of the period (and topic) ``question`` names; default the last 7 days."""
        return self.ask(question, filters=filters, as_of=as_of, kind="briefing")

    def timeline(self, topic: str, filters: Any = None, as_of: datetime | None = None) -> Answer:
        """The articles on ``topic`` in date order, one line each with what changed."""
        return self.ask(topic, filters=filters, as_of=as_of, kind="timeline")

    def desk(self) -> Any:
        """The :class:`~assistant.briefing.BriefingDesk` over the index (built on each call)."""
        self._check_index()
        from assistant.briefing import BriefingDesk
        from assistant.briefing.vectors import EmbeddedVectors, StoredVectors
        from index.stores.period import PeriodQueries

        fallback = EmbeddedVectors(self._embedder) if self._embedder is not None else None
        return BriefingDesk(
            PeriodQueries(self.settings.catalog_path),
            StoredVectors.open(self.settings, fallback=fallback),
            retriever=_Lazy(lambda: self.retriever),
            stories=self.settings.briefing_stories,
            threshold=self.settings.briefing_threshold,
        )

    def refresh(self) -> bool:
        """See what other processes (``newsdesk index update``, the web page) wrote since the
        last question; True when there was something new. ``stream``/``ask`` call it first.

        Cheap when nothing changed: one read of the catalog's generation (on a Chroma server,
        first one read of the server's change counter: when another machine wrote, the local
        catalog catches up, ``index.stores.repair.follow``). When it changed, the keyword index
        loads the new BM25 snapshot and the Chroma collection is re-opened (an embedded Chroma
        does not follow other processes' writes). A retriever given to the constructor is left
        alone.
        """
        if self._stores is None:
            return False
        with self._refreshing:
            if self.settings.chroma_url:
                from index.stores.repair import follow

                follow(self._stores)
            generation = self._stores.catalog.generation()
            if generation == self._generation:
                return False
            self._stores.keyword.refresh()
            self._stores.chroma.refresh()
            self._generation = generation
            return True

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
            from index.stores import open_stores

            if self._embedder is None:
                self._embedder = load_embedder(self.settings)
            self._stores = open_stores(self.settings)
            self._generation = self._stores.catalog.generation()
            self._retriever = HybridRetriever.from_settings(
                self.settings, embedder=self._embedder, stores=self._stores
            )
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
        """Raise ``IndexEmpty`` before building anything on an empty index. On a Chroma server
        a replica's home may hold no catalog yet: ``stats`` catches up with the server first."""
        if not self.settings.chroma_url and not self.settings.catalog_path.exists():
            raise IndexEmpty(INDEX_EMPTY)
        import index

        if index.stats(self.settings).articles == 0:
            raise IndexEmpty(INDEX_EMPTY)


class _Lazy:
    """A retriever built on first ``search`` (briefings never need one)."""

    def __init__(self, build: Any) -> None:
        self._build = build

    def search(self, *args: Any, **kwargs: Any) -> Any:
        return self._build().search(*args, **kwargs)
