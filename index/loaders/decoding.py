"""Read a source file's bytes safely and decode them to text.

UTF-8 (with or without a BOM) is taken as is; anything else is decoded only when
charset-normalizer detects its encoding reliably (a Latin-1 / cp1252 story is still news).
Every failure raises ``SourceRejected`` with a one-line reason. A NUL byte anywhere makes a
file binary (not only in the first 8 KB that are sniffed), so none ever reaches a chunk.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from index.errors import SourceRejected
from index.settings import Settings

# Above this share of control characters a file is not text.
_MAX_CONTROL_SHARE = 0.10
# charset-normalizer's "mess" ratio above which a detection is not trusted.
_MAX_CHAOS = 0.10
_TIE = 0.01
_WESTERN = frozenset({"cp1252", "latin_1", "iso8859_15"})
_SNIFF_BYTES = 8192
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\b\x1b")


def read_text(path: Path, settings: Settings, declared: str | None = None) -> str:
    """The decoded text of ``path``; ``declared`` is an encoding the file names (e.g. HTML meta)."""
    return decode_text(read_bytes(path, settings), declared=declared)


def read_bytes(path: Path, settings: Settings) -> bytes:
    """The bytes of ``path``, after checking its size (before reading) and that it is not empty."""
    check_size(path, settings)
    data = path.read_bytes()
    if not data.strip():
        raise SourceRejected("empty file")
    return data


def check_size(path: Path, settings: Settings) -> None:
    """Reject a file over ``settings.max_file_bytes`` without reading it."""
    size = path.stat().st_size
    if size > settings.max_file_bytes:
        raise SourceRejected(
            f"file is {human_size(size)}, over the {human_size(settings.max_file_bytes)} limit "
            "(NEWSDESK_MAX_FILE_BYTES)"
        )


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode ``data``: UTF-8 first, then a declared encoding, then a reliable detection."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError as error:
                reason = f"starts with a {encoding} byte-order mark but is not {encoding}"
                raise SourceRejected(reason) from error
            if (nul := text.find("\x00")) >= 0:
                raise SourceRejected(f"binary file, not text (a NUL character at {nul:,})")
            return text
    if looks_binary(data):
        raise SourceRejected("binary file, not text")
    if (nul := data.find(b"\x00")) >= 0:  # past the sniffed start: still not a text file
        raise SourceRejected(f"binary file, not text (a NUL byte at byte {nul:,})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    detected = detect_encoding(data)
    if detected is None:
        raise SourceRejected(
            "not UTF-8 and the encoding could not be detected; re-save the file as UTF-8"
        )
    return data.decode(detected)


def looks_binary(data: bytes) -> bool:
    """True when the start of ``data`` has NUL bytes or is mostly control characters."""
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in _TEXT_CONTROLS)
    return bool(head) and controls / len(head) > _MAX_CONTROL_SHARE


def detect_encoding(data: bytes) -> str | None:
    """The encoding charset-normalizer is confident about, or None.

    Short Western texts often fit cp1250 as well as cp1252 ("Très" or "Trčs"); on such a tie
    the Western encoding wins, as browsers do for unlabelled pages.
    """
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None or best.chaos > _MAX_CHAOS:
        return None
    for match in matches:
        tied = match.chaos <= best.chaos + _TIE and match.coherence >= best.coherence - _TIE
        if tied and match.encoding in _WESTERN:
            # cp1252 is Latin-1 plus curly quotes and dashes where Latin-1 has control codes.
            return "cp1252" if _decodes(data, "cp1252") else match.encoding
    return best.encoding


def human_size(size: int) -> str:
    """``size`` bytes as a short human string (``80 MB``, ``12 KB``, ``300 bytes``)."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.0f} MB" if size >= 10_000_000 else f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.0f} KB"
    return f"{size} bytes"


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


# A letter lost to "?" by an encoder's "replace" ("J?ger", "Espa?ol"): a word of letters with
# one "?" between two of them, not inside a URL ("story?id=", "page.html?ref").
_LETTER_LOST = re.compile(r"(?<![\w/.=&?%-])[A-Za-z]+\?[a-z]+(?![\w/=&?%-]|\.\w)")
_REPLACED = re.compile("\ufffd+")
# Marks in a text that make it damaged; a single odd character in a long text is let be (a
# source that lost its letters lost them in every name), but one in a title is not.
MIN_DAMAGE_MARKS = 2


def decoding_damage(text: str, title: str = "", min_marks: int = MIN_DAMAGE_MARKS) -> str | None:
    """Why an article reads as mis-decoded at its source, or None: replacement characters
    (U+FFFD, what a decoder puts for bytes it could not read) or a "?" standing for a letter
    ("J?ger"), ``min_marks`` times in ``text`` or once in ``title``."""
    marks = [*_REPLACED.finditer(f"{title}\n{text}"), *_LETTER_LOST.finditer(f"{title}\n{text}")]
    in_title = [m for m in marks if m.start() < len(title)]
    if len(marks) < min_marks and not in_title:
        return None
    first = min(marks, key=lambda m: m.start())
    where = " ".join(first.string[max(0, first.start() - 12) : first.end() + 12].split())
    return (
        f"decoding error: {len(marks)} damaged word{'s' if len(marks) > 1 else ''} "
        f"(replacement characters \ufffd or '?' for a letter), e.g. {where!r}; the source lost "
        "its letters before it was read: re-save or re-export it as UTF-8"
    )
