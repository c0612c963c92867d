"""The ``local`` backend: a packaged (or configured) GGUF model run by llama.cpp.

Which file: ``settings.gguf_path`` when set (full prompt), else the packaged model that
``settings.local_model`` names (see :data:`LOCAL_MODELS`). The model runs in a supervised
child process (:mod:`assistant.backends.served`), so a native crash costs one question, never
the web chat; :mod:`assistant.backends.inline` keeps the in-process form for benchmarks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.backends.echo_guard import EchoGuardedReader
from assistant.backends.model_process import ModelProcess, ModelServerConfig
from assistant.backends.packaged import (
    GEMMA_270M,
    QWEN_05B,
    QWEN_15B,
    PackagedGGUF,
    assemble_gguf,
)
from assistant.backends.prompting import COMPLETION, FULL, READER, PromptStyle
from assistant.backends.reader import Reader
from assistant.backends.reencode import reencoded
from assistant.backends.served import ServedModelBackend
from assistant.errors import BackendUnavailable
from index.settings import Settings


@dataclass(frozen=True)
class LocalModel:
    """A packaged GGUF and how to prompt it."""

    gguf: PackagedGGUF
    style: PromptStyle
    instruct: bool  # instruction-tuned: it also condenses follow-ups
    max_tokens: int | None = None  # cap on the answer (a base model only rambles past one line)
    extra_stop: tuple[str, ...] = ()
    reader: type[Reader] = Reader
    reencode: bool = False  # its weights read faster in Q8_0 (see assistant.backends.reencode)


LOCAL_MODELS: dict[str, LocalModel] = {
    "qwen2.5-0.5b": LocalModel(QWEN_05B, READER, instruct=True, max_tokens=96,
                               reader=EchoGuardedReader, reencode=True),
    "qwen2.5-1.5b": LocalModel(QWEN_15B, READER, instruct=True, max_tokens=96,
                               reader=EchoGuardedReader, reencode=True),
    "gemma3-270m": LocalModel(GEMMA_270M, COMPLETION, instruct=False, max_tokens=48,
                              extra_stop=("\n",)),
}  # fmt: skip
DEFAULT_LOCAL_MODEL = "qwen2.5-0.5b"


def make_local_backend(settings: Settings) -> Reader:
    """The backend ``settings`` describe (``gguf_path`` wins over ``local_model``): a reader
    around the served model, which also rewrites follow-ups when it is instruction-tuned.

    The model process starts on the first question (a page opens at once); its log lines go
    to ``<cache_dir>/logs/local-model.log``.
    """
    try:
        import llama_cpp  # noqa: F401
    except ImportError as error:
        raise BackendUnavailable(
            "The local backend needs llama-cpp-python: pip install llama-cpp-python "
            "(or choose another backend: --llm openai / --llm extractive)."
        ) from error
    spec = local_model_spec(settings)
    process = ModelProcess(
        ModelServerConfig(
            model_path=spec.path,
            n_ctx=settings.llm_context,
            n_threads=settings.llm_threads or default_threads(),
            log_path=model_log(settings),
        )
    )
    model = ServedModelBackend(
        process,
        chat=spec.style.chat,
        extra_stop=spec.extra_stop,
        timeout=settings.answer_timeout,
        name=spec.name,
    )
    return spec.reader(
        model, spec.style, max_tokens=spec.max_tokens, name=spec.name, condenses=spec.instruct
    )


@dataclass(frozen=True)
class LocalSpec:
    """Which GGUF file the settings choose and how to prompt it."""

    path: Path
    style: PromptStyle
    max_tokens: int
    instruct: bool
    extra_stop: tuple[str, ...]
    name: str
    reader: type[Reader] = Reader


def local_model_spec(settings: Settings) -> LocalSpec:
    """The file and prompt of the configured model (the packaged one assembled on first use)."""
    if settings.gguf_path is not None:
        path = Path(settings.gguf_path).expanduser()
        if not path.is_file():
            raise BackendUnavailable(
                f"GGUF model file not found: {path}. Fix NEWSDESK_GGUF_PATH (or --gguf)."
            )
        style = FULL.for_context(settings.llm_context, settings.max_answer_tokens)
        return LocalSpec(path, style, settings.max_answer_tokens, True, (), "local")
    model = LOCAL_MODELS[settings.local_model]
    path = assemble_gguf(model.gguf, settings.cache_dir)
    if model.reencode and settings.local_weights == "q8_0":
        path = reencoded(path, model.gguf.sha256, log_path=model_log(settings))
    style = model.style
    if style.chars is not None:  # a packaged reader's view: its budget and sources
        style = replace(
            style,
            chars=settings.view_chars or style.chars,
            sources=settings.view_sources or style.sources,
        )
    return LocalSpec(
        path,
        style,
        min(settings.max_answer_tokens, model.max_tokens or settings.max_answer_tokens),
        model.instruct,
        model.extra_stop,
        f"local:{settings.local_model}",
        model.reader,
    )


def model_log(settings: Settings) -> Path:
    """Where the local model's own lines go."""
    return settings.cache_dir / "logs" / "local-model.log"


def prefer_passive_openmp() -> None:
    """llama.cpp's OpenMP threads spin while they wait; on a busy 2-core machine spinning
    doubles the CPU time per answer (measured: 8 s instead of 15-30 s). Read once, at start."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def default_threads() -> int:
    """Physical-ish core count: llama.cpp is slower with hyper-threads than without."""
    return max(1, min(os.cpu_count() or 1, 4))
