"""Walk a folder for source files: sorted, hidden entries skipped, symlinked folders not
followed, and every entry that cannot be read reported as a ``Rejection`` (never raised).

``scandir`` is the seam for tests (``os.scandir`` by default): a fake can make a subfolder
unreadable even when the tests run as root, who can read any folder.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from index.models import Rejection

Scandir = Callable[[Path], Any]  # a context manager yielding os.DirEntry-like objects


def walk_files(folder: Path, *, scandir: Scandir = os.scandir) -> Iterator[Path | Rejection]:
    """Visible files under ``folder`` (resolved paths) in sorted order, a folder's files before
    its subfolders; an unreadable subfolder or a symlink loop is a ``Rejection``, and the walk
    carries on."""
    try:
        with scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        yield Rejection(str(folder), f"could not read the folder: {reason(error)}; skipped")
        return
    folders: list[Path] = []
    for entry in entries:  # the folder's own files first, then its subfolders (as os.walk)
        if entry.name.startswith("."):
            continue
        path = Path(folder, entry.name)
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError as error:
            yield Rejection(str(path), f"could not read: {reason(error)}; skipped")
            continue
        if is_folder:
            folders.append(path)
        elif not _is_symlinked_folder(entry):
            try:
                yield resolve(path)
            except OSError as error:
                yield Rejection(str(path), f"{reason(error)}; skipped")
    for path in folders:
        yield from walk_files(path, scandir=scandir)


def resolve(path: Path) -> Path:
    """``path`` made absolute with symlinks resolved; a symlink loop raises ``OSError``
    (``Path.resolve`` raises ``RuntimeError`` for it on Python 3.11)."""
    try:
        return path.expanduser().resolve()
    except RuntimeError as error:
        raise OSError(errno.ELOOP, "symlink loop", str(path)) from error


def reason(error: OSError) -> str:
    """A short reason for ``error`` ("permission denied", "symlink loop")."""
    if error.errno == errno.ELOOP:
        return "symlink loop (a link that points back to itself)"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    text = error.strerror or str(error) or type(error).__name__
    return text[:1].lower() + text[1:]


def _is_symlinked_folder(entry: Any) -> bool:
    """True for a symlink to a folder (not followed, like ``os.walk``)."""
    try:
        return bool(entry.is_symlink() and entry.is_dir())
    except OSError:
        return False
