"""Faults injected by a real HTTP server: retries, re-asks, clear errors, nothing lost.

Three parts: the stub server itself (driven with the plain ``openai`` client),
``Extractor.extract`` through each fault, and ``run_batch`` over many inputs
with random faults and over bad inputs.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import openai
import pytest

from briefx._answers import FactsAnswer, PeopleAnswer
from briefx._errors import (
    BackendError,
    BriefxError,
    BudgetExceeded,
    ExtractionError,
    InputError,
    ModelOutputError,
)
from briefx._models import MeetingSummary
from briefx._settings import Settings
from briefx.testing import FAULTS, STUB_ERROR_MARK, StubServer, invalid_instance, minimal_instance

SCHEMAS = {
    "MeetingSummary": MeetingSummary.model_json_schema(),
    "PeopleAnswer": PeopleAnswer.model_json_schema(),
    "FactsAnswer": FactsAnswer.model_json_schema(),
}
# Text that would betray a transport error echoed back to the model as a re-ask.
TRANSPORT_TEXTS = (STUB_ERROR_MARK, "Error code:", "Connection error", "timed out", "Retry-After")


def _ask(client: openai.OpenAI, schema: dict[str, Any] | None = None) -> Any:
    kwargs: dict[str, Any] = {}
    if schema is not None:
        kwargs["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "answer", "schema": schema},
        }
    return client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}], **kwargs
    )


@pytest.fixture
def client_for() -> Iterator[Any]:
    clients: list[openai.OpenAI] = []

    def make(srv: StubServer, timeout: float = 2.0) -> openai.OpenAI:
        clients.append(
            openai.OpenAI(base_url=srv.base_url, api_key="k", max_retries=0, timeout=timeout)
        )
        return clients[-1]

    yield make
    for client in clients:
        client.close()


# --- schema instances ---------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_minimal_instance_is_valid_for_real_schemas(name: str) -> None:
    schema = SCHEMAS[name]
    instance = minimal_instance(schema)
    jsonschema.validate(instance, schema)
    bad = invalid_instance(schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_invalid_instance_fails_pydantic_validation() -> None:
    for model in (MeetingSummary, PeopleAnswer, FactsAnswer):
        with pytest.raises(ValueError, match="validation error"):
            model.model_validate(invalid_instance(model.model_json_schema()))


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "integer", "minimum": 3}, 3),
        ({"type": "integer", "exclusiveMinimum": 3}, 4),
        ({"type": "number", "exclusiveMinimum": 0, "maximum": 1}, 0.5),
        ({"type": "number", "maximum": -5}, -6.0),
        ({"type": "string", "minLength": 2}, "xx"),
        ({"type": "string", "pattern": r"^[A-Z]{2}-[A-Z0-9]{1,3}$"}, "RU-MOW"),
        ({"type": "string", "format": "date"}, "2000-01-01"),
        ({"enum": ["b", "a"]}, "b"),
        ({"const": 7}, 7),
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, None),
        ({"type": ["string", "null"]}, None),
        ({"type": "array", "items": {"type": "boolean"}, "minItems": 2}, [False, False]),
        (
            {
                "type": "object",
                "properties": {"a": {"$ref": "#/$defs/A"}, "b": {"type": "string"}},
                "required": ["a"],
                "$defs": {
                    "A": {
                        "type": "object",
                        "properties": {"n": {"type": "integer"}},
                        "required": ["n"],
                    }
                },
            },
            {"a": {"n": 0}},
        ),
        ({"allOf": [{"properties": {"x": {"type": "integer"}}, "required": ["x"]}]}, {"x": 0}),
    ],
)
def test_minimal_instance_shapes(schema: dict[str, Any], expected: Any) -> None:
    assert minimal_instance(schema) == expected
    jsonschema.validate(expected, schema)


# --- the stub server with the plain openai client --------------------------------


def test_default_answer_follows_the_requested_schema(client_for: Any) -> None:
    schema = SCHEMAS["PeopleAnswer"]
    with StubServer() as srv:
        client = client_for(srv)
        reply = _ask(client, schema)
        assert client.models.list().data[0].id == "stub-model"
    content = json.loads(reply.choices[0].message.content)
    PeopleAnswer.model_validate(content)
    assert reply.usage.prompt_tokens > 0 and reply.usage.completion_tokens > 0
    assert srv.requests == 2
    assert srv.log == [("/v1/chat/completions", "ok"), ("/v1/models", "ok")]


def test_tools_mode_answers_with_a_tool_call(client_for: Any) -> None:
    tool = {
        "type": "function",
        "function": {"name": "PeopleAnswer", "parameters": SCHEMAS["PeopleAnswer"]},
    }
    with StubServer(script=["bad_schema"]) as srv:
        client = client_for(srv)
        kwargs: dict[str, Any] = {
            "model": "m",
            "messages": [{"role": "user", "content": "x"}],
            "tools": [tool],
        }
        bad, good = (client.chat.completions.create(**kwargs) for _ in range(2))
    for reply in (bad, good):
        assert reply.choices[0].finish_reason == "tool_calls"
        assert reply.choices[0].message.tool_calls[0].function.name == "PeopleAnswer"
    args = good.choices[0].message.tool_calls[0].function.arguments
    PeopleAnswer.model_validate_json(args)
    with pytest.raises(ValueError, match="validation error"):
        PeopleAnswer.model_validate_json(bad.choices[0].message.tool_calls[0].function.arguments)


def test_every_scripted_fault_looks_like_the_real_thing(client_for: Any) -> None:
    schema = SCHEMAS["PeopleAnswer"]
    script = [
        "429",
        "500",
        "503",
        "drop",
        "truncated",
        "bad_schema",
        "empty_choices",
        "truncated_body",
    ]
    with StubServer(script=script, retry_after=2) as srv:
        client = client_for(srv)
        with pytest.raises(openai.RateLimitError) as rate:
            _ask(client, schema)
        assert rate.value.response.headers["retry-after"] == "2"
        for status in (500, 503):
            with pytest.raises(openai.InternalServerError) as err:
                _ask(client, schema)
            assert err.value.status_code == status and STUB_ERROR_MARK in str(err.value)
        with pytest.raises(openai.APIConnectionError):
            _ask(client, schema)
        truncated = _ask(client, schema).choices[0]
        assert truncated.finish_reason == "length"
        with pytest.raises(json.JSONDecodeError):
            json.loads(truncated.message.content)
        with pytest.raises(ValueError, match="validation error"):
            PeopleAnswer.model_validate_json(_ask(client, schema).choices[0].message.content)
        assert _ask(client, schema).choices == []
        with pytest.raises(json.JSONDecodeError):  # the envelope itself is cut off
            _ask(client, schema)
        PeopleAnswer.model_validate_json(_ask(client, schema).choices[0].message.content)
    assert [outcome for _, outcome in srv.log] == [*script, "ok"]


def test_timeout_fault_outlasts_the_client_and_stop_is_prompt(client_for: Any) -> None:
    srv = StubServer(script=["timeout", "timeout"], hang=30).start()
    client = client_for(srv, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        _ask(client)
    assert 0.3 <= time.monotonic() - started < 2
    # A handler still asleep in the second hang must not hold stop() up.
    threading.Thread(
        target=lambda: _swallow(lambda: _ask(client_for(srv, 10))), daemon=True
    ).start()
    time.sleep(0.2)
    started = time.monotonic()
    srv.stop()
    assert time.monotonic() - started < 2


def _swallow(fn: Any) -> None:
    try:
        fn()
    except openai.OpenAIError:
        pass


def test_delay_is_served_concurrently() -> None:
    with StubServer(delay=0.5) as srv, httpx.Client(timeout=5) as http:
        started = time.monotonic()
        threads = [threading.Thread(target=_post, args=(http, srv.base_url)) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    assert srv.requests == 16
    assert 0.5 <= elapsed < 1.5, f"16 requests at 0.5 s took {elapsed:.2f} s: not parallel"


def _post(http: httpx.Client, base_url: str) -> None:
    http.post(f"{base_url}/chat/completions", json={"messages": []}).raise_for_status()


def test_responder_can_give_an_answer_or_a_whole_completion(client_for: Any) -> None:
    def responder(body: dict[str, Any]) -> dict[str, Any]:
        if "whole" in body["messages"][0]["content"]:
            return {
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": "m",
                "choices": [],
            }
        return {"is_meeting": True, "participants": [{"name": "A"}]}

    with StubServer(responder=responder) as srv:
        client = client_for(srv)
        reply = _ask(client, SCHEMAS["PeopleAnswer"])
        whole = client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "whole"}]
        )
    assert json.loads(reply.choices[0].message.content)["participants"] == [{"name": "A"}]
    assert whole.choices == [] and whole.usage is not None


def test_random_faults_are_seeded_and_keyed_on_content() -> None:
    def outcomes(seed: int) -> list[str]:
        with StubServer(fault_rate=0.3, seed=seed) as srv, httpx.Client(timeout=5) as http:
            for n in range(40):
                body = {"messages": [{"content": str(n)}]}
                try:
                    http.post(f"{srv.base_url}/chat/completions", json=body)
                except httpx.RemoteProtocolError:
                    pass  # a "drop"
        return [outcome for _, outcome in srv.log]

    first = outcomes(1)
    assert first == outcomes(1)
    assert first != outcomes(2)
    assert 4 <= sum(o != "ok" for o in first) <= 20
    assert {o for o in first} <= {"ok", *FAULTS}


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown faults"):
        StubServer(script=["teapot"])
    with pytest.raises(ValueError, match="fault_rate"):
        StubServer(fault_rate=1.5)
