"""Looking at records: flat rows, a pandas DataFrame, an HTML card, a text table.

pandas is optional (``pip install 'briefx[notebook]'``) and imported only by
:func:`to_dataframe`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from briefx._errors import UsageError
from briefx._models import Evidence, MeetingSummary
from briefx._outputs import DATE_COLUMNS, Column, as_date, columns, csv_cell, item_columns, value

if TYPE_CHECKING:
    import pandas

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


# --- HTML card --------------------------------------------------------------------

_CSS = (
    "font-family:system-ui,sans-serif;font-size:13px;border:1px solid #ccc;"
    "border-radius:6px;padding:10px;max-width:900px"
)
_CHIP = "display:inline-block;background:#e8eefc;border-radius:10px;padding:1px 8px;margin:1px"


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _table(headers: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    head = "".join(f"<th style='text-align:left'>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section(title: str, content: str) -> str:
    return f"<div style='margin-top:6px'><b>{_e(title)}</b><br>{content}</div>" if content else ""


def record_html(record: MeetingSummary, cleaned_text: str | None = None) -> str:
    """A readable HTML card; with ``cleaned_text``, evidence spans are highlighted."""
    loc = record.location
    where = ", ".join(filter(None, [loc.city, loc.country])) if loc else ""
    region = f"{record.region.name} ({record.region.iso_code})" if record.region else ""
    parts = [
        f"<div class='briefx-record' style='{_CSS}'>",
        f"<div><b>{_e(record.meeting_date or 'date unknown')}</b> · {_e(where)} · {_e(region)}"
        + ("" if record.is_meeting else " · <i>no meeting reported</i>")
        + "</div>",
        f"<div style='margin-top:4px'>{_e(record.summary)}</div>" if record.summary else "",
        _section(
            "Participants",
            _table(
                ("name", "position", "country"),
                ((p.name, p.position, p.country) for p in record.participants),
            )
            if record.participants
            else "",
        ),
        _section("Topics", "".join(f"<span style='{_CHIP}'>{_e(t)}</span>" for t in record.topics)),
        _section(
            "Trade figures",
            _table(
                ("period", "amount_usd", "flow", "qualifier", "growth_pct"),
                (
                    (f.period, f"{f.amount_usd:,.0f}", f.flow, f.qualifier, f.growth_pct)
                    for f in record.trade_figures
                ),
            )
            if record.trade_figures
            else "",
        ),
        _section("Organizations", _e(", ".join(record.organizations))),
        _section(
            "Agreements",
            "<br>".join(f"{_e(a.title)} <i>({_e(a.status)})</i>" for a in record.agreements),
        ),
        _section(
            "Quotes",
            "".join(
                f"<blockquote style='margin:2px 12px'>“{_e(q.text)}” — {_e(q.speaker)}</blockquote>"
                for q in record.quotes
            ),
        ),
        _section("Warnings", "<br>".join(f"⚠ {_e(w)}" for w in record.warnings)),
        _usage_line(record),
        _evidence_section(record, cleaned_text),
        "</div>",
    ]
    return "".join(parts)


def _evidence_section(record: MeetingSummary, cleaned_text: str | None) -> str:
    if cleaned_text is not None:
        return _section("Article", _highlight(cleaned_text, record.evidence))
    # Without the article, show what each field rests on.
    rows = ((e.field, e.text) for e in record.evidence)
    return _section("Evidence", _table(("field", "text"), rows)) if record.evidence else ""


def _usage_line(record: MeetingSummary) -> str:
    u = record.usage
    text = (
        f"tokens {u.prompt_tokens}+{u.completion_tokens}, calls {u.calls}, re-asks {u.reasks}, "
        f"retries {u.retries}, cache {'hit' if u.cache_hit else 'miss'}, {u.seconds:.2f} s"
    )
    source = record.source.id or record.source.url or ""
    return f"<div style='margin-top:6px;color:#777;font-size:11px'>{_e(source)} · {_e(text)}</div>"


def _highlight(text: str, evidence: Iterable[Evidence]) -> str:
    # Only spans that still match the text; overlapping spans keep the earlier one.
    spans = sorted(
        (
            e
            for e in evidence
            if 0 <= e.start < e.end <= len(text) and text[e.start : e.end] == e.text
        ),
        key=lambda e: (e.start, -e.end),
    )
    out: list[str] = []
    pos = 0
    for span in spans:
        if span.start < pos:
            continue
        out.append(_e(text[pos : span.start]))
        out.append(f"<mark title='{_e(span.field)}'>{_e(text[span.start : span.end])}</mark>")
        pos = span.end
    out.append(_e(text[pos:]))
    return f"<div style='white-space:pre-wrap'>{''.join(out)}</div>"


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
