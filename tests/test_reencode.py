"""The packaged model's weights re-encoded to Q8_0 once (assistant.backends.reencode)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.backends import local
from assistant.backends.reencode import SUFFIX, quantize_in_child, reencoded
from assistant.backends.served import ServedModelBackend
from index.settings import Settings


class FakeQuantizer:
    """Writes the source's bytes upper-cased; counts its calls; fails when told to."""

    def __init__(self, fail: bool = False, write: bool = True) -> None:
        self.calls: list[tuple[Path, Path]] = []
        self.fail = fail
        self.write = write

    def __call__(self, source: Path, target: Path, log_path: Path | None) -> None:
        self.calls.append((source, target))
        if self.write:
            target.write_bytes(source.read_bytes().upper())
        if self.fail:
            raise RuntimeError("quantizer exited with status 1")


@pytest.fixture
def packaged(tmp_path: Path) -> Path:
    path = tmp_path / "model-q4_k_m.gguf"
    path.write_bytes(b"gguf weights")
    return path


def test_the_weights_are_converted_once_beside_the_packaged_file(packaged: Path) -> None:
    quantizer = FakeQuantizer()
    target = reencoded(packaged, "a" * 64, quantizer)
    assert target == packaged.with_name("model-q4_k_m" + SUFFIX)
    assert target.read_bytes() == b"GGUF WEIGHTS"
    assert reencoded(packaged, "a" * 64, quantizer) == target
    assert len(quantizer.calls) == 1  # the marker says it is done
    assert quantizer.calls[0][1] != target  # written beside the final name, then renamed
    assert not list(packaged.parent.glob("*.partial"))


def test_a_new_packaged_file_is_converted_again(packaged: Path) -> None:
    quantizer = FakeQuantizer()
    reencoded(packaged, "a" * 64, quantizer)
    packaged.write_bytes(b"new weights")
    assert reencoded(packaged, "b" * 64, quantizer).read_bytes() == b"NEW WEIGHTS"
    assert len(quantizer.calls) == 2


@pytest.mark.parametrize("quantizer", [FakeQuantizer(fail=True), FakeQuantizer(write=False)])
def test_a_failed_conversion_falls_back_to_the_packaged_weights(
    packaged: Path, quantizer: FakeQuantizer, caplog: pytest.LogCaptureFixture
) -> None:
    assert reencoded(packaged, "a" * 64, quantizer) == packaged
    assert "using it as packaged" in caplog.text
    assert sorted(p.name for p in packaged.parent.iterdir()) == [packaged.name]


def test_the_qwen_models_read_q8_0_unless_asked_for_the_packaged_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packaged = tmp_path / "qwen.gguf"
    packaged.write_bytes(b"weights")
    monkeypatch.setattr(local, "assemble_gguf", lambda spec, cache_dir: packaged)
    monkeypatch.setattr(
        local, "reencoded", lambda path, sha, log_path: path.with_name("qwen" + SUFFIX)
    )
    fast = Settings(home=tmp_path / "home", cache_dir=tmp_path / "cache")  # the default
    assert local.local_model_spec(fast).path.name == "qwen" + SUFFIX
    as_packaged = fast.with_overrides(local_weights="packaged")
    assert local.local_model_spec(as_packaged).path == packaged
    larger = fast.with_overrides(local_model="qwen2.5-1.5b")  # measured: 7.6 s -> 5.5 s
    assert local.local_model_spec(larger).path.name == "qwen" + SUFFIX
    other = fast.with_overrides(local_model="gemma3-270m")  # not measured: as packaged
    assert local.local_model_spec(other).path == packaged


def test_the_readers_view_budget_and_sources_are_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local, "assemble_gguf", lambda spec, cache_dir: tmp_path / "m.gguf")
    settings = Settings(
        home=tmp_path / "home", cache_dir=tmp_path / "cache", local_weights="packaged"
    )
    default = local.local_model_spec(settings).style
    assert (default.chars, default.sources) == (local.READER.chars, local.READER.sources)
    wider = local.local_model_spec(settings.with_overrides(view_chars=2400, view_sources=5))
    assert (wider.style.chars, wider.style.sources) == (2400, 5)


def test_a_base_model_is_sent_plain_text_and_an_instruct_model_chat_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Gemma has no chat template: through one it echoed the instruction and answered none of
    29 questions (the view budget's copy of its style had made it look like a chat style)."""
    monkeypatch.setattr(local, "assemble_gguf", lambda spec, cache_dir: tmp_path / "m.gguf")
    settings = Settings(
        home=tmp_path / "home", cache_dir=tmp_path / "cache", local_weights="packaged"
    )
    for view_chars in (None, 1600):
        chosen = settings.with_overrides(view_chars=view_chars)
        gemma = local.make_local_backend(chosen.with_overrides(local_model="gemma3-270m"))
        qwen = local.make_local_backend(chosen)
        assert isinstance(gemma.model, ServedModelBackend)
        assert isinstance(qwen.model, ServedModelBackend)
        assert (gemma.model.chat, qwen.model.chat) == (False, True)
        assert gemma.model.process.pid is None  # nothing started


def test_a_file_llama_cpp_cannot_read_is_used_as_it_is(
    packaged: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The real conversion runs in a child process: its failure is logged, not raised."""
    log_path = tmp_path / "logs" / "local-model.log"
    assert reencoded(packaged, "a" * 64, quantize_in_child, log_path) == packaged
    assert "exited with status" in caplog.text
    assert log_path.is_file()  # llama.cpp's own lines went to the model log
    assert sorted(p.name for p in packaged.parent.iterdir()) == sorted([packaged.name, "logs"])
