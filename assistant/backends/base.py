"""The answering interfaces: the one-method model interface, and what the chain asks for.

- :class:`ChatModel`: ``generate(messages, max_tokens)`` streams a model's reply. It is the
  whole model interface (llama.cpp, an OpenAI-compatible endpoint, the scripted fake).
- :class:`AnswerBackend`: what the chain holds. ``answer`` reads the question's analysis and
  the answer's :class:`~assistant.grounding.Grounding`; ``condenser`` is the model that may
  rewrite a follow-up (None: rules only). The chain owns the condense policy and the
  prompts' styles are chosen where a reader is built (:mod:`assistant.backends.reader`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from assistant.grounding import Grounding
    from assistant.question import QuestionAnalysis

History = Sequence[tuple[str, str]]
"""A conversation so far: (user question, assistant answer) pairs, oldest first."""
Message = dict[str, str]
"""One chat message: ``{"role": "system" | "user" | "assistant", "content": ...}``."""


@runtime_checkable
class ChatModel(Protocol):
    """A chat model: streams its reply to ``messages``, at most ``max_tokens`` tokens."""

    def generate(self, messages: list[Message], max_tokens: int) -> Iterator[str]: ...


@runtime_checkable
class AnswerBackend(Protocol):
    """Answers a question from the grounded sources (citations as ``[n]``, the sources'
    numbers), streamed in pieces of any size. ``close`` frees what it holds."""

    name: str

    @property
    def condenser(self) -> ChatModel | None: ...

    def answer(self, analysis: QuestionAnalysis, grounding: Grounding) -> Iterator[str]: ...

    def close(self) -> None: ...
