"""Reading source files: size limit before reading, empty and binary files, encodings."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from index.errors import SourceRejected
from index.loaders import load_source
from index.loaders.decoding import decode_text, human_size, read_bytes, read_text
from index.models import Rejection
from index.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "loaders"


def test_utf8_bom_is_stripped() -> None:
    assert decode_text("\ufeffCafé".encode()) == "Café"


def test_utf16_with_bom_is_decoded() -> None:
    assert decode_text("Zürich news".encode("utf-16")) == "Zürich news"


def test_latin1_story_is_detected(settings: Settings) -> None:
    text = read_text(FIXTURES / "latin1_story.txt", settings)
    assert text.startswith("Café owners in Zürich protest rent rises\n")
    assert "ZÜRICH (Reuters)" in text


def test_cp1252_curly_quotes_are_detected() -> None:
    story = (
        "“We will not give up,” said the mayor of Zürich, whose café-owning constituents "
        "protested on Monday – for the third week – against rent rises in the old town. "
        "The city council said it would review the rents of buildings it owns."
    )
    assert decode_text(story.encode("cp1252")) == story


@pytest.mark.parametrize(
    "text",
    [
        "Ça va? Très bien, merci. Le café est fermé à Zürich.",
        "Señor Núñez said the año was good for España.",
        "Die Straße in München ist schön und grün.",
        "Café in Zürich\n\nThe café opened.",
    ],
)
def test_short_latin1_texts_decode_as_western(text: str) -> None:
    assert decode_text(text.encode("latin-1")) == text


def test_central_european_text_keeps_its_encoding() -> None:
    text = "Zażółć gęślą jaźń, powiedział minister w Łodzi. Świat się zmienia."
    assert decode_text(text.encode("cp1250")) == text


def test_declared_encoding_is_tried_after_utf8() -> None:
    assert decode_text("Città".encode("latin-1"), declared="iso-8859-1") == "Città"
    assert decode_text(b"ok", declared="no-such-codec") == "ok"


def test_undetectable_encoding_is_rejected() -> None:
    noise = random.Random(7)
    data = bytes(noise.choice(range(0x80, 0x100)) for _ in range(400))
    with pytest.raises(SourceRejected, match="not UTF-8 and the encoding could not be detected"):
        decode_text(data)


def test_binary_file_is_rejected(settings: Settings) -> None:
    with pytest.raises(SourceRejected, match="binary file, not text"):
        read_text(FIXTURES / "binary.txt", settings)


def test_mostly_control_characters_is_binary() -> None:
    with pytest.raises(SourceRejected, match="binary file"):
        decode_text(bytes(range(1, 32)) * 10 + b"text")


@pytest.mark.parametrize("content", [b"", b"  \n\n\t  \r\n"])
def test_empty_file_is_rejected(tmp_path: Path, settings: Settings, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(SourceRejected, match=r"^empty file$"):
        read_bytes(path, settings)


def test_huge_file_is_rejected_before_reading(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"Title\n\n" + b"word " * 2_400)  # 12 KB
    small = settings.with_overrides(max_file_bytes=5_000)

    def no_reading(self: Path) -> bytes:
        raise AssertionError("the file was read before its size was checked")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    [rejection] = load_source(path, small)
    assert rejection == Rejection(
        str(path.resolve()), "file is 12 KB, over the 5 KB limit (NEWSDESK_MAX_FILE_BYTES)"
    )


@pytest.mark.parametrize(
    ("size", "text"),
    [(300, "300 bytes"), (12_345, "12 KB"), (1_500_000, "1.5 MB"), (80_000_000, "80 MB")],
)
def test_human_size(size: int, text: str) -> None:
    assert human_size(size) == text
