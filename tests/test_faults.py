"""Faults injected by a real HTTP server: retries, re-asks, clear errors, nothing lost.

Three parts: the stub server itself (driven with the plain ``openai`` client),
``Extractor.extract`` through each fault, and ``run_batch`` over many inputs
with random faults and over bad inputs.
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from briefx._answers import FactsAnswer, PeopleAnswer
from briefx._batch import run_batch
from briefx._errors import BackendError, BudgetExceeded, InputError, ModelOutputError
from briefx._extract import Extractor
from briefx._models import MeetingSummary
from briefx._settings import Settings
from briefx.testing import (
    FAULTS,
    STUB_ERROR_MARK,
    StubRequest,
    StubServer,
    invalid_instance,
    minimal_instance,
)

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
    jsonschema = pytest.importorskip("jsonschema")  # not a declared test dependency yet
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
    jsonschema = pytest.importorskip("jsonschema")
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
    with contextlib.suppress(openai.OpenAIError):
        fn()


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
                with contextlib.suppress(httpx.RemoteProtocolError):  # a "drop"
                    http.post(f"{srv.base_url}/chat/completions", json=body)
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


# --- Extractor.extract through each fault ----------------------------------------

ARTICLE_ID = "penza"
MAX_RETRIES = 2
MAX_REASKS = 1


def _settings(srv: StubServer, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "base_url": srv.base_url,
        "api_key": "test-key",
        "cache": False,
        "max_retries": MAX_RETRIES,
        "max_reasks": MAX_REASKS,
        "request_timeout": 1.0,
        "time_budget": 30.0,
        **overrides,
    }
    return Settings(**values)


def _extract(srv: StubServer, text: str, **overrides: Any) -> MeetingSummary:
    with Extractor(_settings(srv, **overrides)) as extractor:
        return extractor.extract(text, source_id=ARTICLE_ID)


def _completions(srv: StubServer) -> list[StubRequest]:
    return [r for r in srv.received if r.path.endswith("/chat/completions")]


def _assert_no_transport_text_reached_the_model(srv: StubServer) -> None:
    for request in srv.received:
        messages = json.dumps(request.body.get("messages", []), ensure_ascii=False)
        leaked = [t for t in TRANSPORT_TEXTS if t.lower() in messages.lower()]
        assert not leaked, f"transport error text {leaked} was sent to the model"


@pytest.fixture
def article(seed_texts: dict[str, str]) -> str:
    return seed_texts["penza-belta-doubled"]


def test_clean_run_makes_one_call_per_pass(article: str) -> None:
    with StubServer() as srv:
        record = _extract(srv, article)
    calls = len(_completions(srv))
    assert calls >= 1 and record.usage.calls == calls
    assert record.usage.retries == 0 and record.usage.reasks == 0
    assert record.usage.prompt_tokens > 0


def test_429_waits_for_retry_after_then_succeeds(article: str) -> None:
    with StubServer(script=["429"], retry_after=1) as srv:
        record = _extract(srv, article)
    first, second = _completions(srv)[:2]
    assert (first.outcome, second.outcome) == ("429", "ok")
    assert second.at - first.at >= 1.0, "Retry-After: 1 was not honoured"
    assert record.usage.retries == 1
    _assert_no_transport_text_reached_the_model(srv)


@pytest.mark.parametrize("fault", ["500", "503", "drop", "truncated_body"])
def test_transient_fault_is_retried(article: str, fault: str) -> None:
    with StubServer(script=[fault]) as srv:
        record = _extract(srv, article)
    outcomes = [r.outcome for r in _completions(srv)]
    assert outcomes[0] == fault and outcomes[1:] and set(outcomes[1:]) == {"ok"}
    if fault != "truncated_body":  # a cut-off envelope is retried by instructor, uncounted
        assert record.usage.retries == 1
    assert record.usage.reasks == 0
    _assert_no_transport_text_reached_the_model(srv)


def test_persistent_503_ends_as_backend_error_naming_the_input(article: str) -> None:
    with (
        StubServer(script=["503"] * (MAX_RETRIES + 5)) as srv,
        pytest.raises(BackendError) as caught,
    ):
        _extract(srv, article)
    err = caught.value
    assert err.input_id == ARTICLE_ID and f"[{ARTICLE_ID}]" in str(err)
    assert err.attempts == MAX_RETRIES + 1
    assert srv.requests == MAX_RETRIES + 1
    assert err.usage is not None and err.usage.retries == MAX_RETRIES
    assert err.hint
    _assert_no_transport_text_reached_the_model(srv)


def test_timeout_is_retried(article: str) -> None:
    with StubServer(script=["timeout"], hang=3) as srv:
        started = time.monotonic()
        record = _extract(srv, article)
    assert record.usage.retries == 1
    assert time.monotonic() - started < 10


def test_persistent_timeout_ends_within_the_budget(article: str) -> None:
    budget = 3.0
    with StubServer(script=["timeout"] * 10, hang=5) as srv:
        started = time.monotonic()
        with pytest.raises((BudgetExceeded, BackendError)) as caught:
            _extract(srv, article, time_budget=budget)
        elapsed = time.monotonic() - started
    # One request may still be in flight when the budget runs out.
    assert elapsed < budget + 1.0 + 1.0, f"took {elapsed:.1f} s for a {budget} s budget"
    assert caught.value.input_id == ARTICLE_ID
    assert srv.requests <= MAX_RETRIES + 1
    _assert_no_transport_text_reached_the_model(srv)


def test_bad_schema_is_re_asked_once_then_succeeds(article: str) -> None:
    with StubServer(script=["bad_schema"]) as srv:
        record = _extract(srv, article)
    assert record.usage.reasks == 1
    reask = _completions(srv)[1].body["messages"]
    assert reask[-1]["role"] == "user" and "was refused" in reask[-1]["content"]
    _assert_no_transport_text_reached_the_model(srv)


@pytest.mark.parametrize("mode", ["json_schema", "tools"])
def test_persistent_bad_schema_ends_as_model_output_error(article: str, mode: str) -> None:
    with StubServer(script=["bad_schema"] * 10) as srv, pytest.raises(ModelOutputError) as caught:
        _extract(srv, article, mode=mode)
    err = caught.value
    assert err.input_id == ARTICLE_ID and f"[{ARTICLE_ID}]" in str(err)
    assert srv.requests == MAX_REASKS + 1
    assert err.attempts == MAX_REASKS + 1
    assert err.last_completion and "not-a-valid-value" in err.last_completion


@pytest.mark.parametrize("script", [["truncated"], ["truncated"] * 10])
def test_truncated_output_is_re_asked_or_a_clear_model_output_error(
    article: str, script: list[str]
) -> None:
    """finish_reason "length": retried like a transport fault, else ModelOutputError naming
    the input and saying the answer was cut off."""
    with StubServer(script=script) as srv:
        try:
            record = _extract(srv, article)
        except ModelOutputError as err:
            assert err.input_id == ARTICLE_ID and err.hint and "cut off" in err.message
        else:
            assert len(script) == 1 and record.usage.reasks + record.usage.retries >= 1
    assert srv.requests <= MAX_RETRIES + 1 + (0 if len(script) > 1 else 2)


def test_empty_choices_is_a_clear_error(article: str) -> None:
    with (
        StubServer(script=["empty_choices"] * 10) as srv,
        pytest.raises((ModelOutputError, BackendError)) as caught,
    ):
        _extract(srv, article)
    assert caught.value.input_id == ARTICLE_ID
    assert "empty" in str(caught.value).lower() or "no choices" in str(caught.value).lower()
    assert srv.requests <= MAX_REASKS + MAX_RETRIES + 1


# --- bad inputs through extract ----------------------------------------------------

RUSSIAN = (
    "МИНСК, 1 апреля (БЕЛТА) – Александр Лукашенко встретился с губернатором "
    "Пензенской области Олегом Мельниченко.\n\nСтороны обсудили поставки техники."
)
NO_ARTICLE_HTML = (
    "<html><head><title>BelTA</title></head><body><nav><a href='/'>Home</a>"
    "<a href='/news'>News</a></nav><footer>© BelTA 2025</footer></body></html>"
)


def _big_text(chars: int) -> str:
    # Distinct random paragraphs, so repeat removal keeps them and the size is real.
    rng = random.Random(0)
    words = [
        "Minsk",
        "governor",
        "region",
        "tractors",
        "trade",
        "plant",
        "agreement",
        "billion",
        "export",
        "talks",
    ]
    parts, size = [], 0
    while size < chars:
        parts.append(" ".join(rng.choice(words) for _ in range(60)) + f" Item {len(parts)}.")
        size += len(parts[-1]) + 2
    return "\n\n".join(parts)


@pytest.mark.parametrize(
    ("source", "needle"),
    [
        (b"", "empty"),
        ("  \n\n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 300, "binary"),
        (RUSSIAN.encode("cp1251"), "cp1251"),
    ],
    ids=["empty", "blank", "binary", "cp1251"],
)
def test_unusable_input_is_an_input_error_naming_it(source: str | bytes, needle: str) -> None:
    with StubServer() as srv, pytest.raises(InputError) as caught:
        _extract(srv, source)  # type: ignore[arg-type]
    assert caught.value.input_id == ARTICLE_ID and needle in str(caught.value)
    assert caught.value.hint
    assert srv.requests == 0, "no model call for unusable input"


def test_five_megabytes_over_the_limit_is_an_input_error() -> None:
    with StubServer() as srv, pytest.raises(InputError) as caught:
        _extract(srv, _big_text(5_000_000))
    assert "max_input_chars" in str(caught.value).lower()
    assert srv.requests == 0


@pytest.mark.slow
def test_five_megabytes_under_a_raised_limit_is_extracted() -> None:
    """Documented: with max_input_chars raised, 5 MB is prepared (~3 s) and sent whole."""
    with StubServer() as srv:
        record = _extract(srv, _big_text(5_000_000), max_input_chars=6_000_000)
    assert record.usage.calls >= 1
    assert len(json.dumps(_completions(srv)[0].body)) > 5_000_000


def test_html_without_an_article_gives_a_no_meeting_record() -> None:
    """Documented: boilerplate-only HTML is not an error; the record says there was no meeting."""
    with StubServer() as srv, Extractor(_settings(srv)) as extractor:
        try:
            record = extractor.extract(NO_ARTICLE_HTML, source_id=ARTICLE_ID, html=True)
        except InputError as err:  # also acceptable: nothing left after cleaning
            assert err.input_id == ARTICLE_ID
            return
    assert record.is_meeting is False and record.participants == []
    assert record.warnings


def test_cp1251_decoded_by_the_caller_is_fine() -> None:
    with StubServer() as srv:
        record = _extract(srv, RUSSIAN.encode("cp1251").decode("cp1251"))
    assert record.usage.calls >= 1


# --- batches -------------------------------------------------------------------------


def _short_article(n: int) -> str:
    return (
        f"MINSK, {n % 28 + 1} April (BelTA) - Aleksandr Lukashenko met with Governor "
        f"Ivan Petrov{n} of Penza Oblast.\n\nThey discussed tractor supplies, item {n}."
    )


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _batch_settings(srv: StubServer, **overrides: Any) -> Settings:
    return _settings(srv, max_retries=3, concurrency=16, **overrides)


@pytest.mark.slow
def test_batch_of_100_with_20_percent_faults_loses_nothing(tmp_path: Path) -> None:
    inputs = tmp_path / "articles.jsonl"
    rows = [{"id": f"a{n:03d}", "text": _short_article(n)} for n in range(100)]
    inputs.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    with StubServer(fault_rate=0.2, faults=FAULTS, seed=7, retry_after=0.2, hang=2) as srv:
        settings = _batch_settings(srv)
        with Extractor(settings) as extractor:
            summary = run_batch(
                [inputs], out, settings=settings, extractor=extractor, progress=False
            )
    records = _read_jsonl(out)
    errors = _read_jsonl(tmp_path / "results.errors.jsonl")
    ids = [line["id"] for line in records + errors]
    assert len(ids) == 100 and sorted(ids) == [r["id"] for r in rows], "lost or doubled inputs"
    assert summary.records == len(records) and summary.errors == len(errors)
    faults = sum(outcome != "ok" for _, outcome in srv.log)
    assert faults >= 20, f"only {faults} faults injected"
    for line in errors:
        assert line["error"] and line["message"], line
    assert len(records) >= 80, f"retries should rescue most inputs, got {len(records)} records"
    _assert_no_transport_text_reached_the_model(srv)


def test_batch_with_bad_inputs_gives_one_line_each(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(_short_article(1), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 300)
    (folder / "russian.txt").write_bytes(RUSSIAN.encode("cp1251"))
    (folder / "big.txt").write_text(_big_text(5_000_000), encoding="utf-8")
    (folder / "noarticle.html").write_text(NO_ARTICLE_HTML, encoding="utf-8")
    jsonl = tmp_path / "feed.jsonl"
    good = json.dumps({"id": "j1", "text": _short_article(2)})
    jsonl.write_text(f'{good}\n{{"id": "j2", "text": "cut off\n{{"id": "j3"}}\n', encoding="utf-8")
    out = tmp_path / "results.jsonl"
    with StubServer() as srv:
        settings = _batch_settings(srv)
        summary = run_batch(
            [folder, jsonl, tmp_path / "missing.txt"], out, settings=settings, progress=False
        )
    records = {line["id"]: line for line in _read_jsonl(out)}
    errors = {line["id"]: line for line in _read_jsonl(tmp_path / "results.errors.jsonl")}
    assert not set(records) & set(errors)
    assert {"good", "j1"} <= set(records)
    expected_errors = {"empty", "binary", "russian", "big", "feed:2", "j3", "missing"}
    assert expected_errors <= set(errors), errors
    assert set(records) | set(errors) == {"good", "j1", "noarticle.html", *expected_errors}
    assert summary.records + summary.errors == 10
    why = {k: "{error}: {message} ({hint})".format(**errors[k]) for k in expected_errors}
    assert "empty" in why["empty"]
    assert "UTF-8" in why["binary"] or "binary" in why["binary"]
    assert "UTF-8" in why["russian"] and "cp1251" in why["russian"]
    assert "2,000,000" in why["big"] or "max_input_chars" in why["big"].lower()
    assert "JSONL" in why["feed:2"] and "text" in why["j3"]
    assert all(errors[key]["error"] == "InputError" for key in expected_errors), why


def test_batch_over_a_folder_that_does_not_exist_fails_before_writing(tmp_path: Path) -> None:
    """Documented: a missing folder is the caller's mistake, reported before anything runs."""
    out = tmp_path / "results.jsonl"
    with StubServer() as srv, pytest.raises(InputError, match="does not exist"):
        run_batch(
            [tmp_path / "no-such-dir" / ""], out, settings=_batch_settings(srv), progress=False
        )
    assert srv.requests == 0 and not out.exists()
