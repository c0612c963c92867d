"""Question kinds recognised from the wording, on a table of phrasings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.kinds import classify, resolve_kind
from index.errors import InvalidQuestion

AS_OF = datetime(2025, 3, 14, 12, tzinfo=UTC)

PHRASINGS = [
    # (question, kind, topic)
    ("What happened?", "briefing", ""),
    ("What happened last week?", "briefing", ""),
    ("What happened this week?", "briefing", ""),
    ("what's happening today", "briefing", ""),
    ("Top stories", "briefing", ""),
    ("What are the top stories today?", "briefing", ""),
    ("What were the headlines yesterday?", "briefing", ""),
    ("News about Norway this week", "briefing", "Norway"),
    ("What are the main stories about Norway this month?", "briefing", "Norway"),
    ("What happened in Norway this month?", "briefing", "Norway"),
    ("Catch me up", "briefing", ""),
    ("Catch me up on the rail strike", "briefing", "rail strike"),
    ("Give me a briefing on the economy", "briefing", "economy"),
    ("What's the latest news about Tesla?", "briefing", "Tesla"),
    ("How has the bridge story developed?", "timeline", "bridge"),
    ("How has the rail strike evolved since January?", "timeline", "rail strike"),
    ("What is the latest on the rail strike?", "timeline", "rail strike"),
    ("Latest on the rail strike", "timeline", "rail strike"),
    ("What happened with the rail strike since Monday?", "timeline", "rail strike"),
    ("Timeline of the Gaza ceasefire talks", "timeline", "Gaza ceasefire talks"),
    ("How did outlets report the summit?", "compare", "summit"),
    ("How did different outlets cover the Arctic summit?", "compare", "Arctic summit"),
    ("How was the summit covered by different outlets?", "compare", "summit"),
    ("Compare the coverage of the election", "compare", "election"),
    ("What happened to the Titanic submarine?", "fact", ""),
    ("What happened in the Senate vote on Tuesday?", "fact", ""),
    ("Who won the election?", "fact", ""),
    ("Which company made national headlines this week by debuting a new toy?", "fact", ""),
    ("What did the ECB decide about rates last week?", "fact", ""),
    ("How many people died in the floods?", "fact", ""),
]


@pytest.mark.parametrize(("question", "kind", "topic"), PHRASINGS)
def test_kind_and_topic_of_each_phrasing(question: str, kind: str, topic: str) -> None:
    found = classify(question, AS_OF)
    assert (found.kind, found.topic) == (kind, topic)


def test_an_explicit_kind_wins_and_keeps_the_topic() -> None:
    assert resolve_kind("rail strike", "timeline", AS_OF).kind == "timeline"
    assert resolve_kind("rail strike", "timeline", AS_OF).topic == "rail strike"
    assert resolve_kind("Catch me up on the rail strike", "timeline", AS_OF).topic == "rail strike"
    assert resolve_kind("What happened this week?", "fact", AS_OF).kind == "fact"


def test_auto_asks_the_hook_only_for_what_the_rules_call_facts() -> None:
    asked: list[str] = []

    def hook(question: str) -> str:
        asked.append(question)
        return "timeline"

    assert resolve_kind("Who won the election?", "auto", AS_OF, hook=hook).kind == "timeline"
    assert resolve_kind("Top stories", "auto", AS_OF, hook=hook).kind == "briefing"
    assert asked == ["Who won the election?"]


def test_an_unknown_kind_is_one_clear_error() -> None:
    with pytest.raises(InvalidQuestion, match="briefing"):
        resolve_kind("anything", "summary", AS_OF)


FOLLOW_UPS = [
    # (earlier questions, follow-up, kind, topic, period carried over)
    (["What happened last week?"], "and what about Norway?", "briefing", "Norway", "last week"),
    (["What happened last week?"], "What about Norway?", "briefing", "Norway", "last week"),
    (["News about Norway this week"], "and last month?", "briefing", "Norway", ""),
    (["News about Norway this week"], "what about Sweden last month?", "briefing", "Sweden", ""),
    (
        ["What happened last week?", "and what about Norway?"],
        "And what about Sweden?",
        "briefing",
        "Sweden",
        "last week",
    ),
    (["How has the rail strike developed?"], "what about the bridge?", "timeline", "bridge", ""),
    (["How did outlets report the summit?"], "and what about it?", "compare", "summit", ""),
    (["Who won the election?"], "and what about Norway?", "fact", "", ""),
    (["What happened last week?", "Who won?"], "and what about Norway?", "fact", "", ""),
    ([], "and what about Norway?", "fact", "", ""),
    (["What happened last week?"], "Top stories", "briefing", "", ""),
    (["What happened last week?"], "Who chaired the summit?", "fact", "", ""),
]


@pytest.mark.parametrize(("history", "question", "kind", "topic", "period"), FOLLOW_UPS)
def test_a_follow_up_keeps_the_kind_and_period_of_the_conversation(
    history: list[str], question: str, kind: str, topic: str, period: str
) -> None:
    found = resolve_kind(question, "auto", AS_OF, history=history)
    assert (found.kind, found.topic, found.period) == (kind, topic, period)


def test_an_explicit_kind_ignores_the_conversation() -> None:
    found = resolve_kind("and what about Norway?", "fact", AS_OF, history=["What happened?"])
    assert found.kind == "fact"
