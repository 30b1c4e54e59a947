"""The pipeline on the real embedded model, replayed from recorded cassettes.

Re-record with a model server on 127.0.0.1:8765 (see README, "Cassettes"):
    python -m pytest tests/test_extract.py tests/test_baseline_cassettes.py --record-mode=rewrite
"""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from briefx import Extractor, MeetingSummary, Settings, prepare
from briefx._extract import _PacedSlots
from briefx._prompts import PASSES
from briefx.testing import StubServer
from conftest import ALL_ARTICLES, ARTICLES, ROOT


def _extract(settings: Settings, name: str) -> tuple[MeetingSummary, str]:
    text = (ARTICLES / f"{name}.txt").read_text(encoding="utf-8")
    with Extractor(settings) as extractor:
        record = extractor.extract(text, source_id=name)
    return record, prepare(text, source_id=name).text


@pytest.mark.vcr
@pytest.mark.parametrize("name", ALL_ARTICLES)
def test_extract_article(name: str, recorded_settings: Settings) -> None:
    record, cleaned = _extract(recorded_settings, name)
    MeetingSummary.model_validate(record.model_dump())  # round-trips through validation
    # The facts pass is sent only when the rules leave it something to ask.
    assert record.usage.calls >= len(PASSES) - 1 and record.usage.prompt_tokens > 0
    assert record.usage.reasks == 0
    for span in record.evidence:
        assert cleaned[span.start : span.end] == span.text, span
    for quote in record.quotes:
        assert quote.text in cleaned
    cited = {e.field for e in record.evidence}
    for i in range(len(record.participants)):
        assert f"participants[{i}]" in cited
    for i in range(len(record.trade_figures)):
        assert f"trade_figures[{i}]" in cited


def _cassette_bodies(name: str) -> list[str]:
    path = ROOT / "cassettes" / "test_extract" / f"test_extract_article[{name}].yaml"
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        json.loads(i["request"]["body"])["messages"][1]["content"] for i in data["interactions"]
    ]


def test_penza_request_sends_each_repeated_paragraph_once() -> None:
    for body in _cassette_bodies("penza-belta-doubled"):
        for opening in ("In particular, the president mentioned", "Trade and economic cooperation"):
            assert body.count(opening) == 1


def test_tokens_sent_fall_with_preparation(seed_texts: dict[str, str]) -> None:
    raw = len(seed_texts["penza-belta-doubled"])
    sent = len(_cassette_bodies("penza-belta-doubled")[0])
    assert sent < raw  # the doubled half never reaches the model


@pytest.mark.vcr("test_extract_article[vologda-belta].yaml")
def test_second_extract_is_a_cache_hit_with_no_request(
    recorded_settings: Settings, tmp_path: Path, vcr: Any
) -> None:
    settings = recorded_settings.model_copy(update={"cache": True})
    text = (ARTICLES / "vologda-belta.txt").read_text(encoding="utf-8")
    with Extractor(settings) as extractor:
        first = extractor.extract(text, source_id="vologda-belta")
        played = vcr.play_count
        second = extractor.extract(text, source_id="vologda-belta")
    assert not first.usage.cache_hit and second.usage.cache_hit
    assert vcr.play_count == played  # no HTTP request for the second
    assert second.model_dump(exclude={"usage"}) == first.model_dump(exclude={"usage"})


def _answer_with_invented_figure(request: dict[str, Any]) -> dict[str, Any]:
    """A locally served faulty model: it invents a $9.9 billion figure every time."""
    schema = json.dumps(request.get("response_format", {}))
    if "trade_figures" in schema:
        return {
            "organizations": [],
            "agreements": [],
            "quotes": [],
            "trade_figures": [
                {"amount_text": "$9.9 billion", "period": "2024", "flow": "turnover"}
            ],
        }
    return {"kind": "meeting", "participants": []}


def test_ungrounded_figure_is_dropped_on_its_field_without_a_re_ask(tmp_path: Path) -> None:
    article = (
        "MINSK, 3 June (BelTA) - Aleksandr Lukashenko met with Governor of Omsk Oblast "
        "Vitaly Khotsenko. Trade in US dollars grew last year."
    )
    with StubServer(responder=_answer_with_invented_figure) as server:
        settings = Settings(base_url=server.base_url, api_key="test-key", cache=False, max_reasks=1)
        with Extractor(settings) as extractor:
            record = extractor.extract(article, source_id="omsk-invented")
    assert record.trade_figures == []
    dropped = [w for w in record.warnings if "9.9 billion" in w]
    assert dropped and dropped[0].code == "dropped" and dropped[0].field == "trade_figures"
    assert record.usage.reasks == 0  # no re-ask by design: the figure is dropped
    assert server.requests == len(PASSES)  # every pass once (the article names dollars)


