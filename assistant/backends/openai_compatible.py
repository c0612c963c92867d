"""The ``openai`` backend: any OpenAI-compatible chat-completions endpoint (langchain-openai)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Protocol

from assistant.backends.base import Message
from assistant.backends.prompting import FULL
from assistant.backends.reader import Reader
from assistant.errors import BackendUnavailable
from index.settings import Settings


class _Chunk(Protocol):
    content: object


class LangChainChat(Protocol):
    """What is used of a LangChain chat model: ``stream`` of ``(role, content)`` pairs."""

    def stream(self, input: list[tuple[str, str]], **kwargs: object) -> Iterator[_Chunk]: ...


class ChatModelBackend:
    """A LangChain chat model (``ChatOpenAI``, or any other) as a
    :class:`~assistant.backends.base.ChatModel`."""

    def __init__(self, chat_model: LangChainChat, name: str = "openai") -> None:
        self.name = name
        self.chat_model = chat_model

    def generate(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """Stream the model's reply to ``messages`` (as ``(role, content)`` pairs)."""
        pairs = [(_ROLES[m["role"]], m["content"]) for m in messages]
        for chunk in self.chat_model.stream(pairs, max_tokens=max_tokens):
            text = chunk.content if isinstance(chunk.content, str) else ""
            if text:
                yield text

    def close(self) -> None:
        """Nothing to free (the HTTP client closes with the process)."""


_ROLES = {"system": "system", "user": "human", "assistant": "ai"}


def make_openai_backend(settings: Settings) -> Reader:
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
    style = FULL.for_context(settings.llm_context, 0)
    return Reader(
        ChatModelBackend(model), style, max_tokens=settings.max_answer_tokens, name="openai"
    )
