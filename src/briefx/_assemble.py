"""Merge rule findings and model answers into one grounded MeetingSummary.

Rules own what rules do better (date, place, region, dollar amounts, topics);
the model owns judgement (who took part, companies, agreements, quotes,
summary). Every fact that reaches the record carries an evidence span into
the cleaned text, or it is dropped and named in ``warnings``.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import cast

from rapidfuzz import fuzz

from briefx._answers import CompaniesAnswer, FactsAnswer, PeopleAnswer
from briefx._grounding import align
from briefx._models import (
    Agreement,
    AgreementStatus,
    Evidence,
    Location,
    MeetingSummary,
    Participant,
    Quote,
    Region,
    Source,
    TradeFigure,
)
from briefx._normalise import (
    country_alpha2,
    parse_money,
    parse_period,
    resolve_meeting_date,
    transliterate,
)
from briefx._people import (
    ORG_ALIASES,
    canonical_org,
    dedupe_orgs,
    fold,
    is_org_in_text,
    normalise_position,
    participant_country,
    presence_evidence,
    same_person,
    surname,
)
from briefx._prepare import PreparedText
from briefx._rules import (
    DOCUMENT,
    find_agreements,
    find_location,
    find_organizations,
    find_people,
    find_quotes,
    find_region,
    find_trade_figures,
    sentence_status,
)
from briefx._topics import find_topics

_MEETING = re.compile(
    r"\b(met|meets?|meeting|talks|negotiat\w*|visit\w*|встрет\w*|встреч\w*|переговор\w*)\b", re.I
)
# ‘’ are left out: ’ is also the apostrophe in "Belarus’s".
_OPEN_QUOTES, _CLOSE_QUOTES = "“«„", "”»"
_PRESIDENT = re.compile(
    r"\b(president|head of state|belarusian leader|президент|глава государства|белорусский лидер)",
    re.I,
)
_GOVERNOR = re.compile(r"\b(governor|head of the (russian )?region|губернатор)", re.I)
_KNOWN_ORGS = {variant: canon for canon, variants in ORG_ALIASES.items() for variant in variants}
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_NON_ORG = re.compile(r"^(belta|tass|ria|the president|government|ministry|union state)\b", re.I)


class _Builder:
    def __init__(self, prep: PreparedText):
        self.prep = prep
        self.text = prep.text
        self.evidence: list[Evidence] = []
        self.warnings: list[str] = []

    def cite(self, field: str, start: int, end: int) -> None:
        source: tuple[int | None, int | None]
        try:
            source = self.prep.to_original(start, end)
        except ValueError:  # a span across removed text has no single source span
            source = (None, None)
        self.evidence.append(
            Evidence(
                field=field,
                start=start,
                end=end,
                text=self.text[start:end],
                source_start=source[0],
                source_end=source[1],
            )
        )


def assemble(
    prep: PreparedText,
    people: PeopleAnswer,
    companies: CompaniesAnswer,
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
        organizations=_organizations(b, companies, prep),
        agreements=_agreements(b, facts),
        quotes=_quotes(b, facts, participants),
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
    """The model's people, then titled names it missed; each must be shown present."""
    candidates = [(p.name, p.position, p.country) for p in people.participants]
    candidates += [(p.name, p.position, "") for p in find_people(b.text)]
    out: list[Participant] = []
    for raw_name, raw_position, raw_country in candidates:
        name = _article_spelling(_latin(_nominative(raw_name, b.text)), b.text)
        if any(same_person(name, p.name) for p in out):
            continue
        found = presence_evidence(name, b.text)
        if found is None:
            b.warnings.append(f"dropped participant {name!r}: mentioned, not shown present")
            continue
        position = normalise_position(raw_position) if raw_position else None
        country = participant_country(position, name, b.text) or country_alpha2(raw_country)
        b.cite(f"participants[{len(out)}]", found[0], found[1])
        out.append(Participant(name=name, position=position, country=country))
    return out


def _nominative(name: str, text: str) -> str:
    """ "Турчиным" -> "Турчин": the shortest form of each word that the article uses.

    Russian inflects names ("с премьер-министром Александром Турчиным"); the
    shortest form sharing the word's stem is almost always the nominative.
    """
    if not _CYRILLIC.search(name):
        return name
    words = []
    for word in name.split():
        stem = word[: max(3, len(word) - 3)]
        forms = re.findall(rf"\b{re.escape(stem)}\w*", text)
        words.append(min(forms, key=len) if forms else word)
    return " ".join(words)


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


