"""Text that arrives from outside as ``str`` but is not valid Unicode, made safe in one place.

Python hands over a command-line argument that is not UTF-8 with each bad byte as a surrogate
escape (``\\udcff`` for byte 0xFF), and JSON can carry a lone surrogate (``"\\ud800"``). Neither
can be encoded, so either one deep in a tokenizer, SQLite or a JSON encoder ends in a
traceback. Text (a question, a chat turn) is *decoded*: escaped bytes are read as Windows-1252,
the usual encoding of a non-UTF-8 Western terminal, and a lone surrogate becomes U+FFFD. A
path is *refused* (its bytes name the file; the index stores names as UTF-8).
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
NOT_UTF8_PATH = "the name is not valid UTF-8; rename it to index it"


def decode_input(text: str) -> str:
    """``text`` as valid Unicode (see the module docstring); unchanged when it already is."""
    if not _SURROGATE.search(text):
        return text
    text = _ESCAPED_BYTE.sub(
        lambda m: bytes([ord(m.group()) - 0xDC00]).decode("cp1252", "replace"), text
    )
    return _SURROGATE.sub("\ufffd", text)


def is_valid(text: str) -> bool:
    """True when ``text`` holds no surrogate (it can be encoded as UTF-8)."""
    return not _SURROGATE.search(text)


def printable(text: str) -> str:
    """``text`` with each surrogate shown as an escape (``\\udcff``), for one-line messages."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
