"""The HTML card of one record: its fields, linked to their evidence in the article.

Evidence spans are coloured by field family (``participants[1]`` is a
``participants`` span) with a legend. Spans that overlap stay visible: a span
inside another is drawn nested (the outer one keeps a padded frame around
it) and two spans that cross are split where they cross, so each keeps its
colour, its tooltip and an anchor the field list links to.

The card is self-contained (inline CSS, no scripts, no network) and every id
in it starts with the card's own prefix, so many cards can share one page.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from briefx._html import escape as _e
from briefx._models import Evidence, MeetingSummary

# The record's fields that evidence points at, in the card's order.
FAMILIES: tuple[str, ...] = (
    "participants",
    "meeting_date",
    "location",
    "region",
    "topics",
    "trade_figures",
    "organizations",
    "agreements",
    "quotes",
)
# (background, border): light enough to read text on, distinct from each other.
COLOURS: dict[str, tuple[str, str]] = {
    "participants": ("#cfe0ff", "#2f6fde"),
    "meeting_date": ("#ffe59a", "#b88700"),
    "location": ("#cdf3cd", "#2a9140"),
    "region": ("#c4efea", "#0f8276"),
    "topics": ("#e6d9ff", "#7443d6"),
    "trade_figures": ("#ffd3bd", "#cc5412"),
    "organizations": ("#fbd0ea", "#bb2f83"),
    "agreements": ("#e6ebb3", "#6f7a0b"),
    "quotes": ("#dbe2ea", "#4d6178"),
}
OTHER_COLOUR = ("#ececec", "#7a7a7a")  # a field outside the families (``kind``)


def family(field_name: str) -> str:
    """``participants[0]`` -> ``participants``; ``meeting_date`` stays."""
    return re.split(r"[\[.]", field_name, maxsplit=1)[0]


def colour(fam: str) -> tuple[str, str]:
    return COLOURS.get(fam, OTHER_COLOUR)


def _css_name(fam: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", fam.lower())


def _style() -> str:
    rules = [
        ".bx-card{font-family:system-ui,sans-serif;font-size:13px;line-height:1.5;"
        "border:1px solid #ccc;border-radius:6px;padding:10px;max-width:1100px;"
        "background:#fff;color:#222;box-sizing:border-box}",
        ".bx-card .bx-head{font-weight:600}",
        ".bx-card .bx-muted{color:#777;font-size:11px}",
        ".bx-card .bx-legend{margin:6px 0;display:flex;flex-wrap:wrap;gap:4px}",
        ".bx-card .bx-key{border-radius:10px;padding:0 8px;border:1px solid}",
        ".bx-card .bx-body{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}",
        ".bx-card .bx-fields{flex:1 1 260px;min-width:0}",
        ".bx-card .bx-side{flex:2 1 380px;min-width:0}",
        ".bx-card table{border-collapse:collapse;width:100%}",
        ".bx-card td,.bx-card th{text-align:left;vertical-align:top;padding:2px 4px;"
        "border-bottom:1px solid #eee}",
        ".bx-card .bx-fname{white-space:nowrap;border-left:4px solid;padding-left:6px}",
        ".bx-card .bx-link{text-decoration:none;font-size:11px;margin-left:3px}",
        ".bx-card .bx-text{white-space:pre-wrap;line-height:2.1;max-height:520px;"
        "overflow:auto;border:1px solid #eee;padding:6px}",
        ".bx-card mark{color:inherit;border-radius:3px;border-bottom:2px solid}",
        ".bx-card mark:target,.bx-card tr:target{outline:2px solid #d00;outline-offset:1px}",
        ".bx-card .bx-warn{color:#8a5a00}",
    ]
    for fam in (*FAMILIES, "other"):
        bg, border = colour(fam)
        rules.append(f".bx-card .bx-f-{fam}{{background:{bg};border-color:{border}}}")
    return "<style>" + "".join(rules) + "</style>"


# --- the field list ----------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One value of the record as the field list shows it."""

    field: str  # as evidence names it: participants[0]
    value: str


