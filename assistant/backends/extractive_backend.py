"""The ``extractive`` backend: no model; the sources' best sentences, cited."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.backends.base import ChatModel
from assistant.extractive import ExtractiveAnswerer
from assistant.grounding import Embedder, Grounding
from assistant.question import QuestionAnalysis


class ExtractiveBackend:
    """:class:`~assistant.extractive.ExtractiveAnswerer` on the answer's grounding."""

    name = "extractive"
    condenser: ChatModel | None = None  # follow-ups: the chain's rules

    def __init__(self, embedder: Embedder | None = None) -> None:
        self.answerer = ExtractiveAnswerer(embedder)
        self.last_reply: str | None = None  # the last answer given (for evaluation)

    @property
    def embedder(self) -> Embedder | None:
        """The embedder the sentence ranking uses (None: words only)."""
        return self.answerer.embedder

    def answer(self, analysis: QuestionAnalysis, grounding: Grounding) -> Iterator[str]:
        """The whole answer at once (nothing is generated)."""
        self.last_reply = self.answerer.answer(analysis, grounding)
        yield self.last_reply

    def close(self) -> None:
        """Nothing to free."""
