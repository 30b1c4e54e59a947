"""The model client: what reaches the server, the async transport, prepared response models."""

from __future__ import annotations

import asyncio
import gc
import json
import warnings
from pathlib import Path
from typing import Any

import httpx
import instructor
import openai
import pytest

from briefx import aextract
from briefx._answers import FactsAnswer, PeopleAnswer
from briefx._assemble import facts_fields
from briefx._client import InstructorBackend, _apost, _instructor, _prepared
from briefx._extract import Extractor
from briefx._prepare import prepare
from briefx._prompts import PASSES, build_messages
from briefx._settings import Settings
from briefx.testing import StubServer, minimal_instance
from conftest import ARTICLES

TEMPLATE_SYNTAX = "Prices rose {{ text }} and {% if x %}fell{% endif %} {# not a comment #}."


def _settings(srv: StubServer, **kw: object) -> Settings:
    return Settings(base_url=srv.base_url, api_key="test-key", cache=False, **kw)  # type: ignore[arg-type]


def _article() -> str:
    return (ARTICLES / "vologda-belta.txt").read_text(encoding="utf-8")


def test_article_with_template_syntax_reaches_the_model_verbatim() -> None:
    text = _article() + "\n\n" + TEMPLATE_SYNTAX + "\n"
    with StubServer() as srv, Extractor(_settings(srv)) as ex:
        record = ex.extract(text, source_id="braces")
        sent = [r.body["messages"] for r in srv.received]
    assert record.region is not None and record.region.iso_code == "RU-VLG"
    cleaned = prepare(text).text
    assert TEMPLATE_SYNTAX in cleaned
    asked = {p: facts_fields(cleaned) if p == "facts" else None for p in PASSES}
    # The facts pass is not sent when the rules leave it nothing to ask.
    passes = [p for p in PASSES if asked[p] is None or asked[p]]
    expected = (str(build_messages(p, cleaned, fields=asked[p])) for p in passes)
    assert sorted(map(str, sent)) == sorted(expected)


def test_an_invented_participant_is_dropped_on_its_field_without_a_re_ask() -> None:
    # No re-ask by design: a fact the article does not hold is dropped, with a warning
    # on its field; only an answer that is not the schema's JSON is asked again.
    invented = {"kind": "meeting", "participants": [{"name": "Ivan Inventedov"}]}

    def responder(body: dict[str, object]) -> object:
        fmt = body.get("response_format")
        name = fmt["json_schema"]["name"] if isinstance(fmt, dict) else ""  # type: ignore[index]
        return invented if name == "PeopleAnswer" else {}

    with StubServer(responder=responder) as srv, Extractor(_settings(srv)) as ex:
        record = ex.extract(_article(), source_id="invented")
        requests = srv.requests
    passes = 2 + bool(facts_fields(prepare(_article()).text))
    assert requests == passes and record.usage.reasks == 0
    assert all("Inventedov" not in p.name for p in record.participants)
    dropped = [w for w in record.warnings if "Inventedov" in w]
    assert dropped and dropped[0].code == "dropped" and dropped[0].field == "participants"


def test_async_timeout_is_retried_on_the_aiohttp_transport() -> None:
    async def run() -> int:
        with StubServer(script=["timeout"], hang=5.0) as srv:
            async with Extractor(_settings(srv, request_timeout=1.0)) as ex:
                record = await ex.aextract(_article(), source_id="slow")
            return record.usage.retries

    assert asyncio.run(run()) == 1


def test_aextract_closes_its_connections(tmp_path: Path) -> None:
    with StubServer() as srv, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        asyncio.run(aextract(_article(), settings=_settings(srv)))
        gc.collect()
    unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert unclosed == []


def test_response_models_are_wrapped_once_with_the_same_schema() -> None:
    for model in (PeopleAnswer, FactsAnswer):
        wrapped = _prepared(model)
        assert _prepared(model) is wrapped
        assert issubclass(wrapped, model) and wrapped.__name__ == model.__name__
        assert wrapped.model_json_schema() == model.model_json_schema()
        # A caller that changes its copy cannot change the next request's schema.
        wrapped.model_json_schema()["properties"].clear()
        assert wrapped.model_json_schema() == model.model_json_schema()


