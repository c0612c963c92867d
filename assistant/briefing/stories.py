"""Articles grouped into stories: syndicated copies (catalog links) and near-duplicate reports.

Copies linked by the catalog (``canonical_id``) are already folded into their canonical article
(its ``copies``). Reports of the same event by different outlets are joined when the cosine
similarity of their article vectors (the stored first-chunk vectors) reaches ``threshold``
(single link, union-find). A second pass joins stories the vectors left apart (a missing vector,
a lede that differs in its second half) when two of their articles have the same title after
normalisation or first lede sentences sharing most of their content words. Each story gets a
stable id (its earliest article's id).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from assistant.text import content_stems, split_sentences
from index.reader import PeriodArticle
from index.text import MONTH_PATTERN

__all__ = ["Story", "best_sentence", "group_stories", "lede_sentences", "relevance"]

# A wire dateline at the start of a lede ("BRUSSELS (Reuters) -", "LAGOS (AP) —").
# (A copy of the pattern that assistant/text.py is to hold for the whole project.)
_DATELINE = re.compile(
    r"^[A-Z][A-Z .,'/-]*(?:,\s*[A-Z][\w .'-]*)?\s*\([^)]{1,40}\)\s*[-–—]+\s*"
    r"|^\([A-Za-z .]{2,30}\)\s*[-–—]*\s*"
    r"|^[A-Z][A-Z.'-]+(?:\s[A-Z][A-Z.'-]+)*(?:,\s*[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)?)?\s+[-–—]+\s+"
)
_NOTE = re.compile(r"^(?:editor'?s|editors’|author'?s)\s+note\b", re.IGNORECASE)
# A page's note that is no part of the story ("This story was updated with new information.",
# "This story contains graphic descriptions ...", "Special to the Rockford Register Star").
_PAGE_NOTE = re.compile(
    r"^(?:this\s+(?:story|article|post|page)\s+(?:was|has\s+been|is\s+being|will\s+be)\s+"
    r"updated\b|this\s+(?:story|article)\s+contains\s+(?:graphic|disturbing|sensitive)\b|"
    r"special\s+to\s+the\s+\S)",
    re.IGNORECASE,
)
# A label before the lede's first sentence ("AI-assisted summary Conservative activist ...").
_LABEL = re.compile(r"^AI-assisted\s+summary\b\s*:?\s*", re.IGNORECASE)
# A newsletter promotion ("... Watch Party newsletter has ... Sign up now ...").
_PROMO = re.compile(r"\bnewsletters?\b.*\b(?:sign\s+up|subscribe)\b", re.IGNORECASE)
# Second pass: same-title or same-lede stories (content words, Jaccard >= LEDE_OVERLAP).
LEDE_OVERLAP = 0.6
_MIN_TITLE_STEMS = 3  # a shorter title ("Live updates") joins nothing
_MIN_LEDE_STEMS = 8  # nor does a short first sentence
_TITLE_PUNCTUATION = re.compile(r"[^\w\s]+")
# A page's time stamp before the lede ("Updated Jan. 9, 2025, 4:02 p.m. ET", "June 9, 2025").
_MONTH = rf"{MONTH_PATTERN}\.?"
_STAMP = re.compile(
    rf"^\s*(?:(?:Updated|Published|Posted)\s*:?\s+)?{_MONTH}\s+\d{{1,2}},\s+\d{{4}}"
    r"(?:,?\s+(?:at\s+)?\d{1,2}:\d{2}\s*[ap]\.?m\.?(?:\s+[A-Z]{2,4}\b)?"
    r"|(?=[ \t]*(?:\n|$|Updated\b|Published\b)))[\s,.;|-]*"
)
_MIN_WORDS = 6


@dataclass(frozen=True)
class Story:
    """Articles that report one story, oldest first."""

    story_id: str
    articles: tuple[PeriodArticle, ...]

    @property
    def outlets(self) -> list[str]:
        """Every outlet that ran the story (its own articles and their copies), first seen first."""
        names: dict[str, str] = {}
        for article in self.articles:
            for outlet in [article.outlet, *(outlet for outlet, _ in article.copies)]:
                if outlet and outlet.lower() not in names:
                    names[outlet.lower()] = outlet
        return list(names.values())

    @property
    def reports(self) -> int:
        """Articles including syndicated copies."""
        return sum(1 + len(article.copies) for article in self.articles)

    @property
    def coverage(self) -> float:
        """How much coverage the story got: outlets first, then reports (log-damped)."""
        return len(self.outlets) + 0.5 * math.log1p(self.reports)

    @property
    def latest(self) -> datetime | None:
        """Publication time of the newest dated article."""
        dated = [article.published for article in self.articles if article.published]
        return max(dated) if dated else None


def group_stories(
    articles: Sequence[PeriodArticle], vectors: np.ndarray | None, threshold: float
) -> list[Story]:
    """``articles`` grouped into stories; ``vectors`` (one unit row per article) may be None."""
    parent = list(range(len(articles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if vectors is not None and len(articles) > 1:
        similarity = vectors @ vectors.T
        rows, cols = np.nonzero(np.triu(similarity, k=1) >= threshold)
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            parent[find(i)] = find(j)
    for i, j in _same_reports(articles):
        parent[find(i)] = find(j)
    groups: dict[int, list[PeriodArticle]] = {}
    for i, article in enumerate(articles):
        groups.setdefault(find(i), []).append(article)
    stories = []
    for members in groups.values():
        members.sort(key=_date_key)
        stories.append(Story(members[0].article_id, tuple(members)))
    return stories


def lede_sentences(article: PeriodArticle) -> list[str]:
    """The lede's sentences, without time stamps, dateline, bylines, editor's and page notes.

    Paragraphs shorter than a sentence (a byline, "Reuters", a label) are skipped; a very short
    first sentence joins the next. Falls back on the title.
    """
    text = article.lede.strip()
    while (stamp := _STAMP.match(text)) and stamp.end():
        text = text[stamp.end() :]
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    kept = [p for p in paragraphs if len(p.split()) >= _MIN_WORDS and not _is_note(p)]
    sentences: list[str] = []
    for paragraph in kept:
        if not sentences:
            paragraph = _DATELINE.sub("", _LABEL.sub("", paragraph, count=1), count=1)
        sentences += [
            s.strip() for s in split_sentences(paragraph) if s.strip() and not _PAGE_NOTE.match(s)
        ]
    if len(sentences) > 1 and len(sentences[0].split()) < _MIN_WORDS:
        sentences[:2] = [f"{sentences[0]} {sentences[1]}"]
    return sentences or [article.title]


def best_sentence(story: Story, topic: str = "") -> tuple[PeriodArticle, str]:
    """The story's most representative lede sentence and its article.

    Among the first lede sentences of the story's articles: the one sharing most words with the
    others (and with ``topic``), the earliest on ties.
    """
    firsts = [(article, lede_sentences(article)[0]) for article in story.articles]
    if len(firsts) == 1 and not topic:
        return firsts[0]
    stems = [content_stems(sentence) for _, sentence in firsts]
    wanted = content_stems(topic)
    best, best_score = 0, -1.0
    for i, own in enumerate(stems):
        shared = sum(
            len(own & other) / (len(own | other) or 1) for j, other in enumerate(stems) if j != i
        )
        score = shared + 2.0 * (len(own & wanted) / (len(wanted) or 1))
        if score > best_score + 1e-9:
            best, best_score = i, score
    return firsts[best]


def relevance(story: Story, topic: str) -> float:
    """Share of the topic's content words found in one article's title and lede (best article)."""
    wanted = content_stems(topic)
    if not wanted:
        return 1.0
    return max(
        len(wanted & content_stems(f"{article.title} {article.lede}")) / len(wanted)
        for article in story.articles
    )


def _is_note(paragraph: str) -> bool:
    """An editor's or page note, a newsletter promotion or a time stamp after the byline."""
    stamp = _STAMP.match(paragraph)
    return bool(
        _NOTE.match(paragraph)
        or _PAGE_NOTE.match(paragraph)
        or _PROMO.search(paragraph)
        or (stamp and stamp.end() == len(paragraph))
    )


