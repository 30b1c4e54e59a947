"""Rule-based field finders over the cleaned article: trade figures, location, region.

These are the fields where rules beat a small model: numbers, periods, codes.
Each finder returns values with evidence spans ``(start, end)`` into the text it
was given, so ``text[start:end]`` is the phrase the value was read from.

Trade figures are read sentence by sentence. Inside a sentence the dollar
amounts cut it into segments; each amount takes the period written right after
it ("$3 billion in 2024", "$91 million last year"), else the nearest period
before it in its own segment ("in 2021 it exceeded $103 million"), else, when
its sentence names no period at all, the period of the previous sentence's
figures. "last year"/"this year" resolve against the meeting year. Targets
("to $1 billion within five years", "get back to $5 billion"), investment and
loans, and sentences with no trade word (unless "it"/"this" continues a trade
sentence) are left out; a figure told twice is kept once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from briefx._models import TradeFigure
from briefx._normalise import (
    RELATIVE_YEAR,
    TARGET,
    MoneyMatch,
    PeriodMatch,
    RegionMention,
    country_alpha2,
    find_money,
    find_periods,
    region_from_name,
    region_mentions,
    split_sentences,
    transliterate,
)

# --- trade figures ------------------------------------------------------------

_TRADE_WORDS = re.compile(
    r"\b(?:trade|trading|turnover|exports?|exported|imports?|imported|supplies|supplied|"
    r"shipments|товарооборот\w*|торгов\w*|экспорт\w*|импорт\w*|поставк\w*)\b",
    re.IGNORECASE,
)
_FLOW_WORDS = (
    ("exports", r"export\w*|suppl(?:y|ies|ied)|shipments?|sold|sales|экспорт\w*|поставк\w*"),
    ("imports", r"import\w*|purchas\w*|bought|импорт\w*|закуп\w*"),
    ("turnover", r"trade|trading|turnover|товарооборот\w*|торгов\w*"),
)
_FLOW = re.compile(
    "|".join(rf"(?P<{name}>\b(?:{words})\b)" for name, words in _FLOW_WORDS), re.IGNORECASE
)
# The partner is the subject, so Belarus's flow is the other way round:
# "the region's exports to Belarus" are Belarusian imports, and
# "the region imported Belarusian goods" are Belarusian exports.
_PARTNER_EXPORTS = re.compile(
    r"\b(?:(?:in)?to\s+Belarus|в\s+Беларусь|(?:the|this|that)\s+region['’]?s?\s+export\w*|"
    r"Russia['’]s\s+exports|exports?\s+from\s+(?:the\s+|this\s+)?(?:Russian\s+)?region)",
    re.IGNORECASE,
)
_PARTNER_IMPORTS = re.compile(
    r"\b(?:(?:the|this|that)\s+region['’]?s?\s+import\w*|Russia['’]s\s+imports|"
    r"of\s+Belarusian\s+(?:goods|products|machinery)|from\s+Belarus|из\s+Беларуси)",
    re.IGNORECASE,
)
# A sentence whose subject points back to the previous one ("In 2020 it approximated").
_PRONOUN_SUBJECT = re.compile(
    r"\b(?:it|this|the\s+(?:figure|indicator|volume|amount))\b|\b(?:он|оно|показатель)\b",
    re.IGNORECASE,
)
_NON_TRADE = re.compile(r"\b(?:invest\w*|loan\w*|credit\w*|инвестиц\w*|кредит\w*)", re.I)
_AFTER_TARGET = re.compile(
    r"^[^,;.]*?\b(?:within|in\s+the\s+(?:next|coming)|by\s+(?:19|20)\d{2}|к\s+20\d{2})", re.I
)
_CLAUSE_BREAK = re.compile(r";|,\s*(?:and|while|whereas|then|but|а|и|тогда как)\b|\.\s", re.I)
_COMPARISON_BEFORE = re.compile(
    r"(?:over|compared\s+(?:with|to)|than(?:\s+in)?|against|from|vs\.?|versus|since|"
    r"to|по\s+сравнению\s+с)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_PCT = r"(?P<pct>\d+(?:[.,]\d+)?)\s?(?:%|percent\b|per\s+cent\b|процент\w*)"
_GROWTH = (
    (
        1,
        re.compile(
            r"\b(?:up|increas\w*|r[io]se|grew|grow\w*|gain\w*|higher|рост\w*|увелич\w*|выр[ао]с\w*)"
            rf"\s+(?:of\s+|by\s+|на\s+)?(?:almost\s+|nearly\s+|about\s+|почти\s+)?{_PCT}",
            re.I,
        ),
    ),
    (
        -1,
        re.compile(
            r"\b(?:down|decreas\w*|fell|fall\w*|declin\w*|dropped|drop|lower|shr[iau]nk\w*|"
            r"сниж\w*|сократ\w*|упа\w*|уменьш\w*)"
            rf"\s+(?:of\s+|by\s+|на\s+)?(?:almost\s+|nearly\s+|about\s+|почти\s+)?{_PCT}",
            re.I,
        ),
    ),
    (1, re.compile(rf"{_PCT}\s+(?:increase|growth|rise|higher|more)\b", re.I)),
    (-1, re.compile(rf"{_PCT}\s+(?:decrease|decline|drop|lower|less)\b", re.I)),
    (
        0,
        re.compile(
            rf"{_PCT}\s+(?:year[- ]on[- ]year|y/y|yoy|compared\s+(?:to|with)|of\s+the\s+"
            r"(?:previous|last)\s+year|к\s+(?:уровню|аналогичному))",
            re.I,
        ),
    ),
)


@dataclass(frozen=True)
class FoundTrade:
    """One trade figure found by rules, with its span in the text."""

    period: str | None
    amount_usd: float
    flow: str  # turnover | exports | imports
    qualifier: str  # exact | approx | over | under
    growth_pct: float | None
    start: int
    end: int

    def to_model(self) -> TradeFigure:
        """The contract's TradeFigure for this finding."""
        return TradeFigure.model_validate(
            {
                "period": self.period,
                "amount_usd": self.amount_usd,
                "flow": self.flow,
                "qualifier": self.qualifier,
                "growth_pct": self.growth_pct,
            }
        )


