"""The model client: what reaches the server, the async transport, prepared response models."""

from __future__ import annotations

import asyncio
import gc
import warnings
from pathlib import Path

from briefx import aextract
from briefx._answers import FactsAnswer, PeopleAnswer
from briefx._client import _prepared
from briefx._extract import Extractor
from briefx._prepare import prepare
from briefx._prompts import PASSES, build_messages
from briefx._settings import Settings
from briefx.testing import StubServer
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
    assert sorted(map(str, sent)) == sorted(str(build_messages(p, cleaned)) for p in PASSES)


def test_grounding_still_re_asks_for_an_invented_participant() -> None:
    # The validators' context no longer travels through instructor's `context=`.
    invented = {"is_meeting": True, "participants": [{"name": "Ivan Inventedov"}], "summary": ""}

    def responder(body: dict[str, object]) -> object:
        fmt = body.get("response_format")
        name = fmt["json_schema"]["name"] if isinstance(fmt, dict) else ""  # type: ignore[index]
        return invented if name == "PeopleAnswer" else {}

    with StubServer(responder=responder) as srv, Extractor(_settings(srv)) as ex:
        record = ex.extract(_article(), source_id="invented")
        requests = srv.requests
    assert requests == 4  # three passes and one re-ask for the people pass
    assert record.usage.reasks == 1
    assert all("Inventedov" not in p.name for p in record.participants)
    assert any("Inventedov" in w for w in record.warnings)


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
