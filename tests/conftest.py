"""Shared fixtures: the users' example articles, gold records, an isolated environment, VCR."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _cassettes import canonical, rerecord_message

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "examples" / "articles"
GOLD = ROOT / "examples" / "gold"
ALL_ARTICLES = tuple(sorted(p.stem for p in ARTICLES.glob("*.txt")))
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


MATCH_ON = ["method", "scheme", "host", "port", "path", "query", "canonical"]


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    # Record mode comes from pytest-recording's --record-mode (default: none).
    return {
        "filter_headers": [
            "authorization",
            "x-api-key",
            "api-key",
            "cookie",
            "openai-organization",
        ],
        "filter_query_parameters": ["api_key", "key", "api-key"],
        "decode_compressed_response": True,
        "before_record_response": _scrub_response,
        # Requests differ only by body, so match on what it asks (tests/_cassettes.py):
        # a changed prompt must re-record, a library's reworded error text must not.
        "match_on": MATCH_ON,
        "allow_playback_repeats": False,
    }


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_matcher("canonical", canonical)


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """Cassettes live in the top-level ``cassettes/<test module>/``."""
    return str(ROOT / "cassettes" / request.module.__name__.split(".")[-1])


@pytest.fixture(autouse=True)
def _all_cassette_interactions_played(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A request with no recording fails naming the re-record command; a test that
    replays fewer calls than were recorded no longer does what was recorded."""
    replaying = (
        request.node.get_closest_marker("vcr") is not None
        and (request.config.getoption("--record-mode") or "none") == "none"
    )
    unmatched = _track_unmatched(monkeypatch) if replaying else []
    yield
    if not replaying:
        return
    cassette = request.getfixturevalue("vcr")
    if unmatched:
        pytest.fail(rerecord_message(request.node.nodeid, cassette, unmatched), pytrace=False)
    assert cassette.all_played, f"{len(cassette) - cassette.play_count} recorded calls not replayed"


def _track_unmatched(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Requests that found no recording (vcrpy then raises inside the HTTP client,
    which openai reports as a mere connection error)."""
    from vcr.cassette import Cassette

    unmatched: list[Any] = []
    plays = Cassette.can_play_response_for

    def can_play(self: Any, vcr_request: Any) -> bool:
        found = bool(plays(self, vcr_request))
        if not found and self.write_protected:
            unmatched.append(vcr_request)
        return found

    monkeypatch.setattr(Cassette, "can_play_response_for", can_play)
    return unmatched


# The real model server cassettes were recorded against (see README, "Cassettes").
RECORDED_BASE_URL = "http://127.0.0.1:8765/v1"


@pytest.fixture
def recorded_settings(tmp_path: Path) -> Any:
    """Settings matching the recording: the embedded model's server, its wire format."""
    from briefx import Settings

    return Settings(
        base_url=RECORDED_BASE_URL,
        api_key="test-key",
        mode="json_object",
        model="qwen2.5-coder-1.5b-instruct-q4_k_m",
        cache=False,
        cache_dir=tmp_path / "cache",
        max_retries=0,
    )


@pytest.fixture(scope="session")
def example_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real batch of the example articles, offline: each article's model answers are
    replayed once from its ``test_extract`` cassette into a cache, then ``briefx.batch``
    runs over the folder answering every article from that cache."""
    import vcr

    from briefx import Extractor, Settings, batch

    settings = Settings(
        base_url=RECORDED_BASE_URL,
        api_key="test-key",
        mode="json_object",
        model="qwen2.5-coder-1.5b-instruct-q4_k_m",
        cache=True,
        cache_dir=tmp_path_factory.mktemp("example-cache"),
        max_retries=0,
        processes=0,
    )
    recorder = vcr.VCR(record_mode="none", match_on=MATCH_ON)
    recorder.register_matcher("canonical", canonical)
    with Extractor(settings) as extractor:
        for name in ALL_ARTICLES:
            cassette = ROOT / "cassettes" / "test_extract" / f"test_extract_article[{name}].yaml"
            with recorder.use_cassette(str(cassette)):
                text = (ARTICLES / f"{name}.txt").read_text(encoding="utf-8")
                extractor.extract(text, source_id=name)
    out = tmp_path_factory.mktemp("example-batch") / "records.jsonl"
    summary = batch(ARTICLES, out, settings=settings, progress=False)
    assert (summary.failed, summary.cache_hits) == (0, len(ALL_ARTICLES)), summary.format_table()
    return out
