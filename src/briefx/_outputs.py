"""Table outputs of a batch: one column layout, taken from the record model, for all.

CSV, Parquet, SQLite and :func:`briefx.to_dataframe` share :func:`columns`:
``id`` and ``event_id`` first, then the record's fields in schema order, each
object field spread into ``a.b`` columns (also when it is null), so files from
different runs line up column for column. Rows keep the order they are given
in (the batch gives them in input order).

Each format keeps what it can of the types: Parquet stores lists as lists,
their items as structs and ``meeting_date`` as a date, with the declared type
even for a column that is null in every row; CSV joins string lists with
``"; "`` and writes object lists as JSON; SQLite writes lists as JSON text and
adds one table per list field (``participants``, ``trade_figures``, ...) that
points back at ``records.id``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import types
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from briefx._models import BatchRecord, MeetingSummary

BATCH_KEYS = ("id", "event_id")
# Stored as a date where the format has one; the record keeps the ISO string.
DATE_COLUMNS = frozenset({"meeting_date"})
_CHUNK = 1000


@dataclass(frozen=True)
class Column:
    """One output column: ``path`` walks the record's JSON to its value."""

    name: str
    path: tuple[str, ...]
    kind: Any  # the field's annotation without ``| None``

    @property
    def is_list(self) -> bool:
        return get_origin(self.kind) is list


