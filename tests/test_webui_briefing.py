"""The web chat's dated lists: escaped text, [n] linked to the source cards."""

from __future__ import annotations

from datetime import UTC, datetime

from assistant.answer import Answer, BriefItem
from assistant.webui.briefing import briefing_example, render_items
from assistant.webui.render import card_id


def _answer(kind: str = "briefing", footer: str = "") -> Answer:
    items = [
        BriefItem(datetime(2025, 3, 10, tzinfo=UTC), "Leaders <b>agreed</b> quotas", [1], "s1"),
        BriefItem(None, "An undated explainer", [2], "s2"),
    ]
    text = "\n".join(["2025-03-10 — Leaders <b>agreed</b> quotas [1]", "undated — ... [2]"])
    return Answer(text + footer, [], [], "q", kind=kind, items=items)


def test_items_render_as_a_dated_list_linked_to_the_cards() -> None:
    page = render_items(_answer(), turn=3)
    assert page.count("<li") == 2
    assert "<time class='nd-brief-date'>2025-03-10</time>" in page
    assert "undated" in page
    assert f"href='#{card_id(3, 1)}'>[1]</a>" in page and f"href='#{card_id(3, 2)}'" in page
    assert "<b>" not in page and "&lt;b&gt;agreed&lt;/b&gt;" in page


def test_the_count_of_the_rest_is_shown() -> None:
    page = render_items(_answer(footer="\n... and 4 more stories in this period."), turn=0)
    assert "<p class='nd-brief-more'>... and 4 more stories in this period.</p>" in page


def test_fact_answers_render_no_list() -> None:
    assert render_items(Answer("text", [], [], "q"), turn=0) == ""


def test_the_example_question_is_offered_whenever_the_index_holds_dated_news() -> None:
    # An old index (the 2017 demo) answers "this week" with its last week, so it gets it too.
    assert briefing_example(datetime(2017, 3, 30, tzinfo=UTC)) == "What happened this week?"
    assert briefing_example(None) is None


def test_a_note_is_shown_above_the_list() -> None:
    answer = _answer()
    answer.note = "Your index ends on 30 March 2017; here is its last week."
    page = render_items(answer, turn=0)
    assert "<p class='nd-brief-note'>Your index ends on 30 March 2017;" in page
    assert page.index("nd-brief-note") < page.index("nd-brief-list")
