"""The seams the assistant is composed of, as Protocols: what a part must do, not what it is.

``Assistant``, the briefing desk, the web page and the CLI take their parts typed by these (and
by ``index.embeddings.Embedder`` and ``assistant.backends.AnswerBackend``), so tests pass the
fakes shipped in the package or any object with the same methods; mypy checks the fit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TypedDict, Unpack

from assistant.answer import Answer, Source

if TYPE_CHECKING:
    from assistant.filters import Filters

__all__ = ["Answerer", "AskOptions", "Retriever"]


class AskOptions(TypedDict, total=False):
    """How ``ask``/``stream`` answer; every key is optional.

    ``history``: earlier (user, assistant) pairs, making the question a follow-up; ``filters``:
    an ``assistant.filters.Filters``; ``as_of``: the reference date of words like "last week";
    ``kind``: "fact", "briefing", "timeline", "compare" or "auto" (the default: recognised from
    the wording, see :mod:`assistant.kinds`).
    """

    history: Sequence[tuple[str, str]] | None
    filters: Filters | None
    as_of: datetime | None
    kind: str


class Answerer(Protocol):
    """What the web page and the CLI need of an assistant (``assistant.Assistant``; tests pass
    a fake with the same two methods)."""

    def ask(self, question: str, **options: Unpack[AskOptions]) -> Answer: ...

    def stream(self, question: str, **options: Unpack[AskOptions]) -> Iterator[str | Answer]: ...


class Retriever(Protocol):
    """The best ``k`` articles for a question as numbered sources ([] when none is relevant).

    ``assistant.retriever.HybridRetriever`` is the real one; ``filters`` bound dates and
    outlets, ``as_of`` is the reference date of time words (and cuts later articles).
    """

    def search(
        self,
        question: str,
        filters: Filters | None = None,
        as_of: datetime | None = None,
        k: int | None = None,
    ) -> list[Source]: ...
