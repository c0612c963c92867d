"""Turns of the conversation: briefings as dated lists with their cards, the briefing example,
and a question waiting for the model."""

from __future__ import annotations

from datetime import UTC, datetime

from assistant.answer import Answer, BriefItem, Citation
from assistant.webui.conversation import chat_messages, finish_turn, sources_html
from assistant.webui.page import NewsdeskPage
from tests.test_ui import STORIES, FakeAssistant, FakeLibrary, make_source


def _briefing() -> Answer:
    sources = [make_source(n, story) for n, story in enumerate(STORIES[:2], 1)]
    citations = [
        Citation(s.n, s.article_id, s.title, s.source, s.url, s.published, s.text.split(". ")[0])
        for s in sources
    ]
    items = [BriefItem(s.published, s.text.split(". ")[0], [s.n], f"story{s.n}") for s in sources]
    text = "\n".join(f"{i.date:%Y-%m-%d} — {i.text} [{i.citations[0]}]" for i in items)
    return Answer(
        text, citations, sources, "What happened this week?", kind="briefing", items=items
    )


def test_a_briefing_turn_is_a_dated_list_with_its_source_cards() -> None:
    turn = {"question": "What happened this week?", "answer": "", "status": "streaming"}
    finish_turn(turn, _briefing(), 2)

    [_, shown] = chat_messages([turn])
    assert shown["content"].startswith("<section class='nd-brief nd-brief-briefing'>")
    assert "<time class='nd-brief-date'>2025-03-01</time>" in shown["content"]
    assert "href='#nd-t2-s2'" in shown["content"]
    panel = sources_html([turn])
    assert panel.count("class='nd-card nd-cited'") == 2
    assert "id='nd-t2-s1'" in panel and "id='nd-t2-s2'" in panel


def test_a_fact_turn_stays_text_with_linked_markers() -> None:
    answer = FakeAssistant().ask("What did the EU decide?")
    turn = {"question": "q", "answer": "", "status": "streaming"}
    finish_turn(turn, answer, 1)
    assert "nd-brief" not in turn["rendered"] and "(#nd-t1-s1)" in turn["rendered"]


def test_what_happened_this_week_is_offered_even_when_the_news_is_old(settings) -> None:
    library = FakeLibrary()  # the newest story is of 3 March 2025
    view = library.view()
    stale = NewsdeskPage(
        FakeAssistant(), settings, library=library, clock=lambda: datetime(2026, 12, 4, tzinfo=UTC)
    )

    assert stale.examples(view)[0] == "What happened this week?"
    assert stale.examples(view)[1:] == view.examples


def _last_message(update: tuple) -> str:
    messages, *_ = update
    return messages[-1]["content"]


def test_a_question_waiting_for_the_model_says_so_until_its_turn(settings) -> None:
    assistant = FakeAssistant()
    page = NewsdeskPage(assistant, settings, library=FakeLibrary())
    running = page.turnstile.join()  # another user's question is being answered
    queued = page.turnstile.join()  # and one more waits before ours

    answers = page.respond("What did the EU decide?", [], None, None, None)
    assert _last_message(next(answers)) == "*Waiting for the model: 2 questions ahead of yours…*"
    page.turnstile.leave(running)
    assert _last_message(next(answers)) == "*Waiting for the model: 1 question ahead of yours…*"
    assert assistant.calls == []  # nothing asked while it waits

    page.turnstile.leave(queued)
    assert _last_message(next(answers)) == "*Searching the indexed news…*"
    *_, (messages, _state, sources, _) = list(answers)
    assert "[\\[1\\]](#nd-t1-s1)" in messages[-1]["content"] and "nd-card" in sources
    assert [call.question for call in assistant.calls] == ["What did the EU decide?"]
    assert page.turnstile.ahead(page.turnstile.join()) == 0  # the model is free again


def test_an_unqueued_question_streams_at_once(settings) -> None:
    page = NewsdeskPage(FakeAssistant(), settings, library=FakeLibrary())
    first, *rest = page.respond("What did the EU decide?", [], None, None, None)
    assert _last_message(first) == "*Searching the indexed news…*"
    assert "Waiting" not in "".join(_last_message(update) for update in rest)


def test_the_chat_api_also_takes_its_turn_on_the_model(settings) -> None:
    import threading

    assistant = FakeAssistant()
    page = NewsdeskPage(assistant, settings, library=FakeLibrary())
    running = page.turnstile.join()
    results: list[dict] = []
    caller = threading.Thread(target=lambda: results.append(page.chat("What did the EU decide?")))
    caller.start()
    caller.join(timeout=1.0)
    assert caller.is_alive() and assistant.calls == []  # it waits for the model
    page.turnstile.leave(running)
    caller.join(timeout=60)
    assert results and results[0]["error"] is None and "[1]" in results[0]["answer"]
