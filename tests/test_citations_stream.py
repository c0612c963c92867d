"""Citation verification of a streamed answer: cut off by the token budget, finished when its
last sentence is whole, and a bare answer the model stops on, checked with the question."""

from __future__ import annotations

import pytest

from assistant.citations import CitationVerifier
from assistant.claims import is_complete
from assistant.prompts import NOT_COVERED
from assistant.text import SentenceStream
from tests.fixtures.answering.sources import three_sources


@pytest.fixture
def sources():
    return three_sources()


class _Budget:
    """A fake model stream that stops after ``tokens`` words, as a token budget would."""

    def __init__(self, text: str, tokens: int) -> None:
        self.pieces = [word + " " for word in text.split()][:tokens]

    def stream(self):
        yield from self.pieces


def _verify_stream(pieces, sources, question=""):
    stream, verifier = SentenceStream(), CitationVerifier(sources, question=question)
    shown = [verifier.add(s) for piece in pieces for s in stream.feed(piece)]
    shown += [verifier.add(s) for s in stream.flush()]
    shown.append(verifier.close())
    result = verifier.result()
    assert "".join(shown) == result.text
    return result


@pytest.mark.parametrize(
    ("answer", "tokens"),
    [
        ("The ECB kept its rate at 4 percent [2]. The deadline for a deal is December 10 [1].", 16),
        ('The ECB kept its rate at 4 percent [2]. Trichet said "risks to inflation remained', 15),
        ("The ECB kept its rate at 4 percent [2]. Serbian and Kosovo leaders meet on [1]", 15),
        ("The ECB kept its rate at 4 percent [2]. Serbian and Kosovo leaders meet on [1]", 16),
    ],
)
def test_a_fragment_cut_off_mid_sentence_is_dropped(sources, answer, tokens):
    result = _verify_stream(_Budget(answer, tokens).stream(), sources)
    assert result.text == "The ECB kept its rate at 4 percent [2]."
    assert [c.n for c in result.citations] == [2]


def test_a_complete_last_sentence_without_a_full_stop_is_finished(sources):
    result = _verify_stream(["The ECB kept its rate ", "at 4 percent [2]"], sources)
    assert result.text == "The ECB kept its rate at 4 percent [2]."


def test_a_line_without_a_full_stop_followed_by_more_text_is_kept(sources):
    result = _verify_stream(
        ["The ECB kept its rate at 4 percent\n", "About 600 workers were flown to shore."], sources
    )
    assert result.text == (
        "The ECB kept its rate at 4 percent [2]. About 600 workers were flown to shore [3]."
    )


def test_a_cut_off_only_sentence_is_not_covered(sources):
    result = _verify_stream(
        ["Serbian and Kosovo leaders meet to reach a deal by December"], sources
    )
    assert (result.text, result.covered) == (NOT_COVERED, False)


@pytest.mark.parametrize(
    ("text", "complete"),
    [
        ("Police moved to arrest Ms Park on March", False),
        ("The railway will cut freight by", False),
        ('He said "we will not', False),
        ("The ECB kept its rate at 4 percent", True),
    ],
)
def test_is_complete(text, complete):
    assert is_complete(text) is complete


def test_a_bare_answer_the_model_stops_on_is_checked_with_the_question(sources):
    company = "Oil workers were taken off three platforms in a storm. Which company was it?"
    result = _verify_stream(["Stat", "oil"], sources, question=company)
    assert (result.text, result.covered) == ("Statoil [3].", True)
    # the same bare word where the question's story is not in the sources: not support
    world_cup = "Who won the 2006 football World Cup?"
    assert _verify_stream(["Serbia"], sources, question=world_cup).covered is False
