"""A guard against loading a real language model where none is wanted (as pydantic-ai's
``ALLOW_MODEL_REQUESTS``): ``NEWSDESK_ALLOW_MODEL_LOAD=0`` makes every real model load fail
with a clear error. The test suite sets it for every test not marked ``integration``."""

from __future__ import annotations

import os

from assistant.errors import BackendUnavailable

ALLOW_MODEL_LOAD = "NEWSDESK_ALLOW_MODEL_LOAD"
_OFF = {"0", "false", "no", "off"}


class ModelLoadForbidden(BackendUnavailable):
    """A real model was about to be loaded while ``NEWSDESK_ALLOW_MODEL_LOAD`` forbids it."""


def check_model_load(what: str) -> None:
    """Raise :class:`ModelLoadForbidden` when loading ``what`` is not allowed here."""
    if os.environ.get(ALLOW_MODEL_LOAD, "1").strip().lower() in _OFF:
        raise ModelLoadForbidden(
            f"Loading {what} is not allowed here ({ALLOW_MODEL_LOAD} is off): a test that "
            "needs a real model must be marked integration; otherwise pass a fake."
        )
