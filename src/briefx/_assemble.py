"""Merge rule findings and model answers into one grounded MeetingSummary.

Rules own what rules do better (date, place, region, dollar amounts, topics);
the model owns judgement (who took part, companies, agreements, quotes,
summary). Every fact that reaches the record carries an evidence span into
the cleaned text, or it is dropped and named in ``warnings``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from typing import TypeVar, cast

from rapidfuzz import fuzz

from briefx._answers import FACT_FIELDS, CompaniesAnswer, FactsAnswer, PeopleAnswer
from briefx._data import load_data
from briefx._dates import DateResult, sentence_at
from briefx._grounding import align, word_form_in_text
from briefx._kinds import names_a_meeting, personal_occasion, report_kind
from briefx._language import (
    detect_language,
    has_cyrillic,
    has_rule_data,
    non_latin,
    same_name_key,
    transliterate,
    unreadable_script,
)
from briefx._models import (
    Agreement,
    AgreementStatus,
    Evidence,
    Kind,
    Location,
    MeetingSummary,
    Participant,
    Quote,
    RecordWarning,
    Region,
    Source,
    TradeFigure,
)
from briefx._money import mentions_money
from briefx._normalise import (
    country_alpha2,
    parse_money,
    parse_period,
    resolve_meeting_date,
)
from briefx._people import (
    ORG_ALIASES,
    canonical_org,
    clean_name,
    cyrillic_original,
    dedupe_orgs,
    fold,
    is_org_in_text,
    name_mentions,
    nominative,
    normalise_position,
    participant_country,
    presence_evidence,
    same_person,
    surname,
    title_prefix,
    titled_people,
)
from briefx._prepare import PreparedText
from briefx._rules import (
    DOCUMENT,
    ENGLISH_DOCUMENT,
    english_title,
    find_agreements,
    find_location,
    find_organizations,
    find_people,
    find_quotes,
    find_region,
    sentence_status,
    trade_candidates,
)
from briefx._summary import compose_summary
from briefx._topics import find_topics
from briefx.places import (
    city_by_sound,
    find_cities_by_sound,
    find_region_by_sound,
    is_place_name,
    region_by_sound,
    resolve_city,
    resolve_region,
)

# ‘’ are left out: ’ is also the apostrophe in "Belarus’s".
_OPEN_QUOTES, _CLOSE_QUOTES = "“«„", "”»"
_PRESIDENT = re.compile(
    r"\b(president|head of state|belarusian leader|президент|глава государства|белорусский лидер)",
    re.I,
)
_GOVERNOR = re.compile(r"\b(governor|head of the (russian )?region|губернатор)", re.I)
T = TypeVar("T")
_KNOWN_ORGS = {variant: canon for canon, variants in ORG_ALIASES.items() for variant in variants}
_NON_ORG = re.compile(r"^(belta|tass|ria|the president|government|ministry|union state)\b", re.I)


class _Builder:
    def __init__(self, prep: PreparedText, *, finders: bool = True):
        self.prep = prep
        self.text = prep.text
        self.finders = finders  # off: the model's answers alone, normalised and grounded
        self.evidence: list[Evidence] = []
        self.warnings: list[RecordWarning | str] = []
        self.language = detect_language(prep.text)

    def choose(
        self, field: str, rule: T | None, model: T | None, key: Callable[[T], str]
    ) -> T | None:
        """The rules' value, else the model's; a disagreement is kept in the warnings.

        The rules win a disagreement: they read the article's own structure
        (the governor's title, the dateline), where a small model most often
        takes a region or day that is only mentioned.
        """
        if rule is None or model is None or key(rule) == key(model):
            return rule if rule is not None else model
        self.warn(
            field,
            f"{field}: the rules found {key(rule)!r}, the model said {key(model)!r}; "
            f"kept {key(rule)!r}: the rules read the article's own structure",
            code="disagreement",
            candidates=[key(rule), key(model)],
        )
        return rule

    def warn(
        self, field: str, message: str, *, code: str = "note", candidates: list[str] | None = None
    ) -> None:
        self.warnings.append(
            RecordWarning(code=code, field=field, message=message, candidates=candidates or [])
        )

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
    finders: bool = True,
) -> MeetingSummary:
    """The record from the model's answers and the rules' findings.

    ``finders=False`` leaves the rule finders out (the ablation's "model only"):
    the model's answers, still normalised and grounded.
    """
    b = _Builder(prep, finders=finders)
    b.warnings.extend(warnings or [])
    date = _date(b, prep, people, published)
    kind = _kind(b, people)
    participants = _participants(b, people) if kind != "other" else []
    if kind == "meeting" and not (participants or names_a_meeting(b.text)):
        # The model's yes alone is not enough: small models call any report a meeting.
        b.warn("kind", "no one shown present and no meeting named: kind 'other'")
        kind = "other"
    reported = kind != "other"
    record = MeetingSummary(
        meeting_date=date.iso if kind in _DATED else None,
        location=_location(b, prep, people, participants) if kind in _PLACED else None,
        participants=participants,
        region=_region(b, people) if reported and not _personal_greeting(b, kind) else None,
        topics=_topics(b, facts) if finders or not has_rule_data(b.language) else [],
        trade_figures=_trade(b, facts, date.iso) if reported else [],
        organizations=_organizations(b, companies, prep, participants, people),
        agreements=_agreements(b, facts),
        quotes=_quotes(b, facts, participants),
        is_meeting=kind == "meeting",
        kind=kind,
        source=Source(
            id=prep.source_id,
            url=url,
            outlet=prep.outlet,
            title=prep.title,
            published=published or prep.page_date,
            dateline=prep.dateline,
            language=b.language,
            text=prep.text,
        ),
    )
    if date.span and record.meeting_date:
        b.cite("meeting_date", *date.span)
    if date.warning and record.meeting_date:
        code = "inferred" if date.basis == "inferred" else "note"
        b.warn("meeting_date", date.warning, code=code)
    record.summary = compose_summary(record, b.text)
    record.evidence = b.evidence
    if kind == "other":
        b.warn("kind", "the article reports no meeting: no date, place, region or trade figures")
    record.warnings = b.warnings  # type: ignore[assignment]  # strings become RecordWarning
    return record


# Which of the meeting's fields each kind of report fills (contract: a held
# meeting fills them all; an announcement keeps who, when and where it is planned).
_DATED = frozenset({"meeting", "announcement", "phone_call"})
_PLACED = frozenset({"meeting", "announcement"})


def _personal_greeting(b: _Builder, kind: str) -> bool:
    """A message on a person's occasion ("congratulated ... on his election") greets the
    person, not the region: the record keeps no region, and says why."""
    cue = personal_occasion(b.text) if kind == "message" else None
    if cue is None:
        return False
    said = b.text[cue.start : cue.end]
    b.warn("region", f"no region: a greeting on a person's occasion ({said!r}), not a message "
           "about the region", code="left_out")  # fmt: skip
    return True


def _kind(b: _Builder, people: PeopleAnswer) -> Kind:
    """The model's kind, unless the article's opening words say another: never silently."""
    cue = report_kind(b.text) if b.finders else None
    if cue is None or cue.kind == people.kind:
        return people.kind
    said = b.text[cue.start : cue.end]
    if people.kind == "other" and cue.kind == "meeting":
        reason = "the model saw no meeting"
    else:
        reason = f"the opening says {said!r}"
    b.warn(
        "kind",
        f"kind: model said {people.kind!r}, the opening's words {cue.kind!r} ({said!r}); "
        f"kept {cue.kind!r}: {reason}",
        code="disagreement",
        candidates=[cue.kind, people.kind],
    )
    b.cite("kind", cue.start, cue.end)
    return cast(Kind, cue.kind)


def _participants(b: _Builder, people: PeopleAnswer) -> list[Participant]:
    """The model's people, then titled names it missed; each must be shown present."""
    candidates = [(p.name, p.position, p.country, True) for p in people.participants]
    if b.finders:
        candidates += [(p.name, p.position, "", False) for p in find_people(b.text)]
    out: list[Participant] = []
    unshown: list[Participant] = []
    for raw_name, raw_position, raw_country, from_model in candidates:
        # "Kaluga Governor Vladislav Shapsha": the title is a position, not a name.
        prefix = title_prefix(raw_name)
        name = _article_spelling(_latin(_nominative(clean_name(raw_name), b.text)), b.text)
        if any(same_person(name, p.name) for p in out):
            continue
        if is_place_name(name) or _has_place_word(name) or _only_a_title(name):
            b.warn(f"participants[{len(out)}]", f"dropped participant {name!r}: a place or title, "
                   "not a person", code="dropped", candidates=[name])  # fmt: skip
            continue
        found = presence_evidence(name, b.text)
        if found is None and from_model and not has_rule_data(b.language):
            found = _model_only_presence(b, name, len(out))
        position = _position(raw_position, prefix)
        country = participant_country(position, name, b.text) or country_alpha2(raw_country)
        person = Participant(name=name, position=position, country=country)
        if found is None:
            if from_model:
                unshown.append(person)
            b.warn(f"participants[{len(out)}]", f"dropped participant {name!r}: mentioned, "
                   "not shown present", code="dropped", candidates=[name])  # fmt: skip
            continue
        if found[0] >= 0:
            b.cite(f"participants[{len(out)}]", found[0], found[1])
        out.append(person)
    return out + _other_side(b, out, unshown)


def _other_side(
    b: _Builder, present: list[Participant], unshown: list[Participant]
) -> list[Participant]:
    """A meeting has two sides. When everyone shown present is from one country, the
    person the model names for the other side, named in the article though no cue shows
    them present ("erzählte er Gleb Nikitin bei einem Treffen"), is that side: kept, with
    an ``inferred`` warning naming why."""
    sides = {p.country for p in present}
    if len(sides) != 1 or not sides <= {"BY", "RU"}:
        return []
    for person in unshown:
        if person.country in {"BY", "RU"} - sides:
            mention = next(iter(name_mentions(person.name, b.text)), None)
            if mention is None:
                continue
            index = len(present)
            why = (
                f"participant {person.name!r} inferred as the other side ({person.country}) of "
                f"a meeting whose present participants are all {next(iter(sides))}"
            )
            b.warn(f"participants[{index}]", why, code="inferred", candidates=[person.name])
            b.cite(f"participants[{index}]", *mention)
            return [person]
    return []


def _model_only_presence(b: _Builder, name: str, index: int) -> tuple[int, int, str] | None:
    """The model's word that a person took part, in a language the presence cues do not
    cover: kept when the name is in the article (as its script allows), with a warning."""
    mention = next(iter(name_mentions(name, b.text)), None)
    if mention is None and not unreadable_script(b.text):
        return None
    b.warn(f"participants[{index}]",
           f"participant {name!r} taken from the model: no presence cues for language "
           f"{b.language!r}", code="inferred")  # fmt: skip
    return (*mention, "model") if mention else (-1, -1, "model")


def _position(raw: str, prefix: str) -> str | None:
    """The model's position, or the name's own title when that says more ("Governor")."""
    said = normalise_position(raw) if raw else None
    own = normalise_position(prefix) if prefix else None
    if own and (not said or (own.startswith(said) and len(own) > len(said))):
        return own
    return said


def _nominative(name: str, text: str) -> str:
    """ "Александром Хинштейном" -> "Александр Хинштейн", also from a Latin "Aleksandrom".

    A Latin name the model romanised from an inflected Russian form is traced
    back to the article's Cyrillic words first, then put in the nominative.
    """
    return nominative(cyrillic_original(name, text) or name, text)


def _location(
    b: _Builder, prep: PreparedText, people: PeopleAnswer, participants: list[Participant]
) -> Location | None:
    """The rules' place (venue, "talks in X", dateline), the model's quoted city beside it."""
    found = find_location(b.text, dateline=prep.dateline) if b.finders else None
    rule = (found.city, found.country, found.span) if found and found.city else None
    if rule is None and b.finders and not has_rule_data(b.language):
        rule = _city_beside_people(b, participants)
    model = _quoted_city(b, people.city)
    chosen = b.choose("location", rule, model, key=lambda c: c[0].casefold())
    if chosen is None:
        if found is not None and found.country:  # a country but no city ("a visit to Belarus")
            return Location(city=None, country=found.country)
        return None
    if chosen[2]:
        b.cite("location", *chosen[2])
        said = b.text[chosen[2][0] : chosen[2][1]]
        if resolve_city(said) is None:  # a venue: "во Дворце Независимости" is in Minsk
            b.warn("location", f"city {chosen[0]} inferred from {said!r}", code="inferred",
                   candidates=[chosen[0]])  # fmt: skip
    return Location(city=chosen[0], country=chosen[1])


def _city_beside_people(
    b: _Builder, participants: list[Participant]
) -> tuple[str, str, tuple[int, int]] | None:
    """In a language without meeting cues, a known city named in a sentence with a
    participant ("Lukasenka Minszkben fogadta ..."); ``_location`` marks it inferred."""
    for city, country, span in find_cities_by_sound(b.text):
        start, end = sentence_at(b.text, *span)
        if any(name_mentions(p.name, b.text[start:end]) for p in participants):
            return city, country, span  # _location warns: the span is no gazetteer form
    return None


def _quoted_city(b: _Builder, said: str) -> tuple[str, str, tuple[int, int] | None] | None:
    """The model's city, if the article has it and the gazetteer knows it (English name)."""
    span = align(said, b.text, threshold=90.0) if said.strip() else None
    city = _resolve_said(b, said, resolve_city, city_by_sound) if span is not None else None
    return (city[0], city[1], (span.start, span.end)) if city and span else None


def _resolve_said(
    b: _Builder,
    said: str,
    gazetteer: Callable[[str], T | None],
    by_sound: Callable[[str], T | None],
) -> T | None:
    """A place as the model quoted it: the gazetteer's forms, then, in a language the
    gazetteer has no forms for, the name it sounds like ("Minszkben" is Minsk)."""
    found = gazetteer(said)
    if found is None and not has_rule_data(b.language):
        found = by_sound(said)
    return found


def _region(b: _Builder, people: PeopleAnswer) -> Region | None:
    """The rules' region, the model's quoted region beside it, both by ISO code."""
    found = find_region(b.text) if b.finders else None
    rule = (found.name, found.iso, found.span) if found else None
    if rule is None and b.finders and not has_rule_data(b.language):
        heard = find_region_by_sound(b.text)  # "Jaroszlavli": no case forms for Hungarian
        rule = (heard[0].name, heard[0].iso, heard[1]) if heard else None
    model = None
    span = align(people.region, b.text, threshold=90.0) if people.region.strip() else None
    named = _resolve_said(b, people.region, resolve_region, region_by_sound) if span else None
    if named is not None and span is not None:
        model = (named.name, named.iso, (span.start, span.end))
    chosen = b.choose("region", rule, model, key=lambda r: r[1])
    if chosen is None:
        return None
    b.cite("region", *chosen[2])
    return Region(name=chosen[0], iso_code=chosen[1])


def _date(
    b: _Builder, prep: PreparedText, people: PeopleAnswer, published: str | None
) -> DateResult:
    """The rules' meeting day, the model's quoted day ("15 May", "today") beside it."""
    refs = {"dateline": prep.dateline, "page_date": prep.page_date, "published": published,
            "original": prep.original}  # fmt: skip
    rule = resolve_meeting_date(prep.text, **refs) if b.finders else None
    model = None
    span = align(people.when, b.text, threshold=90.0) if people.when.strip() else None
    if span is not None:
        start, end = sentence_at(b.text, span.start, span.end)
        said = resolve_meeting_date(b.text[start:end], **refs)
        if said.iso:
            model = replace(said, span=(span.start, span.end))
    found = rule if rule is not None and rule.iso else None
    chosen = b.choose("meeting_date", found, model, key=lambda d: d.iso or "")
    if chosen is None:
        return rule or DateResult(None, "none", None)
    return chosen


def _topics(b: _Builder, facts: FactsAnswer) -> list[str]:
    """The topic cues' codes; in a language they do not cover, the model's, with a warning."""
    if not has_rule_data(b.language):
        if facts.topics:
            b.warn("topics", f"topics {facts.topics} taken from the model: no topic cues for "
                   f"language {b.language!r}", code="inferred")  # fmt: skip
        return list(dict.fromkeys(facts.topics))
    hits = find_topics(b.text) if b.finders else []
    for i, hit in enumerate(hits):
        b.cite(f"topics[{i}]", hit.start, hit.end)
    return [hit.code for hit in hits]


def _trade(b: _Builder, facts: FactsAnswer, meeting_date: str | None) -> list[TradeFigure]:
    year = int(meeting_date[:4]) if meeting_date else None
    candidates = trade_candidates(b.text, meeting_year=year) if b.finders else []
    found = [f for f in candidates if f.excluded is None]
    for f in candidates:
        if f.excluded:
            said = b.text[f.start : f.end]
            b.warnings.append(f"left out trade amount {said!r}: a {f.excluded} ({f.cue!r})")
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


def _not_a_company_name(name: str, people: list[str], text: str = "") -> bool:
    """A person ("Alexander Beglov", "President Aleksandr Lukashenko"), a phrase
    ("gas fields of the Arctic", "modular buildings", "Belarusian heavy-duty trucks")
    or a common noun ("das Partnerwerk") the model listed as a company."""
    folded = fold(name)
    if any(key and key in folded for key in (fold(surname(person)) for person in people)):
        return True
    words = name.split()
    phrase = {w.casefold() for w in words[1:]} & _phrase_words()
    if phrase or len(words) > 4 or (name[:1].islower() and name[:1].isalpha()):
        return True
    if all(_country_adjective(w) or w[:1].islower() for w in words):
        return True
    known = canonical_org(name) in ORG_ALIASES or name.isupper()
    return len(words) == 1 and not known and _after_determiner(name, text)


def _country_adjective(word: str) -> bool:
    data = load_data("companies")["country_adjectives"]
    key = fold(word)
    for stem in data["stems"]:
        if key.startswith(fold(stem)) and re.match(data["endings_regex"], key[len(fold(stem)) :]):
            return True
    return False


def _after_determiner(word: str, text: str) -> bool:
    """The article writes ``word`` as a common noun: right after an article."""
    determiners = "|".join(load_data("companies")["determiners"]["words"])
    pattern = rf"(?<!\w)(?i:{determiners})\s+{re.escape(word)}(?!\w)"
    return re.search(pattern, text) is not None


def _titled_names(text: str) -> list[str]:
    """Everyone the article names with a title, nominative and Latin, present or not."""
    return [_latin(nominative(name, text)) for name, _, _, _ in titled_people(text)]


@cache
def _phrase_words() -> frozenset[str]:
    return frozenset(load_data("companies")["phrase_words"]["words"])


def _organizations(
    b: _Builder,
    companies: CompaniesAnswer,
    prep: PreparedText,
    participants: list[Participant],
    said: PeopleAnswer,
) -> list[str]:
    """The model's companies and the rules' cues together, each once, each found in the text."""
    found = find_organizations(b.text, _KNOWN_ORGS) if b.finders else []
    people = [p.name for p in participants] + _titled_names(b.text)
    named = {fold(p.name) for p in said.participants}  # a person the model named as a company
    names = []
    for raw in [*companies.organizations, *(name for name, _, _ in found)]:
        name = _latin(canonical_org(raw))
        why = _not_an_organization(name, raw, prep.outlet)
        if why is None and (fold(name) in named or _not_a_company_name(name, people, b.text)):
            why = "a person or a phrase"
        if why:
            if name:
                b.warn("organizations", f"dropped organization {name!r}: {why}", code="dropped",
                       candidates=[name])  # fmt: skip
            continue
        names.append(name)
    out: list[str] = []
    for name in dedupe_orgs(names):
        span = is_org_in_text(name, b.text)
        if span is None and " " not in name:  # named in another case: "Белшиной"
            span = word_form_in_text(name, b.text)
        if span is None:
            b.warn("organizations", f"dropped organization {name!r}: not found in the article",
                   code="dropped", candidates=[name])  # fmt: skip
            continue
        why = _not_a_company(name, b.text, span)
        if why:
            b.warn("organizations", f"dropped organization {name!r}: {why}", code="dropped",
                   candidates=[name])  # fmt: skip
            continue
        b.cite(f"organizations[{len(out)}]", *span)
        out.append(name)
    return out


def _not_an_organization(name: str, raw: str, outlet: str | None) -> str | None:
    """Why a candidate names no organisation at all: a country, a place, the outlet."""
    if not name:
        return "empty"
    if _NON_ORG.match(name):
        return "a news agency or public body"
    if country_alpha2(name) or country_alpha2(raw):
        return "a country"
    if _a_place(raw):
        return "a city or region"
    if outlet and name.casefold() == outlet.casefold():
        return "the outlet that published the article"
    return None


@cache
def _non_company_words() -> re.Pattern[str]:
    data = load_data("companies")["not_companies"]
    kinds = ("media", "bodies", "places", "events", "countries")
    words = [w for key in kinds for w in data[key]]
    return re.compile(rf"(?<![^\W\d_])(?:{'|'.join(words)})", re.I)


@cache
def _source_before() -> re.Pattern[str]:
    """ "according to", "в сообщении", "channel": a name right after one is a source."""
    return re.compile("|".join(load_data("companies")["not_companies"]["sources"]), re.I)


@cache
def _person_like() -> re.Pattern[str]:
    endings = "|".join(load_data("companies")["not_companies"]["person_surname_endings"])
    word = r"[A-Z][a-z]+"
    return re.compile(rf"^{word}(?:\s+{word})?\s+[A-Z][a-z]+(?:{endings})$")


def _not_a_company(name: str, text: str, span: tuple[int, int]) -> str | None:
    """Why a grounded candidate is no company, or None: a channel, a state body, a
    macro-region, a fair (``not_companies``); or a common noun, which the article writes
    in lower case outside quotation marks ("shipbuilding", "ballet")."""
    said = text[span[0] : span[1]]
    if _non_company_words().search(name) or _non_company_words().search(said):
        return "a medium, public body, place, country or event, not a company"
    if _source_before().search(text[max(0, span[0] - 40) : span[0]]):
        return "a source the article quotes, not a company"
    if _person_like().match(name) or _has_place_word(name):
        return "a person's or a place's name"
    if re.fullmatch(r"(\w{4,})\1", said, re.I):  # "ГОСОРГАНЫГОСОРГАНЫ": a crawled menu item
        return "a page's menu item"
    first = next((ch for ch in said if ch.isalnum()), "")
    quoted = text[max(0, span[0] - 1) : span[0]] in _QUOTE_MARKS
    if first.islower() and not quoted:
        return "a common noun: the article writes it in lower case"
    return None


_QUOTE_MARKS = frozenset("«»“”„\"'")


def _only_a_title(name: str) -> bool:
    """ "Rais", "Governor": one word that is a title (data/people.json), no one's name."""
    words = name.split()
    titles = {fold(t) for t in load_data("people")["name_titles"]}
    titles |= {fold(t) for t in load_data("regions")["governor_cues"]}
    return len(words) == 1 and fold(words[0]) in titles


def _has_place_word(name: str) -> bool:
    """ "Smolensk Oblas", "Kazan Kremlin": a region type or venue word, no person's name."""
    words = {w.casefold() for w in re.findall(r"[^\W\d_]+", name)}
    types = {w.casefold() for w in load_data("regions")["type_words"]}
    return any(any(w.startswith(t[:5]) for t in types if len(t) >= 5) for w in words) or any(
        w in _place_nouns() for w in words
    )


@cache
def _place_nouns() -> frozenset[str]:
    return frozenset(w.casefold() for w in load_data("cities")["place_nouns"])


def _a_place(name: str) -> bool:
    """A city or region given as a company ("Minska", "Irkutsk Region"): the prompt says not."""
    return resolve_city(name) is not None or resolve_region(name) is not None


def _agreements(b: _Builder, facts: FactsAnswer) -> list[Agreement]:
    """Documents the text's own sentences name, then the model's if a sentence backs them.

    Titles are English whatever the article's language: the model's English
    title for the same sentence, else the document noun and its subject
    translated from ``data/agreements.json`` (``english_title``).
    """
    answers = []
    for answer in facts.agreements:
        span = align(answer.evidence, b.text, threshold=90.0) if answer.evidence else None
        span = span or align(answer.title, b.text, threshold=90.0)
        start, end = sentence_at(b.text, span.start, span.end) if span else (0, 0)
        named = DOCUMENT.search(b.text[start:end]) or not has_rule_data(b.language)
        if span is None or not named:
            b.warn("agreements", f"dropped agreement {answer.title!r}: no sentence names it",
                   code="dropped")  # fmt: skip
            continue
        answers.append((answer, start, end))
    out: list[Agreement] = []
    for item in find_agreements(b.text) if b.finders else []:
        said = next(
            (a.title for a, s, e in answers if s <= item.start < e or item.start <= s < item.end),
            None,
        )
        title = _english(b, item.title, said)
        _add_agreement(b, out, title, item.status, item.start, item.end)
    for answer, start, end in answers:
        # "signed" needs a signing verb in the sentence; the model's word is not enough.
        said = "proposed" if answer.status == "signed" else answer.status
        status = sentence_status(b.text[start:end]) or said
        title = _english(b, answer.title.strip(), answer.title.strip())
        _add_agreement(b, out, title, status, start, end)
    return out


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _english(b: _Builder, title: str, model_title: str | None) -> str:
    """The title in English: as read in an English article, else the model's, else translated."""
    if b.language == "en" and not non_latin(title):
        return title
    if model_title and not non_latin(model_title) and ENGLISH_DOCUMENT.search(model_title):
        return model_title
    translated = english_title(title) or english_title(model_title or "") or transliterate(title)
    if translated != title:
        b.warn("agreements", f"agreement title {title!r} translated to {translated!r}",
               code="inferred", candidates=[translated, title])  # fmt: skip
    return translated


def _add_agreement(
    b: _Builder, out: list[Agreement], title: str, status: str, start: int, end: int
) -> None:
    if any(fuzz.token_set_ratio(title.casefold(), a.title.casefold()) >= 70 for a in out):
        return
    b.cite(f"agreements[{len(out)}]", start, end)
    out.append(Agreement(title=title, status=cast(AgreementStatus, status)))


def facts_fields(text: str) -> frozenset[str]:
    """What the facts pass asks the model: only what assembly can still use.

    The model's trade figures count only when the rules find no amount
    (``_trade``), and its quotes only inside quotation marks and up to three
    (``_quotes``); a field that cannot change the record is not asked for,
    which saves the small model's slowest work, copying sentences. Quotes
    are never asked: a quote is what stands inside quotation marks, which the
    rules read verbatim, and a small model's retyped quote was dropped as not
    verbatim more often than it added one.
    """
    if not has_rule_data(detect_language(text)):
        # No cue lists for this language: the model's reading is all there is.
        return frozenset({"agreements", "trade_figures", "topics"})
    fields = set()
    if DOCUMENT.search(text):  # an agreement needs a sentence that names a document
        fields.add("agreements")
    candidates = trade_candidates(text)
    if not any(f.excluded is None for f in candidates) and mentions_money(text):
        fields.add("trade_figures")
    return frozenset(fields)


def prepare_to_ask(
    prepare_call: Callable[[], PreparedText], ask: str = "open"
) -> tuple[PreparedText, frozenset[str]]:
    """The prepared text and what its facts pass asks (``Settings.ask``).

    Both are rules work, so both run where preparation runs (a rules worker,
    which imports this module and never the model client), not on the event loop.
    """
    prep = prepare_call()
    return prep, facts_fields(prep.text) if ask == "open" else frozenset(FACT_FIELDS)


def _quotes(b: _Builder, facts: FactsAnswer, people: list[Participant]) -> list[Quote]:
    """Statements in quotation marks: the text's own first, the model's to fill up to three."""
    out: list[Quote] = []
    for found in find_quotes(b.text) if b.finders else []:
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


def _article_spelling(name: str, text: str) -> str:
    """The article's own first name when the model's is not in it ("Rais" for "Rustam")."""
    if not name or (name in text and len(name.split()) >= 2):
        return name
    surname = _spelled_in_article(name.split()[-1], text)
    # Same line only: a menu word on the line above ("All") is no first name.
    firsts = [
        m.group(1)
        for m in re.finditer(rf"\b([A-Z][a-z]+)[ \t]+{re.escape(surname)}\b", text)
        if clean_name(m.group(0)) == m.group(0)
    ]
    if not firsts:
        return name
    return f"{Counter(firsts).most_common(1)[0][0]} {surname}"


def _spelled_in_article(surname: str, text: str) -> str:
    """The article's own spelling of a surname written in another system.

    "Lukashenko" in an article that writes "Łukaszenka" (Polish), "Lukaschenko"
    (German) or "Lukasenka" (Hungarian) comes back as the article writes it, in
    its most frequent form (the nominative, in a news text). A surname already
    in the article, or a Cyrillic article, is left as it is.
    """
    if re.search(rf"\b{re.escape(surname)}\b", text):
        return surname
    key = fold(surname)
    forms = Counter(
        m.group(0)
        for m in re.finditer(r"\b[^\W\d_][^\W\d_'’-]{3,}", text)
        if m.group(0)[0].isupper()
        and (fold(m.group(0)) == key or same_name_key(m.group(0), surname))
    )
    if not forms:
        return surname
    best = max(forms.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
    # A Cyrillic article: its form in the nominative, by the library's one scheme.
    return _latin(nominative(best, text)) if has_cyrillic(best) else best


def _latin(name: str) -> str:
    """Names in Latin script, as the contract asks, also from a Russian article."""
    return transliterate(name.strip())


def _inside_quotation(text: str, start: int) -> bool:
    """True when an open quotation mark precedes ``start`` in its paragraph."""
    para_start = text.rfind("\n", 0, start) + 1
    before = text[para_start:start]
    opened = sum(before.count(c) for c in _OPEN_QUOTES) - sum(
        before.count(c) for c in _CLOSE_QUOTES
    )
    return opened > 0 or before.count('"') % 2 == 1
