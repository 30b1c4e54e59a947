"""Merge rule findings and model answers into one grounded MeetingSummary.

Rules own what rules do better (date, place, region, dollar amounts, topics);
the model owns judgement (who took part, companies, agreements, quotes,
summary). Every fact that reaches the record carries an evidence span into
the cleaned text, or it is dropped and named in ``warnings``.
"""

from __future__ import annotations

import re

from briefx._answers import FactsAnswer, PeopleAnswer
from briefx._grounding import align
from briefx._models import (
    Agreement,
    Evidence,
    Location,
    MeetingSummary,
    Participant,
    Quote,
    Region,
    Source,
    TradeFigure,
)
from briefx._normalise import country_alpha2, parse_money, parse_period, resolve_meeting_date
from briefx._people import (
    canonical_org,
    dedupe_orgs,
    is_org_in_text,
    normalise_position,
    participant_country,
    presence_evidence,
    same_person,
)
from briefx._prepare import PreparedText
from briefx._rules import find_location, find_region, find_trade_figures
from briefx._topics import find_topics

_SIGNED = re.compile(r"\b(sign\w*|conclu\w*|inked|подпис\w*|заключ\w*)", re.I)
_MEETING = re.compile(
    r"\b(met|meets?|meeting|talks|negotiat\w*|visit\w*|встрет\w*|встреч\w*|переговор\w*)\b", re.I
)
# ‘’ are left out: ’ is also the apostrophe in "Belarus’s".
_OPEN_QUOTES, _CLOSE_QUOTES = "“«„", "”»"
_NON_ORG = re.compile(r"^(belta|tass|ria|the president|government|ministry|union state)\b", re.I)


class _Builder:
    def __init__(self, prep: PreparedText):
        self.text = prep.text
        self.evidence: list[Evidence] = []
        self.warnings: list[str] = []

    def cite(self, field: str, start: int, end: int) -> None:
        self.evidence.append(Evidence(field=field, start=start, end=end, text=self.text[start:end]))


def assemble(
    prep: PreparedText,
    people: PeopleAnswer,
    facts: FactsAnswer,
    *,
    published: str | None = None,
    url: str | None = None,
    warnings: list[str] | None = None,
) -> MeetingSummary:
    b = _Builder(prep)
    b.warnings.extend(warnings or [])
    date = resolve_meeting_date(
        prep.text, dateline=prep.dateline, page_date=prep.page_date, published=published
    )
    participants = _participants(b, people)
    # The model's yes alone is not enough: small models call any report a meeting.
    is_meeting = bool(participants) or (people.is_meeting and bool(_MEETING.search(b.text)))
    record = MeetingSummary(
        meeting_date=date.iso if is_meeting else None,
        location=_location(b, prep) if is_meeting else None,
        participants=participants,
        region=_region(b) if is_meeting else None,
        topics=_topics(b),
        trade_figures=_trade(b, facts, date.iso) if is_meeting else [],
        organizations=_organizations(b, facts, prep),
        agreements=_agreements(b, facts),
        quotes=_quotes(b, facts),
        summary=people.summary.strip(),
        is_meeting=is_meeting,
        source=Source(
            id=prep.source_id,
            url=url,
            outlet=prep.outlet,
            title=prep.title,
            published=published or prep.page_date,
            dateline=prep.dateline,
        ),
    )
    if date.span and record.meeting_date:
        b.cite("meeting_date", *date.span)
    record.evidence = b.evidence
    record.warnings = b.warnings
    if not is_meeting:
        record.warnings.append(
            "the article reports no meeting: no date, place, region or trade figures given"
        )
    return record


def _participants(b: _Builder, people: PeopleAnswer) -> list[Participant]:
    out: list[Participant] = []
    for person in people.participants:
        if any(same_person(person.name, p.name) for p in out):
            continue
        found = presence_evidence(person.name, b.text)
        if found is None:
            b.warnings.append(f"dropped participant {person.name!r}: mentioned, not shown present")
            continue
        position = normalise_position(person.position) if person.position else None
        country = participant_country(position, person.name, b.text) or country_alpha2(
            person.country or ""
        )
        b.cite(f"participants[{len(out)}]", found[0], found[1])
        out.append(Participant(name=person.name.strip(), position=position, country=country))
    return out