def test_waiting_for_a_model_slot_does_not_spend_the_time_budget() -> None:
    # One article at a time (concurrency 1): the second waits ~0.6 s for the first;
    # wait and calls together (1.2 s) are over its budget, its calls alone are not.
    text = (ARTICLES / "vologda-belta.txt").read_text(encoding="utf-8")

    async def both() -> list[MeetingSummary]:
        with StubServer(delay=0.6) as srv:
            settings = Settings(
                base_url=srv.base_url,
                api_key="test-key",
                cache=False,
                concurrency=1,
                time_budget=0.9,
                processes=0,
            )
            async with Extractor(settings) as extractor:
                return list(
                    await asyncio.gather(
                        *(extractor.aextract(f"{text}\n\nCopy {n}.\n") for n in range(2))
                    )
                )

    records = asyncio.run(both())
    assert [r.region.iso_code if r.region else None for r in records] == ["RU-VLG", "RU-VLG"]
    # The second waited ~0.6 s for the first, and counts only its own calls. (The
    # first also pays for loading the rules' data on first use.)
    assert 0.6 <= records[1].usage.seconds < 1.1, records[1].usage


def test_articles_start_their_model_calls_an_interval_apart() -> None:
    # Four articles let in at once: without spacing their twelve requests arrive
    # within milliseconds; with it, each article's three come 0.2 s after the last's.
    text = (ARTICLES / "vologda-belta.txt").read_text(encoding="utf-8")

    async def four(base_url: str) -> None:
        settings = Settings(
            base_url=base_url, api_key="test-key", cache=False, concurrency=4,
            start_interval=0.2, processes=0,
        )  # fmt: skip
        async with Extractor(settings) as extractor:
            await asyncio.gather(*(extractor.aextract(f"{text}\n\nCopy {n}.\n") for n in range(4)))

    with StubServer() as warm:
        # With the rules in the event loop (processes=0), their one-time data
        # loading blocks the loop for about a second and shifts whichever
        # start it lands on; the spacing is a property of a warm process.
        asyncio.run(four(warm.base_url))
    with StubServer() as srv:
        asyncio.run(four(srv.base_url))
        calls = [r for r in srv.received if r.path.endswith("/chat/completions")]
    assert len(calls) == 4 * len(PASSES)
    # Each article's first request, told apart by the article's last line.
    starts: dict[int, float] = {}
    for r in calls:
        n = next(n for n in range(4) if f"Copy {n}." in json.dumps(r.body["messages"]))
        starts[n] = min(starts.get(n, r.at), r.at)
    firsts = sorted(starts.values())
    # A lower bound only: sleeping can run late on a loaded machine, never early.
    assert all(later - earlier >= 0.1 for earlier, later in itertools.pairwise(firsts))


async def test_a_start_cancelled_while_spaced_out_gives_its_slot_back() -> None:
    slots = _PacedSlots(2, interval=10.0)
    await slots.__aenter__()  # the first starts at once; the next is due in 10 s
    waiting = asyncio.create_task(slots.__aenter__())
    await asyncio.sleep(0.01)
    assert not waiting.done()
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert not slots._free.locked()  # one of two slots held: the cancelled one came back
    await slots.__aexit__(None, None, None)


@pytest.mark.parametrize("ask", ["open", "all"])
def test_the_facts_pass_asks_only_what_the_rules_leave_open(ask: str) -> None:
    from briefx._assemble import facts_fields

    text = (ARTICLES / "vologda-belta.txt").read_text(encoding="utf-8")
    open_fields = facts_fields(prepare(text).text)
    assert "trade_figures" not in open_fields  # the rules find its amount themselves
    settings = Settings(api_key="test-key", cache=False, processes=0, ask=ask)  # type: ignore[arg-type]
    with StubServer() as srv:
        with Extractor(settings.model_copy(update={"base_url": srv.base_url})) as ex:
            record = ex.extract(text, source_id="vologda")
        schemas = [json.dumps(r.body.get("response_format", {})) for r in srv.received]
    facts = [s for s in schemas if '"agreements"' in s]
    assert len(facts) == 1
    expected = {"agreements", "quotes", "trade_figures"} if ask == "all" else open_fields
    for name in ("agreements", "quotes", "trade_figures"):
        assert (f'"{name}"' in facts[0]) == (name in expected), name
    assert record.trade_figures  # found by the rules either way
