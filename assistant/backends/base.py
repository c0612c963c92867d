"""The one answering interface every backend follows (local GGUF, OpenAI-compatible, extractive).

The chain calls only what :class:`AnswerBackend` names: it never asks which kind of backend it
holds. A backend builds its own prompt (its :class:`~assistant.backends.prompting.PromptStyle`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from assistant.answer import Source

History = Sequence[tuple[str, str]]
"""A conversation so far: (user question, assistant answer) pairs, oldest first."""


@runtime_checkable
class AnswerBackend(Protocol):
    """Answers a question from numbered sources, and rewrites follow-ups as standalone questions.

    ``stream`` yields the answer's text as it is generated (pieces of any size; citations as
    ``[n]`` with the sources' numbers). ``condense`` returns a standalone question (it may fall
    back to rules; the chain checks the result). ``close`` frees what the backend holds.
    """

    name: str

    def stream(self, question: str, sources: Sequence[Source]) -> Iterator[str]: ...

    def condense(self, question: str, history: History) -> str: ...

    def close(self) -> None: ...
