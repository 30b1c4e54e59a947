"""No cassette may hold a credential, and the recording filter must strip them.

The scan reads every file under ``cassettes/``: structurally (request and
response headers, query strings) for YAML and JSON cassettes, and as raw text
(bearer tokens, ``sk-`` keys) for everything, so a secret pasted into a body
or a file of an unknown shape is caught too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import openai
import pytest
import vcr
import yaml

from _cassettes import canonical
from briefx.testing import StubServer

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"

SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie"}
)
SECRET_QUERY = frozenset({"api_key", "api-key", "apikey", "key", "access_token", "token"})
SECRET_TEXT = {
    "bearer token": re.compile(r"\bBearer\s+[A-Za-z0-9._~+/=-]{4,}", re.IGNORECASE),
    "sk- key": re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{16,}"),
    "api_key query parameter": re.compile(r"[?&](api[_-]?key|apikey)=[^&\s\"']+", re.I),
    "basic credentials": re.compile(r"\bBasic\s+[A-Za-z0-9+/]{12,}={0,2}"),
}

# Built in pieces so that no scanner (ours included) mistakes this file for a leak.
FAKE_KEY = "sk-" + "briefxTESTsecret" + "0123456789abcdef"


def scan_text(text: str) -> list[str]:
    """What looks like a credential in raw cassette text."""
    return [
        f"{name}: {m.group(0)[:24]}..."
        for name, rx in SECRET_TEXT.items()
        for m in rx.finditer(text)
    ]


def scan_cassette(data: Any) -> list[str]:
    """Secret headers and query parameters in a parsed vcrpy cassette."""
    found: list[str] = []
    for n, interaction in enumerate(_interactions(data)):
        request = interaction.get("request") or {}
        response = interaction.get("response") or {}
        for side, headers in (
            ("request", request.get("headers")),
            ("response", response.get("headers")),
        ):
            for name in headers or {}:
                if str(name).lower() in SECRET_HEADERS:
                    found.append(f"interaction {n}: {side} header {name!r}")
        for key, _ in parse_qsl(urlsplit(str(request.get("uri", ""))).query):
            if key.lower() in SECRET_QUERY:
                found.append(f"interaction {n}: query parameter {key!r}")
    return found


def _interactions(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        for item in data.get("interactions") or []:
            if isinstance(item, dict):
                yield item


def scan_file(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    found = scan_text(text)
    if path.suffix.lower() in {".yaml", ".yml"}:
        found += scan_cassette(yaml.safe_load(text))
    elif path.suffix.lower() == ".json":
        found += scan_cassette(json.loads(text))
    return found


def _cassette_files() -> list[Path]:
    return sorted(p for p in CASSETTES.rglob("*") if p.is_file()) if CASSETTES.is_dir() else []


def test_no_cassette_holds_a_secret() -> None:
    findings = {str(p.relative_to(CASSETTES)): scan_file(p) for p in _cassette_files()}
    leaks = {name: hits for name, hits in findings.items() if hits}
    assert not leaks, f"credentials in cassettes (re-record with the vcr_config filter): {leaks}"


# --- the scanner itself must be able to fail ------------------------------------


def _cassette(
    headers: dict[str, list[str]], uri: str = "http://127.0.0.1/v1/chat/completions"
) -> dict[str, Any]:
    request = {"method": "POST", "uri": uri, "body": "{}", "headers": headers}
    response = {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": "{}"}}
    return {"version": 1, "interactions": [{"request": request, "response": response}]}


@pytest.mark.parametrize(
    ("headers", "uri"),
    [
        ({"Authorization": ["Bearer abc.def"]}, ""),
        ({"authorization": ["any"]}, ""),
        ({"X-Api-Key": ["k"]}, ""),
        ({"api-key": ["k"]}, ""),
        ({"Cookie": ["session=1"]}, ""),
        ({}, "http://127.0.0.1/v1/models?api_key=abc"),
        ({}, "http://127.0.0.1/v1/models?key=abc"),
    ],
)
def test_scanner_catches_secret_headers_and_queries(
    tmp_path: Path, headers: dict[str, list[str]], uri: str
) -> None:
    path = tmp_path / "leak.yaml"
    cassette = _cassette(headers, uri or "http://127.0.0.1/v1/chat/completions")
    path.write_text(yaml.safe_dump(cassette), encoding="utf-8")
    assert scan_file(path)
    json_path = tmp_path / "leak.json"
    json_path.write_text(json.dumps(cassette), encoding="utf-8")
    assert scan_file(json_path)


@pytest.mark.parametrize(
    "text",
    [
        f"key: {FAKE_KEY}",
        "note: Bearer abcdefgh",
        "url: /v1/x?api_key=zz",
        '"OPENAI_API_KEY=' + FAKE_KEY,
    ],
)
def test_scanner_catches_secrets_in_raw_text(text: str) -> None:
    assert scan_text(text)


@pytest.mark.parametrize("text", ["Minsk-Moscow route", "risk-free", "ask-me", "the key figure"])
def test_scanner_ignores_article_text(text: str) -> None:
    assert scan_text(text) == []


# --- the recording filter in conftest strips credentials ------------------------


def test_vcr_config_strips_credentials_when_recording(
    tmp_path: Path, vcr_config: dict[str, Any]
) -> None:
    config = {**vcr_config, "record_mode": "all"}
    cassette = tmp_path / "recorded.yaml"
    recorder = vcr.VCR()
    recorder.register_matcher("canonical", canonical)  # as conftest registers it
    with StubServer() as srv:
        with recorder.use_cassette(str(cassette), **config):
            client = openai.OpenAI(base_url=srv.base_url, api_key=FAKE_KEY, max_retries=0)
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
            httpx.get(
                f"{srv.base_url}/models",
                params={"api_key": FAKE_KEY, "limit": "1"},
                headers={"x-api-key": FAKE_KEY, "api-key": FAKE_KEY, "Cookie": "session=s3cret"},
            )
        seen = srv.received
    # The server really got the credentials, so the cassette could have kept them.
    assert seen[0].headers.get("Authorization") == f"Bearer {FAKE_KEY}"
    assert seen[1].headers.get("x-api-key") == FAKE_KEY
    saved = cassette.read_text(encoding="utf-8")
    assert "/v1/chat/completions" in saved and "/v1/models" in saved
    assert "limit=1" in saved  # harmless query parameters survive
    assert scan_file(cassette) == []
    assert FAKE_KEY not in saved and "s3cret" not in saved
