"""One typed settings object: arguments first, then ``BRIEFX_*`` variables, then defaults."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
DEFAULT_LOCAL_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"


def _default_cache_dir() -> Path:
    return Path.home() / ".cache" / "briefx"


class Settings(BaseSettings):
    """Everything that changes how briefx runs.

    >>> Settings(base_url="http://127.0.0.1:8765/v1", cache=False)  # doctest: +ELLIPSIS
    Settings(...)
    """

    # Only BRIEFX_* variables and OPENAI_API_KEY are read; an empty one counts as unset,
    # so BRIEFX_API_KEY="" does not hide OPENAI_API_KEY.
    model_config = SettingsConfigDict(
        env_prefix="BRIEFX_",
        extra="forbid",
        frozen=True,
        env_ignore_empty=True,
        populate_by_name=True,
    )

    backend: Literal["auto", "openai", "server", "local"] = Field(
        "auto",
        description="auto: OpenAI if an API key is set, else base_url if set, else the local model",
    )
    model: str | None = Field(None, description="Model name; default depends on the backend")
    base_url: str | None = Field(None, description="Any OpenAI-compatible endpoint, e.g. llama.cpp")
    api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("BRIEFX_API_KEY", "OPENAI_API_KEY")
    )
    mode: Literal["auto", "json_schema", "json_object", "tools"] = Field(
        "auto",
        description="auto: tools for OpenAI, json_object (llama-cpp-python's schema form) for"
        " the local model, json_schema for other servers",
    )
    temperature: float = 0.0
    seed: int | None = 0
    max_tokens: int = 1024
    ask: Literal["open", "all"] = Field(
        "open",
        description="open: the facts pass asks only what the rules leave open (faster on a"
        " small local model); all: every fact field, always",
    )
    # Reliability
    max_retries: int = Field(4, ge=0, description="Transport retries per call (429, 5xx, timeouts)")
    max_reasks: int = Field(1, ge=0, description="Validation re-asks per call")
    request_timeout: float = Field(180.0, gt=0, description="Seconds per HTTP request")
    time_budget: float = Field(900.0, gt=0, description="Seconds per article, across all calls")
    # Cache
    cache: bool = True
    cache_dir: Path = Field(default_factory=_default_cache_dir)
    # Local model
    model_path: Path | None = Field(None, description="A GGUF file for the local backend")
    local_threads: int | None = None
    local_ctx: int = 8192
    # Input limits
    max_input_chars: int = Field(2_000_000, gt=0)
    # Batch
    concurrency: int = Field(4, ge=1)
    start_interval: float = Field(
        0.01,
        ge=0,
        description="Seconds between the starts of two articles' model calls on one event loop"
        " (async), so their requests and answers do not move in one burst; 0: no spacing",
    )
    processes: int | None = Field(
        None,
        ge=0,
        description="Worker processes for text preparation and the rules when many articles"
        " run at once (async); None: one per core but one, at most 4, when more than one"
        " article is in flight; 0: run them in the event loop",
    )

    def resolved_backend(self) -> Literal["openai", "server", "local"]:
        """Which backend ``auto`` means with what is configured."""
        if self.backend != "auto":
            return self.backend
        if self.base_url:
            return "server"
        if self.api_key is not None:
            return "openai"
        return "local"

    def resolved_model(self) -> str:
        if self.model:
            return self.model
        backend = self.resolved_backend()
        return DEFAULT_OPENAI_MODEL if backend == "openai" else DEFAULT_LOCAL_MODEL

    def workers(self) -> int:
        """Articles in flight at once: one for the embedded server, which answers one at a time."""
        return 1 if self.resolved_backend() == "local" else self.concurrency

    def rule_processes(self) -> int:
        """Processes for preparation and rules: none for one article at a time or one core."""
        if self.processes is not None:
            return self.processes
        if self.workers() <= 1:
            return 0
        return max(0, min(4, (os.cpu_count() or 1) - 1))

    def resolved_mode(self) -> Literal["json_schema", "json_object", "tools"]:
        if self.mode != "auto":
            return self.mode
        backend = self.resolved_backend()
        if backend == "openai":
            return "tools"
        return "json_object" if backend == "local" else "json_schema"
