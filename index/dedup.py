"""Recognise duplicates and syndicated copies so one story is indexed once.

One key per article, its ``fingerprint``: the story body alone, with the dateline
(``BRUSSELS (Reuters) -``), a trailing credit line (``(Reporting by ...)``), case, punctuation and
whitespace removed. Articles with equal fingerprints (exact duplicates and syndicated copies
alike) are linked to the first-indexed (canonical) article instead of getting chunks.
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