def find_trade_figures(text: str, *, meeting_year: int | None = None) -> list[FoundTrade]:
    """Trade amounts reported as facts (not targets), each with period, flow and growth.

    ``meeting_year`` resolves "last year", "this year", "January-August this year".
    """
    found: list[FoundTrade] = []
    previous_trade = False
    carried: str | None = None  # the period of the previous sentence's figures
    for s, e in split_sentences(text):
        sentence = text[s:e]
        has_trade = bool(_TRADE_WORDS.search(sentence))
        inherits = previous_trade and bool(_PRONOUN_SUBJECT.search(sentence))
        figures = []
        if has_trade or inherits:
            figures = _sentence_figures(sentence, s, meeting_year, carried)
        found += figures
        previous_trade = has_trade
        carried = figures[-1].period if figures else None
    return _dedupe(found)


def _sentence_figures(
    sentence: str, offset: int, meeting_year: int | None, carried: str | None
) -> list[FoundTrade]:
    money = find_money(sentence)
    periods = find_periods(sentence, current_year=meeting_year)
    out = []
    for i, m in enumerate(money):
        seg_start = money[i - 1].end if i else 0
        seg_end = money[i + 1].start if i + 1 < len(money) else len(sentence)
        before, after = sentence[seg_start : m.start], sentence[m.end : seg_end]
        if _is_target(before, after) or _NON_TRADE.search(_local_before(before)):
            continue
        if m.amount_usd < 1000:  # a price ("$5 per kilo") or a ticker, not a trade figure
            continue
        period = _period_for(sentence, m, seg_start, seg_end, periods)
        if period is None and not periods and not RELATIVE_YEAR.search(sentence):
            # "In 2024 trade reached $1.3bn. Exports amounted to $780m, ..."
            period = carried
        out.append(
            FoundTrade(
                period=period,
                amount_usd=m.amount_usd,
                flow=_flow_for(before, after, sentence),
                qualifier=m.qualifier,
                growth_pct=_growth_for(before, after),
                start=offset + m.start,
                end=offset + m.end,
            )
        )
    return out


