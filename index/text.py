"""The one home of text analysis shared by the index and the assistant: stopword lists, word
splitting, the sentence splitter (nupunkt), the stemmer (Snowball English over lemminflect's
verb lemmas), month and weekday names, and the dateline patterns.

It lives in ``index`` (the lower layer, which never imports ``assistant``); the answer-side
helpers in ``assistant/text.py`` (sentences, ``[n]`` markers) build on it. Each stopword list
serves one purpose and is built from the same English base, so they differ only where the
purpose does.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nupunkt
import Stemmer

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
_INITIALISM = re.compile(r"\b(?:[^\W\d_]\.){2,}")  # "U.S.", "U.N.", "D.C."


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` in order (apostrophes normalised to ``'``; an initialism
    with full stops is one word: "U.S." is ``us`` as "US" is)."""
    text = _INITIALISM.sub(lambda match: match.group(0).replace(".", ""), text)
    return [word.replace("’", "'") for word in _WORD.findall(text.lower())]


def bare_words(text: str) -> set[str]:
    """The distinct lower-cased words of ``text``, possessive endings stripped (``Iran's`` ->
    ``iran``): the vocabulary of question terms and of their coverage in a passage."""
    found = set(_APOSTROPHE_WORD.findall(text.lower()))
    with_apostrophe = {word for word in found if "'" in word or "’" in word}
    return (found - with_apostrophe) | {_POSSESSIVE.sub("", word) for word in with_apostrophe}


# --- sentences ----------------------------------------------------------------------------------

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
# The rule layer over nupunkt: a lower-case word of three letters or more, a full stop and a
# capitalised word is a sentence boundary ("... the Albanian south. Police said ..."), which
# nupunkt sometimes misses; lower-case abbreviations are the exceptions.
_MISSED_BOUNDARY = re.compile(
    r"(?<![\w.])(?!(?:etc|approx|incl|esp|est|vs|viz|ibid)\.)[a-z]{3,}[.!?][\"'”’)]*(\s+)(?=[\"“'(]?[A-Z])"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, whitespace-trimmed (nupunkt, and a rule
    for boundaries it misses); a paragraph break (a blank line) always ends a sentence. The one
    sentence splitter of Newsdesk."""
    spans: list[tuple[int, int]] = []
    paragraph_start = 0
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        paragraph_end = match.start() if match else len(text)
        paragraph = text[paragraph_start:paragraph_end]
        if paragraph.strip():
            for start, end in nupunkt.sent_spans(paragraph):
                piece = paragraph[start:end]
                stripped = piece.strip()
                if stripped:
                    left = paragraph_start + start + len(piece) - len(piece.lstrip())
                    spans.extend(_split_missed(stripped, left))
        if match:
            paragraph_start = match.end()
    return spans


def _split_missed(sentence: str, offset: int) -> list[tuple[int, int]]:
    """``sentence`` (at ``offset``) cut at the boundaries nupunkt missed."""
    spans, start = [], 0
    for match in _MISSED_BOUNDARY.finditer(sentence):
        spans.append((offset + start, offset + match.start(1)))
        start = match.end(1)
    spans.append((offset + start, offset + len(sentence)))
    return spans


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (see :func:`sentence_spans`)."""
    return [text[start:end] for start, end in sentence_spans(text)]


# --- stems ------------------------------------------------------------------------------------

_STEMMER = Stemmer.Stemmer("english")


def snowball_stems(words: list[str]) -> list[str]:
    """The plain Snowball (Porter 2) English stems of lower-cased words, in one call: the
    keyword index's stored terms (``index.stores.keyword_terms``), which keep no verb lemmas."""
    stems: list[str] = _STEMMER.stemWords(words)
    return stems


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem of a lower-cased word, a word that can only be a
    verb form stemmed as its lemma ("kept" as "keep", "won" as "win": :func:`verb_lemma`);
    numbers stay as they are and a possessive ``'s`` is dropped. The one stemmer of Newsdesk."""
    if word.endswith("'s"):
        word = word[:-2]
    if not word.isalpha():
        return word
    return str(_STEMMER.stemWord(verb_lemma(word)))


def verb_lemma(word: str) -> str:
    """The dictionary lemma of a lower-cased word whose only reading is a verb form (lemminflect:
    "kept" -> "keep", "won" -> "win", "flew" -> "fly"), so a question's "did ... keep" meets a
    story's "kept"; a word that can also be a noun or an adjective ("left", "saw", "rose",
    "born") stays as it is. lemminflect loads its tables (~0.4 s) on the first call."""
    from lemminflect import getAllLemmas

    readings = getAllLemmas(word)
    if set(readings) == {"VERB"}:
        return str(readings["VERB"][0])
    return word


def content_stems(text: str) -> set[str]:
    """Stems of the content words of ``text`` (:data:`CONTENT_STOPWORDS` left out)."""
    return {stem(word) for word in words(text) if word not in CONTENT_STOPWORDS}


# --- calendar names ---------------------------------------------------------------------------

MONTH_NAMES: tuple[str, ...] = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
"""Month names (lower case), January first."""
MONTHS: dict[str, int] = {
    name: number
    for number, full in enumerate(MONTH_NAMES, start=1)
    for name in (full, full[:3], *(("sept",) if number == 9 else ()))
}
"""Month names and abbreviations (lower case) -> month number."""
WEEKDAYS: tuple[str, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)  # fmt: skip
"""Weekday names, Monday first (``date.weekday()`` order)."""
MONTH_PATTERN = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
"""A month name or abbreviation, as written (match case-insensitively for lower case)."""

# --- datelines ("BRUSSELS (Reuters) -") -------------------------------------------------------

_MONTH = rf"{MONTH_PATTERN}\.?"
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