def entries(record: MeetingSummary) -> list[Entry]:
    """Every value the record holds, named as its evidence names it."""
    out: list[Entry] = []
    if record.meeting_date:
        out.append(Entry("meeting_date", record.meeting_date))
    if record.location:
        where = ", ".join(filter(None, [record.location.city, record.location.country]))
        out.append(Entry("location", where or "?"))
    if record.region:
        out.append(Entry("region", f"{record.region.name} ({record.region.iso_code})"))
    for i, p in enumerate(record.participants):
        extra = ", ".join(filter(None, [p.position, p.country]))
        out.append(Entry(f"participants[{i}]", p.name + (f" — {extra}" if extra else "")))
    out += [Entry(f"topics[{i}]", t) for i, t in enumerate(record.topics)]
    for i, f in enumerate(record.trade_figures):
        growth = f" ({f.growth_pct:+g}% y/y)" if f.growth_pct is not None else ""
        text = f"{f.period or 'no period'} {f.flow} {f.qualifier} ${f.amount_usd:,.0f}{growth}"
        out.append(Entry(f"trade_figures[{i}]", text))
    out += [Entry(f"organizations[{i}]", o) for i, o in enumerate(record.organizations)]
    out += [
        Entry(f"agreements[{i}]", f"{a.title} ({a.status})")
        for i, a in enumerate(record.agreements)
    ]
    out += [
        Entry(f"quotes[{i}]", f"“{q.text}” — {q.speaker or '?'}")
        for i, q in enumerate(record.quotes)
    ]
    # Evidence for a field outside the list (the kind's cue) still gets a row.
    named = {e.field for e in out}
    out += [Entry(f, "") for f in dict.fromkeys(e.field for e in record.evidence) if f not in named]
    return out


def _field_list(record: MeetingSummary, prefix: str, targets: dict[int, str]) -> str:
    rows = []
    for entry in entries(record):
        fam = _css_name(family(entry.field))
        spans = [i for i, e in enumerate(record.evidence) if e.field == entry.field]
        links = "".join(
            f"<a class='bx-link' href='#{targets[i]}' title='show in the article'>¶{n}</a>"
            for n, i in enumerate((i for i in spans if i in targets), start=1)
        )
        rows.append(
            f"<tr><td class='bx-fname bx-f-{fam}'>{_e(entry.field)}</td>"
            f"<td>{_e(entry.value)}{links}</td></tr>"
        )
    body = "".join(rows) or "<tr><td>no values</td></tr>"
    return f"<table class='bx-fieldlist' id='{prefix}-fields'>{body}</table>"


def _legend(fams: Iterable[str]) -> str:
    counts: dict[str, int] = {}
    for fam in fams:
        counts[fam] = counts.get(fam, 0) + 1
    order = [f for f in FAMILIES if f in counts] + sorted(set(counts) - set(FAMILIES))
    keys = "".join(
        f"<span class='bx-key bx-f-{_css_name(f)}' data-family='{_e(f)}'>"
        f"{_e(f)} <small>{counts[f]}</small></span>"
        for f in order
    )
    return f"<div class='bx-legend'>{keys}</div>" if keys else ""


# --- the article with its spans -------------------------------------------------------


def located(text: str, evidence: list[Evidence]) -> list[int]:
    """Indices of the spans that still match the text (an older record may not)."""
    return [
        i
        for i, e in enumerate(evidence)
        if 0 <= e.start < e.end <= len(text) and text[e.start : e.end] == e.text
    ]


@dataclass
class _Node:
    span: int | None  # evidence index; None for the root
    children: list[_Node | str] = field(default_factory=list)

    def height(self) -> int:
        return max((c.height() + 1 for c in self.children if isinstance(c, _Node)), default=0)


def _segments(text: str, spans: list[tuple[int, int, int]]) -> Iterator[tuple[str, list[int]]]:
    """The text cut at every span edge, each piece with the spans covering it, outer first."""
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    for a, b in itertools.pairwise(cuts):
        covering = [i for s, e, i in spans if s <= a and b <= e]
        yield text[a:b], covering


def _tree(text: str, evidence: list[Evidence], keep: list[int]) -> _Node:
    # Outer spans first: earlier start, then longer; a crossing span is re-opened after.
    spans = sorted(
        ((evidence[i].start, evidence[i].end, i) for i in keep), key=lambda t: (t[0], -t[1], t[2])
    )
    rank = {i: n for n, (_, _, i) in enumerate(spans)}
    root = _Node(None)
    stack: list[_Node] = [root]
    for piece, covering in _segments(text, spans):
        want = sorted(covering, key=rank.__getitem__)
        common = 0
        while common < min(len(stack) - 1, len(want)) and stack[common + 1].span == want[common]:
            common += 1
        del stack[common + 1 :]
        for i in want[common:]:
            node = _Node(i)
            stack[-1].children.append(node)
            stack.append(node)
        stack[-1].children.append(piece)
    return root


def _render(node: _Node, evidence: list[Evidence], prefix: str, seen: set[int]) -> str:
    inner = "".join(
        _e(c) if isinstance(c, str) else _render(c, evidence, prefix, seen) for c in node.children
    )
    if node.span is None:
        return inner
    ev = evidence[node.span]
    # The first piece of a span carries its anchor; later pieces point back to it.
    anchor = "" if node.span in seen else f" id='{prefix}-ev{node.span}'"
    seen.add(node.span)
    pad = 2 * node.height()  # an outer span frames the spans inside it
    return (
        f"<mark{anchor} class='bx-f-{_css_name(family(ev.field))}' data-ev='{node.span}' "
        f"data-field='{_e(ev.field)}' title='{_e(ev.field)}' "
        f"style='padding:{pad}px {pad // 2}px'>{inner}</mark>"
    )