def test_one_extractor_under_two_event_loops() -> None:
    # An aiohttp session belongs to its loop; the second asyncio.run needs its own.
    with StubServer() as srv, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        extractor = Extractor(_settings(srv))
        records = [
            asyncio.run(extractor.aextract(_article() + f"\n\nRun {n}.\n", source_id=str(n)))
            for n in range(2)
        ]
        extractor.close()
        gc.collect()
        requests = srv.requests
    assert [r.region.iso_code if r.region else None for r in records] == ["RU-VLG", "RU-VLG"]
    assert requests == 6 and all(r.usage.retries == 0 for r in records)
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


def _answering(sent: list[httpx.Request]) -> httpx.MockTransport:
    """A transport that keeps each request and answers it with a minimal valid instance."""

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        body = json.loads(request.content)
        if "tools" in body:
            tool = body["tools"][0]["function"]
            args = json.dumps(minimal_instance(tool["parameters"]))
            function = {"name": tool["name"], "arguments": args}
            call = {"id": "c", "type": "function", "function": function}
            message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": [call]}
        else:
            schema = body["response_format"]["json_schema"]["schema"]
            message = {"role": "assistant", "content": json.dumps(minimal_instance(schema))}
        choice = {"index": 0, "finish_reason": "stop", "message": message}
        usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
        completion = {"id": "x", "object": "chat.completion", "created": 0, "model": "m"}
        return httpx.Response(200, json={**completion, "choices": [choice], "usage": usage})

    return httpx.MockTransport(handle)


def _sent(request: httpx.Request) -> tuple[str, str, dict[str, Any]]:
    return request.method, request.url.path, json.loads(request.content)


@pytest.mark.parametrize("mode", [instructor.Mode.JSON_SCHEMA, instructor.Mode.TOOLS])
def test_requests_are_what_openai_create_would_send(mode: instructor.Mode) -> None:
    # briefx posts instructor's request without openai's transform; the bytes
    # on the wire must not change, or a hosted API would see a different call.
    sent: list[httpx.Request] = []
    client = openai.OpenAI(
        api_key="k", base_url="http://model.test/v1", max_retries=0,
        http_client=httpx.Client(transport=_answering(sent)),
    )  # fmt: skip
    kwargs: dict[str, Any] = {
        "model": "m",
        "messages": build_messages("facts", prepare(_article()).text),
        "temperature": 0.0,
        "max_tokens": 64,
        "seed": 7,
        "timeout": 5.0,
    }
    ours = _instructor(client, mode).chat.completions.create(
        response_model=_prepared(FactsAnswer), **kwargs
    )
    theirs = instructor.from_openai(client, mode=mode).chat.completions.create(
        response_model=_prepared(FactsAnswer), **kwargs
    )
    assert ours == theirs
    assert len(sent) == 2 and _sent(sent[0]) == _sent(sent[1])
    assert sent[0].headers["content-type"] == sent[1].headers["content-type"]


def test_async_requests_skip_create_unless_a_parameter_needs_it() -> None:
    sent: list[httpx.Request] = []
    client = openai.AsyncOpenAI(
        api_key="k", base_url="http://model.test/v1", max_retries=0,
        http_client=httpx.AsyncClient(transport=_answering(sent)),
    )  # fmt: skip
    created: list[dict[str, Any]] = []
    real_create = client.chat.completions.create

    async def create(**kwargs: Any) -> Any:
        created.append(kwargs)
        return await real_create(**kwargs)

    client.chat.completions.create = create  # type: ignore[method-assign]
    messages = build_messages("people", "Text.")
    schema = {"type": "json_schema", "json_schema": {"name": "P", "schema": {"type": "object"}}}

    async def run() -> None:
        await _apost(client, model="m", messages=messages, response_format=schema, timeout=3.0)
        assert created == []  # plain JSON: posted as it is
        await _apost(client, model="m", messages=messages, response_format=schema, user="u1")
        assert [c.get("user") for c in created] == ["u1"]  # openai's create handles the rest

    asyncio.run(run())
    assert [json.loads(r.content).get("user") for r in sent] == [None, "u1"]


def test_async_use_builds_no_sync_client() -> None:
    with StubServer() as srv:
        extractor = Extractor(_settings(srv))
        record = asyncio.run(extractor.aextract(_article(), source_id="async-only"))
        backend = extractor._backend
        assert record.region is not None
        assert isinstance(backend, InstructorBackend) and backend._client is None
        extractor.extract(_article() + "\n\nSync too.\n", source_id="sync")
        assert backend._client is not None
        extractor.close()
