"""Answering backends behind one interface (:class:`AnswerBackend`) and one registry.

``make_backend(settings)`` builds the one ``settings.llm`` names: ``local`` (llama.cpp on a
packaged or given GGUF), ``openai`` (any OpenAI-compatible endpoint) or ``extractive`` (no
model). :class:`~assistant.backends.fake.ScriptedBackend` stands in for them in tests.
"""

from __future__ import annotations

from assistant.backends.base import AnswerBackend, History
from assistant.backends.registry import BACKEND_NAMES, LOCAL_MODEL_NAMES, make_backend

__all__ = ["BACKEND_NAMES", "LOCAL_MODEL_NAMES", "AnswerBackend", "History", "make_backend"]
