"""Text helpers for answers and articles: sentences, content words, ``[n]`` citation markers.

The citation-marker patterns live here; stopwords, word splitting, the sentence splitter
(nupunkt), the stemmer (Snowball) and datelines live in ``index/text.py`` (shared with the
index, which never imports ``assistant``). :func:`split_sentences` is that splitter with a
small rule layer for answers: lines, bullets, and ``[n]`` markers kept with their sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from index.text import CONTENT_STOPWORDS as STOPWORDS
from index.text import content_stems, sentences, words

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
_ELLIPSIS = re.compile(r"(?<=[.!?])\s*(?:\.\.\.|…)$")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_LINE_BREAK = re.compile(r"\s*\n\s*")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; citation markers after a full stop stay with their sentence."""
    pieces = [piece for line in _LINE_BREAK.split(text) for piece in sentences(line)]
    found: list[str] = []
    for piece in pieces:
        piece = _ELLIPSIS.sub("", _BULLET.sub("", piece.strip()))
        leading = _LEADING_MARKERS.match(piece)
        if leading and found:
            found[-1] = found[-1] + leading.group(0).strip()
            piece = piece[leading.end() :].strip()
        if piece and piece.strip(".… "):
            found.append(piece)
    return found


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


def citation_numbers(text: str) -> list[int]:
    """The source numbers cited in ``text`` with ``[n]`` markers, in order."""
    return [int(n) for match in _MARKER.finditer(text) for n in re.findall(r"\d+", match.group(1))]


def strip_markers(sentence: str) -> tuple[list[int], str]:
    """The numbers cited in ``sentence`` and its text without the ``[n]`` markers."""
    cited = citation_numbers(sentence)
    text = _MARKER.sub("", sentence)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return cited, " ".join(text.split())
