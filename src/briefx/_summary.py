"""The record's summary, composed from its own verified fields.

A small model asked for an English summary of a Russian or German article
often writes it in the article's language, or with a number the article does
not hold, and each such answer cost a re-ask. Composed from the record, the
summary is English by construction and says only what the record says; a
sentence with a number the article does not write (a year read from the page
stamp, say) is left out, so the summary stays grounded as every field is.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from briefx._data import load_data
from briefx._grounding import ungrounded_numbers
from briefx._models import MeetingSummary, Participant, TradeFigure


@cache
def _phrases() -> dict[str, Any]:
    data: dict[str, Any] = load_data("summary")
    return data


def compose_summary(record: MeetingSummary, text: str) -> str:
    """One to three English sentences from the record; "" for a report of no meeting."""
    if record.kind == "other":
        return ""
    sentences = [_lead(record, text)]
    if record.topics:
        labels = [_phrases()["topic_labels"][code] for code in record.topics[:4]]
        sentences.append(_phrases()["topics"].format(topics=_join(labels)))
    figure = record.trade_figures[0] if record.trade_figures else None
    if figure is not None:
        sentences.append(_trade(figure))
    signed = [a for a in record.agreements if a.status == "signed"]
    if signed and len(sentences) < 3:
        titles = _join([a.title for a in signed[:2]])
        verb = _phrases()["agreement_verbs"]["signed"]
        sentences.append(_phrases()["agreements"].format(titles=titles[:1].upper() + titles[1:],
                                                         verb=verb))  # fmt: skip
    kept = [s for s in sentences if s and not ungrounded_numbers(s, text)]
    return " ".join(kept[:3])


def _lead(record: MeetingSummary, text: str) -> str:
    forms = _phrases()["kinds"][record.kind]
    people = [_person(p) for p in record.participants[:2]]
    about = _phrases()["about"].format(region=record.region.name) if record.region else ""
    place = f" in {record.location.city}" if record.location and record.location.city else ""
    day = _day(record.meeting_date, text)
    values = {"about": about, "place": place, "day": day}
    if len(people) == 2:
        return str(forms["two"]).format(a=people[0], b=people[1], **values)
    if people:
        return str(forms["one"]).format(a=people[0], **values)
    return str(forms["none"]).format(**values)


def _person(p: Participant) -> str:
    return f"{p.name}, {p.position}," if p.position else p.name


def _day(iso: str | None, text: str) -> str:
    """' on 5 May 2025', without the year when the article never writes it."""
    if not iso:
        return ""
    year, month, day = (int(part) for part in iso.split("-"))
    said = f" on {day} {_phrases()['months'][month - 1]}"
    with_year = f"{said} {year}"
    return with_year if not ungrounded_numbers(with_year, text) else said


def _trade(figure: TradeFigure) -> str:
    flow = _phrases()["flows"][figure.flow]
    period = f" for {figure.period.replace('/', ' to ')}" if figure.period else ""
    return str(_phrases()["trade"]).format(flow=flow, amount=_money(figure.amount_usd),
                                           period=period)  # fmt: skip


def _money(amount: float) -> str:
    for scale, word in _phrases()["scales"]:
        if amount >= scale:
            value = f"{amount / scale:.2f}".rstrip("0").rstrip(".")
            return f"${value} {word}"
    return f"${amount:,.0f}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
