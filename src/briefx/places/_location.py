"""Where a meeting was held: a venue, a city named where the meeting is told, the dateline.

Cities and venues come from ``data/cities.json`` in every case form and
language ("в Калуге", "у Мінску", "Moskau"), so the answer is always the English
nominative. Order of evidence:

1. a venue ("Palace of Independence", "у Палацы Незалежнасці" -> Minsk); a venue
   that also names a government ("the Kremlin said") counts only after "in/at";
2. a known city after "in"/"в"/"у" (or as a visit's object) within a few words of
   a meeting word ("held talks in Vladivostok", "провел в Екатеринбурге
   переговоры", "visited Mogilev") — the place of the meeting itself;
3. the dateline ("MINSK, 3 June (BelTA)", "МИНСК, 15 мая", "Moskau, 3. Juni"),
   never a weekday or a month ("Mittwoch, 22. Oktober");
4. a country or region after a meeting word ("a working visit to Belarus").
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple

from briefx._data import load_data
from briefx.places._gazetteer import Gazetteer, Hit, key_of, tokens
from briefx.places._regions import _gazetteer as _region_gazetteer
from briefx.places._regions import names, resolve_region

_WINDOW = 6  # tokens between a meeting word and the city it places


class FoundLocation(NamedTuple):
    """Where the meeting was: English city (or None), alpha-2 country, evidence span."""

    city: str | None
    country: str | None
    span: tuple[int, int] | None


class City(NamedTuple):
    """A city in English and its country's alpha-2 code."""

    name: str
    country: str


class _Venue(NamedTuple):
    city: City
    needs_preposition: bool


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = load_data("cities")
    return data


@cache
def _cities() -> Gazetteer[City]:
    return Gazetteer(
        (form, City(c["en"], c["country"])) for c in _data()["cities"] for form in c["forms"]
    )


@cache
def _venues() -> Gazetteer[_Venue]:
    return Gazetteer(
        (form, _Venue(City(v["city"], v["country"]), v["needs_preposition"]))
        for v in _data()["venues"]
        for form in v["forms"]
    )


@cache
def _words(name: str) -> frozenset[str]:
    return frozenset(key_of(w) for w in _data()[name])


def resolve_city(mention: str) -> City | None:
    """English nominative city and country of a city mention: "в Калуге" -> Kaluga, RU."""
    toks = tokens(mention)
    for i in range(len(toks)):
        hit = _cities().match_at(toks, i)
        if hit is not None:
            return hit.value
    return None


def is_place_name(name: str) -> bool:
    """True when ``name`` as a whole is a known city or federal-subject form
    ("Nischni Nowgorod"); a person named after one ("Vladimir Putin") is not."""
    key = key_of(name)
    return bool(key) and (key in _cities().index or key in _region_gazetteer().index)


def _locative_before(toks: list[tuple[str, int, int]], i: int) -> bool:
    """Whether "in", "в", "у", "at the" comes right before token ``i``."""
    j = i - 1
    if j >= 0 and toks[j][0] in _words("articles"):
        j -= 1
    return j >= 0 and toks[j][0] in _words("locative")


def _venue(toks: list[tuple[str, int, int]]) -> FoundLocation | None:
    for hit in _venues().find(toks):
        if not hit.value.needs_preposition or _locative_before(toks, hit.first):
            city = hit.value.city
            return FoundLocation(city.name, city.country, (hit.start, hit.end))
    return None


def _is_cue(token: str) -> bool:
    return token in _words("meeting_cues")


def _near_cue(toks: list[tuple[str, int, int]], hit: Hit[City]) -> bool:
    lo, hi = max(0, hit.first - _WINDOW), min(len(toks), hit.last + _WINDOW)
    return any(_is_cue(toks[j][0]) for j in range(lo, hi) if not hit.first <= j < hit.last)


@cache
def _quoted() -> re.Pattern[str]:
    pairs = [(re.escape(a), re.escape(b)) for a, b in _data()["quote_pairs"]]
    return re.compile("|".join(f"{a}[^{b}\n]*{b}" for a, b in pairs))


