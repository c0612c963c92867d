"""The one home of text analysis shared by the index and the assistant: stopword lists, word
splitting and the dateline patterns.

It lives in ``index`` (the lower layer, which never imports ``assistant``); the answer-side
helpers in ``assistant/text.py`` (sentences, ``[n]`` markers) build on it. Each stopword list
serves one purpose and is built from the same English base, so they differ only where the
purpose does.
"""

from __future__ import annotations

import re

# fmt: off
ENGLISH_STOPWORDS = frozenset((
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
    "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for",
    "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his",
    "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most",
    "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our",
    "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the",
    "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too",
    "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which",
    "while", "who", "whom", "why", "will", "with", "would", "you", "your", "said", "says", "say",
))
_REFLEXIVES = frozenset((
    "herself", "himself", "myself", "ours", "theirs", "themselves", "yours", "yourself",
    "yourselves",
))
_REPORTING = frozenset(("according", "also", "news"))
# Words that name a time ("this week", "the latest"): the dates of a search handle them.
TIME_WORDS = frozenset((
    "latest", "month", "months", "new", "recent", "recently", "since", "today", "week", "weeks",
    "year", "years", "yesterday",
))
_CONTRACTIONS = frozenset((
    "one's", "it's", "i'm", "don't", "doesn't", "didn't", "won't", "can't", "isn't", "aren't",
    "wasn't", "weren't",
))
# fmt: on

# Dropped from chunks and queries by the BM25 keyword index (changing it: bump its FORMAT).
KEYWORD_STOPWORDS = ENGLISH_STOPWORDS | _REFLEXIVES | {"ourselves", "tell", "know"}
# Not content words of a question (the retriever's terms and keyword coverage).
QUERY_STOPWORDS = ENGLISH_STOPWORDS | _REPORTING | TIME_WORDS
# Not content words of an answer or a source sentence (their overlap).
CONTENT_STOPWORDS = (
    ENGLISH_STOPWORDS | _REFLEXIVES | _REPORTING | _CONTRACTIONS
    | {"ago", "answer", "article", "articles", "question", "report", "source", "sources",
       "story", "text", "told", "yes"}
)