def _organizations(b: _Builder, companies: CompaniesAnswer, prep: PreparedText) -> list[str]:
    """The model's companies and the rules' cues together, each once, each found in the text."""
    found = find_organizations(b.text, _KNOWN_ORGS)
    names = []
    for raw in [*companies.organizations, *(name for name, _, _ in found)]:
        name = _latin(canonical_org(raw))
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
    """Documents the text's own sentences name, then the model's if a sentence backs them."""
    out: list[Agreement] = []
    for item in find_agreements(b.text):
        _add_agreement(b, out, item.title, item.status, item.start, item.end)
    for answer in facts.agreements:
        span = align(answer.evidence, b.text, threshold=90.0) if answer.evidence else None
        span = span or align(answer.title, b.text, threshold=90.0)
        start, end = _sentence(b.text, span.start, span.end) if span else (0, 0)
        if span is None or not DOCUMENT.search(b.text[start:end]):
            b.warnings.append(f"dropped agreement {answer.title!r}: no sentence names it")
            continue
        # "signed" needs a signing verb in the sentence; the model's word is not enough.
        said = "proposed" if answer.status == "signed" else answer.status
        status = sentence_status(b.text[start:end]) or said
        _add_agreement(b, out, answer.title.strip(), status, start, end)
    return out


def _add_agreement(
    b: _Builder, out: list[Agreement], title: str, status: str, start: int, end: int
) -> None:
    if any(fuzz.token_set_ratio(title.casefold(), a.title.casefold()) >= 70 for a in out):
        return
    b.cite(f"agreements[{len(out)}]", start, end)
    out.append(Agreement(title=title, status=cast(AgreementStatus, status)))


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to the sentence around it."""
    left = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    rights = [i for i in (text.find(c, end) for c in ".!?\n") if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    while left < start and text[left].isspace():
        left += 1
    return left, min(right, len(text))


def _quotes(b: _Builder, facts: FactsAnswer, people: list[Participant]) -> list[Quote]:
    """Statements in quotation marks: the text's own first, the model's to fill up to three."""
    out: list[Quote] = []
    for found in find_quotes(b.text):
        # "..., said X" after the quote names its speaker; else "X said:" before it.
        speaker = _speaker(found.attribution, people) or _speaker(found.lead[-60:], people)
        _add_quote(b, out, Quote(speaker=speaker, text=found.text), found.start)
    for quote in facts.quotes:
        start = b.text.find(quote.text)
        if start < 0 or not quote.text.strip():
            continue  # validators already made quotes verbatim; anything else is dropped
        if not _inside_quotation(b.text, start):
            b.warnings.append(f"dropped quote {quote.text[:40]!r}: not in quotation marks")
            continue
        _add_quote(b, out, Quote(speaker=quote.speaker or None, text=quote.text), start)
    return out


def _add_quote(b: _Builder, out: list[Quote], quote: Quote, start: int) -> None:
    if len(out) >= 3 or any(quote.text in q.text or q.text in quote.text for q in out):
        return
    b.cite(f"quotes[{len(out)}]", start, start + len(quote.text))
    out.append(quote)


def _speaker(attribution: str, people: list[Participant]) -> str | None:
    """ "said Fedorishchev" names one participant; "the president said" names the president."""
    for person in people:
        if fold(surname(person.name)) in fold(attribution):
            return person.name
    for pattern, role in ((_PRESIDENT, "president"), (_GOVERNOR, "governor")):
        if pattern.search(attribution):
            match = [p for p in people if role in (p.position or "").casefold()]
            if len(match) == 1:
                return match[0].name
    return None


_TITLES = frozenset(
    (
        "President Governor Minister Prime Deputy Head Mr Mrs Ms Dr Belarusian Russian "
        "Rais Chairman Director General Mayor Premier Ambassador Speaker Secretary Vice "
        "Acting The Governor's"
    ).split()
)


def _article_spelling(name: str, text: str) -> str:
    """The article's own first name when the model's is not in it ("Rais" for "Rustam")."""
    if name in text or len(name.split()) < 2:
        return name
    surname = name.split()[-1]
    firsts = [
        m.group(1)
        for m in re.finditer(rf"\b([A-Z][a-z]+)\s+{re.escape(surname)}\b", text)
        if m.group(1) not in _TITLES
    ]
    if not firsts:
        return name
    return f"{Counter(firsts).most_common(1)[0][0]} {surname}"


def _latin(name: str) -> str:
    """Names in Latin script, as the contract asks, also from a Russian article."""
    name = name.strip()
    return transliterate(name) if _CYRILLIC.search(name) else name


def _inside_quotation(text: str, start: int) -> bool:
    """True when an open quotation mark precedes ``start`` in its paragraph."""
    para_start = text.rfind("\n", 0, start) + 1
    before = text[para_start:start]
    opened = sum(before.count(c) for c in _OPEN_QUOTES) - sum(
        before.count(c) for c in _CLOSE_QUOTES
    )
    return opened > 0 or before.count('"') % 2 == 1
