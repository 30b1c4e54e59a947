"""Small inline SVG charts for the report: drawn in Python, no JS library, no network."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from briefx._html import escape as _e

_FONT = "font-family:system-ui,sans-serif;font-size:11px"
_LABEL_W = 170  # room for "Kabardino-Balkarian Republic"-long names
_BAR_H, _GAP = 16, 4


def _svg(width: int, height: int, title: str, body: str, css_class: str) -> str:
    return (
        f"<svg class='{css_class}' role='img' "
        f"width='{width}' height='{height}' viewBox='0 0 {width} {height}' style='{_FONT}'>"
        f"<title>{_e(title)}</title>{body}</svg>"
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # what the bar's end says: "3" or "64%"
    key: str = ""  # data-key: what a script or test can match the bar on


def bar_chart(bars: Sequence[Bar], *, title: str, maximum: float | None = None) -> str:
    """Horizontal bars, one ``rect.bx-bar`` per item, labelled on the left."""
    width, plot = 460, 460 - _LABEL_W - 50
    top = maximum if maximum is not None else max((b.value for b in bars), default=0) or 1
    rows = []
    for n, bar in enumerate(bars):
        y = n * (_BAR_H + _GAP)
        w = max(1.0, plot * bar.value / top) if bar.value else 0.0
        rows.append(
            f"<text x='{_LABEL_W - 6}' y='{y + 12}' text-anchor='end'>{_e(bar.label)}</text>"
            f"<rect class='bx-bar' data-key='{_e(bar.key or bar.label)}' x='{_LABEL_W}' y='{y}' "
            f"width='{w:.1f}' height='{_BAR_H}' fill='#4a7bd0'>"
            f"<title>{_e(bar.label)}: {_e(bar.text)}</title></rect>"
            f"<text x='{_LABEL_W + w + 4:.1f}' y='{y + 12}'>{_e(bar.text)}</text>"
        )
    height = max(len(bars) * (_BAR_H + _GAP), 20)
    body = "".join(rows) or "<text x='4' y='14'>nothing to show</text>"
    return _svg(width, height, title, body, "bx-chart")


@dataclass(frozen=True)
class Point:
    when: dt.date
    amount: float
    series: str  # the flow: turnover, exports, imports
    label: str


SERIES_COLOURS = {"turnover": "#4a7bd0", "exports": "#2a9140", "imports": "#cc5412"}


def time_chart(points: Sequence[Point], *, title: str) -> str:
    """Amounts over time as dots (one ``circle.bx-point`` each), coloured by series."""
    if not points:
        return _svg(460, 30, title, "<text x='4' y='18'>no trade figures</text>", "bx-chart")
    width, height, left, bottom, top_pad = 460, 220, 64, 30, 10
    first = min(p.when for p in points).toordinal()
    last = max(p.when for p in points).toordinal()
    span = max(last - first, 1)
    top = max(p.amount for p in points)
    plot_w, plot_h = width - left - 16, height - bottom - top_pad

    def x(p: Point) -> float:
        # A single date sits in the middle rather than on the axis.
        return left + (plot_w * (p.when.toordinal() - first) / span if last > first else plot_w / 2)

    def y(amount: float) -> float:
        return top_pad + plot_h * (1 - amount / top)

    axis = (
        f"<line x1='{left}' y1='{top_pad + plot_h}' x2='{width - 16}' y2='{top_pad + plot_h}' "
        f"stroke='#999'/><line x1='{left}' y1='{top_pad}' x2='{left}' y2='{top_pad + plot_h}' "
        f"stroke='#999'/>"
        + "".join(
            f"<text x='{left - 4}' y='{y(v) + 4:.1f}' text-anchor='end'>{_e(money(v))}</text>"
            for v in (0.0, top / 2, top)
        )
        + f"<text x='{left}' y='{height - 8}'>{dt.date.fromordinal(first).isoformat()}</text>"
        + f"<text x='{width - 16}' y='{height - 8}' text-anchor='end'>"
        f"{dt.date.fromordinal(last).isoformat()}</text>"
    )
    dots = "".join(
        f"<circle class='bx-point' data-series='{_e(p.series)}' cx='{x(p):.1f}' "
        f"cy='{y(p.amount):.1f}' r='5' fill='{SERIES_COLOURS.get(p.series, '#777')}' "
        f"fill-opacity='0.75'><title>{_e(p.label)}</title></circle>"
        for p in points
    )
    series = sorted({p.series for p in points})
    legend = "".join(
        f"<circle cx='{left + 10 + 90 * n}' cy='{top_pad + 4}' r='4' "
        f"fill='{SERIES_COLOURS.get(s, '#777')}'/>"
        f"<text x='{left + 18 + 90 * n}' y='{top_pad + 8}'>{_e(s)}</text>"
        for n, s in enumerate(series)
    )
    return _svg(width, height, title, axis + dots + legend, "bx-chart")


def money(amount: float) -> str:
    """$4.4bn, $678.1m, $12k: short enough for an axis."""
    for size, unit in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if amount >= size:
            return f"${amount / size:,.1f}{unit}"
    return f"${amount:,.0f}"
