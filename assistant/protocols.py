"""The seams the assistant is composed of, as Protocols: what a part must do, not what it is.

``Assistant``, the briefing desk, the web page and the CLI take their parts typed by these (and
by ``index.embeddings.Embedder`` and ``assistant.backends.AnswerBackend``), so tests pass the
fakes shipped in the package or any object with the same methods; mypy checks the fit.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from assistant.answer import Source

if TYPE_CHECKING:
    from assistant.filters import Filters

__all__ = ["Retriever"]


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