def _local_before(before: str) -> str:
    """The part of ``before`` after its last clause break: the amount's own clause."""
    cuts = [b.end() for b in _CLAUSE_BREAK.finditer(before)]
    return before[cuts[-1] :] if cuts else before


def _local_after(after: str) -> str:
    cut = _CLAUSE_BREAK.search(after)
    return after[: cut.start()] if cut else after


def _is_target(before: str, after: str) -> bool:
    return bool(TARGET.search(before) or _AFTER_TARGET.search(after))


def _flow_for(before: str, after: str, sentence: str) -> str:
    flow = None
    for m in _FLOW.finditer(_local_before(before) or before):
        flow = m.lastgroup
    if flow is None:
        hit = _FLOW.search(_local_after(after)) or _FLOW.search(before) or _FLOW.search(sentence)
        flow = hit.lastgroup if hit else "turnover"
    clause = _local_before(before) + _local_after(after)
    if flow == "exports" and _PARTNER_EXPORTS.search(clause):
        return "imports"
    if flow == "imports" and _PARTNER_IMPORTS.search(clause):
        return "exports"
    return flow or "turnover"


def _period_for(
    sentence: str, money: MoneyMatch, seg_start: int, seg_end: int, periods: list[PeriodMatch]
) -> str | None:
    # Written right after the amount, no punctuation between: "$3 billion in 2024".
    for p in periods:
        gap = sentence[money.end : p.start]
        if money.end <= p.start < seg_end and len(gap) <= 25 and not re.search(r"[,;:—–(]", gap):
            if not _COMPARISON_BEFORE.search(gap):
                return p.period
            break
    # Otherwise the nearest period before it in its own segment: "in 2021 it exceeded $103m".
    for p in reversed(periods):
        lead = sentence[max(seg_start, p.start - 20) : p.start]
        if seg_start <= p.start and p.end <= money.start and not _COMPARISON_BEFORE.search(lead):
            return p.period
    return None


def _growth_for(before: str, after: str) -> float | None:
    for segment in (_local_after(after), _local_before(before)):
        for sign, pattern in _GROWTH:
            m = pattern.search(segment)
            if m is None:
                continue
            value = float(m.group("pct").replace(",", "."))
            if sign == 0:
                # "100.9% year-on-year" is an index: the change is 0.9.
                return round(value - 100, 4) if value >= 50 else value
            return sign * value
    return None


def _dedupe(found: list[FoundTrade]) -> list[FoundTrade]:
    """One figure per (period, flow) and amount within 2%; the first telling keeps its span."""
    out: list[FoundTrade] = []
    for item in found:
        twin = next(
            (
                o
                for o in out
                if (o.period, o.flow) == (item.period, item.flow)
                and abs(o.amount_usd - item.amount_usd) <= 0.02 * max(o.amount_usd, 1.0)
            ),
            None,
        )
        if twin is None:
            out.append(item)
        elif twin.growth_pct is None and item.growth_pct is not None:
            out[out.index(twin)] = item
    return out


# --- location ------------------------------------------------------------------


class FoundLocation(NamedTuple):
    """Where the meeting was: English city (or None), alpha-2 country, evidence span."""

    city: str | None
    country: str | None
    span: tuple[int, int] | None


# Venues are named instead of their city ("within the halls of the Palace of
# Independence"); only the places these meetings are held in.
_VENUES = {
    "Palace of Independence": ("Minsk", "BY"),
    "Palace of the Republic": ("Minsk", "BY"),
    "House of Government": ("Minsk", "BY"),
    "Дворец Независимости": ("Minsk", "BY"),
    "Kremlin": ("Moscow", "RU"),
}
# Belarusian cities: pycountry has no cities, and the Belarusian oblast names it
# holds are in a romanisation the English press does not use.
_BY_CITIES = {
    "minsk": "Minsk", "минск": "Minsk", "brest": "Brest", "брест": "Brest",
    "vitebsk": "Vitebsk", "витебск": "Vitebsk", "gomel": "Gomel", "гомел": "Gomel",
    "grodno": "Grodno", "гродн": "Grodno", "mogilev": "Mogilev", "могил": "Mogilev",
    "orsha": "Orsha", "орш": "Orsha",
}  # fmt: skip
_DATELINE = re.compile(
    r"^\W*(?P<city>[A-ZА-ЯЁ][A-ZА-ЯЁ .'-]{2,}|[A-ZА-ЯЁ][a-zа-яё-]{2,20}),\s+"
    r"(?:\d{1,2}\s+[^\W\d_]{3,10}|[A-Z][a-z]{2,9}\.?\s+\d{1,2}\b)",
    re.M,
)
_PLACE = r"(?P<place>[A-ZА-ЯЁ][\w-]+(?:\s+[A-Z][\w-]+)?)"
_ARRIVAL = re.compile(
    r"\b(?i:arrived|arrives|arriving|talks|meeting|met|negotiations|held|прибыл\w*|"
    r"переговор\w*|встреч\w*)\s+(?:in|в)\s+" + _PLACE
)
_VISIT = re.compile(r"\b(?i:visit\w*|визит\w*)\b[^.\"“”]{0,60}?\b(?:to|в)\s+" + _PLACE)


