"""Sentences, content words and citation markers."""

from __future__ import annotations

import pytest

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
        "talk", "hold", "brussel", "decemb", "10"
    }  # fmt: skip


def test_one_snowball_stemmer_keeps_word_families_apart() -> None:
    from index.text import stem

    for left, right in [
        ("government", "governor"),
        ("department", "departure"),
        ("even", "evening"),
    ]:
        assert stem(left) != stem(right)
    assert stem("votes") == stem("voted") == stem("voting")
    assert stem("rallies") == stem("rallied")
    assert stem("Iran's".lower()) == "iran" and stem("2025") == "2025"


def test_a_past_form_meets_its_verb_and_a_word_with_other_readings_stays() -> None:
    from index.text import stem

    for past, verb in [("kept", "keep"), ("won", "win"), ("flew", "fly"), ("sold", "sell")]:
        assert stem(past) == stem(verb)
    for word, other in [("left", "leave"), ("saw", "see"), ("rose", "rise"), ("born", "bear")]:
        assert stem(word) != stem(other)  # a side, a tool, a flower, an adjective
    assert stem("media") == "media" and stem("news") == "news"


def test_the_keyword_index_keeps_plain_snowball_stems_from_the_one_stemmer() -> None:
    """Its terms are a stored format: the verb lemmas of ``stem`` do not reach them."""
    from index.stores.keyword_terms import terms
    from index.text import snowball_stems, stem

    assert snowball_stems(["kept", "running", "talks"]) == ["kept", "run", "talk"]
    assert terms("Kept running talks") == ["kept", "run", "talk"]
    assert stem("kept") == "keep"


def test_one_sentence_splitter_for_chunks_and_answers() -> None:
    from index.text import sentence_spans, sentences

    text = "Mr. Smith went to Washington. He met Dr. Jones.\n\nA new paragraph"
    assert sentences(text) == [
        "Mr. Smith went to Washington.",
        "He met Dr. Jones.",
        "A new paragraph",
    ]
    assert [text[a:b] for a, b in sentence_spans(text)] == sentences(text)
    assert strip_markers("Talks failed [2] today [1, 3].") == ([2, 1, 3], "Talks failed today.")


def test_stopword_lists_share_one_base_and_differ_by_purpose() -> None:
    from index.text import (
        CONTENT_STOPWORDS,
        ENGLISH_STOPWORDS,
        KEYWORD_STOPWORDS,
        QUERY_STOPWORDS,
        TIME_WORDS,
    )

    for purpose in (CONTENT_STOPWORDS, KEYWORD_STOPWORDS, QUERY_STOPWORDS):
        assert purpose > ENGLISH_STOPWORDS
    assert TIME_WORDS <= QUERY_STOPWORDS  # a question's time words are handled by its dates
    assert not TIME_WORDS & KEYWORD_STOPWORDS  # ... but "week" in a story is a word
    assert "yourself" in KEYWORD_STOPWORDS and "yourself" not in QUERY_STOPWORDS
    assert "told" in CONTENT_STOPWORDS and "told" not in KEYWORD_STOPWORDS


def test_bare_words_strip_possessives_once() -> None:
    from index.text import bare_words

    found = bare_words("Iran's and the Smiths’ deal, Iran")
    assert found == {"iran", "and", "the", "smiths", "deal"}
    assert bare_words("O'Neill") == {"o'neill"}


def test_citation_patterns_by_purpose() -> None:
    from assistant.text import BRACKETED_CITATION, CITATION_MARKER, CITATION_SPAN

    assert CITATION_MARKER.search("x [Source 2 and 3]").group(1) == "2 and 3"
    assert BRACKETED_CITATION.search("x [Source 2]") is None
    assert BRACKETED_CITATION.search("x [1, 2]").group(1) == "1, 2"
    assert CITATION_SPAN.sub("", "a [1-3] b [2]") == "a  b "


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("U.S. retailers", ["us", "retailers"]),
        ("in Washington, D.C., on", ["in", "washington", "dc", "on"]),
        ("the U.N. said", ["the", "un", "said"]),
        ("Mr. Smith", ["mr", "smith"]),  # one letter and a stop is not an initialism
        ("J. K. Rowling", ["j", "k", "rowling"]),
    ],
)
def test_an_initialism_with_full_stops_is_one_word(text: str, expected: list[str]) -> None:
    from index.text import content_stems, words

    assert words(text) == expected
    assert content_stems("U.S. retailers") == content_stems("US retailers")
