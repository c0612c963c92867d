"""benchmarks/replay_answers.py on the fixture corpus: recorded replies through the chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.backends.fake import ScriptedBackend
from assistant.backends.prompting import FULL
from assistant.backends.reader import Reader
from assistant.evaluation.runner import EvalConfig, run_evaluation
from assistant.prompts import NOT_COVERED
from benchmarks.replay_answers import (
    BACKEND,
    PhaseRetriever,
    compare,
    markdown,
    recorded_replies,
    replay,
    scores_of,
)
from index.fakes import FakeEmbedder
from index.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
CONFIG = EvalConfig(
    questions=FIXTURES / "questions.jsonl",
    corpus=FIXTURES / "corpus.jsonl",
    llms=(BACKEND,),
    retrievers=("hybrid",),
    limit=2,
)
LOS_ANGELES = "Wildfires tore through Los Angeles County [1]."


def _recorded(settings: Settings, embedder: FakeEmbedder, replies: list[str]) -> Any:
    """A real evaluation run of the first two fixture questions with a scripted model."""
    model = ScriptedBackend(replies, name=BACKEND)
    return run_evaluation(CONFIG, settings, embedder=embedder, backends={BACKEND: model})


def _replay(settings: Settings, embedder: FakeEmbedder, records: list[dict[str, Any]]) -> Any:
    home = settings.home / "eval"
    index_home = next(home.glob("*/index"))
    return replay(
        records,
        settings.with_overrides(home=index_home),
        CONFIG.questions,
        CONFIG.corpus,
        embedder=embedder,
        reader_for=lambda model: Reader(model, FULL, name=BACKEND),
    )


def test_replayed_replies_give_the_recorded_answers(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    recorded = _recorded(settings, fake_embedder, [LOS_ANGELES, "Longwood Gardens bought it [1]."])
    details, model = _replay(settings, fake_embedder, recorded.details)
    assert [d["id"] for d in details] == ["q1", "q2"]
    for old, new in zip(recorded.details, details, strict=True):
        assert new["answers"][BACKEND]["text"] == old["answers"][BACKEND]["text"]
    assert details[0]["answers"][BACKEND]["correct"]
    assert model.unrecorded == 0
    assert compare(recorded.details, details)["changed"] == 0
    assert scores_of(details)["accuracy"] == scores_of(recorded.details)["accuracy"] > 0


def test_an_ask_without_a_recorded_reply_is_not_covered_and_counted(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    recorded = _recorded(settings, fake_embedder, [LOS_ANGELES, "Longwood Gardens bought it [1]."])
    records = [dict(r) for r in recorded.details]
    first = dict(records[0]["answers"][BACKEND], reply=None)  # as if its gate had refused
    records[0] = dict(records[0], answers={BACKEND: first})
    details, model = _replay(settings, fake_embedder, records)
    assert details[0]["answers"][BACKEND]["text"] == NOT_COVERED
    assert model.unrecorded == 1
    counts = compare(records, details)
    assert counts["right_lost"] == 1 and counts["changed"] == 1
    table = markdown(scores_of(records), scores_of(details), counts)
    assert "| recorded |" in table and "right lost: 1" in table


def test_the_variant_is_told_by_the_room_asked_for_the_excluded_articles() -> None:
    class Inner:
        settings = Settings(k=5)

        def search(self, question: str, **options: Any) -> list[str]:
            return [question]

    phase = PhaseRetriever(Inner())
    phase.search("Who won?", k=5)
    assert (phase.question, phase.variant) == ("Who won?", False)
    phase.search("Who won?", k=8)
    assert phase.variant


def test_replies_are_keyed_by_question_text() -> None:
    records = [
        {"id": "a", "question": "Q?", "answers": {BACKEND: {"reply": "x", "variant_reply": None}}},
        {"id": "b", "question": "R?", "answers": {}},
    ]
    assert recorded_replies(records) == {"Q?": ("x", None), "R?": (None, None)}
