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
_ABOUT_SOURCES = frozenset((
    "ago", "answer", "article", "articles", "question", "report", "source", "sources", "story",
    "text", "told", "yes",
))  # fmt: skip
CONTENT_STOPWORDS = ENGLISH_STOPWORDS | _REFLEXIVES | _REPORTING | _CONTRACTIONS | _ABOUT_SOURCES

# --- word splitting ---------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)  # letters/digits, one inner apostrophe
_APOSTROPHE_WORD = re.compile(r"[\w'’]+")
_POSSESSIVE = re.compile(r"['’]s?$")
NON_WORD = re.compile(r"[\W_]+", re.UNICODE)  # what separates words when text is normalised


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` in order (apostrophes normalised to ``'``)."""
    return [word.replace("’", "'") for word in _WORD.findall(text.lower())]


def bare_words(text: str) -> set[str]:
    """The distinct lower-cased words of ``text``, possessive endings stripped (``Iran's`` ->
    ``iran``): the vocabulary of question terms and of their coverage in a passage."""
    found = set(_APOSTROPHE_WORD.findall(text.lower()))
    with_apostrophe = {word for word in found if "'" in word or "’" in word}
    return (found - with_apostrophe) | {_POSSESSIVE.sub("", word) for word in with_apostrophe}


# --- datelines ("BRUSSELS (Reuters) -") -------------------------------------------------------

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_PLACE_WORD = r"[A-ZÀ-ÖØ-Þ][\w.'’\-/]*"
_PLACE = rf"(?P<place>{_PLACE_WORD}(?:[ \t]+{_PLACE_WORD}){{0,3}})"
_REGION = rf"(?P<region>{_PLACE_WORD}(?:[ \t]+{_PLACE_WORD}){{0,2}})"
_DATE = (
    rf"(?:(?P<month>{_MONTH})[ \t]+(?P<day>\d{{1,2}})(?:,?[ \t]+(?P<year>\d{{4}}))?"
    rf"|(?P<day2>\d{{1,2}})[ \t]+(?P<month2>{_MONTH})(?:[ \t]+(?P<year2>\d{{4}}))?)"
)
_OUTLET = r"\((?P<outlet>[A-Z][A-Za-z&.'’ \-]{0,38}[A-Za-z.])\)"
_DASH = r"(?:--?|–|—)"

# Parsing a story's dateline (place, region, date and outlet as named groups):
# "WASHINGTON, March 3 (AP) —", "SAN JUAN, Puerto Rico (AP) —" ...
DATELINE = re.compile(
    rf"^[ \t]*\**{_PLACE}(?:,[ \t]+{_REGION})??(?:,[ \t]+{_DATE})?\**"
    rf"[ \t]*{_OUTLET}[ \t]*{_DASH}[ \t]*"
)
# ... or a bare "(CNN)" opening the body.
OUTLET_DATELINE = re.compile(rf"^[ \t]*{_OUTLET}[ \t]*(?:{_DASH}[ \t]*)?(?=\S)")
# Loosely, to strip from a body before fingerprinting it: any short text, an outlet in
# parentheses and a dash, or a bare "(CNN)" (changing it changes every fingerprint).
_ANY_OUTLET = r"\([A-Za-z][A-Za-z&.'’ \-]{0,38}\)"
DATELINE_PREFIX = re.compile(
    rf"^\s*(?:[^\n()]{{1,80}}?\s*{_ANY_OUTLET}\s*{_DASH}|{_ANY_OUTLET}\s*{_DASH}?)\s*"
)
# Strictly, to strip from a quoted first sentence: an upper-case place, "(outlet)", dashes.
SENTENCE_DATELINE = re.compile(
    r"^[A-Z][A-Z .,'/-]*(?:,\s*[A-Z][\w .'-]*)?\s*\([^)]{1,40}\)\s*[-–—]+\s*"
)
