"""``briefx report``: one self-contained HTML page to browse a batch.

>>> briefx.report("out/records.jsonl", "out/report.html")  # doctest: +SKIP

The page holds every record as its card (see :mod:`briefx._card`), filters by
region, date range and kind (a few lines of inline JS), the meetings that
several outlets reported side by side, and three inline SVG charts: meetings
per region, trade figures over time and how often each field is filled. It
loads nothing from the network, so it can be mailed or opened offline.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from briefx._card import record_html
from briefx._charts import Bar, Point, bar_chart, money, time_chart
from briefx._errors import InputError, UsageError
from briefx._html import escape as _e
from briefx._models import COVERAGE_FIELDS, BatchRecord, MeetingSummary
from briefx._read import BatchEvent, read_events, read_records
from briefx._version import __version__

# The fields the coverage chart counts, in the card's order.
NO_REGION = "-"  # the region filter's value for records without one


def report(path: str | Path, out: str | Path) -> Path:
    """Write the HTML report of batch results ``path`` (the records ``.jsonl`` or the
    batch's ``-o`` path) to ``out``; returns ``out``."""
    records = read_records(path)
    events = _read_events(Path(path))
    page = render(records, events, title=Path(path).name)
    return _write(Path(out), page)


def _read_events(path: Path) -> list[BatchEvent]:
    # A batch still running (or killed) has no events file yet: group by event_id alone.
    try:
        return read_events(path)
    except InputError as exc:
        if isinstance(exc.__cause__, FileNotFoundError):
            return []
        raise


def _write(out: Path, page: str) -> Path:
    tmp = out.with_name(out.name + ".tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(
            f"cannot write the report to {out}: {exc.strerror or exc}",
            hint="check that the folder exists and is writable",
        ) from exc
    return out


# --- the page ------------------------------------------------------------------------


def render(records: list[BatchRecord], events: list[BatchEvent], *, title: str) -> str:
    """The whole page as one string."""
    groups = _shared_events(records)
    merged = {e.event_id: e.merged for e in events}
    return "".join(
        [
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
            "<meta name='viewport' content='width=device-width,initial-scale=1'>",
            f"<title>briefx report: {_e(title)}</title><style>{_PAGE_CSS}</style></head><body>",
            f"<h1>briefx report <small>{_e(title)}</small></h1>",
            _overview(records, groups),
            _charts(records),
            _filters(records),
            _events_section(records, groups, merged),
            _records_section(records),
            f"<footer>briefx {_e(__version__)} · made offline, nothing loaded from the network"
            "</footer>",
            f"<script>{_SCRIPT}</script></body></html>",
        ]
    )


def _overview(records: list[BatchRecord], groups: list[list[int]]) -> str:
    regions = {r.region.iso_code for r in records if r.region}
    meetings = sum(r.is_meeting for r in records)
    return (
        f"<p class='bx-overview'>{len(records)} records · {meetings} report a held meeting · "
        f"{len(regions)} regions · {len(groups)} meeting(s) reported by more than one outlet</p>"
    )


def _item_attrs(records: Iterable[MeetingSummary]) -> str:
    """The data-* attributes the filters read; an event carries all of its records'."""
    rs = list(records)
    regions = sorted({r.region.iso_code if r.region else NO_REGION for r in rs})
    kinds = sorted({r.kind for r in rs})
    dates = sorted(r.meeting_date for r in rs if r.meeting_date)
    return (
        f"data-region='{_e(' '.join(regions))}' data-kind='{_e(' '.join(kinds))}' "
        f"data-date='{_e(dates[0] if dates else '')}'"
    )


def _records_section(records: list[BatchRecord]) -> str:
    items = "".join(
        f"<section class='bx-item bx-rec' id='rec-{n}' {_item_attrs([r])}>"
        f"<h3>{_e(r.id)}</h3>{record_html(r, prefix=f'r{n}')}</section>"
        for n, r in enumerate(records)
    )
    return f"<h2>Records</h2><div id='bx-records'>{items or '<p>no records</p>'}</div>"


def _shared_events(records: list[BatchRecord]) -> list[list[int]]:
    """Indices of the records of each event that more than one record reports."""
    by_event: dict[str, list[int]] = {}
    for n, r in enumerate(records):
        if r.event_id:
            by_event.setdefault(r.event_id, []).append(n)
    return [group for group in by_event.values() if len(group) > 1]


def _events_section(
    records: list[BatchRecord], groups: list[list[int]], merged: dict[str, MeetingSummary]
) -> str:
    """Each meeting several outlets reported: the merged view, then their cards side by side."""
    blocks = []
    for k, group in enumerate(groups):
        members = [records[n] for n in group]
        event_id = members[0].event_id or ""
        cards = "".join(
            record_html(r, prefix=f"e{k}-{j}", article_open=False) for j, r in enumerate(members)
        )
        blocks.append(
            f"<section class='bx-item bx-event' id='event-{k}' data-event='{_e(event_id)}' "
            f"{_item_attrs(members)}><h3>{_e(event_id)}: {len(members)} reports "
            f"({_e(', '.join(r.id for r in members))})</h3>"
            f"{_merged_line(merged.get(event_id))}"
            f"<div class='bx-side-by-side'>{cards}</div></section>"
        )
    body = "".join(blocks) or "<p>no meeting was reported by more than one outlet</p>"
    return f"<h2>Meetings reported by several outlets</h2><div id='bx-events'>{body}</div>"


def _merged_line(view: MeetingSummary | None) -> str:
    if view is None:
        return ""
    people = ", ".join(p.name for p in view.participants)
    region = view.region.name if view.region else "no region"
    figures = "; ".join(
        f"{f.period or '?'} {f.flow} {money(f.amount_usd)}" for f in view.trade_figures
    )
    return (
        f"<div class='bx-merged'><b>Merged:</b> {_e(view.meeting_date or 'date unknown')} · "
        f"{_e(region)} · {_e(people)}" + (f" · {_e(figures)}" if figures else "") + "</div>"
    )


def _charts(records: list[BatchRecord]) -> str:
    return (
        "<h2>Charts</h2><div class='bx-charts'>"
        f"<figure><figcaption>Meetings per region</figcaption>{_region_chart(records)}</figure>"
        f"<figure><figcaption>Trade figures over time (by period, else meeting date)"
        f"</figcaption>{_trade_chart(records)}</figure>"
        f"<figure><figcaption>Field coverage (share of records)</figcaption>"
        f"{_coverage_chart(records)}</figure></div>"
    )


def meetings_per_region(records: Iterable[BatchRecord]) -> Counter[str]:
    """Held meetings per region name, each meeting once however many outlets report it."""
    seen: dict[str, set[str]] = {}
    for r in records:
        if r.region and r.is_meeting:
            seen.setdefault(r.region.name, set()).add(r.event_id or r.id)
    return Counter({name: len(ids) for name, ids in seen.items()})


def _region_chart(records: list[BatchRecord]) -> str:
    counts = meetings_per_region(records)
    bars = [Bar(name, n, str(n)) for name, n in sorted(counts.items(), key=lambda t: (-t[1], t[0]))]
    return bar_chart(bars, title="Meetings per region")


def trade_points(records: Iterable[BatchRecord]) -> list[Point]:
    """One point per figure; the same figure from two outlets of one meeting counts once."""
    points: dict[tuple[str, str, float], Point] = {}
    for r in records:
        for f in r.trade_figures:
            when = _period_start(f.period) or _date(r.meeting_date)
            if when is None:
                continue
            key = (r.event_id or r.id, f"{f.period}:{f.flow}", f.amount_usd)
            label = (
                f"{r.region.name if r.region else r.id}: {f.flow} {f.period or r.meeting_date} "
                f"{f.qualifier} {money(f.amount_usd)}"
            )
            points.setdefault(key, Point(when, f.amount_usd, f.flow, label))
    return sorted(points.values(), key=lambda p: (p.when, p.amount))


def _period_start(period: str | None) -> dt.date | None:
    if not period:
        return None
    first = period.split("/")[0]
    year, _, month = first.partition("-")
    return dt.date(int(year), int(month or 1), 1)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _trade_chart(records: list[BatchRecord]) -> str:
    return time_chart(trade_points(records), title="Trade figures over time")


def coverage(records: list[BatchRecord]) -> dict[str, float]:
    """The share of records with each field filled (0..1)."""
    total = len(records) or 1
    return {name: sum(bool(getattr(r, name)) for r in records) / total for name in COVERAGE_FIELDS}


def _coverage_chart(records: list[BatchRecord]) -> str:
    bars = [Bar(name, share, f"{share:.0%}", key=name) for name, share in coverage(records).items()]
    return bar_chart(bars, title="Field coverage", maximum=1.0)


def _filters(records: list[BatchRecord]) -> str:
    regions = {r.region.iso_code: r.region.name for r in records if r.region}
    options = "".join(
        f"<option value='{_e(code)}'>{_e(name)} ({_e(code)})</option>"
        for code, name in sorted(regions.items(), key=lambda t: t[1])
    )
    if any(r.region is None for r in records):
        options += f"<option value='{NO_REGION}'>(no region)</option>"
    kinds = "".join(
        f"<option value='{_e(k)}'>{_e(k)}</option>" for k in sorted({r.kind for r in records})
    )
    dates = sorted(r.meeting_date for r in records if r.meeting_date)
    bounds = f"min='{dates[0]}' max='{dates[-1]}'" if dates else ""
    return (
        "<form class='bx-filters' id='bx-filters' onsubmit='return false'>"
        f"<label>Region <select id='bx-region'><option value=''>all</option>{options}"
        "</select></label>"
        f"<label>Kind <select id='bx-kind'><option value=''>all</option>{kinds}</select></label>"
        f"<label>From <input type='date' id='bx-from' {bounds}></label>"
        f"<label>To <input type='date' id='bx-to' {bounds}></label>"
        "<button type='button' id='bx-reset'>Reset</button>"
        f"<span><b id='bx-shown'>{len(records)}</b> of {len(records)} records shown</span>"
        "</form>"
    )


_PAGE_CSS = (
    "body{font-family:system-ui,sans-serif;margin:16px 24px;color:#222;background:#fafafa}"
    "h1 small{font-weight:normal;color:#777;font-size:60%}"
    ".bx-charts{display:flex;flex-wrap:wrap;gap:16px}"
    ".bx-charts figure{margin:0;background:#fff;border:1px solid #ddd;border-radius:6px;"
    "padding:8px}"
    ".bx-charts figcaption{font-weight:600;margin-bottom:4px}"
    ".bx-filters{position:sticky;top:0;z-index:2;background:#fafafa;padding:8px 0;"
    "display:flex;flex-wrap:wrap;gap:12px;align-items:center;border-bottom:1px solid #ddd}"
    ".bx-item{margin:14px 0}.bx-item h3{margin:4px 0}"
    ".bx-item[hidden]{display:none}"
    ".bx-side-by-side{display:flex;gap:10px;overflow-x:auto;align-items:flex-start}"
    ".bx-side-by-side>.bx-card{flex:1 0 420px}"
    ".bx-merged{background:#fff;border:1px dashed #999;border-radius:6px;padding:6px;"
    "margin-bottom:6px}"
    "footer{color:#777;font-size:11px;margin-top:24px}"
)

# Filters: an item shows when every filter lets it through; a link into a folded
# article opens it first.
_SCRIPT = """
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var items = Array.prototype.slice.call(document.querySelectorAll('.bx-item'));
  function has(list, value) { return list.split(' ').indexOf(value) >= 0; }
  function apply() {
    var region = $('bx-region').value, kind = $('bx-kind').value;
    var from = $('bx-from').value, to = $('bx-to').value, shown = 0;
    items.forEach(function (el) {
      var d = el.dataset;
      var ok = (!region || has(d.region, region)) && (!kind || has(d.kind, kind)) &&
        (!from || (d.date && d.date >= from)) && (!to || (d.date && d.date <= to));
      el.hidden = !ok;
      if (ok && el.classList.contains('bx-rec')) { shown += 1; }
    });
    $('bx-shown').textContent = String(shown);
  }
  ['bx-region', 'bx-kind', 'bx-from', 'bx-to'].forEach(function (id) {
    $(id).addEventListener('input', apply);
    $(id).addEventListener('change', apply);
  });
  $('bx-reset').addEventListener('click', function () {
    ['bx-region', 'bx-kind', 'bx-from', 'bx-to'].forEach(function (id) { $(id).value = ''; });
    apply();
  });
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && $(id);
    for (var p = target; p; p = p.parentElement) {
      if (p.tagName === 'DETAILS') { p.open = true; }
    }
    if (target) { target.scrollIntoView({block: 'center'}); }
  }
  window.addEventListener('hashchange', reveal);
  apply();
})();
"""