# Russian cities whose names share no stem with their region's (Kazan in
# Tatarstan, Yekaterinburg in Sverdlovsk Oblast): pycountry holds no cities, and
# a dateline or "talks in X" names these. Cities named like their oblast
# (Samara, Penza, Omsk) are found through the region table instead.
_RU_CITIES = {
    "kazan", "ufa", "yekaterinburg", "cheboksary", "izhevsk", "saransk", "makhachkala",
    "grozny", "vladikavkaz", "nalchik", "petrozavodsk", "syktyvkar", "yoshkar-ola",
    "ulan-ude", "yakutsk", "kyzyl", "abakan", "elista", "maykop", "vladivostok", "sochi",
    "tolyatti", "cherepovets", "naberezhnye chelny", "novorossiysk", "khanty-mansiysk",
    "krasnodar", "krasnoyarsk", "barnaul", "khabarovsk", "stavropol", "perm",
}  # fmt: skip


def _place(raw: str) -> tuple[str | None, str | None]:
    """(city, country) of a place name; a country or republic name gives no city."""
    raw = raw.strip()
    key = _fold_city(raw)
    for stem, city in _BY_CITIES.items():
        if key.startswith(_fold_city(stem)):
            return city, "BY"
    if key in _RU_CITIES:
        return raw.title(), "RU"
    got = region_from_name(raw)
    if got and got[1] in {"RU-MOW", "RU-SPE"}:
        return got[0], "RU"
    code = country_alpha2(raw)
    if code:
        return None, code
    if got:
        # "visit to Samara": the city; "visit to Tatarstan": the region, no city.
        named_like_city = got[0].endswith(" Oblast") and raw.split()[-1].lower() != "oblast"
        return (raw.title() if named_like_city else None), "RU"
    return None, None


def _fold_city(name: str) -> str:
    return transliterate(name).lower().strip(" .'")


def find_location(text: str, *, dateline: str | None = None) -> FoundLocation | None:
    """The meeting place: a known venue, the dateline city, "arrived in X", "visit to X"."""
    for venue, (city, country) in _VENUES.items():
        at = text.find(venue)
        if at >= 0:
            return FoundLocation(city, country, (at, at + len(venue)))
    found = _from_dateline(text, dateline)
    if found:
        return found
    for pattern in (_ARRIVAL, _VISIT):
        for m in pattern.finditer(text):
            place_city, place_country = _place(m.group("place"))
            if place_country:
                return FoundLocation(place_city, place_country, m.span("place"))
    return None


def _from_dateline(text: str, dateline: str | None) -> FoundLocation | None:
    m = (_DATELINE.search(dateline) if dateline else None) or _DATELINE.search(text[:300])
    if m is None:
        return None
    raw = m.group("city").strip()
    city, country = _place(raw)
    if country is None:
        # A dateline names a city even when we cannot place its country.
        city = transliterate(raw).title()
    at = text.find(raw)
    span = (at, at + len(raw)) if at >= 0 else None
    if not city or re.search(r"[\u0400-\u04FF]", city):  # English names, also for "Уфа"
        city = transliterate(raw).title()
    return FoundLocation(city, country, span)


# --- region --------------------------------------------------------------------


