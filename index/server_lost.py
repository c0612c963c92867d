"""A Chroma server lost in the middle of a build: one line, not a transport traceback.

Every batch a build writes is committed in the catalog only after Chroma took its chunks, and
the next build's repair undoes a half-written batch, so what was written before the loss is
kept and a re-run of the same command finishes the job (unchanged articles are skipped).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from index.errors import BackendUnavailable
from index.settings import Settings


class ChromaLost(BackendUnavailable):
    """The Chroma server stopped answering during a write; the message says what was kept."""


@contextmanager
def chroma_lost_is_one_line(settings: Settings) -> Iterator[None]:
    """Turn a lost connection to ``settings.chroma_url`` inside the block into ``ChromaLost``."""
    try:
        yield
    except BackendUnavailable:
        raise
    except Exception as error:
        if not settings.chroma_url or not is_connection_lost(error):
            raise
        raise ChromaLost(lost_message(settings, error)) from error


def is_connection_lost(error: BaseException) -> bool:
    """True when ``error`` (or what caused it) is a transport failure: refused, reset, timeout."""
    import httpx

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, httpx.TransportError | ConnectionError | TimeoutError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def lost_message(settings: Settings, error: BaseException) -> str:
    """One line: which server was lost, what was kept, what to do."""
    cause = " ".join(str(error).split())[:120] or type(error).__name__
    kept = _articles_kept(settings)
    kept_text = (
        f"the {kept} articles indexed so far are kept"
        if kept is not None
        else ("what was indexed before is kept")
    )
    return (
        f"Lost the Chroma server at {settings.chroma_url} during the build ({cause}); "
        f"{kept_text}. Start the server again and re-run the same command: it skips what "
        "is already indexed and finishes the rest."
    )


def _articles_kept(settings: Settings) -> int | None:
    """Articles the local catalog holds as written (None when it cannot be read)."""
    from index.stores.catalog import Catalog

    try:
        catalog = Catalog.open(settings)
    except Exception:
        return None
    try:
        return catalog.stats().articles
    except Exception:
        return None
    finally:
        catalog.close()