def _same_reports(articles: Sequence[PeriodArticle]) -> list[tuple[int, int]]:
    """Pairs of articles with the same normalised title, or first lede sentences sharing at
    least ``LEDE_OVERLAP`` of their content words (both long enough to tell)."""
    pairs: list[tuple[int, int]] = []
    by_title: dict[str, int] = {}
    ledes: list[tuple[int, set[str]]] = []
    postings: dict[str, list[int]] = {}
    for i, article in enumerate(articles):
        title = " ".join(_TITLE_PUNCTUATION.sub(" ", article.title.lower()).split())
        if len(content_stems(title)) >= _MIN_TITLE_STEMS:
            if title in by_title:
                pairs.append((by_title[title], i))
            else:
                by_title[title] = i
        stems = content_stems(lede_sentences(article)[0])
        if len(stems) < _MIN_LEDE_STEMS:
            continue
        candidates = {k for stem in stems for k in postings.get(stem, ())}
        for k in sorted(candidates):
            other = ledes[k][1]
            if len(stems & other) / len(stems | other) >= LEDE_OVERLAP:
                pairs.append((ledes[k][0], i))
        for stem in stems:
            postings.setdefault(stem, []).append(len(ledes))
        ledes.append((i, stems))
    return pairs


def _date_key(article: PeriodArticle) -> tuple[int, float, str]:
    if article.published is None:
        return (1, 0.0, article.article_id)
    return (0, article.published.timestamp(), article.article_id)