class FoundRegion(NamedTuple):
    """The Russian region met with: English name, ISO 3166-2 code, evidence span."""

    name: str
    iso: str
    span: tuple[int, int]


_GOV_BEFORE = re.compile(
    r"(?:Governor|governor|[Hh]ead|[Gg]overnorship|Rais|[Mm]ayor|Губернатор\w*|губернатор\w*|"
    r"[Гг]лав\w+|[Мм]эр\w*)"
    r"(?:\s+of)?(?:\s+the)?\s*$"
)
_GOV_AFTER = re.compile(
    r"^(?:\s*,\s*Russia)?\s*(?:Governor|governor|Head|head|Mayor|mayor|губернатор\w*)\b"
)
_NOT_THE_GOVERNOR = re.compile(
    r"(?:Deputy|deputy|Vice|vice|former|Former|ex-|заместител\w*|вице-|бывш\w*)\s*\S*\s*$"
)


def _governor_tied(text: str, r: RegionMention) -> bool:
    before = text[max(0, r.start - 40) : r.start]
    after = text[r.end : r.end + 30]
    tied = _GOV_BEFORE.search(before)
    if tied:
        return not _NOT_THE_GOVERNOR.search(before[: tied.start()])
    return bool(_GOV_AFTER.search(after))


def find_region(text: str) -> FoundRegion | None:
    """The region met with: the one its governor is named with, else the most named.

    None when every mention is a bare name with no type word and no governor.

    Scores per region: 10 per governor-tied mention ("Governor of X Oblast",
    "X Oblast Governor", not "Deputy Governor of X"), 2 per typed mention
    ("X Region"), 1 per bare one ("Tatarstan", "Moscow").
    """
    mentions = region_mentions(text)
    if not mentions:
        return None
    score: Counter[str] = Counter()
    best_mention: dict[str, tuple[int, RegionMention]] = {}
    for r in mentions:
        weight = 10 if _governor_tied(text, r) else 2 if r.typed else 1
        score[r.iso] += weight
        if r.iso not in best_mention or weight > best_mention[r.iso][0]:
            best_mention[r.iso] = (weight, r)
    if max(weight for weight, _ in best_mention.values()) < 2:
        return None  # only bare names ("Moscow is the main market"): no region met with
    iso = max(score, key=lambda code: (score[code], -best_mention[code][1].start))
    chosen = best_mention[iso][1]
    return FoundRegion(chosen.name, chosen.iso, (chosen.start, chosen.end))


# --- quotes, agreements, companies ---------------------------------------------
# The small model copies these from its examples or skips them; the article's
# own punctuation and wording find them more reliably, and every hit is a span.


class FoundQuote(NamedTuple):
    text: str  # the words inside the quotation marks, verbatim
    start: int
    end: int
    attribution: str  # the text right after the quote, where "he said" / "said X" sits
    lead: str  # the text before it in its paragraph: "Minnikhanov said frankly:"


_QUOTED = re.compile(r"“([^”\n]{40,}?)”|«([^»\n]{40,}?)»|\"([^\"\n]{40,}?)\"")
_TRAILING = re.compile(r"[\s,;:]+$")


def find_quotes(text: str, *, limit: int = 3) -> list[FoundQuote]:
    """Statements in quotation marks, first ones first, with their attribution text."""
    found: list[FoundQuote] = []
    for m in _QUOTED.finditer(text):
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        start, end = m.start(group), m.end(group)
        body = m.group(group)
        end -= len(body) - len(_TRAILING.sub("", body))
        if end - start < 40:
            continue
        line_end = text.find("\n", m.end())
        after = text[m.end() : line_end if line_end >= 0 else len(text)]
        lead = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
        found.append(FoundQuote(text[start:end], start, end, after[:120], lead[-120:]))
        if len(found) == limit:
            break
    return found


class FoundAgreement(NamedTuple):
    title: str
    status: str  # signed | planned | proposed
    start: int  # the sentence
    end: int