def article_html(text: str, evidence: list[Evidence], prefix: str) -> str:
    """The article escaped, its matching evidence spans as nested ``<mark>`` elements."""
    keep = located(text, evidence)
    body = _render(_tree(text, evidence, keep), evidence, prefix, set())
    return f"<div class='bx-text' id='{prefix}-article'>{body}</div>"


def _evidence_table(evidence: list[Evidence], prefix: str) -> str:
    rows = "".join(
        f"<tr id='{prefix}-ev{i}'><td class='bx-fname bx-f-{_css_name(family(e.field))}'>"
        f"{_e(e.field)}</td><td>{_e(e.text)}</td></tr>"
        for i, e in enumerate(evidence)
    )
    return f"<table class='bx-evidence'><tr><th>field</th><th>evidence</th></tr>{rows}</table>"


# --- the card ------------------------------------------------------------------------


def new_prefix() -> str:
    return f"bx-{uuid.uuid4().hex[:10]}"


def record_html(
    record: MeetingSummary,
    cleaned_text: str | None = None,
    *,
    prefix: str | None = None,
    article_open: bool = True,
) -> str:
    """A self-contained HTML card of the record.

    The article is ``cleaned_text`` or else the record's own ``source.text``;
    without either (a record from an older version) the evidence is listed as
    a table. ``prefix`` starts every id in the card (random by default, so
    two cards never share one); ``article_open=False`` shows the article folded.
    """
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", prefix) if prefix else new_prefix()
    text = cleaned_text if cleaned_text is not None else record.source.text
    evidence = record.evidence
    if text is not None:
        keep = located(text, evidence)
        side = _article_section(text, evidence, keep, prefix, article_open)
    else:
        keep = list(range(len(evidence)))
        side = "<b>Evidence</b>" + _evidence_table(evidence, prefix) if evidence else ""
    targets = {i: f"{prefix}-ev{i}" for i in keep}
    parts = [
        f"<div class='bx-card briefx-record' id='{prefix}'>",
        _style(),
        _header(record),
        f"<div>{_e(record.summary)}</div>" if record.summary else "",
        _legend(family(evidence[i].field) for i in keep),
        "<div class='bx-body'>",
        f"<div class='bx-fields'>{_field_list(record, prefix, targets)}</div>",
        f"<div class='bx-side'>{side}</div>",
        "</div>",
        "".join(f"<div class='bx-warn'>⚠ {_e(w)}</div>" for w in record.warnings),
        _usage_line(record),
        "</div>",
    ]
    return "".join(parts)


def _article_section(
    text: str, evidence: list[Evidence], keep: list[int], prefix: str, article_open: bool
) -> str:
    missing = len(evidence) - len(keep)
    note = (
        f"<div class='bx-muted'>{missing} evidence span(s) not found in this text</div>"
        if missing
        else ""
    )
    return (
        f"<details class='bx-art'{' open' if article_open else ''}><summary><b>Article</b> "
        f"<span class='bx-muted'>{len(text):,} characters, {len(keep)} spans</span></summary>"
        f"{article_html(text, evidence, prefix)}{note}</details>"
    )


def _header(record: MeetingSummary) -> str:
    loc = record.location
    where = ", ".join(filter(None, [loc.city, loc.country])) if loc else ""
    region = f"{record.region.name} ({record.region.iso_code})" if record.region else ""
    bits = [record.meeting_date or "date unknown", where, region]
    kind = "" if record.is_meeting else f" · <i>no meeting reported ({_e(record.kind)})</i>"
    title = record.source.title
    return f"<div class='bx-head'>{' · '.join(_e(b) for b in bits if b)}{kind}</div>" + (
        f"<div class='bx-muted'>{_e(title)}</div>" if title else ""
    )


def _usage_line(record: MeetingSummary) -> str:
    u = record.usage
    text = (
        f"tokens {u.prompt_tokens}+{u.completion_tokens}, calls {u.calls}, re-asks {u.reasks}, "
        f"retries {u.retries}, cache {'hit' if u.cache_hit else 'miss'}, {u.seconds:.2f} s"
    )
    source = " · ".join(filter(None, [record.source.id or record.source.url, record.source.outlet]))
    return f"<div class='bx-muted' style='margin-top:6px'>{_e(source)} · {_e(text)}</div>"
