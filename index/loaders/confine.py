"""Confinement on every read: a source under the folders a shared server allows stays there.

``settings.ui_source_roots`` (``NEWSDESK_UI_SOURCE_ROOTS``) and the home's uploads folder are
the places a web page user can make the server read. A recorded source inside one of them is
checked each time it is read (by ``build``, ``update``, ``watch`` and the page's "Update
index"), not only when it was added: its real path (``..`` and symlinks resolved) must still be
inside them, and a file in it that is a link leading out of them is refused. A link planted
after a folder was approved is therefore never followed. Sources outside every root were given
on the command line by whoever runs the server and are not confined.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from index.settings import Settings

OUTSIDE = "outside the folders this server allows (NEWSDESK_UI_SOURCE_ROOTS)"
LINK_OUT = "a link that leads outside the folders this server allows (NEWSDESK_UI_SOURCE_ROOTS)"


def allowed_roots(settings: Settings) -> list[str]:
    """Real paths of the folders a page user may make the server read: the source roots and
    the home's uploads folder."""
    return [os.path.realpath(root) for root in _configured(settings)]


def confinement(name: str, settings: Settings) -> list[str] | None:
    """The roots ``name`` (a path as recorded or given) must stay within, or None when it lies
    outside every root (a command-line source: not confined)."""
    roots = allowed_roots(settings)
    given = os.path.abspath(os.path.expanduser(name))
    if any(inside(given, root) for root in [*roots, *_configured(settings)]):
        return roots
    return None


def refusal(name: str, settings: Settings) -> str | None:
    """Why the path ``name`` may not be read now (its real path left the roots), else None."""
    roots = confinement(name, settings)
    if roots is None:
        return None
    real = os.path.realpath(os.path.expanduser(name))
    return None if any(inside(real, root) for root in roots) else OUTSIDE


def inside(path: str, root: str) -> bool:
    """True when the real path ``path`` is ``root`` or below it."""
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # different drives, or relative against absolute
        return False


def link_out_of(folder: str, roots: Sequence[str]) -> str | None:
    """The first symlink under ``folder`` whose target is outside every root, else None."""
    for top, dirs, files in os.walk(folder):  # symlinked folders are listed, not entered
        for name in sorted(dirs) + sorted(files):
            entry = os.path.join(top, name)
            if os.path.islink(entry):
                target = os.path.realpath(entry)
                if not any(inside(target, root) for root in roots):
                    return entry
    return None


def _configured(settings: Settings) -> list[str]:
    """The roots as configured (absolute; a root may itself be a link, named either way)."""
    roots = [*settings.ui_source_roots, settings.uploads_path]
    return [os.path.abspath(os.path.expanduser(root)) for root in roots]