_DOC = (
    r"(?:agreement|programme|program|roadmap|road map|memorandum|contract|treaty|accord|"
    r"plan of action|action plan|соглашение|программ\w*|дорожн\w+ карт\w*|меморандум\w*|договор\w*)"
)
DOCUMENT = re.compile(rf"\b{_DOC}(?:s\b)?", re.I)
_DOC_PHRASE = re.compile(
    rf"(?P<pre>(?:[\w-]+\s+){{0,5}}?)(?P<doc>{_DOC})"
    rf"(?P<post>(?:\s+(?:on|of|for|between|about|о|об|по|между|на)\s+[^,.;:!?]+?)?)"
    r"(?=\s+(?:has|have|had|was|were|is|are|will|to be|would|should|could|may|signed"
    r"|был\w*|будет)\b|[,.;:!?]|$)",
    re.I,
)
_PRE_STOP = frozenset(
    (
        "a an the this that these those we they he she it our their his her its which "
        "who has have had was were is are be been signed sign to and or with new also already"
    ).split()
)
_FUTURE_SIGN = re.compile(
    r"\b(to be (signed|concluded)|will (be )?(sign|conclud)\w*|plan\w* to sign|expected to sign"
    r"|be signed|будет подписан\w*|планиру\w*|подпишут)",
    re.I,
)
_PAST_SIGN = re.compile(r"\b(signed|inked|concluded|подписал\w*|подписан\w*|заключил\w*)", re.I)
_PROPOSE = re.compile(r"\b(propos\w*|suggest\w*|offer\w*|предлож\w*|предлага\w*)", re.I)


def sentence_status(sentence: str) -> str | None:
    """What a sentence says of a document: planned, signed, proposed, or nothing."""
    if _FUTURE_SIGN.search(sentence):
        return "planned"
    if _PAST_SIGN.search(sentence):
        return "signed"
    if _PROPOSE.search(sentence):
        return "proposed"
    return None


def find_agreements(text: str) -> list[FoundAgreement]:
    """Documents a sentence says were signed, are to be signed or are proposed."""
    found: list[FoundAgreement] = []
    for s, e in split_sentences(text):
        sentence = text[s:e]
        status = sentence_status(sentence)
        if status is None:
            continue
        for m in _DOC_PHRASE.finditer(sentence):
            title = _agreement_title(m)
            if title and not any(f.title.casefold() == title.casefold() for f in found):
                found.append(FoundAgreement(title, status, s, e))
    return found


def _agreement_title(m: re.Match[str]) -> str:
    words = m.group("pre").split()
    while words and words[0].casefold() in _PRE_STOP:
        words.pop(0)
    if any(w.casefold() in _PRE_STOP for w in words):
        words = words[max(i for i, w in enumerate(words) if w.casefold() in _PRE_STOP) + 1 :]
    return " ".join([*words, m.group("doc"), *m.group("post").split()]).strip()


_LIST_CUE = re.compile(
    r"\b(?:enterprises|companies|plants|factories|manufacturers|producers|holdings|firms|brands)"
    r"[^.;:]{0,50}?\W{0,3}(?:such as|including|like)\s+",
)
_LIST_ITEM = re.compile(
    r"([A-ZА-Я][\w-]*(?:\s[A-Z][\w-]*)?)(?:\s\([^)]*\))?(,\s*(?:and\s+)?|\s+and\s+)?"
)
# "BELAVTOMAZ holding", "GRAZ factory", "MotoVelo Plant": a name with inner capitals.
_GENERIC_SUFFIX = re.compile(
    r"\b([A-Z][A-Za-z]*[A-Z][A-Za-z]*)\s+(?:holding|Holding|plant|Plant|factory|Factory|"
    r"enterprise|company|Company|works|Works)\b"
)
_QUOTED_NAME = re.compile(
    r"\b(?:by|from|with|and|company|plant|enterprise|holding)\s+"
    r"[‘'\"“«]([A-Z][\w-]*(?:\s[A-Z][\w-]*)?)[’'\"”»]"
)


# «Башнефть» after a company word: "Компания «Башнефть»", "комбайнов «Гомсельмаш»"
_QUOTED_NAME_RU = re.compile(
    r"(?i:компани\w*|завод\w*|холдинг\w*|предприяти\w*|концерн\w*|комбайн\w*|техник\w*"
    r"|ПАО|ОАО|АО|ООО)\s+«([А-ЯЁA-Z][^»]{1,40})»"
)


