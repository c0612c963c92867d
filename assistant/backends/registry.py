"""The one list of answering backends: settings, the CLI's ``--llm`` and ``newsdesk eval``
all take their names from :data:`BACKENDS`, and :func:`make_backend` builds them."""

from __future__ import annotations

from collections.abc import Callable

from assistant.backends.base import AnswerBackend
from assistant.backends.local import LOCAL_MODELS
from assistant.grounding import Embedder
from index.settings import Settings


def _local(settings: Settings, embedder: Embedder | None) -> AnswerBackend:
    from assistant.backends.local import make_local_backend

    return make_local_backend(settings)


def _openai(settings: Settings, embedder: Embedder | None) -> AnswerBackend:
    from assistant.backends.openai_compatible import make_openai_backend

    return make_openai_backend(settings)


def _extractive(settings: Settings, embedder: Embedder | None) -> AnswerBackend:
    from assistant.backends.extractive_backend import ExtractiveBackend

    return ExtractiveBackend(embedder)


BACKENDS: dict[str, Callable[[Settings, Embedder | None], AnswerBackend]] = {
    "local": _local,
    "openai": _openai,
    "extractive": _extractive,
}
BACKEND_NAMES: tuple[str, ...] = tuple(BACKENDS)

LOCAL_MODEL_NAMES: tuple[str, ...] = tuple(LOCAL_MODELS)
"""The packaged local models (``NEWSDESK_LOCAL_MODEL``)."""


def make_backend(settings: Settings, embedder: Embedder | None = None) -> AnswerBackend:
    """The backend ``settings.llm`` names; raises BackendUnavailable saying what to fix."""
    return BACKENDS[settings.llm](settings, embedder)
