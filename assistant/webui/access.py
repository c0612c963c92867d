"""What a web page user may make the server read: uploads, http(s) feed URLs, and server
folders only under ``settings.ui_source_roots``.

A shared Newsdesk must not index its own files (``/etc``, a private folder) because a page user
typed their path. Paths are checked on their real location (``..`` and symlinks resolved), and a
folder holding a link that leads out of the roots is refused as a whole. URL addresses
(loopback, private networks) are checked where URLs are fetched (``index/fetch.py``); here only
the scheme. Every refusal raises ``SourceRejected`` with one line that does not say whether the
path exists. The same check runs again each time a recorded source is read
(``index.loaders.confine``), so a link planted after a folder was added is not followed.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from index import OUTSIDE, inside, link_out_of
from index.errors import SourceRejected
from index.settings import Settings

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]+):")
NO_ROOTS = (
    "server folders cannot be added from the web page; upload the files instead "
    "(the server's admin can allow folders with NEWSDESK_UI_SOURCE_ROOTS)"
)


def check_location(location: str, settings: Settings) -> str:
    """``location`` as the source to index (a URL, or a real path inside the roots)."""
    text = location.strip()
    if not text:
        raise SourceRejected("no location given")
    scheme = _SCHEME.match(text)
    if scheme:
        return check_url(text, scheme.group(1).lower())
    return check_path(text, settings.ui_source_roots)


def check_url(url: str, scheme: str) -> str:
    """An http(s) URL with a host; ``file:`` and every other scheme are refused."""
    if scheme == "file":
        raise SourceRejected("file: URLs are not read from the web page; upload the file")
    if scheme not in {"http", "https"}:
        raise SourceRejected(f"{scheme}: URLs are not read; give an http(s) feed URL")
    try:
        host = urlsplit(url).hostname
    except ValueError as error:
        raise SourceRejected(f"not a valid URL ({error})") from error
    if not host:
        raise SourceRejected("not a valid URL (no host)")
    return url


def check_path(path: str, roots: Sequence[Path]) -> str:
    """The real path of ``path`` when it and every link inside it stay under ``roots``."""
    if not roots:
        raise SourceRejected(NO_ROOTS)
    real = os.path.realpath(os.path.expanduser(path))
    allowed = [os.path.realpath(os.path.expanduser(root)) for root in roots]
    if not any(inside(real, root) for root in allowed):
        raise SourceRejected(OUTSIDE)
    if os.path.isdir(real):
        escape = link_out_of(real, allowed)
        if escape:
            raise SourceRejected(
                f"the folder holds a link that leads outside the allowed "
                f"folders ({os.path.relpath(escape, real)}); remove it"
            )
    return real


def upload_dirs() -> list[Path]:
    """Where Gradio stores the files a browser uploads (its ``GRADIO_TEMP_DIR``)."""
    base = os.environ.get("GRADIO_TEMP_DIR") or os.path.join(tempfile.gettempdir(), "gradio")
    return [Path(base)]
