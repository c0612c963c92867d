"""The ``openai`` backend: any OpenAI-compatible chat-completions endpoint (langchain-openai)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

from assistant.answer import Source
from assistant.backends.base import History
from assistant.backends.condensing import acceptable, clean_question, condense_by_rules
from assistant.backends.prompting import FULL, Message, PromptStyle, condense_messages
from assistant.errors import BackendUnavailable
from index.settings import Settings


class ChatModelBackend:
    """A LangChain chat model (``ChatOpenAI``, or any other) behind the answering interface."""

    def __init__(self, chat_model: Any, style: PromptStyle = FULL, name: str = "openai") -> None:
        self.name = name
        self.chat_model = chat_model
        self.style = style

    def stream(self, question: str, sources: Sequence[Source]) -> Iterator[str]:
        """The answer to ``question`` from ``sources``, streamed."""
        yield from self.generate(self.style.messages(question, sources))

    def condense(self, question: str, history: History) -> str:
        """The model's standalone rewrite of the follow-up (rules when it is unusable)."""
        if not history:
            return question
        rewritten = clean_question("".join(self.generate(condense_messages(question, history))))
        if acceptable(rewritten, question, history):
            return rewritten
        return condense_by_rules(question, history)

    def generate(self, messages: list[Message]) -> Iterator[str]:
        """Stream the model's reply to ``messages`` (as ``(role, content)`` pairs)."""
        pairs = [(_ROLES[m["role"]], m["content"]) for m in messages]
        for chunk in self.chat_model.stream(pairs):
            text = chunk.content if isinstance(chunk.content, str) else ""
            if text:
                yield text

    def close(self) -> None:
        """Nothing to free (the HTTP client closes with the process)."""


_ROLES = {"system": "system", "user": "human", "assistant": "ai"}


def make_openai_backend(settings: Settings) -> ChatModelBackend:
    """A ChatOpenAI client for ``settings.openai_base_url`` (OpenAI itself when unset)."""
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as error:
        raise BackendUnavailable(
            "The openai backend needs langchain-openai: pip install langchain-openai"
        ) from error
    api_key = settings.openai_api_key or os.environ.get("OPENAI_API_KEY")
    if not api_key:
        if not settings.openai_base_url:
            raise BackendUnavailable(
                "The openai backend needs an API key: set NEWSDESK_OPENAI_API_KEY "
                "(or NEWSDESK_OPENAI_BASE_URL for a local OpenAI-compatible server)."
            )
        api_key = "not-needed"  # local servers (llama.cpp, vLLM, Ollama) ignore the key
    model = ChatOpenAI(
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        api_key=api_key,
        temperature=0.0,
        max_completion_tokens=settings.max_answer_tokens,
        timeout=settings.answer_timeout,
        max_retries=1,
    )
    return ChatModelBackend(model, FULL.for_context(settings.llm_context, 0))
