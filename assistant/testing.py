"""Test doubles for the answering side, shipped so users' tests can use them too.

``FakeRetriever`` stands in for ``assistant.retriever.Retriever``; the answering backend's
double is ``assistant.backends.fake.ScriptedBackend`` and the embedder's
``index.fakes.FakeEmbedder``.
"""

from __future__ import annotations

from typing import Any

from assistant.answer import Source


class FakeRetriever:
    """Returns fixed sources and records the questions it was asked."""

    def __init__(self, sources: list[Source]) -> None:
        self.sources = sources
        self.calls: list[dict[str, Any]] = []

    def search(
        self,
        question: str,
        filters: Any = None,
        as_of: Any = None,
        k: Any = None,
        constraint: Any = None,
    ) -> list[Source]:
        """The fixed sources, recording the call (the resolved time ``constraint`` aside)."""
        self.calls.append({"question": question, "filters": filters, "as_of": as_of, "k": k})
        return list(self.sources)
