"""Shared fixtures: the users' example articles, gold records, an isolated environment, VCR."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "examples" / "articles"
GOLD = ROOT / "examples" / "gold"
SEEDS = (
    "penza-belta-doubled",
    "samara-rewrite",
    "smolensk-press-release",
    "vologda-belta",
    "vologda-rewrite",
)


@pytest.fixture(scope="session")
def articles_dir() -> Path:
    return ARTICLES


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return GOLD


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """The five seed articles the project was created from, by name."""
    return {name: (ARTICLES / f"{name}.txt").read_text(encoding="utf-8") for name in SEEDS}


@pytest.fixture(scope="session")
def gold_records() -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))}


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test reads the user's cache or keys, or reaches a real OpenAI account."""
    for name in list(os.environ):
        if name.startswith("BRIEFX_") or name in {"OPENAI_API_KEY", "OPENAI_BASE_URL"}:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRIEFX_CACHE_DIR", str(tmp_path / "briefx-cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    yield


# --- VCR (pytest-recording) -------------------------------------------------

_DROP_RESPONSE_HEADERS = {"set-cookie", "openai-organization", "openai-project", "x-request-id"}


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in _DROP_RESPONSE_HEADERS:
            del headers[name]
    return response


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    record_mode = os.environ.get("BRIEFX_RECORD_MODE", "none")
    return {
        "filter_headers": ["authorization", "x-api-key", "api-key", "cookie", "openai-organization"],
        "filter_query_parameters": ["api_key", "key", "api-key"],
        "decode_compressed_response": True,
        "before_record_response": _scrub_response,
        "record_mode": record_mode,
        # Requests differ only by body, so match on it: a changed prompt must re-record.
        "match_on": ["method", "scheme", "host", "port", "path", "query", "body"],
        "allow_playback_repeats": False,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(ROOT / "cassettes")
