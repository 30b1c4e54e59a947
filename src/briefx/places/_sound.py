"""Places named in a language the gazetteer has no case forms for, matched by sound.

The gazetteer knows every federal subject and city in English, Russian,
Belarusian and German, in every case. A Portuguese "Kaliningrado", a Hungarian
"Jaroszlavli" or "Minszkben", a Polish "Kazaniu" are the same names in another
spelling system with another case ending: their sound skeleton
(``briefx._language.name_key``) starts with the English name's, and at most two
sounds of ending follow.
"""

from __future__ import annotations

import re
from functools import cache

from briefx._data import load_data
from briefx._language import name_key
from briefx.places._regions import RegionName, names

_ENDING = 2  # sounds a case ending may add: -ben, -iu, -o
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ɏ]{4,}")


@cache
def _type_words() -> frozenset[str]:
    return frozenset(load_data("regions")["type_words"])


@cache
def _region_keys() -> dict[str, str]:
    """Sound key of each subject's name without its type word -> ISO code."""
    out: dict[str, str] = {}
    for iso, english in names().items():
        words = re.findall(r"[^\W\d_]+", english)
        key = name_key("".join(w for w in words if w[0].isupper() and w not in _type_words()))
        if len(key) >= 2:
            out.setdefault(key, iso)
    return out


@cache
def _city_keys() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for city in load_data("cities")["cities"]:
        key = name_key(city["en"].replace(" ", ""))
        if len(key) >= 2:
            out.setdefault(key, (city["en"], city["country"]))
    return out


def _by_sound(mention: str, keys: dict[str, str] | dict[str, tuple[str, str]]) -> str | None:
    """The key a word of ``mention`` sounds like, its ending aside."""
    for word in _LATIN_WORD.findall(mention):
        said = name_key(word)
        # A short name must sound the same; a longer one may carry a case ending.
        best = [
            k
            for k in keys
            if k == said or (len(k) >= 4 and said.startswith(k) and len(said) - len(k) <= _ENDING)
        ]
        if best:
            return max(best, key=len)
    return None


def region_by_sound(mention: str) -> RegionName | None:
    """ "região de Kaliningrado" -> Kaliningrad Oblast; None if no word sounds like one."""
    key = _by_sound(mention, _region_keys())
    if key is None:
        return None
    iso = _region_keys()[key]
    return RegionName(names()[iso], iso)


def city_by_sound(mention: str) -> tuple[str, str] | None:
    """ "Minszkben" -> ("Minsk", "BY"); None if no word sounds like a known city."""
    key = _by_sound(mention, _city_keys())
    return _city_keys()[key] if key is not None else None