def _narration(text: str, toks: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The tokens outside quotations: "When in Irkutsk, I talked..." is no meeting place."""
    quoted = [m.span() for m in _quoted().finditer(text)]
    return [t for t in toks if not any(s <= t[1] < e for s, e in quoted)]


def _meeting_city(toks: list[tuple[str, int, int]]) -> FoundLocation | None:
    for hit in _cities().find(toks):
        visited = hit.first > 0 and _is_cue(toks[hit.first - 1][0])
        # "a working visit to Minsk", "came to Minsk", "Besuch nach Minsk"
        visited = visited or (
            hit.first > 1
            and toks[hit.first - 1][0] in _words("direction")
            and _is_cue(toks[hit.first - 2][0])
        )
        if (visited or _locative_before(toks, hit.first)) and _near_cue(toks, hit):
            return FoundLocation(hit.value.name, hit.value.country, (hit.start, hit.end))
    return None


_DATELINE = re.compile(
    r"^[^\w\n]*(?P<city>[^\W\d_][^\W\d_ .'’-]*(?:[ -][^\W\d_][^\W\d_'’-]*){0,2})"
    r"(?P<sep>\s*[,.]|\s+[–—-]|\s*\()",
    re.M,
)
_DATE_AFTER = re.compile(r"^\s*(?:\d{1,2}\.?\s+[^\W\d_]{3,}|[^\W\d_]{3,9}\.?\s+\d{1,2}\b)")


# The day first, then the place: "17 февраля, Минск /Корр. БЕЛТА/".
_DATELINE_DAY_FIRST = re.compile(
    r"^\s*\d{1,2}\.?\s+[^\W\d_]{3,10}\s*,\s+(?P<city>[^\W\d_][^\W\d_'’-]*)"
    r"(?P<sep>\s*[,./(])",
    re.M,
)


def _dateline(text: str, dateline: str | None) -> FoundLocation | None:
    for source in filter(None, (dateline, text[:400])):
        day_first = list(_DATELINE_DAY_FIRST.finditer(source))
        for m in [*day_first, *_DATELINE.finditer(source)]:
            found = _dateline_city(text, source, m)
            if found:
                return found
    return None


def _dateline_city(text: str, source: str, m: re.Match[str]) -> FoundLocation | None:
    raw = m.group("city")
    if key_of(raw) in _words("not_places"):
        return None
    # The dateline's own place, not an earlier one (a weather widget's "Минск-Уручье").
    line = text.find(source[: m.end("city")])
    at = line + m.start("city") if line >= 0 else text.find(raw)
    span = (at, at + len(raw)) if at >= 0 else None
    city = resolve_city(raw)
    if city is not None and key_of(raw) == key_of(_city_form(raw)):
        return FoundLocation(city.name, city.country, span)
    # An unknown place opens a dateline only in capitals with a date after it.
    dated = _DATE_AFTER.match(source[m.end("sep") :])
    if raw.isupper() and len(raw) >= 3 and m.group("sep").strip() == "," and dated:
        from briefx._language import transliterate  # the library's one scheme

        return FoundLocation(transliterate(raw).title(), None, span)
    return None


def _city_form(raw: str) -> str:
    """The part of ``raw`` that is a city form ("MINSK" of "MINSK"), or ""."""
    toks = tokens(raw)
    hit = _cities().match_at(toks, 0) if toks else None
    return raw[hit.start : hit.end] if hit else ""


def _country_after_cue(text: str, toks: list[tuple[str, int, int]]) -> FoundLocation | None:
    """ "on a working visit to Belarus", "arrived in Tatarstan": a country, no city."""
    from briefx._normalise import country_alpha2  # _normalise re-exports this package

    for i, (tok, _start, _end) in enumerate(toks):
        if not _is_cue(tok):
            continue
        for j in range(i + 1, min(len(toks), i + 2 * _WINDOW)):
            if toks[j - 1][0] not in _words("locative") | {"to", "nach"}:
                continue
            word = text[toks[j][1] : toks[j][2]]
            if not word[:1].isupper():
                continue
            code = country_alpha2(word)
            region = None if code else resolve_region(word)
            if code or region:
                return FoundLocation(*_place_of(code, region), (toks[j][1], toks[j][2]))
    return None


def _place_of(code: str | None, region: tuple[str, str] | None) -> tuple[str | None, str]:
    if code:
        return None, code
    assert region is not None
    iso = region[1]
    city = names()[iso] if iso in {"RU-MOW", "RU-SPE"} else None
    return city, "RU" if iso.startswith("RU-") else iso[:2]


def find_location(text: str, *, dateline: str | None = None) -> FoundLocation | None:
    """The meeting place; see the module docstring for the order of evidence."""
    toks = tokens(text)
    told = _narration(text, toks)
    return (
        _venue(toks)
        or _meeting_city(told)
        or _dateline(text, dateline)
        or _country_after_cue(text, toks)
    )
