"""The ``/chat`` contract for scripts: opaque article ids, a reference date, the note."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime

from assistant.answer import Answer, BriefItem, Citation
from assistant.public_ids import PUBLIC_ID_LENGTH, public_id
from assistant.webui.page import NewsdeskPage
from tests.test_ui import STORIES, FakeLibrary, make_source

SERVER_PATH = "/srv/newsdesk-home/uploads/2328abc/000_f8f8be72.txt"


class PathAssistant:
    """Answers with sources whose server-side ids are file paths; records ``as_of``."""

    def __init__(self) -> None:
        self.as_of: list[datetime | None] = []

    def ask(self, question: str, history=None, filters=None, as_of=None) -> Answer:
        self.as_of.append(as_of)
        sources = [
            replace(make_source(n, story), article_id=f"{SERVER_PATH}.{n}")
            for n, story in enumerate(STORIES[:2], start=1)
        ]
        citations = [Citation.of(sources[0], "EU foreign ministers agreed.")]
        items = [BriefItem(None, "EU foreign ministers agreed.", [1], sources[0].article_id)]
        return Answer(
            "EU foreign ministers agreed [1].",
            citations,
            sources,
            question,
            kind="briefing",
            items=items,
            note="Your index ends on 3 March 2025.",
        )


def test_chat_names_no_server_path_and_its_ids_are_stable_hashes(settings) -> None:
    page = NewsdeskPage(PathAssistant(), settings, library=FakeLibrary())

    result = page.chat("What happened this week?")

    assert result["error"] is None
    assert "/srv/" not in json.dumps(result) and "uploads" not in json.dumps(result)
    ids = [c["article_id"] for c in result["citations"]]
    ids += [s["article_id"] for s in result["sources"]] + [i["story_id"] for i in result["items"]]
    assert all(re.fullmatch(rf"[0-9a-f]{{{PUBLIC_ID_LENGTH}}}", i) for i in ids)
    assert result["citations"][0]["article_id"] == public_id(f"{SERVER_PATH}.1")
    assert result["sources"][0]["article_id"] == result["citations"][0]["article_id"]
    assert result["note"] == "Your index ends on 3 March 2025."


def test_chat_takes_a_reference_date_and_rejects_a_bad_one(settings) -> None:
    assistant = PathAssistant()
    page = NewsdeskPage(assistant, settings, library=FakeLibrary())

    assert page.chat("What happened this week?", as_of="2017-03-30")["error"] is None
    assert page.chat("What happened this week?")["error"] is None
    assert assistant.as_of == [datetime(2017, 3, 30, 12, tzinfo=UTC), None]
    bad = page.chat("What happened this week?", as_of="30/03/2017")
    assert bad["answer"] is None and "is not a date: use YYYY-MM-DD" in bad["error"]
