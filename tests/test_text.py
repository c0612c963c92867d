"""Sentences, content words and citation markers."""

from __future__ import annotations

from assistant.text import (
    SentenceStream,
    citation_numbers,
    content_stems,
    split_sentences,
    strip_markers,
)


def test_split_sentences_keeps_abbreviations_and_trailing_citations():
    text = (
        "U.S. and Russian mediators met Mr. Ischinger. Talks failed. [1] [2] Next step?\n- A list"
    )
    assert split_sentences(text) == [
        "U.S. and Russian mediators met Mr. Ischinger.",
        "Talks failed.[1] [2]",
        "Next step?",
        "A list",
    ]


def test_split_sentences_of_joined_chunks():
    text = "First chunk ends here.\n...\nSecond chunk. ... And more."
    assert split_sentences(text) == ["First chunk ends here.", "Second chunk.", "And more."]


def test_sentence_stream_waits_for_the_next_sentence_and_its_citations():
    stream = SentenceStream()
    assert list(stream.feed("The deadline is December 10.")) == []
    assert list(stream.feed(" [1")) == []
    assert list(stream.feed("] Serbia")) == ["The deadline is December 10.[1]"]
    assert list(stream.feed(" objects [1].")) == []
    assert list(stream.flush()) == ["Serbia objects [1]."]


def test_text_helpers():
    assert citation_numbers("a [1] b [2, 3] c [Source 4] d [2007-11-27]") == [1, 2, 3, 4]
    assert content_stems("The talks were held in Brussels on December 10") == {
        "talk", "held", "brusse", "decemb", "10"
    }  # fmt: skip
    assert strip_markers("Talks failed [2] today [1, 3].") == ([2, 1, 3], "Talks failed today.")
