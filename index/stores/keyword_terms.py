"""The keyword index's text analysis: one function for chunks, articles and queries alike.

Words are lower-cased ``\\w+`` runs, the keyword stopwords (``index.text.KEYWORD_STOPWORDS``)
are dropped and the rest stemmed by ``index.text.snowball_stems`` (Snowball English, the
algorithm of ``index.text.stem`` without its verb lemmas): the terms are a stored format, and
the lemmas were measured for grounding, not for retrieval. The index stores these terms
separated by spaces and splits them on whitespace only, so a document and a query always go
through this same code (changing it: bump ``keyword_index.FORMAT``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from index.text import KEYWORD_STOPWORDS, snowball_stems

_TOKEN = re.compile(r"(?u)\b\w+\b")


def terms(text: str) -> list[str]:
    """The index terms of ``text`` in order: lower-cased, stemmed words without stopwords."""
    words = [word for word in _TOKEN.findall(text.lower()) if word not in KEYWORD_STOPWORDS]
    return snowball_stems(words)


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """The terms of each text."""
    return [terms(text) for text in texts]


def query_terms(words: Iterable[str]) -> list[str]:
    """The index terms of distinct query words, in sorted word order (a word that stems to
    the same term as another counts twice, as it did with the in-memory BM25)."""
    return [term for word in sorted(set(words)) for term in terms(word)]
