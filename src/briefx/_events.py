"""Same meeting, different outlets: group records into events with a merged view.

Two records are one meeting when their dates are at most a day apart, their
region ``iso_code`` is the same, and at least one participant surname
(case and diacritics folded) appears in both. Reworded reports share almost no
text, so matching is on extracted fields only. Grouping is transitive.

An event's id hashes the date, region and sorted surnames of its canonical
record (earliest date, then smallest source id), so it does not depend on the
order a concurrent batch happened to finish in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from briefx._language import fold
from briefx._models import (
    Agreement,
    MeetingSummary,
    Participant,
    Quote,
    Source,
    TradeFigure,
    Usage,
)

_MAX_DAYS_APART = 1
_AMOUNT_TOLERANCE = 0.02
T = TypeVar("T")


@dataclass(frozen=True)
class Event:
    """One meeting: the records reporting it and a merged view of them."""

    event_id: str
    sources: tuple[str, ...]
    records: tuple[MeetingSummary, ...]
    merged: MeetingSummary

    def to_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "sources": list(self.sources),
            "merged": self.merged.model_dump(mode="json"),
        }


def fold_surname(name: str) -> str:
    """The last word of a name, folded as the library folds names ("lukashenko")."""
    words = fold(name.replace(".", " ")).split()
    return words[-1] if words else ""


def group_events(records: Sequence[MeetingSummary]) -> list[Event]:
    """Group records of one meeting; every record lands in exactly one event.

    Records are identified by ``source.id`` (``#<index>`` when it is empty).
    Events come out in the order of their first record.
    """
    ids = [record.source.id or f"#{index}" for index, record in enumerate(records)]
    return [
        _event([records[i] for i in members], [ids[i] for i in members])
        for members in group_indices(records)
    ]


def group_indices(records: Sequence[MeetingSummary]) -> list[list[int]]:
    """The positions of the records of each meeting, in the order of their first record.

    Reads only ``is_meeting``, ``meeting_date``, ``region`` and ``participants``.
    """
    parent = list(range(len(records)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    keys = [_match_key(record) for record in records]
    for i, j in _candidate_pairs(keys):
        if root(i) != root(j) and _same_meeting(keys[i], keys[j]):
            parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(records)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


_Key = tuple[date, str, frozenset[str]] | None


def _match_key(record: MeetingSummary) -> _Key:
    if not record.is_meeting or record.meeting_date is None or record.region is None:
        return None
    surnames = frozenset(filter(None, (fold_surname(p.name) for p in record.participants)))
    if not surnames:
        return None
    return date.fromisoformat(record.meeting_date), record.region.iso_code, surnames


def _candidate_pairs(keys: list[_Key]) -> Iterator[tuple[int, int]]:
    """Pairs in one region at most a day apart: a batch of thousands stays cheap."""
    by_region: dict[str, list[tuple[date, int]]] = {}
    for index, key in enumerate(keys):
        if key is not None:
            by_region.setdefault(key[1], []).append((key[0], index))
    for members in by_region.values():
        members.sort()
        for a, (day_i, i) in enumerate(members):
            for day_j, j in members[a + 1 :]:
                if (day_j - day_i).days > _MAX_DAYS_APART:
                    break
                yield min(i, j), max(i, j)


def _same_meeting(a: _Key, b: _Key) -> bool:
    if a is None or b is None:
        return False
    return abs((a[0] - b[0]).days) <= _MAX_DAYS_APART and a[1] == b[1] and bool(a[2] & b[2])


def _event(records: list[MeetingSummary], ids: list[str]) -> Event:
    order = sorted(range(len(records)), key=lambda i: (records[i].meeting_date or "9999", ids[i]))
    records = [records[i] for i in order]
    ids = [ids[i] for i in order]
    event_id = _event_id(records[0], ids[0])
    return Event(event_id, tuple(ids), tuple(records), merge_records(records, ids, event_id))


def _event_id(record: MeetingSummary, source_id: str) -> str:
    key = _match_key(record)
    if key is None:
        # Not groupable: the event is this record alone, named after it.
        basis = f"single|{source_id}"
    else:
        basis = f"{key[0].isoformat()}|{key[1]}|{','.join(sorted(key[2]))}"
    return "evt-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def merge_records(
    records: Sequence[MeetingSummary], ids: Sequence[str], event_id: str
) -> MeetingSummary:
    """One view of a meeting: the first record's scalars, the union of the lists.

    Evidence is dropped (its offsets point into different texts); each source's
    warnings are kept, prefixed with its id.
    """
    first = records[0]
    usage = Usage()
    for record in records:
        usage.add(record.usage)
    warnings = [f"merged from {len(records)} sources: {', '.join(ids)}"] if len(records) > 1 else []
    warnings += [
        f"[{sid}] {w}" for sid, record in zip(ids, records, strict=True) for w in record.warnings
    ]
    return MeetingSummary(
        meeting_date=first.meeting_date,
        location=next((r.location for r in records if r.location is not None), None),
        participants=_merge_participants(r.participants for r in records),
        region=first.region,
        topics=[t for r in records for t in r.topics],
        trade_figures=_merge_trade(f for r in records for f in r.trade_figures),
        organizations=_dedup((o for r in records for o in r.organizations), _org_key),
        agreements=_dedup((a for r in records for a in r.agreements), _agreement_key),
        quotes=_dedup((q for r in records for q in r.quotes), _quote_key),
        summary=first.summary,
        is_meeting=any(r.is_meeting for r in records),
        warnings=warnings,
        usage=usage,
        source=Source(
            id=event_id,
            outlet="; ".join(dict.fromkeys(r.source.outlet for r in records if r.source.outlet))
            or None,
            title=first.source.title,
            published=first.source.published,
        ),
    )


def _merge_participants(lists: Iterable[list[Participant]]) -> list[Participant]:
    merged: dict[str, Participant] = {}
    for person in (p for people in lists for p in people):
        key = fold_surname(person.name) or person.name
        known = merged.get(key)
        if known is None:
            merged[key] = person
        else:
            # Keep the first spelling; fill in what it lacked from later sources.
            merged[key] = known.model_copy(
                update={
                    "position": known.position or person.position,
                    "country": known.country or person.country,
                }
            )
    return list(merged.values())


def _merge_trade(figures: Iterable[TradeFigure]) -> list[TradeFigure]:
    kept: list[TradeFigure] = []
    for figure in figures:
        if not any(_same_figure(figure, other) for other in kept):
            kept.append(figure)
    return kept


def _same_figure(a: TradeFigure, b: TradeFigure) -> bool:
    if a.period != b.period or a.flow != b.flow:
        return False
    return abs(a.amount_usd - b.amount_usd) <= _AMOUNT_TOLERANCE * max(a.amount_usd, b.amount_usd)


def _dedup(items: Iterable[T], key: Any) -> list[T]:
    seen: dict[Any, T] = {}
    for item in items:
        seen.setdefault(key(item), item)
    return list(seen.values())


def _org_key(name: str) -> str:
    return " ".join(name.casefold().replace('"', " ").replace("«", " ").replace("»", " ").split())


def _agreement_key(agreement: Agreement) -> tuple[str, str]:
    return " ".join(agreement.title.casefold().split()), agreement.status


def _quote_key(quote: Quote) -> str:
    return " ".join(quote.text.split())
