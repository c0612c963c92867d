"""Chunking: sentence-aware, token-bounded (header included), overlapping, deterministic ids."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise
from pathlib import Path

import pytest

from index.chunking import chunk_article, chunk_header
from index.fakes import FakeEmbedder
from index.models import Article

COUNT = FakeEmbedder().count_tokens


def _article(text: str, **fields: object) -> Article:
    values: dict[str, object] = {
        "id": "story-1",
        "title": "Talks resume in Brussels",
        "text": text,
        "source": "Reuters",
        "place": "BRUSSELS",
        "published": datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def _long_text(sentences: int = 60) -> str:
    """Numbered sentences of 9-14 words, in paragraphs of five."""
    lines = [
        f"Sentence number {n} says the envoys met again and talked "
        + " ".join(["further"] * (n % 6))
        + "."
        for n in range(sentences)
    ]
    return "\n\n".join(" ".join(lines[i : i + 5]) for i in range(0, sentences, 5))


def test_header_has_title_then_outlet_place_date_then_blank_line() -> None:
    article = _article("Body.")
    assert chunk_header(article) == "Talks resume in Brussels\nReuters · BRUSSELS · 2025-03-01\n\n"


def test_header_leaves_out_missing_parts_and_uses_the_stated_date() -> None:
    tokyo = timezone(timedelta(hours=9))
    late = _article(
        "Body.", source=None, place=None, published=datetime(2025, 3, 1, 23, 0, tzinfo=tokyo)
    )
    assert chunk_header(late) == "Talks resume in Brussels\n2025-03-01\n\n"
    bare = _article("Body.", source=None, place=None, published=None)
    assert chunk_header(bare) == "Talks resume in Brussels\n\n"
    assert chunk_header(_article("Body.", title="  Two\nlines ")).startswith("Two lines\n")


def test_every_chunk_is_header_plus_body_within_the_token_limit() -> None:
    article = _article(_long_text())
    chunks = chunk_article(article, COUNT, max_tokens=60, overlap=15)
    header = chunk_header(article)
    assert len(chunks) > 5
    for chunk in chunks:
        assert chunk.text == header + chunk.body
        assert COUNT(chunk.text) <= 60
        assert chunk.body in article.text
        assert chunk.article_id == article.id


def test_chunks_keep_sentence_boundaries_and_cover_the_whole_text() -> None:
    article = _article(_long_text())
    chunks = chunk_article(article, COUNT, max_tokens=60, overlap=15)
    for chunk in chunks:
        assert chunk.body.startswith("Sentence number")
        assert chunk.body.endswith(".")
    covered = " ".join(chunk.body for chunk in chunks)
    for n in range(60):
        assert f"Sentence number {n} " in covered


def test_consecutive_chunks_overlap_by_whole_trailing_sentences() -> None:
    article = _article(_long_text())
    chunks = chunk_article(article, COUNT, max_tokens=60, overlap=15)
    for before, after in pairwise(chunks):
        first_sentence = re.match(r"Sentence number \d+ [^.]*\.", after.body)
        assert first_sentence, after.body
        assert first_sentence.group() in before.body  # the next chunk starts inside the previous
        assert COUNT(first_sentence.group()) <= 15


def test_no_overlap_when_asked_for_none() -> None:
    chunks = chunk_article(_article(_long_text()), COUNT, max_tokens=60, overlap=0)
    numbers = [int(n) for chunk in chunks for n in re.findall(r"number (\d+)", chunk.body)]
    assert numbers == list(range(60))


def test_abbreviations_do_not_end_sentences() -> None:
    text = (
        "The U.S. Senate voted on Tuesday after a long debate. "
        "Mr. Smith said officials in Washington, D.C. were pleased with it. "
        "Shares of Apple Inc. rose 2.5% to $150.20 on Jan. 5 in New York. "
        "Dr. Jones declined to comment on the result."
    )
    chunks = chunk_article(_article(text), COUNT, max_tokens=25, overlap=0)
    bodies = [chunk.body for chunk in chunks]
    assert bodies[0] == "The U.S. Senate voted on Tuesday after a long debate."
    assert any(
        body.startswith("Mr. Smith said") and body.endswith("pleased with it.") for body in bodies
    )
    assert any(body.startswith("Shares of Apple Inc. rose") for body in bodies)
    assert not any(body.endswith(("U.S.", "Mr.", "Inc.", "D.C.", "Jan.")) for body in bodies)


def test_an_over_long_sentence_is_cut_at_words() -> None:
    text = " ".join(f"word{n}" for n in range(500)) + "."
    chunks = chunk_article(_article(text), COUNT, max_tokens=64, overlap=10)
    assert len(chunks) >= 8
    for chunk in chunks:
        assert COUNT(chunk.text) <= 64
        assert re.fullmatch(r"(word\d+ )*word\d+\.?", chunk.body)
    assert chunks[-1].body.endswith("word499.")


@pytest.mark.parametrize("text", ["", "   \n\n ", "Short.", "No full stop at all"])
def test_empty_or_short_article_gives_one_chunk(text: str) -> None:
    article = _article(text)
    (chunk,) = chunk_article(article, COUNT, max_tokens=220, overlap=30)
    assert chunk.index == 0
    assert chunk.body == text.strip()
    assert chunk.text == chunk_header(article) + text.strip()


def test_ids_are_deterministic_and_change_with_content() -> None:
    article = _article(_long_text(20))
    first = chunk_article(article, COUNT, max_tokens=60, overlap=15)
    again = chunk_article(article, COUNT, max_tokens=60, overlap=15)
    assert [chunk.id for chunk in first] == [chunk.id for chunk in again]
    assert first[0].id == f"story-1#{article.content_hash[:12]}#0"
    assert [chunk.index for chunk in first] == list(range(len(first)))
    edited = chunk_article(replace(article, text=article.text + " One more."), COUNT, 60, 15)
    assert not {chunk.id for chunk in first} & {chunk.id for chunk in edited}
    retitled = chunk_article(replace(article, title="New title"), COUNT, 60, 15)
    assert retitled[0].id != first[0].id


def test_each_sentence_is_counted_once(fake_embedder: FakeEmbedder) -> None:
    calls: list[str] = []

    def counting(text: str) -> int:
        calls.append(text)
        return fake_embedder.count_tokens(text)

    chunks = chunk_article(_article(_long_text(200)), counting, max_tokens=60, overlap=15)
    # one call per sentence and one for the header: linear in the article
    assert len(calls) == 200 + 1
    assert len(chunks) > 20


def test_the_seed_wire_story_chunks_within_limits(seed_story: Path) -> None:
    title, _, body = seed_story.read_text(encoding="utf-8").partition("\n")
    article = _article(body.strip(), title=title.strip())
    chunks = chunk_article(article, COUNT, max_tokens=120, overlap=20)
    assert len(chunks) >= 2
    assert all(COUNT(chunk.text) <= 120 for chunk in chunks)
    assert chunks[0].body.startswith("BRUSSELS (Reuters) -")
    assert all(chunk.text.startswith("New bid to break Kosovo stalemate") for chunk in chunks)
