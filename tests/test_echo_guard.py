"""The reader whose answer must say more than the question did."""

from __future__ import annotations

from assistant.answer import Answer
from assistant.backends.echo_guard import EchoGuardedReader, repeats_question
from assistant.backends.fake import ScriptedModel
from assistant.backends.local import LOCAL_MODELS
from assistant.backends.prompting import READER
from assistant.chain import AnswerChain
from assistant.extractive import ExtractiveAnswerer
from assistant.grounding import Grounding
from assistant.prompts import NOT_COVERED
from assistant.question import analyse
from assistant.testing import FakeRetriever
from tests.fixtures.answering.sources import three_sources

QUESTION = "How many workers were flown to shore after the storm?"


def _reader(*replies: str) -> tuple[EchoGuardedReader, ScriptedModel]:
    model = ScriptedModel(replies)
    return EchoGuardedReader(model, READER, max_tokens=96), model


def _answer(reader: EchoGuardedReader, question: str = QUESTION) -> str:
    return "".join(reader.answer(analyse(question), Grounding(three_sources())))


def test_a_sentence_with_an_answer_is_streamed_as_the_model_wrote_it() -> None:
    reader, model = _reader("About 600 workers were flown to shore [3]. It was Friday [3].")
    assert _answer(reader) == "About 600 workers were flown to shore [3]. It was Friday [3]."
    assert len(model.sent) == 1


def test_a_sentence_repeating_the_question_gets_the_extractive_answer() -> None:
    reader, model = _reader("Workers were flown to shore after the storm [3].")
    answer = _answer(reader)
    assert answer == ExtractiveAnswerer().answer(QUESTION, three_sources())
    assert answer.startswith("About 600 workers were flown to shore by helicopter [3].")
    assert len(model.sent) == 1  # nothing more asked of the model
    assert reader.last_reply == "Workers were flown to shore after the storm [3]."


def test_an_echo_with_no_typed_answer_in_the_sources_is_not_covered() -> None:
    reader, _ = _reader("The bank's chief economist was named [2].")
    assert _answer(reader, "Who was named the bank's chief economist?") == NOT_COVERED
    assert reader.last_reply is not None and reader.last_reply.endswith(NOT_COVERED)


def test_the_models_not_covered_is_kept() -> None:
    reader, _ = _reader(NOT_COVERED)
    assert _answer(reader) == NOT_COVERED


def test_repeats_question_reads_words_not_in_the_question() -> None:
    analysis = analyse(QUESTION)
    assert repeats_question("Workers were flown to shore [3].", analysis)
    assert not repeats_question("About 600 workers were flown [3].", analysis)
    assert not repeats_question("Yes [3].", analysis)  # no content words: nothing repeated


def test_a_yes_or_no_question_may_be_answered_in_its_own_words() -> None:
    reader, _ = _reader("The storm shut the oil platforms [3].")
    assert _answer(reader, "Did the storm shut the oil platforms?") == (
        "The storm shut the oil platforms [3]."
    )
    assert repeats_question(
        "The storm shut the platforms [3].", analyse("Which storm shut the platforms?")
    )


def test_the_packaged_instruction_models_are_guarded() -> None:
    assert LOCAL_MODELS["qwen2.5-0.5b"].reader is EchoGuardedReader
    assert LOCAL_MODELS["qwen2.5-1.5b"].reader is EchoGuardedReader


def test_through_the_chain_the_guarded_answer_is_verified_and_cited() -> None:
    reader, _ = _reader("Workers were flown to shore after the storm [3].")
    chain = AnswerChain(FakeRetriever(three_sources()), reader, k=5)
    answer = list(chain.stream(QUESTION))[-1]
    assert isinstance(answer, Answer) and answer.covered
    assert "600" in answer.text
    assert [c.article_id for c in answer.citations] == ["storm"]