def bare(annotation: Any) -> Any:
    """``X | None`` -> ``X``; anything else as it is."""
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [a for a in get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


@cache
def columns(batch_keys: bool = True) -> tuple[Column, ...]:
    """The fixed columns, in order; ``batch_keys=False`` leaves out ``id`` and ``event_id``."""
    fields = BatchRecord.model_fields
    names = (
        [*BATCH_KEYS, *MeetingSummary.model_fields]
        if batch_keys
        else [*MeetingSummary.model_fields]
    )
    out: list[Column] = []
    for name in names:
        kind = bare(fields[name].annotation)
        if _is_model(kind):
            out += [
                Column(f"{name}.{sub}", (name, sub), bare(info.annotation))
                for sub, info in kind.model_fields.items()
            ]
        else:
            out.append(Column(name, (name,), kind))
    return tuple(out)


def item_columns(field: str) -> tuple[Column, ...]:
    """The columns of one item of list field ``field`` (``participants.name``, ...)."""
    kind = bare(MeetingSummary.model_fields[field].annotation)
    item = get_args(kind)[0]
    if _is_model(item):
        return tuple(
            Column(f"{field}.{sub}", (sub,), bare(info.annotation))
            for sub, info in item.model_fields.items()
        )
    return (Column(field, (), item),)


def value(line: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """The value at ``path``, None where a step is missing or null."""
    current: Any = line
    for step in path:
        if not isinstance(current, Mapping):
            return None
        current = current.get(step)
    return current


def as_date(text: Any) -> dt.date | None:
    return dt.date.fromisoformat(text) if isinstance(text, str) and text else None


def flat_row(line: Mapping[str, Any], cols: Iterable[Column]) -> dict[str, Any]:
    """One row with every column of ``cols``; lists and their items stay native."""
    return {col.name: value(line, col.path) for col in cols}


def _chunks(rows: Iterable[Any]) -> Iterator[list[Any]]:
    it = iter(rows)
    while chunk := list(islice(it, _CHUNK)):
        yield chunk


def _replace_from_tmp(path: Path) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    return tmp


# --- CSV -------------------------------------------------------------------------


def csv_cell(cell: Any) -> Any:
    """Lists of strings joined with ``"; "``, other lists and objects as JSON."""
    if isinstance(cell, list) and all(isinstance(v, str) for v in cell):
        return "; ".join(cell)
    if isinstance(cell, list | dict):
        return json.dumps(cell, ensure_ascii=False)
    return cell


def csv_rows(lines: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    cols = columns()
    for line in lines:
        yield {col.name: csv_cell(value(line, col.path)) for col in cols}


# --- Parquet ---------------------------------------------------------------------


def arrow_type(kind: Any, name: str = "") -> Any:
    """The Arrow type of a field annotation (``name`` picks out date columns)."""
    import pyarrow as pa

    if name in DATE_COLUMNS:
        return pa.date32()
    origin = get_origin(kind)
    if origin is list:
        return pa.list_(arrow_type(bare(get_args(kind)[0])))
    if origin is Literal:
        return pa.string()
    if _is_model(kind):
        return pa.struct(
            [
                pa.field(sub, arrow_type(bare(info.annotation)))
                for sub, info in kind.model_fields.items()
            ]
        )
    scalars = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}
    return scalars[kind]


def arrow_schema(batch_keys: bool = True) -> Any:
    import pyarrow as pa

    return pa.schema([pa.field(c.name, arrow_type(c.kind, c.name)) for c in columns(batch_keys)])


def _parquet_row(line: Mapping[str, Any], cols: tuple[Column, ...]) -> dict[str, Any]:
    row = flat_row(line, cols)
    for name in DATE_COLUMNS:
        row[name] = as_date(row.get(name))
    return row


def write_parquet(path: Path, lines: Iterable[Mapping[str, Any]]) -> None:
    """Write in chunks under one fixed schema: a column null everywhere keeps its type."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema, cols = arrow_schema(), columns()
    tmp = _replace_from_tmp(path)
    with pq.ParquetWriter(tmp, schema) as writer:
        for chunk in _chunks(lines):
            rows = [_parquet_row(line, cols) for line in chunk]
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    os.replace(tmp, path)


# --- SQLite ----------------------------------------------------------------------


def _sql_type(col: Column) -> type:
    if col.kind in (int, bool):
        return int
    if col.kind is float:
        return float
    return str  # text, dates (ISO), lists and objects (JSON)


def _sql_cell(cell: Any) -> Any:
    if isinstance(cell, list | dict):
        return json.dumps(cell, ensure_ascii=False)
    if isinstance(cell, bool):
        return int(cell)
    return cell


def _item_name(col: Column) -> str:
    # In its own table an item's field needs no prefix; a string item is its ``value``.
    return col.path[-1] if col.path else "value"


def _list_fields() -> list[Column]:
    return [col for col in columns(batch_keys=False) if col.is_list]


def write_sqlite(
    path: Path, lines: Iterable[Mapping[str, Any]], events: Iterable[Mapping[str, Any]]
) -> None:
    """A database datasette opens: ``records`` (one row per record), ``events``, and
    one table per list field with ``record_id`` and ``item`` (its position)."""
    import sqlite_utils

    tmp = _replace_from_tmp(path)
    db = sqlite_utils.Database(tmp)
    try:
        _create_tables(db)
        _insert_events(db, events)
        for chunk in _chunks(lines):
            _insert_records(db, chunk)
        db["records"].enable_fts(["summary"], create_triggers=False)  # type: ignore[union-attr]
    finally:
        db.close()
    os.replace(tmp, path)


def _create_tables(db: Any) -> None:
    record_cols = columns(batch_keys=False)
    db["events"].create(
        {"event_id": str, "sources": str, **{c.name: _sql_type(c) for c in record_cols}},
        pk="event_id",
    )
    db["records"].create(
        {c.name: _sql_type(c) for c in columns()},
        pk="id",
        foreign_keys=[("event_id", "events", "event_id")],
    )
    for field in _list_fields():
        item_cols = {_item_name(c): _sql_type(c) for c in item_columns(field.name)}
        db[field.name].create(
            {"record_id": str, "item": int, **item_cols},
            pk=("record_id", "item"),
            foreign_keys=[("record_id", "records", "id")],
        )


def _insert_events(db: Any, events: Iterable[Mapping[str, Any]]) -> None:
    record_cols = columns(batch_keys=False)
    for chunk in _chunks(events):
        rows = [
            {
                "event_id": event["event_id"],
                "sources": _sql_cell(event.get("sources", [])),
                **{c.name: _sql_cell(value(event.get("merged", {}), c.path)) for c in record_cols},
            }
            for event in chunk
        ]
        db["events"].insert_all(rows)


def _insert_records(db: Any, chunk: list[Mapping[str, Any]]) -> None:
    db["records"].insert_all(
        [{c.name: _sql_cell(value(line, c.path)) for c in columns()} for line in chunk]
    )
    for field in _list_fields():
        item_cols = item_columns(field.name)
        rows = [
            {
                "record_id": line["id"],
                "item": n,
                **{_item_name(c): _sql_cell(value(item, c.path)) for c in item_cols},
            }
            for line in chunk
            for n, item in enumerate(line.get(field.name) or [])
        ]
        if rows:
            db[field.name].insert_all(rows)