def _location(b: _Builder, prep: PreparedText) -> Location | None:
    found = find_location(b.text, dateline=prep.dateline)
    if found is None:
        return None
    if found.span:
        b.cite("location", *found.span)
    return Location(city=found.city, country=found.country)


def _region(b: _Builder) -> Region | None:
    found = find_region(b.text)
    if found is None:
        return None
    b.cite("region", *found.span)
    return Region(name=found.name, iso_code=found.iso)


def _topics(b: _Builder) -> list[str]:
    hits = find_topics(b.text)
    for i, hit in enumerate(hits):
        b.cite(f"topics[{i}]", hit.start, hit.end)
    return [hit.code for hit in hits]


def _trade(b: _Builder, facts: FactsAnswer, meeting_date: str | None) -> list[TradeFigure]:
    year = int(meeting_date[:4]) if meeting_date else None
    found = find_trade_figures(b.text, meeting_year=year)
    figures = [f.to_model() for f in found]
    spans = [(f.start, f.end) for f in found]
    if not figures:  # rules saw no amount; the model's grounded ones are all there is
        for fig in facts.trade_figures:
            parsed = parse_money(fig.amount_text)
            span = align(fig.amount_text, b.text)
            if parsed is None or span is None:
                continue
            period = parse_period(fig.period) if fig.period else None
            figures.append(
                TradeFigure(period=period, amount_usd=parsed[0], flow=fig.flow, qualifier=parsed[1])
            )
            spans.append((span.start, span.end))
    for i, (start, end) in enumerate(spans):
        b.cite(f"trade_figures[{i}]", start, end)
    return figures


def _organizations(b: _Builder, facts: FactsAnswer, prep: PreparedText) -> list[str]:
    names = []
    for raw in facts.organizations:
        name = canonical_org(raw)
        if not name or _NON_ORG.match(name) or country_alpha2(name):
            continue
        if prep.outlet and name.casefold() == prep.outlet.casefold():
            continue
        names.append(name)
    out: list[str] = []
    for name in dedupe_orgs(names):
        span = is_org_in_text(name, b.text)
        if span is None:
            b.warnings.append(f"dropped organization {name!r}: not found in the article")
            continue
        b.cite(f"organizations[{len(out)}]", *span)
        out.append(name)
    return out


def _agreements(b: _Builder, facts: FactsAnswer) -> list[Agreement]:
    out: list[Agreement] = []
    for item in facts.agreements:
        span = align(item.evidence, b.text, threshold=80.0) if item.evidence else None
        span = span or align(item.title, b.text, threshold=80.0)
        if span is None:
            b.warnings.append(f"dropped agreement {item.title!r}: no support in the article")
            continue
        status = item.status
        if status == "signed" and not _SIGNED.search(b.text[span.start : span.end]):
            status = "proposed"  # the model said signed; the sentence does not
        b.cite(f"agreements[{len(out)}]", span.start, span.end)
        out.append(Agreement(title=item.title.strip(), status=status))
    return out


def _quotes(b: _Builder, facts: FactsAnswer) -> list[Quote]:
    out: list[Quote] = []
    for quote in facts.quotes:
        start = b.text.find(quote.text)
        if start < 0 or not quote.text.strip():
            continue  # validators already made quotes verbatim; anything else is dropped
        if not _inside_quotation(b.text, start):
            b.warnings.append(f"dropped quote {quote.text[:40]!r}: not in quotation marks")
            continue
        b.cite(f"quotes[{len(out)}]", start, start + len(quote.text))
        out.append(Quote(speaker=quote.speaker or None, text=quote.text))
    return out


def _inside_quotation(text: str, start: int) -> bool:
    """True when an open quotation mark precedes ``start`` in its paragraph."""
    para_start = text.rfind("\n", 0, start) + 1
    before = text[para_start:start]
    opened = sum(before.count(c) for c in _OPEN_QUOTES) - sum(before.count(c) for c in _CLOSE_QUOTES)
    return opened > 0 or before.count('"') % 2 == 1
