"""Text that lost its letters before it was read is rejected as a decoding error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.loaders import load_source
from index.loaders.decoding import decoding_damage
from index.models import Article, Rejection
from index.settings import Settings


@pytest.mark.parametrize(
    "text",
    [
        "Awarded nearly \ufffd1m and \ufffd2m.",
        "Schw\ufffd\ufffdbisch Gm\ufffd\ufffdnd",
        "J?ger in K?ln",
    ],
)
def test_replacement_characters_and_a_question_mark_for_a_letter_are_damage(text: str) -> None:
    assert (decoding_damage(text) or "").startswith("decoding error: 2 damaged words")
    assert (decoding_damage("A long text.", title=text) or "").startswith("decoding error")


def test_a_single_odd_character_in_a_text_is_let_be() -> None:
    assert decoding_damage("Ant\ufffdnio Guterres spoke. Virginia Woolf?took a walk.") is not None
    assert decoding_damage("Ant\ufffdnio Guterres spoke at length.") is None


@pytest.mark.parametrize(
    "text",
    [
        "Café owners in Zürich protest. Why? Rents rose.",
        "See https://abcnews.go.com/US/story?id=46237 and page.html?ref=rss for more.",
        "Is it over? yes, said the minister.",
        "The minister said: really?no, not at all.",
    ],
)
def test_clean_text_urls_and_questions_are_not_damage(text: str) -> None:
    assert decoding_damage(text) is None


def test_the_loaders_reject_a_damaged_article_and_keep_the_rest(
    tmp_path: Path, settings: Settings
) -> None:
    records = tmp_path / "records.jsonl"
    rows = [
        {"id": "good", "title": "Jäger wins in Köln", "text": "Thomas Jäger won in Köln."},
        {"id": "bad", "title": "J?ger wins in K?ln", "text": "Thomas J?ger won in K?ln."},
    ]
    records.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    wire = tmp_path / "story.txt"
    wire.write_text("Boy awarded \ufffd1m\n\nLONDON (Reuters) - A boy was awarded \ufffd1m.\n")

    loaded = list(load_source(tmp_path, settings))

    assert [a.id for a in loaded if isinstance(a, Article)] == ["good"]
    rejected = {r.input: r.reason for r in loaded if isinstance(r, Rejection)}
    assert rejected[f"{records} (bad)"].startswith("decoding error: 4 damaged words")
    assert rejected[str(wire)].startswith("decoding error: 2 damaged words")
