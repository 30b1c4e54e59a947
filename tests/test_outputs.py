"""Batch output files: one column layout from the schema, rows in input order, native
types in Parquet that do not depend on the data, a SQLite file to browse, and output
names and formats that cannot mislead or share state."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import briefx
from briefx import cli
from briefx._batch import output_format, run_batch, side_paths
from briefx._errors import UsageError
from briefx._models import MeetingSummary
from briefx._notebook import to_dataframe
from briefx._outputs import arrow_schema, columns
from conftest import ARTICLES, GOLD

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pd = pytest.importorskip("pandas")

NAMES = ("vologda-belta", "samara-rewrite", "vologda-rewrite", "penza-belta-doubled")
_GOLD_ONLY = (
    "notes",
    "topics_optional",
    "participants_optional",
    "organizations_optional",
    "trade_figures_optional",
)


class GoldExtractor:
    """Answers with gold records; the first input finishes last, so completion order
    is never input order. ``empty=True`` answers bare records (every field null)."""

    def __init__(self, *, empty: bool = False) -> None:
        self.empty = empty
        self.calls: list[str] = []

    async def aextract(self, source: str | bytes, **kwargs: Any) -> MeetingSummary:
        source_id = kwargs["source_id"]
        self.calls.append(source_id)
        await asyncio.sleep(0.05 if source_id == NAMES[0] else 0.0)
        gold = json.loads((GOLD / f"{source_id}.json").read_text(encoding="utf-8"))
        body = {} if self.empty else {k: v for k, v in gold.items() if k not in _GOLD_ONLY}
        if not self.empty:
            body["summary"] = f"The {source_id.replace('-', ' ')} report of a meeting."
        return MeetingSummary.model_validate({**body, "source": {"id": source_id}})


def _files() -> list[Path]:
    return [ARTICLES / f"{name}.txt" for name in NAMES]


def _run(out: Path, *, empty: bool = False, **kwargs: Any) -> GoldExtractor:
    fake = GoldExtractor(empty=empty)
    settings = briefx.Settings(concurrency=4)
    run_batch(_files(), out, settings=settings, extractor=fake, progress=False, **kwargs)
    return fake


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text().splitlines()]


# --- order ------------------------------------------------------------------------


def test_rows_follow_input_order_in_every_output(tmp_path: Path) -> None:
    fake = _run(tmp_path / "r.csv")
    _run(tmp_path / "r.parquet")
    _run(tmp_path / "r.jsonl")

    # The first input is held back 50 ms, so completion order is not input order.
    assert sorted(fake.calls) == sorted(NAMES)
    with (tmp_path / "r.csv").open(encoding="utf-8", newline="") as fh:
        assert [row["id"] for row in csv.DictReader(fh)] == list(NAMES)
    assert list(pq.read_table(tmp_path / "r.parquet")["id"].to_pylist()) == list(NAMES)
    assert _ids(tmp_path / "r.jsonl") == _ids(tmp_path / "r.csv.jsonl") == list(NAMES)


def test_a_resumed_batch_is_in_input_order_too(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    run_batch(_files()[2:], out, extractor=GoldExtractor(), progress=False)

    _run(out)

    assert _ids(out) == list(NAMES)


def test_csv_columns_are_the_schemas_whatever_the_records_hold(tmp_path: Path) -> None:
    _run(tmp_path / "full.csv")
    _run(tmp_path / "bare.csv", empty=True)

    headers = []
    for name in ("full.csv", "bare.csv"):
        with (tmp_path / name).open(encoding="utf-8", newline="") as fh:
            headers.append(next(csv.reader(fh)))
    expected = [c.name for c in columns()]
    assert headers == [expected, expected]
    assert expected[:3] == ["id", "event_id", "meeting_date"]
    # Object fields keep their columns when null; schema order throughout.
    schema_fields = list(MeetingSummary.model_json_schema()["properties"])
    firsts = list(dict.fromkeys(name.split(".")[0] for name in expected))
    assert firsts == ["id", "event_id", *[f for f in schema_fields if f not in ("id", "event_id")]]
    assert {"region.iso_code", "location.city", "source.id"} <= set(expected)


# --- Parquet ----------------------------------------------------------------------


def test_parquet_has_native_lists_structs_and_dates(tmp_path: Path) -> None:
    _run(tmp_path / "r.parquet")

    table = pq.read_table(tmp_path / "r.parquet")
    schema = table.schema
    assert schema.field("meeting_date").type == pa.date32()
    assert schema.field("topics").type == pa.list_(pa.string())
    people = schema.field("participants").type
    assert pa.types.is_list(people) and pa.types.is_struct(people.value_type)
    assert [people.value_type.field(i).name for i in range(3)] == ["name", "position", "country"]
    assert schema.field("trade_figures").type.value_type.field("amount_usd").type == pa.float64()
    assert schema.field("is_meeting").type == pa.bool_()
    row = table.slice(0, 1).to_pylist()[0]
    assert row["meeting_date"] == dt.date(2025, 8, 25)
    assert row["participants"][0]["name"] == "Aleksandr Lukashenko"
    assert row["region.iso_code"] == "RU-VLG"


def test_parquet_types_are_the_same_when_every_value_is_null(tmp_path: Path) -> None:
    _run(tmp_path / "full.parquet")
    _run(tmp_path / "bare.parquet", empty=True)

    full = pq.read_schema(tmp_path / "full.parquet")
    bare = pq.read_schema(tmp_path / "bare.parquet")

    assert full.remove_metadata() == bare.remove_metadata() == arrow_schema()
    assert not any(pa.types.is_null(field.type) for field in bare)
    assert pq.read_table(tmp_path / "bare.parquet")["meeting_date"].null_count == len(NAMES)
    # Files from the two runs stack into one table.
    both = pa.concat_tables(
        [pq.read_table(tmp_path / "full.parquet"), pq.read_table(tmp_path / "bare.parquet")]
    )
    assert both.num_rows == 2 * len(NAMES)


def test_an_empty_batch_still_writes_the_parquet_schema(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    run_batch([tmp_path / "in"], tmp_path / "r.parquet", extractor=GoldExtractor(), progress=False)

    table = pq.read_table(tmp_path / "r.parquet")
    assert table.num_rows == 0 and table.schema.remove_metadata() == arrow_schema()


def test_to_dataframe_agrees_with_the_parquet_file(tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    _run(out)

    from_file = pd.read_parquet(out)
    from_records = to_dataframe(briefx.read_records(out))

    assert list(from_records.columns) == list(from_file.columns) == [c.name for c in columns()]
    assert list(from_records["id"]) == list(from_file["id"])
    assert from_records.loc[0, "meeting_date"] == from_file.loc[0, "meeting_date"]
    assert isinstance(from_records.loc[0, "meeting_date"], dt.date)
    assert [p["name"] for p in from_records.loc[0, "participants"]] == [
        p["name"] for p in from_file.loc[0, "participants"]
    ]
    for name in ("usage.prompt_tokens", "is_meeting", "region.iso_code"):
        assert from_records[name].dtype == from_file[name].dtype, name


# --- SQLite -----------------------------------------------------------------------


def test_sqlite_output_opens_and_answers_queries(tmp_path: Path) -> None:
    sqlite_utils = pytest.importorskip("sqlite_utils")
    out = tmp_path / "r.db"
    _run(out)

    with sqlite3.connect(out) as db:
        per_region = dict(
            db.execute('select "region.iso_code", count(*) from records group by 1').fetchall()
        )
        trade = db.execute(
            "select r.id, r.meeting_date, t.amount_usd from trade_figures t"
            " join records r on r.id = t.record_id order by r.meeting_date, t.item"
        ).fetchall()
        people = db.execute(
            "select name from participants where record_id = ? order by item", ("vologda-belta",)
        ).fetchall()
        events = db.execute(
            "select e.event_id, count(*) from records r join events e using (event_id) group by 1"
        ).fetchall()
        found = db.execute(
            "select id from records where rowid in"
            " (select rowid from records_fts where records_fts match 'Vologda')"
        ).fetchall()
        topics = db.execute("select topics from records where id = 'samara-rewrite'").fetchone()

    assert per_region == {"RU-VLG": 2, "RU-SAM": 1, "RU-PNZ": 1}
    assert trade and all(isinstance(amount, float) for _, _, amount in trade)
    assert people[0] == ("Aleksandr Lukashenko",)
    assert sorted(n for _, n in events) == [1, 1, 2]
    assert {"vologda-belta", "vologda-rewrite"} <= {i for (i,) in found}
    assert isinstance(json.loads(topics[0]), list)
    # The links datasette follows: records -> events, list tables -> records.
    database = sqlite_utils.Database(out)
    assert {fk.other_table for fk in database["records"].foreign_keys} == {"events"}
    assert [fk.other_table for fk in database["participants"].foreign_keys] == ["records"]
    assert database["records"].pks == ["id"]


def test_sqlite_column_types_do_not_depend_on_the_data(tmp_path: Path) -> None:
    pytest.importorskip("sqlite_utils")
    _run(tmp_path / "full.db")
    _run(tmp_path / "bare.db", empty=True)

    def types(path: Path) -> list[tuple[str, str, str]]:
        with sqlite3.connect(path) as db:
            tables = [t for (t,) in db.execute("select name from sqlite_master where type='table'")]
            return [
                (table, row[1], row[2])
                for table in tables
                if not table.startswith("records_fts")
                for row in db.execute(f"pragma table_info('{table}')")
            ]

    assert types(tmp_path / "full.db") == types(tmp_path / "bare.db")


def test_datasette_serves_the_sqlite_output(tmp_path: Path) -> None:
    datasette_app = pytest.importorskip("datasette.app")
    out = tmp_path / "r.db"
    _run(out)

    async def fetch(path: str) -> Any:
        return await datasette_app.Datasette([str(out)]).client.get(path)

    records = asyncio.run(fetch("/r/records.json?_shape=array"))
    facets = asyncio.run(fetch("/r/records.json?_facet=region.name"))
    search = asyncio.run(fetch("/r/records.json?_search=samara&_shape=array"))

    assert records.status_code == facets.status_code == search.status_code == 200
    assert sorted(row["id"] for row in records.json()) == sorted(NAMES)
    (facet,) = facets.json()["facet_results"].values()
    assert {item["value"]: item["count"] for item in facet["results"]}["Vologda Oblast"] == 2
    assert [row["id"] for row in search.json()] == ["samara-rewrite"]


# --- names and formats ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "message"),
    [
        ("res.csv", "parquet", "res.csv is named as csv but the format asked for is parquet"),
        ("z.xlsx", None, "cannot write 'z.xlsx'"),
        ("z.xlsx", "csv", "cannot write 'z.xlsx'"),
        ("results", None, "cannot write 'results'"),
        ("r.jsonl", "sqlite", "named as jsonl"),
    ],
)
def test_a_name_that_does_not_say_the_format_is_refused(
    tmp_path: Path, name: str, fmt: str | None, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        run_batch(_files(), tmp_path / name, fmt=fmt, extractor=GoldExtractor(), progress=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "res.csv", "--format", "parquet"], "name it res.parquet"),
        (["-o", "z.xlsx"], "cannot write 'z.xlsx'"),
    ],
)
def test_the_cli_refuses_them_with_exit_2_and_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("text")

    code = cli.main(["batch", "in", *args, "--no-progress"])

    assert code == 2
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_the_suffix_sets_the_format_and_format_may_confirm_it() -> None:
    assert output_format(Path("r.JSONL")) == "jsonl"
    assert output_format(Path("r.ndjson")) == "jsonl"
    assert output_format(Path("r.parquet"), "parquet") == "parquet"
    assert output_format(Path("r.sqlite")) == output_format(Path("r.db")) == "sqlite"
    with pytest.raises(UsageError, match="unknown output format 'xml'"):
        output_format(Path("r.xml"), "xml")


def test_outputs_are_named_from_the_whole_file_name() -> None:
    jsonl, table = side_paths("out/res.jsonl"), side_paths("out/res.csv")

    assert [p.name for p in jsonl] == ["res.jsonl", "res.errors.jsonl", "res.events.jsonl"]
    assert [p.name for p in table] == [
        "res.csv.jsonl",
        "res.csv.errors.jsonl",
        "res.csv.events.jsonl",
    ]
    every = [*jsonl, *table, *side_paths("out/res.parquet"), *side_paths("out/res.db")]
    assert len(set(every)) == len(every)


def test_a_csv_run_after_a_jsonl_run_shares_no_state(tmp_path: Path) -> None:
    first = _run(tmp_path / "res.jsonl")
    (tmp_path / "res.errors.jsonl").write_text(
        json.dumps({"id": NAMES[1], "error": "BackendError"}) + "\n"
    )

    second = _run(tmp_path / "res.csv")

    # Nothing of the first run is taken as done, nor its error as an earlier failure.
    assert sorted(second.calls) == sorted(first.calls) == sorted(NAMES)
    with (tmp_path / "res.csv").open(encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == len(NAMES)
    assert (tmp_path / "res.csv.errors.jsonl").read_text() == ""


def test_parquet_and_sqlite_name_their_missing_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name in ("pyarrow", "sqlite_utils") else real(name, *a),
    )
    with pytest.raises(UsageError) as info:
        run_batch(_files(), tmp_path / "r.db", extractor=GoldExtractor(), progress=False)
    assert "sqlite_utils" in str(info.value) and "briefx[sqlite]" in str(info.value)
    with pytest.raises(UsageError, match="pyarrow"):
        run_batch(_files(), tmp_path / "r.parquet", extractor=GoldExtractor(), progress=False)
