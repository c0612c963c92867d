"""Sentence-aware chunking measured in the embedding model's tokens.

Each chunk is a run of whole sentences from one article, preceded by a short header (title,
outlet, place, date) so that it stands on its own when retrieved. Consecutive chunks share a few
trailing sentences (the overlap). A sentence longer than a whole chunk is cut at word boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from index.models import Article, Chunk
from index.text import sentence_spans

TokenCounter = Callable[[str], int]

_WORD = re.compile(r"\S+")
_SPACES = re.compile(r"\s+")
_MAX_TITLE_WORDS = 30
_SEPARATOR = " · "


def chunk_header(article: Article) -> str:
    """The chunk header: title, then ``outlet · place · YYYY-MM-DD``, then a blank line.

    Missing parts are left out; an article with neither title nor metadata gets an empty header.
    """
    title = _SPACES.sub(" ", article.title).strip()
    words = title.split(" ")
    if len(words) > _MAX_TITLE_WORDS:  # keep the header a small share of the chunk
        title = " ".join(words[:_MAX_TITLE_WORDS]) + " …"
    meta = [
        _SPACES.sub(" ", part).strip()
        for part in (
            article.source or "",
            article.place or "",
            article.published.date().isoformat() if article.published else "",
        )
    ]
    lines = [line for line in (title, _SEPARATOR.join(part for part in meta if part)) if line]
    return "\n".join(lines) + "\n\n" if lines else ""


def chunk_article(
    article: Article, count_tokens: TokenCounter, max_tokens: int, overlap: int
) -> list[Chunk]:
    """Split an article into chunks of at most ``max_tokens`` tokens (header included).

    Chunks are runs of whole sentences; each one after the first repeats the trailing sentences of
    the previous chunk that fit in ``overlap`` tokens. An empty or very short article still gives
    exactly one chunk. Chunk ids are ``{article.id}#{content_hash[:12]}#{index}``.

    Each sentence is tokenised once and counts are summed: exact for WordPiece tokenizers such as
    the default model's (they split at whitespace first); byte-level BPE may differ by a token now
    and then, which the model's own truncation (``max_seq_length``) absorbs.
    """
    header = chunk_header(article)
    # A header over half the budget (a huge title) may push a chunk past max_tokens: the body
    # always keeps at least half, so chunking makes progress whatever the header.
    budget = max(max_tokens - count_tokens(header), max_tokens // 2, 1)
    text = article.text
    units = _units(text, count_tokens, budget)
    prefix = f"{article.id}#{article.content_hash[:12]}#"

    if not units:
        body = text.strip()
        return [Chunk(f"{prefix}0", article.id, 0, header + body, body)]

    chunks: list[Chunk] = []
    for index, (first, last) in enumerate(_pack(units, budget, overlap)):
        body = text[units[first].start : units[last - 1].end]
        chunks.append(Chunk(f"{prefix}{index}", article.id, index, header + body, body))
    return chunks


@dataclass(frozen=True)
class _Unit:
    """A sentence (or a piece of an over-long one): its span in the text and its token count."""

    start: int
    end: int
    tokens: int


def _units(text: str, count_tokens: TokenCounter, budget: int) -> list[_Unit]:
    """Sentences of ``text`` as spans, each tokenised once; over-long ones cut by words."""
    units: list[_Unit] = []
    for start, end in sentence_spans(text):
        tokens = count_tokens(text[start:end])
        if tokens <= budget:
            units.append(_Unit(start, end, tokens))
        else:
            units.extend(_split_by_words(text, start, end, count_tokens, budget))
    return units


def _split_by_words(
    text: str, start: int, end: int, count_tokens: TokenCounter, budget: int
) -> list[_Unit]:
    """Cut one over-long sentence into pieces of at most ``budget`` tokens at word boundaries."""
    pieces: list[_Unit] = []
    piece_start = piece_end = -1
    piece_tokens = 0
    for word in _WORD.finditer(text, start, end):
        tokens = count_tokens(word.group())
        if piece_start >= 0 and piece_tokens + tokens > budget:
            pieces.append(_Unit(piece_start, piece_end, piece_tokens))
            piece_start = -1
        if piece_start < 0:
            piece_start, piece_tokens = word.start(), 0
        piece_end = word.end()
        piece_tokens += tokens
    if piece_start >= 0:
        pieces.append(_Unit(piece_start, piece_end, piece_tokens))
    return pieces


def _pack(units: list[_Unit], budget: int, overlap: int) -> list[tuple[int, int]]:
    """Group consecutive units into ``[first, last)`` ranges of at most ``budget`` tokens.

    Each range after the first starts with the trailing whole units of the previous range that
    fit in ``overlap`` tokens (and still leave room for the next new unit).
    """
    ranges: list[tuple[int, int]] = []
    first = 0
    while first < len(units):
        last, used = first, 0
        while last < len(units) and (last == first or used + units[last].tokens <= budget):
            used += units[last].tokens
            last += 1
        ranges.append((first, last))
        if last >= len(units):
            break
        next_first, carried = last, 0
        while next_first - 1 > first and carried + units[next_first - 1].tokens <= overlap:
            next_first -= 1
            carried += units[next_first].tokens
        while next_first < last and carried + units[last].tokens > budget:
            carried -= units[next_first].tokens
            next_first += 1
        first = next_first
    return ranges
