"""The local model inside this process (llama-cpp-python on a GGUF file).

Users run the model out of process (:mod:`assistant.backends.served`): a native crash here
would end the whole process. This in-process form stays for benchmarks (the cost of the
process boundary, ``benchmarks/bench_answer.py``) and for tests with a fake model.
llama.cpp's own log lines are silenced: ``verbose=False`` and a no-op native log callback kept
alive by the backend.
"""

from __future__ import annotations

import ctypes
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.backends.base import Message
from assistant.backends.guard import check_model_load
from assistant.backends.local import default_threads, local_model_spec, prefer_passive_openmp
from assistant.backends.reader import Reader
from assistant.backends.served import COMPLETION_STOP, STOP, within_deadline
from assistant.errors import BackendUnavailable
from index.settings import Settings


class LlamaBackend:
    """Greedy, streamed replies from one GGUF file (a :class:`~assistant.backends.base.
    ChatModel`); the model is loaded on first use.

    ``load`` builds the ``llama_cpp.Llama`` (tests pass a fake). Calls are serialised: one
    llama.cpp context answers one question at a time.
    """

    def __init__(
        self,
        model_path: Path | str,
        *,
        n_ctx: int = 4096,
        n_threads: int = 2,
        extra_stop: Sequence[str] = (),
        timeout: float = 120.0,
        name: str = "local",
        load: Callable[[LlamaBackend], Any] | None = None,
    ) -> None:
        self.name = name
        self.model_path = str(model_path)
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.extra_stop = list(extra_stop)
        self.timeout = timeout
        self._load_model = load or _load_llama
        self._llama: Any = None
        self._lock = threading.Lock()
        self._log_callback: Any = None  # the no-op native log callback, kept alive here
        self._finalizer: Any = None
        self.last_prompt = ""  # what the last generation was sent (for benchmarks)
        self.last_tokens = 0  # pieces it streamed back

    def generate(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """Stream the model's reply to ``messages``; past ``timeout`` seconds, a clear error."""
        llama = self._loaded()
        settings = {"max_tokens": max_tokens, "temperature": 0.0, "repeat_penalty": 1.1}
        deadline = time.monotonic() + self.timeout
        self.last_prompt = "\n\n".join(message["content"] for message in messages).rstrip()
        self.last_tokens = 0
        with self._lock:
            if "tokenizer.chat_template" in (getattr(llama, "metadata", None) or {}):
                stream = llama.create_chat_completion(
                    messages=messages, stop=[*STOP, *self.extra_stop], stream=True, **settings
                )
                texts = (part["choices"][0]["delta"].get("content") or "" for part in stream)
            else:
                # A base model has no chat template: it continues plain text ("Answer:").
                prompt = "\n\n".join(message["content"] for message in messages).rstrip()
                stream = llama.create_completion(
                    prompt, stop=[*COMPLETION_STOP, *self.extra_stop], stream=True, **settings
                )
                texts = (part["choices"][0]["text"] for part in stream)
            try:
                for text in within_deadline(texts, deadline, self.timeout):
                    self.last_tokens += 1
                    yield text
            finally:
                close = getattr(stream, "close", None)
                if close is not None:
                    close()

    def close(self) -> None:
        """Free the model (also done at exit)."""
        if self._finalizer is not None:
            self._finalizer()

    def _loaded(self) -> Any:
        with self._lock:
            if self._llama is None:
                self._log_callback = silence_native_logs()
                self._llama = self._load_model(self)
                self._finalizer = weakref.finalize(self, _close, self._llama, self._log_callback)
            return self._llama


def _load_llama(backend: LlamaBackend) -> Any:
    check_model_load(f"the GGUF model {Path(backend.model_path).name}")
    prefer_passive_openmp()
    from llama_cpp import Llama

    try:
        return Llama(
            model_path=backend.model_path,
            n_ctx=backend.n_ctx,
            n_threads=backend.n_threads,
            verbose=False,
        )
    except (ValueError, RuntimeError) as error:
        raise BackendUnavailable(
            f"llama.cpp could not load {backend.model_path}: {error}. "
            "Check that it is a GGUF model file (NEWSDESK_GGUF_PATH)."
        ) from error


def silence_native_logs() -> Any:
    """Route llama.cpp's native log lines to a no-op; returns the callback to keep alive."""
    try:
        import llama_cpp
    except ImportError:
        return None

    @llama_cpp.llama_log_callback
    def ignore(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        return None

    llama_cpp.llama_log_set(ignore, ctypes.c_void_p(0))
    return ignore


def _close(llama: Any, log_callback: Any) -> None:
    # Holds the callback until the model is freed, then gives llama.cpp back its own
    # (module-level, always alive) so no freed callback is ever called.
    close = getattr(llama, "close", None)
    if close is not None:
        close()
    if log_callback is not None:
        import llama_cpp

        default = getattr(getattr(llama_cpp, "_logger", None), "llama_log_callback", None)
        if default is not None:
            llama_cpp.llama_log_set(default, ctypes.c_void_p(0))


def make_inline_backend(settings: Settings) -> Reader:
    """The configured local model loaded into this process (benchmarks: the boundary's cost),
    behind a reader as the served one is."""
    spec = local_model_spec(settings)
    model = LlamaBackend(
        spec.path,
        n_ctx=settings.llm_context,
        n_threads=settings.llm_threads or default_threads(),
        extra_stop=spec.extra_stop,
        timeout=settings.answer_timeout,
        name=f"{spec.name}:inline",
    )
    return Reader(
        model, spec.style, max_tokens=spec.max_tokens, name=model.name, condenses=spec.instruct
    )
