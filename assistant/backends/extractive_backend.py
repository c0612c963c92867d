"""The ``extractive`` backend: no model; the sources' best sentences, cited."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from assistant.answer import Source
from assistant.backends.base import History
from assistant.backends.condensing import condense_by_rules
from assistant.extractive import ExtractiveAnswerer


class ExtractiveBackend:
    """:class:`~assistant.extractive.ExtractiveAnswerer` behind the answering interface."""

    name = "extractive"

    def __init__(self, embedder: Any = None) -> None:
        self.answerer = ExtractiveAnswerer(embedder)

    @property
    def embedder(self) -> Any:
        """The embedder the sentence ranking uses (None: words only)."""
        return self.answerer.embedder

    def stream(self, question: str, sources: Sequence[Source]) -> Iterator[str]:
        """The whole answer at once (nothing is generated)."""
        yield self.answerer.answer(question, sources)

    def condense(self, question: str, history: History) -> str:
        """Rules only: a leaning follow-up gets the previous question first."""
        return condense_by_rules(question, history)

    def close(self) -> None:
        """Nothing to free."""
