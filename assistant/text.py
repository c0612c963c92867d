"""Text helpers for answers and articles: sentences, content words, ``[n]`` citation markers.

The citation-marker patterns live here; stopwords, word splitting and datelines live in
``index/text.py`` (shared with the index, which never imports ``assistant``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from index.text import CONTENT_STOPWORDS as STOPWORDS
from index.text import words

__all__ = [
    "BRACKETED_CITATION",
    "CITATION_MARKER",
    "CITATION_SPAN",
    "STOPWORDS",
    "SentenceStream",
    "citation_numbers",
    "content_stems",
    "split_sentences",
    "strip_markers",
    "words",
]

# A model's citation as written in an answer: "[1]", " [1, 2]", "[Source 3]", "[1 and 2]";
# group 1 holds the numbers.
CITATION_MARKER = re.compile(
    r"\s*\[\s*(?:sources?\s*)?(\d+(?:\s*(?:,|;|and|&)\s*(?:sources?\s*)?\d+)*)\s*\]",
    re.IGNORECASE,
)
# A marker as the answer shows it ("[1]", "[1, 2]"; group 1: the numbers): what the page links.
BRACKETED_CITATION = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# Any bracketed citation, ranges too ("[1-3]"): what answer matching ignores.
CITATION_SPAN = re.compile(r"\[\d+(?:\s*[,;–-]\s*\d+)*\]")
_MARKER = CITATION_MARKER
_LEADING_MARKERS = re.compile(rf"^(?:{_MARKER.pattern})+", re.IGNORECASE)
_BOUNDARY = re.compile(r"[.!?][\"'”’)]*(\s+)(?=[\[\"“'(A-Z0-9])|\n+")
_ELLIPSIS = re.compile(r"(?<=[.!?])\s*(?:\.\.\.|…)$")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "gov", "sen", "rep", "col", "lt",
    "sgt", "capt", "cmdr", "adm", "no", "vs", "etc", "inc", "corp", "co", "ltd", "jan", "feb",
    "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e",
}  # fmt: skip


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; citation markers after a full stop stay with their sentence."""
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start(1) if match.group(1) else match.start()
        if match.group(1) and _ends_with_abbreviation(text[start:end]):
            continue
        pieces.append(text[start:end])
        start = match.end()
    pieces.append(text[start:])
    sentences: list[str] = []
    for piece in pieces:
        piece = _ELLIPSIS.sub("", _BULLET.sub("", piece.strip()))
        leading = _LEADING_MARKERS.match(piece)
        if leading and sentences:
            sentences[-1] = sentences[-1] + leading.group(0).strip()
            piece = piece[leading.end() :].strip()
        if piece and piece.strip(".… "):
            sentences.append(piece)
    return sentences


class SentenceStream:
    """Collects streamed text and hands out sentences once they are surely complete."""

    def __init__(self) -> None:
        self._buffer = ""

    def feed(self, delta: str) -> Iterator[str]:
        """Add a piece of text; yield the sentences it completed."""
        self._buffer += delta
        sentences = split_sentences(self._buffer)
        if len(sentences) < 2:
            return
        last = sentences[-1]
        if last.lstrip().startswith("["):  # may still be a citation of the previous sentence
            return
        cut = self._buffer.rfind(last)
        if cut <= 0:
            return
        self._buffer = self._buffer[cut:]
        yield from sentences[:-1]

    def flush(self) -> Iterator[str]:
        """Yield what is left at the end of the stream."""
        rest, self._buffer = self._buffer, ""
        yield from split_sentences(rest)


def content_stems(text: str) -> set[str]:
    """Lower-cased content words of ``text``, crudely stemmed (numbers kept as they are)."""
    return {_stem(word) for word in words(text) if word not in STOPWORDS}


def citation_numbers(text: str) -> list[int]:
    """The source numbers cited in ``text`` with ``[n]`` markers, in order."""
    return [int(n) for match in _MARKER.finditer(text) for n in re.findall(r"\d+", match.group(1))]


def strip_markers(sentence: str) -> tuple[list[int], str]:
    """The numbers cited in ``sentence`` and its text without the ``[n]`` markers."""
    cited = citation_numbers(sentence)
    text = _MARKER.sub("", sentence)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return cited, " ".join(text.split())


def _ends_with_abbreviation(piece: str) -> bool:
    parts = piece.rstrip().rstrip(".").split()
    tail = parts[-1].lower().lstrip("(\"'“") if parts else ""
    return tail in _ABBREVIATIONS or (len(tail) == 1 and tail.isalpha())


def _stem(word: str) -> str:
    """Crude but symmetric: drop common endings, then keep at most six letters."""
    if word.endswith("'s"):
        word = word[:-2]
    if not word.isalpha():
        return word
    for ending, shortest in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= shortest:
            word = word[: -len(ending)] + ("i" if ending == "ies" else "")
            break
    else:
        ending = ""
    if ending in {"", "s"} and len(word) > 3 and word.endswith("e"):
        word = word[:-1]  # vote/votes/voted, rate/rates/rating
    if len(word) > 3 and word.endswith("y") and word[-2] not in "aeiou":
        word = word[:-1] + "i"  # rally/rallies/rallied
    return word[:6]


_ENDINGS = (("ing", 3), ("ies", 2), ("ed", 3), ("ly", 4), ("s", 3))