def find_organizations(text: str, known: dict[str, str]) -> list[tuple[str, int, int]]:
    """Company names by cue: a known name, a "such as" list, "X holding", a quoted brand."""
    hits: list[tuple[str, int, int]] = []
    for variant, canon in known.items():
        hits.extend((canon, start, end) for start, end in _whole_words(text, variant))
    for cue in _LIST_CUE.finditer(text):
        hits.extend(_list_items(text, cue.end()))
    for pattern in (_GENERIC_SUFFIX, _QUOTED_NAME, _QUOTED_NAME_RU):
        hits.extend((m.group(1), m.start(1), m.end(1)) for m in pattern.finditer(text))
    return sorted(hits, key=lambda h: h[1])


def _whole_words(text: str, literal: str) -> Iterator[tuple[int, int]]:
    """Spans of ``literal`` not inside a word or a hyphenated name, as the regex
    ``(?<![\\w-])literal(?![\\w-])`` finds them, but with ``str.find``: a pattern
    that opens with a lookbehind makes ``re`` try every position of the text."""
    pos, size = 0, len(literal)
    while (start := text.find(literal, pos)) >= 0:
        end = start + size
        if _joins(text, start - 1) or _joins(text, end):
            pos = start + 1
            continue
        yield start, end
        pos = end


def _joins(text: str, i: int) -> bool:
    """Whether the character at ``i`` would make a match part of a longer word."""
    if not 0 <= i < len(text):
        return False
    ch = text[i]
    return ch.isalnum() or ch in "_-"


def _list_items(text: str, pos: int) -> list[tuple[str, int, int]]:
    """ "Progress, TTM (Tolyatti ...), and AviaCorp": items while a comma or "and" follows."""
    items = []
    while m := _LIST_ITEM.match(text, pos):
        items.append((m.group(1), m.start(1), m.end(1)))
        if not m.group(2):
            break
        pos = m.end()
    return items


# --- people ----------------------------------------------------------------------
# Titled names ("Governor of Tyumen Oblast Aleksandr Moor", "Viktor Karankevich,
# Deputy Prime Minister of Belarus") are candidates only; presence at the meeting
# is judged elsewhere, so "Russian President Vladimir Putin" is found here too.

_TITLE = (
    r"(?:President|Governor|Prime Minister|Deputy Prime Minister|Minister(?: of [A-Z][a-z]+)?"
    r"|Head|Rais|Chairman|Mayor|Ambassador|Speaker)"
)
_PERSON = r"(?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
_TITLED_BEFORE = re.compile(
    rf"\b(?P<title>{_TITLE}(?:\s+of\s+(?:the\s+)?(?:Russia['’]s\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*)?)"
    rf"\s+{_PERSON}\b"
)
_TITLED_AFTER = re.compile(
    rf"{_PERSON},\s+(?P<title>(?:Deputy\s+|First\s+)?{_TITLE}(?:\s+of\s+[A-Z][\w' -]*)?)"
)
_REGION_TITLE_BEFORE = re.compile(
    rf"\b(?P<title>(?:Russia's\s+)?[A-Z][\w-]*\s+(?:Oblast|Region|Krai|Republic)\s+"
    rf"(?:Governor|Head))\s+{_PERSON}\b"
)


_NOT_A_FIRST_NAME = frozenset(
    (
        "Oblast Region Krai Republic Russia Belarus On In At January February March April May "
        "June July August September October November December"
    ).split()
)


class FoundPerson(NamedTuple):
    name: str
    position: str
    start: int
    end: int


def find_people(text: str) -> list[FoundPerson]:
    """Names with a title next to them, each once, in order of first mention."""
    found: dict[str, FoundPerson] = {}
    for pattern in (_TITLED_BEFORE, _TITLED_AFTER, _REGION_TITLE_BEFORE):
        for m in pattern.finditer(text):
            name = m.group("name")
            if name.split()[0] in _NOT_A_FIRST_NAME:
                continue
            hit = FoundPerson(name, m.group("title"), m.start("name"), m.end("name"))
            best = found.get(name)
            # The first mention wins; at one mention, the fuller title.
            if best is None or (hit.start, -len(hit.position)) < (best.start, -len(best.position)):
                found[name] = hit
    return sorted(found.values(), key=lambda p: p.start)
