"""Recognise duplicates and syndicated copies so one story is indexed once.

Two keys per article:
- ``exact_key``: title and text with whitespace and case normalised. Equal keys are duplicates.
- ``fingerprint``: the story body alone, with the dateline (``BRUSSELS (Reuters) -``), a trailing
  credit line (``(Reporting by ...)``), case, punctuation and whitespace removed. Equal
  fingerprints from articles with different keys are syndicated copies of one story.
Both kinds are linked to the first-indexed (canonical) article instead of getting chunks.
"""

from __future__ import annotations

import re
import unicodedata

from index.models import Article, content_hash
from index.text import DATELINE_PREFIX, NON_WORD

# A body shorter than this (in words) is too generic to identify a story on its own (a feed
# teaser, "Read more..."): its fingerprint then includes the title.
MIN_FINGERPRINT_WORDS = 40

_CREDITS = re.compile(
    r"\(\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|edited|written)\b[^()]*\)\s*$",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")


def exact_key(article: Article) -> str:
    """Hash of the article's title and text, whitespace and case normalised."""
    return content_hash("exact", _squash(article.title), _squash(article.text))


def fingerprint(article: Article) -> str:
    """Hash of the story body as syndication leaves it (see the module docstring)."""
    body = story_body(article.text)
    if len(body.split()) < MIN_FINGERPRINT_WORDS:
        return content_hash("short", _words(article.title), body)
    return content_hash("body", body)


def story_body(text: str) -> str:
    """The body reduced to lower-case words: no dateline, credits, punctuation or extra space."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = DATELINE_PREFIX.sub("", text, count=1)
    text = _CREDITS.sub("", text)
    return _words(text)


def _words(text: str) -> str:
    return NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def _squash(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().lower()
