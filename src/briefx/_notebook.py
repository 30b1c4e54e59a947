"""Looking at records: flat rows, a pandas DataFrame, an HTML card, a text table.

The card itself is built in :mod:`briefx._card` (``record_html`` is re-exported here).

pandas is optional (``pip install 'briefx[notebook]'``) and imported only by
:func:`to_dataframe`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from briefx._card import record_html
from briefx._errors import UsageError
from briefx._models import MeetingSummary
from briefx._outputs import DATE_COLUMNS, Column, as_date, columns, csv_cell, item_columns, value

if TYPE_CHECKING:
    import pandas

__all__ = ["flatten_record", "record_html", "record_text", "to_dataframe"]

# The list fields: explode gives one row per item of one of them.
EXPLODABLE: tuple[str, ...] = tuple(c.name for c in columns(batch_keys=False) if c.is_list)


def _as_dict(record: MeetingSummary | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(record, MeetingSummary):
        return record.model_dump(mode="json")
    return dict(record)


def _columns_for(records: list[dict[str, Any]]) -> tuple[Column, ...]:
    # Batch records carry id and event_id; extract()'s do not.
    return columns(batch_keys=any("id" in record for record in records))


def flatten_record(record: MeetingSummary | Mapping[str, Any]) -> dict[str, Any]:
    """One flat row in the CSV's columns: nested objects as ``a.b`` columns, string
    lists joined with ``"; "``, object lists JSON-encoded."""
    line = _as_dict(record)
    return {c.name: csv_cell(value(line, c.path)) for c in _columns_for([line])}


def _import_pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise UsageError(
            "to_dataframe needs pandas", hint="pip install 'briefx[notebook]'"
        ) from exc
    return pandas


def to_dataframe(
    records: Iterable[MeetingSummary | Mapping[str, Any]], *, explode: str | None = None
) -> pandas.DataFrame:
    """Records as a DataFrame, one row each, in the Parquet output's columns and types.

    Nested objects become ``a.b`` columns (present even when null), lists stay
    lists and ``meeting_date`` is a ``datetime.date``, as ``pandas.read_parquet``
    gives them back. ``explode="participants"`` (or any list field) gives one row
    per item instead, the item's fields as ``participants.name``-style columns in
    the list's place; a record with an empty list keeps one row of empty item columns.
    """
    pd = _import_pandas()
    if explode is not None and explode not in EXPLODABLE:
        raise UsageError(f"cannot explode {explode!r}", hint=f"use one of {', '.join(EXPLODABLE)}")
    dicts = [_as_dict(r) for r in records]
    cols = _columns_for(dicts)
    items = item_columns(explode) if explode is not None else ()
    names = [n for c in cols for n in ([i.name for i in items] if c.name == explode else [c.name])]
    rows = [row for record in dicts for row in _rows(record, cols, explode, items)]
    return pd.DataFrame(rows, columns=names)


def _rows(
    record: dict[str, Any], cols: tuple[Column, ...], explode: str | None, items: tuple[Column, ...]
) -> list[dict[str, Any]]:
    base = {c.name: _cell(record, c) for c in cols if c.name != explode}
    if explode is None:
        return [base]
    return [
        {**base, **{i.name: value(item, i.path) for i in items}}
        for item in record.get(explode) or [None]
    ]


def _cell(record: dict[str, Any], col: Column) -> Any:
    cell = value(record, col.path)
    return as_date(cell) if col.name in DATE_COLUMNS else cell


# --- plain text -------------------------------------------------------------------


def record_text(record: MeetingSummary) -> str:
    """A readable plain-text view of one record (the CLI's ``--format table``)."""
    loc = record.location
    rows: list[tuple[str, str]] = [
        ("source", record.source.id or record.source.url or ""),
        ("is_meeting", "yes" if record.is_meeting else "no"),
        ("meeting_date", record.meeting_date or "-"),
        ("location", ", ".join(filter(None, [loc.city, loc.country])) if loc else "-"),
        ("region", f"{record.region.name} ({record.region.iso_code})" if record.region else "-"),
    ]
    rows += [
        ("participant", f"{p.name} | {p.position or '-'} | {p.country or '-'}")
        for p in record.participants
    ]
    rows.append(("topics", ", ".join(record.topics) or "-"))
    rows += [
        (
            "trade",
            f"{f.period or '-'} {f.flow} {f.qualifier} ${f.amount_usd:,.0f}"
            + (f" ({f.growth_pct:+g}% y/y)" if f.growth_pct is not None else ""),
        )
        for f in record.trade_figures
    ]
    rows.append(("organizations", ", ".join(record.organizations) or "-"))
    rows += [("agreement", f"{a.title} ({a.status})") for a in record.agreements]
    rows += [("quote", f"{q.speaker or '?'}: {q.text}") for q in record.quotes]
    rows.append(("summary", record.summary or "-"))
    rows += [("warning", str(w)) for w in record.warnings]
    u = record.usage
    rows.append(
        (
            "usage",
            f"{u.prompt_tokens}+{u.completion_tokens} tokens, {u.calls} calls, "
            f"cache {'hit' if u.cache_hit else 'miss'}",
        )
    )
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)
