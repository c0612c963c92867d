"""The ``local`` backend as users run it: the GGUF model in a supervised child process.

:class:`ServedModelBackend` talks to the child (:class:`~assistant.backends.model_process.
ModelProcess`) through the OpenAI-compatible client of the ``openai`` backend
(:class:`~assistant.backends.openai_compatible.ChatModelBackend` over ``ChatOpenAI``); a model
without a chat template (a base model such as Gemma 3 270M) is sent plain text through the
completions endpoint. A crash of the child costs the question being answered one clear line
("the local model stopped and was restarted; ask again"); the next question is answered.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

import httpx

from assistant.backends.base import Message
from assistant.backends.model_process import ModelProcess
from assistant.backends.openai_compatible import ChatModelBackend
from assistant.errors import BackendUnavailable

STOP = ["<end_of_turn>", "<start_of_turn>", "<|im_end|>", "<|endoftext|>", "\n\n\n"]
COMPLETION_STOP = ["\n\n", "Question:", "Article ["]


RESTARTED = "The local model stopped and was restarted; ask again."


class ServedModelBackend:
    """Greedy, streamed replies from the model served by ``process``: a
    :class:`~assistant.backends.base.ChatModel` (a :class:`~assistant.backends.reader.Reader`
    holds the prompt style)."""

    def __init__(
        self,
        process: ModelProcess,
        *,
        chat: bool = True,
        extra_stop: Sequence[str] = (),
        timeout: float = 120.0,
        name: str = "local",
    ) -> None:
        self.name = name
        self.process = process
        self.chat = chat
        self.extra_stop = list(extra_stop)
        self.timeout = timeout
        self.last_prompt = ""  # what the last generation was sent (for benchmarks)
        self.last_tokens = 0  # pieces it streamed back

    def generate(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """Stream the model's reply to ``messages``; a crash or a timeout is one clear error.

        A child found dead before it sent anything (it died between questions) is replaced
        and asked again, once; a crash mid-answer ends this answer with :data:`RESTARTED`.
        """
        self.last_prompt = "\n\n".join(message["content"] for message in messages).rstrip()
        for attempt in (1, 2):
            self.last_tokens = 0
            try:
                yield from self._attempt(messages, max_tokens)
                return
            except _ChildGone as gone:
                if self.last_tokens or attempt == 2:
                    raise BackendUnavailable(RESTARTED) from gone.__cause__

    def _attempt(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        self.process.wait_ready()  # a model that cannot load says so (never "restarted")
        deadline = time.monotonic() + self.timeout
        try:
            for text in within_deadline(self._pieces(messages, max_tokens), deadline, self.timeout):
                self.last_tokens += 1
                yield text
        except BackendUnavailable:
            if self.process.restart_if_dead():
                raise _ChildGone() from None
            raise
        except Exception as error:  # the client's connection errors: openai's and httpx's
            if not _is_connection_error(error):
                raise
            if self.process.restart_if_dead():
                raise _ChildGone() from error
            raise BackendUnavailable(
                f"The local model did not answer ({type(error).__name__}); ask again."
            ) from error

    def close(self) -> None:
        """Stop the model's process."""
        self.process.close()

    def _pieces(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        if self.chat:
            model = self._chat_model().bind(stop=[*STOP, *self.extra_stop])
            yield from ChatModelBackend(model, name=self.name).generate(messages, max_tokens)
            return
        # A base model has no chat template: it continues plain text ("Answer:").
        completions = self._completions_model(max_tokens)
        yield from completions.stream(self.last_prompt, stop=[*COMPLETION_STOP, *self.extra_stop])

    def _chat_model(self) -> Any:
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model="local",
            base_url=self.process.base_url,
            api_key=self.process.api_key,
            temperature=0.0,
            timeout=self.timeout,
            max_retries=0,
            extra_body={"repeat_penalty": 1.1},
        )

    def _completions_model(self, max_tokens: int) -> Any:
        from langchain_openai import OpenAI

        return OpenAI(
            model="local",
            base_url=self.process.base_url,
            api_key=self.process.api_key,
            temperature=0.0,
            max_tokens=max_tokens,
            timeout=self.timeout,
            max_retries=0,
            extra_body={"repeat_penalty": 1.1},
        )


def within_deadline(texts: Iterator[str], deadline: float, timeout: float) -> Iterator[str]:
    """The non-empty ``texts``; past ``deadline`` (``time.monotonic()``) one clear error."""
    for text in texts:
        if text:
            yield text
        if time.monotonic() > deadline:
            raise BackendUnavailable(
                f"The local model took longer than {timeout:.0f} s to answer; "
                "ask again, or raise NEWSDESK_ANSWER_TIMEOUT."
            )


class _ChildGone(Exception):
    """The model's process died during a request (and was started again)."""


def _is_connection_error(error: Exception) -> bool:
    import openai

    return isinstance(error, openai.APIConnectionError | httpx.TransportError)
