"""Sources numbered in the order the answer first cites them, the same in text, cards and API."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from assistant.answer import Answer, BriefItem, Citation
from assistant.numbering import number_answer, numbered_stream
from assistant.webui.conversation import finish_turn
from tests.test_ui import Story, make_source

STORIES = [
    Story(
        f"Title of article {n}",
        "Reuters",
        datetime(2025, 3, n, tzinfo=UTC),
        f"Article {n} says thing {n} happened. It adds a detail about thing {n}.",
    )
    for n in range(1, 6)
]


def _answer() -> Answer:
    sources = [make_source(n, story) for n, story in enumerate(STORIES, start=1)]
    text = "Thing 5 happened [5]. Thing 3 happened too [3][5]."
    citations = [
        Citation.of(sources[4], "Article 5 says thing 5 happened."),
        Citation.of(sources[2], "Article 3 says thing 3 happened."),
    ]
    return Answer(text, citations, sources, "What happened?")


def test_cited_sources_are_numbered_by_first_citation_and_the_rest_follow() -> None:
    numbered = number_answer(_answer())

    assert numbered.text == "Thing 5 happened [1]. Thing 3 happened too [2][1]."
    assert [(c.n, c.title) for c in numbered.citations] == [
        (1, "Title of article 5"),
        (2, "Title of article 3"),
    ]
    assert [(s.n, s.title) for s in numbered.sources] == [
        (1, "Title of article 5"),
        (2, "Title of article 3"),
        (3, "Title of article 1"),
        (4, "Title of article 2"),
        (5, "Title of article 4"),
    ]
    for citation in numbered.citations:  # a citation's snippet is from its own article
        assert citation.snippet.startswith(citation.title.replace("Title of article", "Article"))


def test_streamed_deltas_and_final_answer_share_one_numbering() -> None:
    answer = _answer()
    parts = list(
        numbered_stream(["Thing 5 happened [5].", " Thing 3 happened too [3][5].", answer])
    )

    assert "".join(p for p in parts if isinstance(p, str)) == parts[-1].text


def test_items_of_a_list_answer_are_renumbered_with_the_text() -> None:
    answer = _answer()
    answer.kind = "briefing"
    answer.items = [BriefItem(None, "Thing 3", [3], "s3"), BriefItem(None, "Thing 5", [5], "s5")]
    answer.text = "undated — Thing 3 [3]\nundated — Thing 5 [5]"

    numbered = number_answer(answer)

    assert [item.citations for item in numbered.items] == [[1], [2]]
    assert numbered.sources[0].title == "Title of article 3"


def test_each_card_title_is_the_article_its_number_points_to() -> None:
    turn: dict = {"question": "What happened?", "answer": "", "status": "streaming"}
    finish_turn(turn, number_answer(_answer()), 1)

    cards = re.findall(
        r"<span class='nd-num'>(\d+)</span><div><div class='nd-title'>([^<]+)<", turn["cards"]
    )
    assert cards == [("1", "Title of article 5"), ("2", "Title of article 3")]
    consulted = re.findall(r"<span class='nd-num'>(\d+)</span>", turn["consulted"])
    assert consulted == ["3", "4", "5"]
    links = re.findall(r"\(#nd-t1-s(\d+)\)", turn["rendered"])
    assert links == ["1", "2", "1"]


def test_a_card_shows_each_passage_once_when_chunks_overlap() -> None:
    from dataclasses import replace

    from assistant.answer import RetrievedChunk
    from assistant.webui.render import card_text, source_card

    first = RetrievedChunk("a#0", "", "One starts. Two follows. Three overlaps here.", 1.0)
    second = RetrievedChunk("a#1", "", "Three overlaps here. Four ends it.", 1.0)
    far = RetrievedChunk("a#5", "", "Nine is far away.", 1.0)
    source = replace(make_source(1, STORIES[0]), chunks=(first, second, far))

    assert card_text(source) == (
        "One starts. Two follows. Three overlaps here. Four ends it. … Nine is far away."
    )
    citation = Citation.of(source, "Three overlaps here.")
    card = source_card(source, citation, 1)
    assert card.count("Three overlaps here.") == 1
