"""Free text to a safe SQLite FTS5 query: the user's words, never FTS syntax."""

from __future__ import annotations

import re

_MAX_QUERY_TERMS = 32
_WORD = re.compile(r"\w+", re.UNICODE)
STOPWORDS = frozenset(
    [
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any",
        "are", "as", "at", "be", "because", "been", "before", "being", "below", "between",
        "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during",
        "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her",
        "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into",
        "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor",
        "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours",
        "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such",
        "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there",
        "these", "they", "this", "those", "through", "to", "too", "under", "until", "up",
        "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom",
        "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves",
        "tell", "say", "said", "says", "know",
    ]
)


def match_query(text: str) -> str | None:
    """A safe FTS5 MATCH expression for free text: quoted terms joined by OR, stopwords dropped.

    Only word characters reach FTS5, each term inside double quotes, so user text can never
    produce FTS syntax (operators, columns, parentheses). ``None`` when no term is left.
    """
    words = [word.lower() for word in _WORD.findall(text)]
    terms = [word for word in words if word not in STOPWORDS and word.strip("_")] or words
    unique = list(dict.fromkeys(term for term in terms if term.strip("_")))[:_MAX_QUERY_TERMS]
    return " OR ".join(f'"{term}"' for term in unique) or None
