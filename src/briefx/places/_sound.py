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
from briefx._language import name_key, transliterate
from briefx.places._regions import RegionName, names

_ENDING = 2  # sounds a case ending may add: -ben, -iu, -o
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ɏ]{3,}")


@cache
def _type_words() -> frozenset[str]:
    return frozenset(load_data("regions")["type_words"])


@cache
def _region_keys() -> dict[str, str]:
    """Sound key -> ISO code, from each subject's English and German names without their
    type words ("Yaroslavl", "Sakha", "Yakutia", "Jaroslawl")."""
    out: dict[str, str] = {}
    shared = _shared_words()
    for subject in load_data("regions")["subjects"]:
        # Not the German adjectives ("Tywaer"): one of them sounds like Tver.
        forms = [names()[subject["iso"]], subject["en_stem"], subject["de_stem"]]
        forms += subject["bare"]["en"]
        # The Russian adjective, romanised: Polish "jarosławskiego" sounds like it.
        forms.append(transliterate(subject["ru_cases"]["nomn"]))
        for form in forms:
            words = re.findall(r"[^\W\d_]+", form or "")
            for word in words:
                key = name_key(word)
                distinctive = word not in _type_words() and word not in shared
                if word[0].isupper() and distinctive and len(key) >= 2:
                    out.setdefault(key, subject["iso"])
    return out


@cache
def _shared_words() -> frozenset[str]:
    """Words of more than one subject's English name ("Autonomous"): they name none."""
    counts: dict[str, int] = {}
    for subject in load_data("regions")["subjects"]:
        both = f"{names()[subject['iso']]} {transliterate(subject['ru_cases']['nomn'])}"
        for word in set(re.findall(r"[^\W\d_]+", both)):
            counts[word] = counts.get(word, 0) + 1
    return frozenset(w for w, n in counts.items() if n > 1)


@cache
def _city_keys() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for city in load_data("cities")["cities"]:
        # The English name, and every Latin form the gazetteer holds ("Moskva", "Moskau"):
        # an exonym sounds like none of the others.
        for form in [city["en"], *(f for f in city["forms"] if f.isascii())]:
            key = name_key(form.replace(" ", ""))
            if len(key) >= 2:
                out.setdefault(key, (city["en"], city["country"]))
    return out


@cache
def _ending_keys() -> frozenset[str]:
    """The sounds each case ending adds to a key ("ben" adds "bn"; "a" adds none)."""
    return frozenset(name_key("p" + ending)[1:] for ending in _script_endings())


def _script_endings() -> list[str]:
    endings: list[str] = load_data("script")["name_key"]["case_endings"]
    return endings


def _by_sound(
    mention: str, keys: dict[str, str] | dict[str, tuple[str, str]], *, strict: bool = False
) -> str | None:
    """The key a word of ``mention`` sounds like, its ending aside. ``strict``: only a
    known case ending may follow (for lower-case words, which are mostly not names)."""
    for word in _LATIN_WORD.findall(mention):
        said = name_key(word)
        # A short name may carry a known case ending; a longer one any short ending.
        best = [
            k
            for k in keys
            if k == said
            or (said.startswith(k) and said[len(k) :] in _ending_keys())
            or (not strict and len(k) >= 3 and said.startswith(k) and len(said) - len(k) <= _ENDING)
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


def find_region_by_sound(text: str) -> tuple[RegionName, tuple[int, int]] | None:
    """The federal subject an article in a language without case forms names most often
    ("Jaroszlavli", "Kaliningrado"), with its first mention's span; None if none."""
    hits: dict[str, list[tuple[int, int]]] = {}
    for m in _LATIN_WORD.finditer(text):
        # Hungarian and Polish write a region's adjective in lower case ("jaroszlavli"):
        # such a word must sound like a long name with at most a case ending.
        lower = not m.group(0)[0].isupper()
        key = _by_sound(m.group(0), _region_keys(), strict=lower)
        if key is not None and lower and len(key) < 4:
            continue
        if key is not None and _a_city_not_its_region(m.group(0), key):
            continue
        if key is not None:
            hits.setdefault(_region_keys()[key], []).append(m.span())
    if not hits:
        return None
    iso = max(hits, key=lambda k: (len(hits[k]), -hits[k][0][0]))
    return RegionName(names()[iso], iso), hits[iso][0]


def _a_city_not_its_region(word: str, key: str) -> bool:
    """ "Minszkben" is Minsk, not the Mansi of Khanty-Mansiysk; but "Jaroszlavl" is both
    the city and the region named after it."""
    city = _by_sound(word, _city_keys())
    if city is None or len(city) < len(key):
        return False
    return _city_keys()[city][0] not in names()[_region_keys()[key]]


def find_cities_by_sound(text: str) -> list[tuple[str, str, tuple[int, int]]]:
    """Known cities an article names in a language without case forms ("Minszkben"):
    (English name, country, span) in the order the article names them."""
    out = []
    for m in _LATIN_WORD.finditer(text):
        if m.group(0)[0].isupper():
            key = _by_sound(m.group(0), _city_keys())
            if key is not None:
                out.append((*_city_keys()[key], m.span()))
    return out
