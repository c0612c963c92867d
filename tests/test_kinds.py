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
