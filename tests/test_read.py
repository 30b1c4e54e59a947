"""Reading a batch back: typed records and events, equal to what was extracted, and every
line valid against the published JSON Schema."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import briefx
from briefx import BatchEvent, BatchRecord, MeetingSummary, Settings
from briefx._errors import InputError
from briefx._extract import Extractor
from briefx.testing import StubServer
from conftest import ARTICLES, ROOT

jsonschema = pytest.importorskip("jsonschema")

NAMES = ("vologda-belta", "vologda-rewrite", "samara-rewrite", "tyumen-short")
# Time taken is the one thing two extractions of one article do not share.
_TIMING = {"usage": {"seconds"}}


@pytest.fixture(scope="module")
def stub() -> Iterator[StubServer]:
    with StubServer() as server:
        yield server


def _settings(stub: StubServer) -> Settings:
    return Settings(base_url=stub.base_url, api_key="test-key", cache=False, processes=0)


@pytest.fixture(scope="module")
def batch_out(stub: StubServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("batch") / "results.jsonl"
    files = [ARTICLES / f"{name}.txt" for name in NAMES]
    summary = briefx.batch(files, out, settings=_settings(stub), progress=False)
    assert (summary.records, summary.failed) == (len(NAMES), 0)
    return out


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = json.loads((ROOT / "schemas" / "meeting_summary.schema.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_batch_then_read_records_gives_back_what_extract_gives(
    stub: StubServer, batch_out: Path
) -> None:
    with Extractor(_settings(stub)) as extractor:
        direct = {
            name: extractor.extract((ARTICLES / f"{name}.txt").read_bytes(), source_id=name)
            for name in NAMES
        }

    records = briefx.read_records(batch_out)

    assert all(isinstance(r, BatchRecord) and isinstance(r, MeetingSummary) for r in records)
    assert [r.id for r in records] == list(NAMES)  # input order
    for record in records:
        got = record.to_summary().model_dump(exclude=_TIMING)
        assert got == direct[record.id].model_dump(exclude=_TIMING)
        assert record.source.id == record.id


def test_read_records_is_exactly_the_lines_written(batch_out: Path) -> None:
    records = briefx.read_records(batch_out)

    assert [r.model_dump(mode="json") for r in records] == _lines(batch_out)
    # The same file read again, and each line parsed by the model itself, agree.
    assert briefx.read_records(batch_out) == records
    assert [BatchRecord.model_validate_json(line) for line in batch_out.open()] == records


def test_reports_of_one_meeting_share_an_event_and_read_events_names_them(
    batch_out: Path,
) -> None:
    records = {r.id: r for r in briefx.read_records(batch_out)}
    events = briefx.read_events(batch_out)

    assert all(isinstance(e, BatchEvent) for e in events)
    assert records["vologda-belta"].event_id == records["vologda-rewrite"].event_id
    assert records["samara-rewrite"].event_id != records["vologda-belta"].event_id
    by_id = {e.event_id: e for e in events}
    assert set(by_id) == {r.event_id for r in records.values()}
    for event in events:
        assert sorted(event.sources) == sorted(
            rid for rid, r in records.items() if r.event_id == event.event_id
        )
        assert event.merged.source.id == event.event_id


def test_every_output_line_validates_against_the_published_schema(
    batch_out: Path, validator: Any, stub: StubServer
) -> None:
    lines = _lines(batch_out)
    assert lines and all({"id", "event_id"} <= set(line) for line in lines)
    for line in lines:
        validator.validate(line)
    for event in _lines(batch_out.with_name("results.events.jsonl")):
        validator.validate(event["merged"])
    # A record straight from extract() (no batch keys) fits the same schema.
    with Extractor(_settings(stub)) as extractor:
        record = extractor.extract((ARTICLES / "tyumen-short.txt").read_bytes())
    validator.validate(record.model_dump(mode="json"))


def test_the_schema_names_the_batch_keys_and_forbids_anything_else(validator: Any) -> None:
    line = {"id": "a", "event_id": None, "summary": "s"}
    validator.validate(line)
    errors = list(validator.iter_errors({**line, "retired_field": 1}))
    assert errors and "retired_field" in errors[0].message
    assert not list(validator.iter_errors(MeetingSummary().model_dump(mode="json")))


def test_batch_record_requires_its_id_and_keeps_the_record_rules() -> None:
    with pytest.raises(ValueError, match="id"):
        BatchRecord.model_validate({"summary": "s"})
    with pytest.raises(ValueError, match="meeting_date"):
        BatchRecord(id="a", meeting_date="25 August")
    assert BatchRecord(id="a").event_id is None


def test_read_records_finds_a_table_outputs_records(tmp_path: Path, batch_out: Path) -> None:
    # ``-o results.csv`` keeps its records in results.csv.jsonl.
    (tmp_path / "results.csv.jsonl").write_bytes(batch_out.read_bytes())
    (tmp_path / "results.csv.events.jsonl").write_bytes(
        batch_out.with_name("results.events.jsonl").read_bytes()
    )

    assert briefx.read_records(tmp_path / "results.csv") == briefx.read_records(batch_out)
    assert len(briefx.read_events(tmp_path / "results.csv")) == len(briefx.read_events(batch_out))
    with pytest.raises(InputError, match="cannot tell which results file"):
        briefx.read_records(tmp_path / "results.xlsx")


def test_a_broken_line_is_an_error_naming_file_and_line(tmp_path: Path, batch_out: Path) -> None:
    first, second, *_ = batch_out.read_text().splitlines()
    broken = tmp_path / "r.jsonl"
    broken.write_text(first + "\n" + json.dumps({**json.loads(second), "topics": "x"}) + "\n")

    with pytest.raises(InputError, match=r"r\.jsonl:2 is not a valid BatchRecord: topics"):
        briefx.read_records(broken)
    with pytest.raises(InputError, match="cannot read"):
        briefx.read_records(tmp_path / "missing.jsonl")


def test_a_half_written_last_line_is_left_out_with_a_warning(
    tmp_path: Path, batch_out: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first, second, *_ = batch_out.read_text().splitlines()
    running = tmp_path / "r.jsonl"
    running.write_text(first + "\n" + second[: len(second) // 2])

    with caplog.at_level(logging.WARNING, logger="briefx"):
        records = briefx.read_records(running)

    assert [r.id for r in records] == [json.loads(first)["id"]]
    assert "r.jsonl:2 is a partial line" in caplog.text


def test_batch_is_public_typed_and_takes_one_path(
    tmp_path: Path, stub: StubServer, batch_out: Path
) -> None:
    summary = briefx.batch(
        ARTICLES / "tyumen-short.txt",
        tmp_path / "one.jsonl",
        settings=_settings(stub),
        progress=False,
    )

    assert isinstance(summary, briefx.BatchSummary)
    assert (summary.inputs, summary.records, summary.events) == (1, 1, 1)
    assert summary.records_jsonl == tmp_path / "one.jsonl"
    (record,) = briefx.read_records(summary.records_jsonl)
    assert record.id == "tyumen-short" and record.event_id is not None
    assert {"batch", "read_records", "read_events", "BatchRecord"} <= set(briefx.__all__)
