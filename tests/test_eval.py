"""The scorer's rules, the gold files, the report, and the bare baseline over real HTTP."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from briefx._baseline import PROMPT, baseline_extract
from briefx._errors import BackendError, ExtractionError, InputError, ModelOutputError
from briefx._eval import (
    FIELDS,
    EvalReport,
    evaluate,
    format_comparison,
    run_eval,
    score_record,
    surname,
)
from briefx._models import Evidence, MeetingSummary, Usage
from briefx._settings import Settings

EXTRA = (
    "bryansk-wire",
    "tatarstan-interview",
    "dairy-review",
    "nizhny-ru",
    "omsk-caption",
    "krasnoyarsk-regional",
)
_GOLD_ONLY = {"notes", *(f"{f}_optional" for f in FIELDS)}


def _gold(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "meeting_date": "2025-04-01",
        "location": {"city": "Minsk", "country": "BY"},
        "participants": [],
        "region": {"name": "Penza Oblast", "iso_code": "RU-PNZ"},
        "topics": [],
        "trade_figures": [],
        "organizations": [],
        "agreements": [],
    }
    base.update(fields)
    return base


def _pred(**fields: Any) -> dict[str, Any]:
    return _gold(**fields)


def _fig(amount: float, period: str | None = "2024", flow: str = "turnover") -> dict[str, Any]:
    return {"period": period, "amount_usd": amount, "flow": flow, "qualifier": "exact"}


def _person(name: str) -> dict[str, Any]:
    return {"name": name, "position": None, "country": None}


def _f1(pred: dict[str, Any], gold: dict[str, Any], name: str) -> float:
    return score_record(pred, gold).fields[name].f1


# --- single fields ----------------------------------------------------------------


def test_participants_match_on_folded_surname() -> None:
    gold = _gold(participants=[_person("Aleksandr Lukashenko"), _person("Oleg Melnichenko")])
    pred = _pred(participants=[_person("Alexander LUKASHENKO"), _person("Oleg Mélnichenko")])
    assert _f1(pred, gold, "participants") == 1.0
    wrong = _pred(participants=[_person("Alexander Lukashenko"), _person("Vladimir Putin")])
    score = score_record(wrong, gold).fields["participants"]
    assert (score.precision, score.recall, score.f1) == (0.5, 0.5, 0.5)


def test_surname_skips_initials() -> None:
    assert surname("Lukashenko A.G.") == "lukashenko"
    assert surname("Governor Gleb Nikitin") == "nikitin"


def test_one_gold_person_is_matched_once() -> None:
    gold = _gold(participants=[_person("Aleksandr Lukashenko")])
    pred = _pred(participants=[_person("Aleksandr Lukashenko"), _person("A. Lukashenko")])
    score = score_record(pred, gold).fields["participants"]
    assert score.recall == 1.0
    assert score.precision == 0.5


@pytest.mark.parametrize(
    ("amount", "hit"),
    [(102.0e6, True), (98.0e6, True), (102.1e6, False), (97.9e6, False)],
)
def test_trade_amount_tolerance_is_two_percent_both_sides(amount: float, hit: bool) -> None:
    gold = _gold(trade_figures=[_fig(100e6)])
    assert _f1(_pred(trade_figures=[_fig(amount)]), gold, "trade_figures") == float(hit)


def test_trade_needs_same_period_and_flow() -> None:
    gold = _gold(trade_figures=[_fig(100e6)])
    assert _f1(_pred(trade_figures=[_fig(100e6, period="2023")]), gold, "trade_figures") == 0.0
    assert _f1(_pred(trade_figures=[_fig(100e6, flow="exports")]), gold, "trade_figures") == 0.0


def test_trade_matching_is_one_to_one_and_maximal() -> None:
    # Greedy matching would pair 101 with 100 and leave 102.5 without a partner.
    gold = _gold(trade_figures=[_fig(100e6), _fig(103e6)])
    pred = _pred(trade_figures=[_fig(101e6), _fig(99e6)])
    assert score_record(pred, gold).fields["trade_figures"].recall == 1.0
    gold = _gold(trade_figures=[_fig(100e6)])
    pred = _pred(trade_figures=[_fig(100e6), _fig(101e6)])
    assert score_record(pred, gold).fields["trade_figures"].precision == 0.5


def test_organizations_fuzzy_with_quotes_and_case() -> None:
    gold = _gold(organizations=["Amkodor", "BKM Holding", "MAZ", "Belkommunmash"])
    pred = _pred(organizations=["Amkador", "«bkm holding»", "MAZ", '"BELKOMMUNMASH"'])
    assert _f1(pred, gold, "organizations") == 1.0
    assert _f1(_pred(organizations=["MTZ"]), _gold(organizations=["MAZ"]), "organizations") == 0.0


def test_cyrillic_company_names_match_their_transliteration() -> None:
    gold = _gold(organizations=["GAZ", "MAZ"])
    assert _f1(_pred(organizations=["ГАЗ", "«МАЗ»"]), gold, "organizations") == 1.0


def test_optional_items_are_neither_rewarded_nor_penalised() -> None:
    gold = _gold(
        participants=[_person("Alexander Lukashenko")],
        participants_optional=[_person("Sergei Shulyak")],
        organizations=["MAZ"],
        organizations_optional=["Pesnyary"],
        topics=["machinery"],
        topics_optional=["politics"],
        trade_figures=[_fig(4.4e9, "2023")],
        trade_figures_optional=[_fig(5e9, None)],
    )
    with_optional = _pred(
        participants=[_person("Alexander Lukashenko"), _person("Sergei Shulyak")],
        organizations=["MAZ", "Pesnyary"],
        topics=["machinery", "politics"],
        trade_figures=[_fig(4.4e9, "2023"), _fig(4.95e9, None)],
    )
    without = _pred(
        participants=[_person("Alexander Lukashenko")],
        organizations=["MAZ"],
        topics=["machinery"],
        trade_figures=[_fig(4.4e9, "2023")],
    )
    for field in ("participants", "organizations", "topics", "trade_figures"):
        assert _f1(with_optional, gold, field) == 1.0, field
        assert _f1(without, gold, field) == 1.0, field


def test_empty_gold_and_prediction_score_one_and_invention_scores_zero() -> None:
    gold = _gold()
    assert _f1(_pred(), gold, "organizations") == 1.0
    assert _f1(_pred(), gold, "trade_figures") == 1.0
    assert _f1(_pred(organizations=["MAZ"]), gold, "organizations") == 0.0
    assert _f1(_pred(), _gold(organizations=["MAZ"]), "organizations") == 0.0


def test_optional_only_prediction_against_empty_gold_is_one() -> None:
    gold = _gold(organizations_optional=["BelTA"])
    assert _f1(_pred(organizations=["BelTA"]), gold, "organizations") == 1.0


def test_agreements_score_signed_only_with_fuzzy_titles() -> None:
    title = "three-year cooperation development programme with Vologda Oblast"
    gold = _gold(agreements=[{"title": title, "status": "signed"}])
    near = {"title": "Cooperation development program for three years", "status": "signed"}
    planned = {"title": "assembly plant agreement", "status": "planned"}
    assert _f1(_pred(agreements=[near, planned]), gold, "agreements") == 1.0
    assert _f1(_pred(agreements=[{**near, "status": "planned"}]), gold, "agreements") == 0.0
    assert _f1(_pred(agreements=[planned]), _gold(agreements=[planned]), "agreements") == 1.0


def test_date_region_and_city() -> None:
    gold = _gold()
    pred = _pred(
        meeting_date="2025-04-02",
        location={"city": "minsk", "country": "BY"},
        region={"name": "Penza", "iso_code": "ru-pnz"},
    )
    score = score_record(pred, gold)
    assert score.fields["meeting_date"].f1 == 0.0
    assert score.fields["location"].f1 == 1.0
    assert score.fields["region"].f1 == 1.0
    assert score_record(_pred(region=None), gold).fields["region"].f1 == 0.0


def test_city_is_skipped_where_gold_has_none() -> None:
    gold = _gold(location={"city": None, "country": "BY"})
    score = score_record(_pred(location={"city": "Moscow", "country": "RU"}), gold)
    assert "location" not in score.fields
    assert len(score.fields) == 7


def test_no_meeting_gold_penalises_invented_date_and_region() -> None:
    gold = _gold(meeting_date=None, location=None, region=None)
    assert score_record(_pred(meeting_date=None, location=None, region=None), gold).macro_f1 == 1
    invented = score_record(_pred(), gold)
    assert invented.fields["meeting_date"].f1 == 0.0
    assert invented.fields["region"].f1 == 0.0


# --- grounding ---------------------------------------------------------------------


def test_quote_and_evidence_grounding() -> None:
    cleaned = 'Lukashenko met Melnichenko. "We are ready," he said.'
    record = MeetingSummary(
        participants=[{"name": "Lukashenko"}, {"name": "Melnichenko"}],
        quotes=[{"text": "We are ready,"}, {"text": "We are not ready"}],
        evidence=[
            Evidence(field="participants[0]", start=0, end=10, text="Lukashenko"),
            Evidence(field="participants[1].name", start=15, end=26, text="Melnichenkx"),
        ],
        usage=Usage(prompt_tokens=900, completion_tokens=100),
    )
    score = score_record(record, _gold(), cleaned)
    assert score.quote_grounding == 0.5
    assert score.evidence_valid == 0.5
    # participants[0] and one quote of two participants and two quotes
    assert score.grounding_rate == 0.5
    assert score.tokens == 1000
    assert score_record(record, _gold()).grounding_rate is None


# --- gold files and the report ------------------------------------------------------


def test_extra_articles_have_gold(articles_dir: Path, gold_dir: Path) -> None:
    for name in EXTRA:
        assert (articles_dir / f"{name}.txt").is_file()
        assert (gold_dir / f"{name}.json").is_file()


def test_every_gold_file_is_a_valid_record(gold_records: dict[str, dict[str, Any]]) -> None:
    for name, gold in gold_records.items():
        fields = {k: v for k, v in gold.items() if k not in _GOLD_ONLY}
        MeetingSummary.model_validate(fields)
        assert gold.get("notes"), name


def test_gold_scored_against_itself_is_perfect(gold_records: dict[str, dict[str, Any]]) -> None:
    for name, gold in gold_records.items():
        score = score_record(copy.deepcopy(gold), gold)
        assert score.macro_f1 == 1.0, (name, score.fields)


def test_evaluate_table_and_macro(gold_dir: Path, gold_records: dict[str, dict[str, Any]]) -> None:
    records = {
        name: MeetingSummary.model_validate({k: v for k, v in g.items() if k not in _GOLD_ONLY})
        for name, g in gold_records.items()
    }
    records["bryansk-wire"] = MeetingSummary()
    report = evaluate(records, gold_dir)
    assert set(report.field_f1) == set(FIELDS)
    assert 0.5 < report.macro_f1 < 1.0
    table = report.format_table()
    for name in gold_records:
        assert name in table
    assert "macro-F1:" in table
    assert "field mean" in table
    assert json.dumps(report.to_dict())


def test_evaluate_rejects_a_record_without_gold(gold_dir: Path) -> None:
    with pytest.raises(InputError, match="no-such-article"):
        evaluate({"no-such-article": MeetingSummary()}, gold_dir)


class _GoldExtractor:
    """Answers with the gold record, except one article that fails."""

    def __init__(self, gold: dict[str, dict[str, Any]]) -> None:
        self.gold = gold
        self.seen: list[str] = []

    def extract(self, source: str, *, source_id: str | None = None) -> MeetingSummary:
        assert source_id is not None
        self.seen.append(source_id)
        if source_id == "omsk-caption":
            raise ModelOutputError("kept failing", usage=Usage(prompt_tokens=50))
        fields = {k: v for k, v in self.gold[source_id].items() if k not in _GOLD_ONLY}
        return MeetingSummary.model_validate(fields)


def test_run_eval_scores_each_article_and_survives_failures(
    gold_dir: Path, articles_dir: Path, gold_records: dict[str, dict[str, Any]]
) -> None:
    fake = _GoldExtractor(gold_records)
    report = run_eval(gold_dir, articles_dir, extractor=fake)
    assert isinstance(report, EvalReport)
    assert sorted(fake.seen) == sorted(gold_records)
    by_id = {a.id: a for a in report.articles}
    assert by_id["omsk-caption"].error == "ModelOutputError"
    assert by_id["omsk-caption"].tokens == 50
    # an empty record: date, city, people and region wrong; the four empty fields right
    assert by_id["omsk-caption"].macro_f1 == 0.5
    assert all(a.macro_f1 == 1.0 for a in report.articles if a.id != "omsk-caption")


def test_run_eval_needs_the_article_of_each_gold(tmp_path: Path, gold_dir: Path) -> None:
    with pytest.raises(InputError, match=r"has no article"):
        run_eval(gold_dir, tmp_path, extractor=_GoldExtractor({}))


# --- the bare baseline, over HTTP to a fake OpenAI-compatible server -------------------


def _server(content: str, seen: list[dict[str, Any]], tool: bool = False) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if tool:
            name = seen[-1]["tools"][0]["function"]["name"]
            call = {
                "id": "c1",
                "type": "function",
                "function": {"name": name, "arguments": content},
            }
            message = {"role": "assistant", "content": None, "tool_calls": [call]}
        body = {
            "id": "cmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": "m",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": message,
                }
            ],
            "usage": {"prompt_tokens": 1200, "completion_tokens": 300, "total_tokens": 1500},
        }
        return httpx.Response(200, json=body)

    return httpx.MockTransport(handle)


def _client(transport: httpx.BaseTransport) -> openai.OpenAI:
    return openai.OpenAI(
        base_url="http://fake/v1",
        api_key="sk-test",
        max_retries=0,
        http_client=httpx.Client(transport=transport),
    )


_ANSWER = {
    "meeting_date": "1 April",
    "location": {"city": "Minsk", "country": "Belarus"},
    "participants": [
        {"name": "Aleksandr Lukashenko", "position": "President", "country": "BY"},
        {"name": "Oleg Melnichenko", "position": "Governor", "country": "RU"},
    ],
    "region": {"name": "Penza Oblast", "iso_code": "RU-PNZ"},
    "topics": ["machinery", "elevators"],
    "trade_figures": [
        {
            "period": "2024",
            "amount_usd": 152,
            "flow": "turnover",
            "qualifier": "exact",
            "growth_pct": 10,
        },
        {
            "period": "2021",
            "amount_usd": 103e6,
            "flow": "turnover",
            "qualifier": "over",
            "growth_pct": None,
        },
    ],
    "organizations": ["MAZ"],
    "agreements": [],
    "quotes": [{"speaker": "Lukashenko", "text": "We are ready"}],
    "summary": "They met.",
}


def test_baseline_is_one_bare_call_and_drops_invalid_items() -> None:
    seen: list[dict[str, Any]] = []
    client = _client(_server(json.dumps(_ANSWER), seen))
    settings = Settings(base_url="http://fake/v1", model="m", cache=False)
    record = baseline_extract("RAW article text", settings, client=client)
    assert len(seen) == 1
    request = seen[0]
    assert request["temperature"] == 0
    assert request["messages"][0]["content"] == PROMPT
    assert request["messages"][-1]["content"] == "RAW article text"
    assert "response_format" in request  # JSON-schema mode for a non-OpenAI server
    # 'amount_usd: 152', '1 April' and 'Belarus' break the contract and are dropped.
    assert [f.amount_usd for f in record.trade_figures] == [103e6]
    assert record.meeting_date is None
    assert record.location is None
    assert len(record.participants) == 2
    assert str(record.warnings[0]) == "baseline dropped 3 invalid item(s)"
    assert (record.usage.prompt_tokens, record.usage.completion_tokens, record.usage.calls) == (
        1200,
        300,
        1,
    )


def test_baseline_uses_tools_mode_for_openai() -> None:
    seen: list[dict[str, Any]] = []
    client = _client(_server(json.dumps(_ANSWER), seen, tool=True))
    settings = Settings(backend="openai", api_key="sk-test", cache=False)
    record = baseline_extract("RAW article text", settings, client=client)
    assert "tools" in seen[0]
    assert seen[0]["model"] == "gpt-4o-mini"
    assert record.region is not None
    assert record.region.iso_code == "RU-PNZ"


def test_baseline_does_not_reask_on_invalid_json() -> None:
    seen: list[dict[str, Any]] = []
    client = _client(_server('{"meeting_date": ', seen))
    settings = Settings(base_url="http://fake/v1", model="m", cache=False)
    with pytest.raises(ModelOutputError) as info:
        baseline_extract("text", settings, client=client)
    assert len(seen) == 1
    assert isinstance(info.value, ExtractionError)


def test_baseline_reports_an_unreachable_server() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    settings = Settings(base_url="http://fake/v1", model="m", cache=False)
    with pytest.raises(BackendError, match="BRIEFX_BASE_URL"):
        baseline_extract("text", settings, client=_client(httpx.MockTransport(refuse)))


def test_baseline_needs_a_server_for_the_local_backend() -> None:
    from briefx._errors import ConfigError

    with pytest.raises(ConfigError, match="BRIEFX_BASE_URL"):
        baseline_extract("text", Settings(backend="local", cache=False))


def test_comparison_prints_both_and_the_ratio(gold_dir: Path) -> None:
    gold = json.loads((gold_dir / "bryansk-wire.json").read_text(encoding="utf-8"))
    good = MeetingSummary.model_validate({k: v for k, v in gold.items() if k not in _GOLD_ONLY})
    ours = evaluate({"bryansk-wire": good}, gold_dir)
    theirs = evaluate({"bryansk-wire": MeetingSummary(topics=["machinery"])}, gold_dir)
    text = format_comparison(ours, theirs)
    assert "macro-F1" in text
    assert "bryansk-wire" in text
    ratio = ours.macro_f1 / theirs.macro_f1
    assert f"{ratio:.1f}x" in text
