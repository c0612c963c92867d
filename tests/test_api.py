"""The Python API: Assistant with explicit (fake) parts, validation and clear errors."""

from __future__ import annotations

import pytest

import assistant
from assistant import Answer, Assistant, IndexEmpty, InvalidQuestion, Settings
from assistant.backends.fake import ScriptedBackend
from assistant.testing import FakeRetriever
from tests.fixtures.answering.sources import three_sources

QUESTION = "What is the deadline for a deal on Kosovo?"


def make_assistant(settings, replies=("The deadline for a deal is December 10 [1].",)):
    return Assistant(
        settings, retriever=FakeRetriever(three_sources()), llm=ScriptedBackend(replies)
    )


def test_ask_returns_a_cited_answer(settings):
    answer = make_assistant(settings).ask(QUESTION)
    assert isinstance(answer, Answer)
    assert answer.text == "The deadline for a deal is December 10 [1]."
    assert answer.to_dict()["citations"][0]["title"] == (
        "New bid to break Kosovo stalemate as deadline nears"
    )


def test_stream_yields_text_then_the_answer(settings):
    parts = list(make_assistant(settings).stream(QUESTION))
    assert isinstance(parts[-1], Answer)
    assert "".join(parts[:-1]) == parts[-1].text


def test_history_and_filters_reach_the_chain(settings):
    from assistant.filters import Filters

    bot = make_assistant(
        settings,
        replies=[
            "What did Serbia say about the deadline?",
            "Serbia rejects the December 10 date [1].",
        ],
    )
    filters = Filters(sources=("Reuters",))
    answer = bot.ask("And Serbia?", history=[[QUESTION, "December 10 [1]."]], filters=filters)
    assert answer.question_used == "What did Serbia say about the deadline?"
    assert bot.retriever.calls[0]["filters"] is filters


@pytest.mark.parametrize("question", ["", "   \n"])
def test_an_empty_question_is_refused(settings, question):
    with pytest.raises(InvalidQuestion, match="The question is empty"):
        make_assistant(settings).ask(question)


def test_an_over_long_question_is_refused_with_the_limit(settings):
    with pytest.raises(InvalidQuestion, match=r"1001 characters long; the limit is 1000"):
        make_assistant(settings).ask("x" * 1001)


def test_an_empty_index_says_how_to_build_one(settings):
    bot = Assistant(settings, llm=ScriptedBackend([]))
    with pytest.raises(IndexEmpty) as error:
        bot.ask(QUESTION)
    assert str(error.value) == "The index is empty: run `newsdesk index build PATH`"


def test_the_extractive_backend_comes_from_settings(settings):
    bot = Assistant(
        settings.with_overrides(llm="extractive"), retriever=FakeRetriever(three_sources())
    )
    answer = bot.ask(QUESTION)
    assert answer.covered and answer.citations[0].article_id == "kosovo"


def test_from_env_applies_overrides(monkeypatch):
    monkeypatch.setenv("NEWSDESK_K", "7")
    bot = Assistant.from_env(llm="extractive", max_question_chars=50)
    assert (bot.settings.k, bot.settings.llm, bot.settings.max_question_chars) == (
        7,
        "extractive",
        50,
    )


def test_package_exports():
    assert assistant.Filters.__name__ == "Filters"
    assert Settings is assistant.Settings
    assert {"Assistant", "Answer", "Citation", "Source", "Filters", "IndexEmpty"} <= set(
        assistant.__all__
    )


def test_ask_and_stream_take_one_set_of_options(settings):
    from assistant.api import AskOptions

    assert AskOptions.__optional_keys__ == {"history", "filters", "as_of", "kind"}
    bot = make_assistant(settings)
    answer = bot.ask(QUESTION, history=[], filters=None, as_of=None, kind="fact")
    assert answer.text == "The deadline for a deal is December 10 [1]."
    with pytest.raises(TypeError, match="unexpected option"):
        bot.ask(QUESTION, histroy=[])
    with pytest.raises(TypeError, match="unexpected option"):
        list(bot.stream(QUESTION, as_off=None))
