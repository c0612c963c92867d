"""Newsdesk's exceptions: a few small classes, each saying who must act."""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base class of every error Newsdesk raises on purpose."""


class SourceRejected(NewsdeskError):
    """A loader cannot use an input; the message is the one-line reason."""


class IndexEmpty(NewsdeskError):
    """The index holds no articles yet: run `newsdesk index build PATH` first."""


class MissingExtra(NewsdeskError):
    """An optional part is not installed; the message names the extra to install."""


class BackendUnavailable(NewsdeskError):
    """A model or service (embedding model, LLM, Chroma server) cannot be reached or loaded."""


class InvalidQuestion(NewsdeskError):
    """The question cannot be answered as asked (empty, too long, malformed filters)."""


class WriterBusy(NewsdeskError):
    """Another process is writing this index (``--no-wait`` was given, or it could not wait)."""

    def __init__(self, message: str, holder: object | None = None) -> None:
        super().__init__(message)
        self.holder = holder  # an index.writing.WriterInfo, or None when it is not known


class ReaderRole(NewsdeskError):
    """This process is configured as a reader (``NEWSDESK_ROLE=reader``) and never writes."""

    def __init__(self, message: str, holder: object | None = None) -> None:
        super().__init__(message)
        self.holder = holder  # who indexes instead, when known


class FetchFailed(SourceRejected):
    """A URL could not be fetched, or was refused (not http(s), a private address)."""


class StoreDamaged(NewsdeskError):
    """A store file (the catalog, the embedded Chroma database) is damaged; the message names
    the file and the command that fixes it."""
