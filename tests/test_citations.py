"""Citation verification: wrong, dangling and missing [n]; unsupported sentences; not covered."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from assistant.citations import CitationVerifier, verify_citations
from assistant.claims import is_not_covered
from assistant.prompts import NOT_COVERED
from assistant.text import citation_numbers
from tests.fixtures.answering.sources import make_source, three_sources

LEDE = (
    "Serbian and Kosovo Albanian leaders meet on Tuesday to try to reach a compromise over the "
    "breakaway province as a December 10 deadline for a deal draws near."
)


@pytest.fixture
def sources():
    return three_sources()


def test_a_correct_citation_is_kept_with_its_supporting_snippet(sources):
    text, citations, covered = verify_citations(
        "The deadline for a deal is December 10 [1].", sources
    )
    assert (text, covered) == ("The deadline for a deal is December 10 [1].", True)
    assert [(c.n, c.article_id) for c in citations] == [(1, "kosovo")]
    assert citations[0].snippet == LEDE
    assert citations[0].title == "New bid to break Kosovo stalemate as deadline nears"


def test_a_wrong_citation_moves_to_the_source_that_supports_the_sentence(sources):
    text, citations, _ = verify_citations("The deadline for a deal is December 10 [2].", sources)
    assert text == "The deadline for a deal is December 10 [1]."
    assert [c.article_id for c in citations] == ["kosovo"]


def test_a_number_that_points_nowhere_is_dropped(sources):
    text, citations, _ = verify_citations("The deal deadline is December 10 [7][1].", sources)
    assert text == "The deal deadline is December 10 [1]."
    assert [c.article_id for c in citations] == ["kosovo"]


def test_an_uncited_sentence_is_attributed_to_its_source(sources):
    text, citations, covered = verify_citations(
        "The ECB kept its main interest rate at 4 percent.", sources
    )
    assert text == "The ECB kept its main interest rate at 4 percent [2]."
    assert covered
    assert citations[0].article_id == "ecb"
    assert citations[0].snippet.startswith("The European Central Bank kept its main interest")


def test_numbers_are_the_source_numbers_and_citations_follow_first_use(sources):
    text, citations, _ = verify_citations(
        "The ECB kept its rate at 4 percent [2]. Kosovo faces a December 10 deadline [1]. "
        "Serbia calls the December 10 date artificial [1].",
        sources,
    )
    assert text == (
        "The ECB kept its rate at 4 percent [2]. Kosovo faces a December 10 deadline [1]. "
        "Serbia calls the December 10 date artificial [1]."
    )
    assert [(c.n, c.article_id) for c in citations] == [(2, "ecb"), (1, "kosovo")]
    assert "artificial deadline" in citations[1].snippet  # both supporting sentences


def test_a_sentence_no_source_supports_is_removed(sources):
    text, citations, covered = verify_citations(
        "The deadline is December 10 [1]. The moon landing was staged in Hollywood studios [1].",
        sources,
    )
    assert text == "The deadline is December 10 [1]."
    assert covered and len(citations) == 1


def test_a_wrong_number_in_the_sentence_is_not_supported(sources):
    text, citations, covered = verify_citations("The deadline is December 12 [1].", sources)
    assert (text, citations, covered) == (NOT_COVERED, [], False)


def test_an_answer_nothing_supports_becomes_the_not_covered_reply(sources):
    answer = "Paris won the bid to host the Olympics [1]. The vote was unanimous [2]."
    assert verify_citations(answer, sources) == (NOT_COVERED, [], False)


@pytest.mark.parametrize(
    "answer",
    [
        NOT_COVERED,
        "The sources do not mention who won the election.",
        "I don't know.",
        "There is no information about the election in the articles [2].",
    ],
)
def test_the_model_saying_it_does_not_know_gives_the_not_covered_reply(sources, answer):
    assert verify_citations(answer, sources) == (NOT_COVERED, [], False)


def test_the_not_covered_sentence_first_stops_the_answer(sources):
    verifier = CitationVerifier(sources)
    assert verifier.add(NOT_COVERED) == ""
    assert verifier.stopped
    assert verifier.add("The deadline is December 10 [1].") == ""
    assert verifier.close() == NOT_COVERED
    assert not verifier.result().covered


def test_repeated_sentences_appear_once(sources):
    text, _, _ = verify_citations(
        "The deadline is December 10 [1]. The deadline is December 10 [1].", sources
    )
    assert text == "The deadline is December 10 [1]."


def test_sentences_without_content_words_wait_for_a_supported_one(sources):
    verifier = CitationVerifier(sources)
    assert verifier.add("Yes.") == ""
    assert verifier.add("The deadline is December 10.") == "Yes. The deadline is December 10 [1]."
    assert verifier.close() == ""
    assert verify_citations("Yes.", sources)[0] == NOT_COVERED


def test_streamed_pieces_add_up_to_the_final_text(sources):
    verifier = CitationVerifier(sources)
    pieces = [
        verifier.add(sentence)
        for sentence in [
            "Yes, it did.",
            "The ECB kept its rate at 4 percent [3].",
            "Unicorns rule the North Sea.",
            "About 600 workers were flown to shore.",
        ]
    ]
    pieces.append(verifier.close())
    result = verifier.result()
    assert "".join(pieces) == result.text
    assert result.text == (
        "Yes, it did. The ECB kept its rate at 4 percent [2]. "
        "About 600 workers were flown to shore [3]."
    )


def test_the_embedding_decides_between_the_thresholds(sources):
    # Half of the content words are in the ECB story: not enough on their own.
    sentence = "The ECB left borrowing costs unchanged at 4 percent amid inflation worries."
    assert verify_citations(sentence, sources)[2] is False
    assert verify_citations(sentence, sources, embedder=_SameVector())[1][0].article_id == "ecb"


class _SameVector:
    """An embedder for which every text is the same point: similarity 1."""

    def embed(self, texts):
        return np.ones((len(texts), 4), dtype=np.float32) / 2.0


def test_a_short_fragment_is_checked_together_with_the_question(sources):
    deadline = "What is the deadline for a deal on Kosovo?"
    assert verify_citations("December 10.", sources, question=deadline)[0] == "December 10 [1]."
    # "Serbia" is in the Kosovo story, but the story says nothing about football.
    world_cup = "Who won the 2006 football World Cup?"
    assert verify_citations("Serbia.", sources, question=world_cup)[2] is False
    assert verify_citations("Serbia.", sources)[2] is True


def test_an_unsupported_trailing_clause_is_cut(sources):
    text, _, covered = verify_citations(
        "Kosovo Albanian leaders meet on Tuesday, a day after the deal was signed in Paris [1].",
        sources,
    )
    assert (text, covered) == ("Kosovo Albanian leaders meet on Tuesday [1].", True)


def test_a_supported_sentence_that_sounds_like_a_refusal_is_kept(sources):
    sentence = "Serbia did not say it accepts the December 10 deadline."
    assert is_not_covered(sentence)
    text, _, covered = verify_citations(sentence, sources)
    assert covered and text == "Serbia did not say it accepts the December 10 deadline [1]."


def test_refusals_are_recognised():
    assert is_not_covered("The articles don't say.")
    assert not is_not_covered("Serbia rejects the deadline.")


def test_an_invented_short_clause_is_cut(sources):
    text, _, _ = verify_citations(
        "Serbia rejects the December 10 date, the capital of Peru.", sources
    )
    assert text == "Serbia rejects the December 10 date [1]."


# -- a card never mixes two articles ---------------------------------------------------------


def test_each_citation_names_its_source_and_quotes_only_that_source(sources):
    """Reproduces card [1] showing one article's title with another article's passage: the
    answer cited source 3 first, the citation was renumbered [1] and the page put it on the
    card of source 1."""
    text, citations, _ = verify_citations(
        "About 600 workers were flown to shore [3]. The ECB kept its rate at 4 percent [2].",
        sources,
    )
    by_n = {source.n: source for source in sources}
    assert citation_numbers(text) == [3, 2]
    for citation in citations:
        source = by_n[citation.n]
        assert (citation.article_id, citation.title, citation.source) == (
            source.article_id,
            source.title,
            source.source,
        )
        for passage in citation.snippet.split(" … "):
            assert passage in source.text or passage == source.title


def test_the_page_shows_each_card_with_its_own_articles_passage(sources):
    from assistant.answer import Answer
    from assistant.webui.conversation import finish_turn

    syndicated = replace(sources[2], also_in=("AP",))
    sources = [sources[0], sources[1], syndicated]
    text, citations, covered = verify_citations(
        "About 600 workers were flown to shore [3]. The ECB kept its rate at 4 percent [2].",
        sources,
    )
    turn = {"question": "q", "answer": "", "status": "streaming"}
    finish_turn(turn, Answer(text, citations, sources, "q", covered=covered), 1)
    cards = turn["cards"].split("</article>")[:-1]
    assert len(cards) == 2
    by_n = {source.n: source for source in sources}
    for card in cards:
        source = by_n[int(re.search(r"<span class='nd-num'>(\d+)</span>", card).group(1))]
        assert source.title in card
        marked = re.findall(r"<mark>(.*?)</mark>", card)
        assert marked and all(passage in source.text for passage in marked)
    assert "also in AP" in turn["cards"]
    assert {int(n) for n in re.findall(r"#nd-t1-s(\d+)", turn["rendered"])} == {2, 3}


# -- a cited sentence must not contradict its source -----------------------------------------


RESCUE = make_source(
    1,
    "Miners rescued",
    "All 42 workers trapped in the mine were rescued on Sunday. The mine reopens in May.",
    article_id="mine",
)


@pytest.mark.parametrize(
    "claim",
    [
        "500 workers were killed in the mine [1].",
        "42 workers were killed in the mine [1].",
        "The 42 workers trapped in the mine were not rescued on Sunday [1].",
        "The mine never reopens in May [1].",
    ],
)
def test_a_sentence_the_cited_text_contradicts_is_not_cited(claim):
    text, citations, covered = verify_citations(claim, [RESCUE])
    assert (text, citations, covered) == (NOT_COVERED, [], False)


def test_the_same_claim_stated_as_the_source_does_is_cited():
    text, _, covered = verify_citations("All 42 workers in the mine were rescued [1].", [RESCUE])
    assert covered and text == "All 42 workers in the mine were rescued [1]."


def test_a_card_highlights_each_supporting_sentence_in_its_article(sources):
    from assistant.webui.render import claims_citing, source_card

    text, citations, _ = verify_citations(
        "Serbia rejects the December 10 date [1]. The United States backs Kosovo independence [1].",
        sources,
    )
    card = source_card(sources[0], citations[0], 1, claims_citing(text, 1))
    marked = re.findall(r"<mark>(.*?)</mark>", card)
    assert marked == [
        "Serbia rejects the December 10 date as an artificial deadline.",
        "The United States backs Kosovo independence.",
    ]


def test_the_snippet_is_the_sentence_with_the_claims_distinctive_words():
    text = (
        "President Joe Biden has declared today a national day of mourning following the death "
        "of former President Jimmy Carter. Biden delivered a eulogy at Carter's service in "
        "Washington on Thursday. Former President Jimmy Carter died at 100, and President Joe "
        "Biden paid tribute to former President Jimmy Carter."
    )
    source = make_source(1, "Jimmy Carter's funeral", text, article_id="carter")
    _, citations, covered = verify_citations(
        "President Joe Biden delivered a eulogy at former President Jimmy Carter's funeral [1].",
        [source],
    )
    assert covered
    assert citations[0].snippet.startswith("Biden delivered a eulogy")


def test_an_answer_worded_differently_is_kept_when_its_source_holds_the_item_asked() -> None:
    from assistant.citations import verify_citations
    from tests.fixtures.answering.sources import make_source

    source = make_source(
        1,
        "Estate changes hands",
        "Longwood Gardens will take over the Granogue estate, the du Pont family said on Friday.",
    )
    question = "What is the new owner of the historic du Pont estate Granogue?"
    answer = "The new owner of the historic Granogue property is Longwood Gardens [1]."
    text, citations, covered = verify_citations(answer, [source], question=question)
    assert covered and "Longwood Gardens" in text and citations[0].n == 1
    # the same wording with an item the source does not hold is still dropped
    wrong = "The new owner of the historic Granogue property is Winterthur Museum [1]."
    assert not verify_citations(wrong, [source], question=question)[2]


@pytest.mark.parametrize(
    ("answer", "covered"),
    [
        ("Statoil employs them.", True),
        ("They are employed by Statoil.", True),
        ("The company that shut the platforms was Statoil.", True),
        ("Shell employs them.", False),  # what it adds is in no source
        ("The company that shut the platforms was the ECB.", False),  # not beside the story
    ],
)
def test_the_question_restated_around_its_answer_is_checked_with_the_question(
    sources, answer, covered
):
    company = "Oil workers were taken off three platforms in a storm. Which company employs them?"
    _, citations, is_covered = verify_citations(answer, sources, question=company)
    assert is_covered is covered
    assert [c.n for c in citations] == ([3] if covered else [])


def test_a_story_that_does_not_name_what_the_question_names_supports_no_answer() -> None:
    """The answer "10,000 jobs" from a story about another company is not the answer."""
    other = make_source(
        1, "Automaker trims staff", "Ford said on Monday it would cut 10,000 jobs in Europe."
    )
    named = make_source(
        2, "Carmaker trims staff", "Stellantis said on Monday it would cut 10,000 jobs in Europe."
    )
    question = "How many jobs will Stellantis cut in Europe?"
    answer = "The company will cut 10,000 jobs in Europe."
    assert not verify_citations(answer, [other], question=question)[2]
    _, citations, covered = verify_citations(answer, [other, named], question=question)
    assert covered and [c.n for c in citations] == [2]
    # the name's last word is enough ("President Donald Trump" -> "Trump"), and a setting the
    # question gives ("in the US") need not be spelled out
    trump = make_source(
        1, "Milk returns", "President Trump signed a bill allowing whole milk in school lunches."
    )
    question = "Which beverage is allowed in US school lunches after President Donald Trump signed?"
    assert verify_citations("Whole milk [1].", [trump], question=question)[2]
