"""The assistant behind the page, built on first use so the page opens even when a model is
missing (the first question then says why it cannot answer)."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from index.errors import BackendUnavailable, NewsdeskError
from index.settings import Settings

if TYPE_CHECKING:
    from assistant.protocols import Answerer

log = logging.getLogger("newsdesk.ui")


class AssistantHolder:
    """Holds ``assistant`` (anything with ``ask``/``stream``), or builds the real ``Assistant``
    from ``settings`` on first use."""

    def __init__(self, assistant: Answerer | None = None, settings: Settings | None = None) -> None:
        self._assistant = assistant
        self._settings = settings
        self._lock = threading.Lock()

    def get(self) -> Answerer:
        """The assistant; raises ``BackendUnavailable`` with the reason when it cannot load."""
        with self._lock:
            if self._assistant is None:
                from assistant import Assistant

                try:
                    self._assistant = Assistant(self._settings or Settings())
                except NewsdeskError:
                    raise
                except Exception as error:
                    raise BackendUnavailable(f"the assistant could not start: {error}") from error
            return self._assistant

    def warm_up(self) -> None:
        """Load the models in the background so the first question is quick."""
        try:
            self.get()
        except Exception as error:  # reported again, clearly, on the first question
            log.warning("assistant not ready: %s", error)

    def refresh(self) -> None:
        """Tell the assistant the index changed, when it cares."""
        refresh = getattr(self._assistant, "refresh", None)
        if callable(refresh):
            refresh()
