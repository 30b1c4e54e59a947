"""Deterministic normalisers: Russian regions, countries, money, periods and dates.

Everything here is a pure function over strings, so the rule-based field finders
(``_rules``) and the post-processing of model output share one notion of what
"Penza Oblast", "almost $700 million" or "January-June 2025" mean.

Region codes come from pycountry's ISO 3166-2 table, never from a hand-typed
list. A mention is matched to a subdivision by its *stem*: the mention is
transliterated to pycountry's romanisation when it is Cyrillic, type words
("Oblast", "Region", "krai", "Республика") and adjective endings are dropped,
and the stem is compared with each subdivision's stem by common prefix (English
"Penza" against "penzensk" from "Penzenskaya oblast'") or by fuzzy ratio
(typos, "Khakassia" against "khakasiya").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, NamedTuple

import pycountry
from rapidfuzz import fuzz

# --- transliteration ----------------------------------------------------------

# The romanisation pycountry's Russian names use (BGN/PCGN-like, "Penzenskaya",
# "Chuvashskaya", "Tul'skaya"), so a transliterated Cyrillic stem meets its code.
_CYR = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o",
            "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "'", "e",
            "yu", "ya",
        ],
        strict=True,
    )
)  # fmt: skip
_VOWELS = set("аеёиоуыэюяъь")
_HAS_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def transliterate(text: str) -> str:
    """Romanise Cyrillic the way pycountry spells Russian subdivisions."""
    out: list[str] = []
    prev = " "
    for ch in text:
        low = ch.lower()
        if low not in _CYR:
            out.append(ch)
        else:
            # "е" after a vowel or at a word start is "ye" ("Yevreyskaya", "Karachayevo").
            lat = "ye" if low == "е" and (prev in _VOWELS or not prev.isalpha()) else _CYR[low]
            out.append(lat.capitalize() if ch.isupper() else lat)
        prev = low
    return "".join(out)


def _fold(text: str) -> str:
    """ASCII-fold, lower-case, unify apostrophes and dashes."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    text = re.sub(r"[‐-―]", "-", text)
    if _HAS_CYRILLIC.search(text):
        text = transliterate(text)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


# --- regions -------------------------------------------------------------------

_TYPE_OF_PYCOUNTRY = {
    "Administrative region": "oblast",
    "Autonomous region": "oblast",
    "Administrative territory": "krai",
    "Republic": "republic",
    "Autonomous district": "okrug",
    "Autonomous city": "city",
}
_FILLER = {
    "russia's", "russias", "russia", "russian", "federation", "of", "the", "governor",
    "rossii", "head", "rf", "in", "and",
}  # fmt: skip
_ADJ_ENDING = re.compile(r"(?<=k)(aya|iy|yy|oy|ogo|omu|om|uyu|oye|oe|ij|yj|oj|aja|ii|ie|iye)$")

# Exonyms that share no stem with pycountry's romanisation (Moscow/Moskva,
# Chechnya/Chechenskaya, Yakutia/Saha, ...). Only names a stem match cannot
# reach belong here; keyed by folded stem, value (code, English name).
_ALIASES: dict[str, tuple[str, str]] = {
    "moscow": ("RU-MOW", "Moscow"),
    "moskva": ("RU-MOW", "Moscow"),
    "saint petersburg": ("RU-SPE", "Saint Petersburg"),
    "st petersburg": ("RU-SPE", "Saint Petersburg"),
    "st. petersburg": ("RU-SPE", "Saint Petersburg"),
    "petersburg": ("RU-SPE", "Saint Petersburg"),
    "sankt-peterburg": ("RU-SPE", "Saint Petersburg"),
    "chechnya": ("RU-CE", "Chechen Republic"),
    "yakutia": ("RU-SA", "Republic of Sakha (Yakutia)"),
    "sakha": ("RU-SA", "Republic of Sakha (Yakutia)"),
    "north ossetia": ("RU-SE", "Republic of North Ossetia-Alania"),
    "north ossetia-alania": ("RU-SE", "Republic of North Ossetia-Alania"),
    "bashkiria": ("RU-BA", "Republic of Bashkortostan"),
    "tuva": ("RU-TY", "Tuva Republic"),
    "nizhny novgorod": ("RU-NIZ", "Nizhny Novgorod Oblast"),
    "oryol": ("RU-ORL", "Oryol Oblast"),
    "orel": ("RU-ORL", "Oryol Oblast"),
    "jewish": ("RU-YEV", "Jewish Autonomous Oblast"),
    "yugra": ("RU-KHM", "Khanty-Mansi Autonomous Okrug"),
    "kuzbass": ("RU-KEM", "Kemerovo Oblast"),
    "trans-baikal": ("RU-ZAB", "Zabaykalsky Krai"),
}
# "Moscow Oblast" is a different subject from the city of Moscow.
_TYPED_ALIASES = {"moscow": ("RU-MOS", "Moscow Oblast"), "moskva": ("RU-MOS", "Moscow Oblast")}
# Belarusian (and Ukrainian) oblasts share the "X Oblast" shape; their stems
# must not be pulled to the nearest Russian one ("Vitebsk" is not "Tver").
_NOT_RUSSIAN = {
    "minsk", "brest", "vitebsk", "viciebsk", "vitsebsk", "gomel", "homel", "grodno",
    "hrodna", "mogilev", "mahilyow", "mogilyov", "kharkiv", "kiev", "kyiv", "lviv",
}  # fmt: skip


@dataclass(frozen=True)
class _Subject:
    code: str
    stem: str
    kind: str
    base: str  # pycountry name without its type word, for Cyrillic input's English name


def _type_of_token(token: str) -> str | None:
    """Which type word a folded token is, if any ("oblas" is a typo of oblast)."""
    token = token.strip("'.,")
    if token.startswith(("oblast", "oblasti")) or (
        len(token) >= 4 and fuzz.ratio(token, "oblast") >= 80
    ):
        return "oblast"
    if token in {"region", "regions", "regional"}:
        return "region"
    if (token.startswith(("kra", "kray")) and len(token) <= 5) or token == "territory":
        return "krai"
    if token.startswith(("respublik", "republic")):
        return "republic"
    if token.startswith(("okrug", "avtonom", "autonomous")) or token == "ao":
        return "okrug"
    if token in {"city", "gorod", "goroda"}:
        return "city"
    return None


def _split_mention(name: str) -> tuple[list[str], list[str], str | None]:
    """Fold a mention into (stem tokens, original-case tokens, type word category)."""
    originals = re.findall(r"[^\s,()]+", unicodedata.normalize("NFKC", name))
    stems: list[str] = []
    kept: list[str] = []
    kind: str | None = None
    for original in originals:
        token = _fold(original).strip("'.")
        found = _type_of_token(token)
        if found:
            kind = kind if kind not in (None, "region", "okrug") else found
            continue
        if token in _FILLER or not token:
            continue
        token = _ADJ_ENDING.sub("", token.replace("'", ""))
        stems.append(token)
        kept.append(re.sub(r"^(?:Russia|Belarus)['’]s$", "", original))
    return stems, kept, kind


@lru_cache(maxsize=1)
def _subjects() -> tuple[_Subject, ...]:
    out = []
    lookup: Callable[..., Any] = pycountry.subdivisions.get  # pycountry is untyped
    for sub in lookup(country_code="RU"):
        stems, kept, _ = _split_mention(sub.name)
        out.append(
            _Subject(sub.code, " ".join(stems), _TYPE_OF_PYCOUNTRY[sub.type], " ".join(kept))
        )
    return tuple(out)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _stem_score(mention: str, key: str) -> float:
    """0-100: how well a mention stem names a subject stem."""
    if mention == key:
        return 100.0
    lcp = _common_prefix(mention, key)
    # English drops the Russian adjective suffix ("Penza" / "penzensk",
    # "Vologda" / "vologodsk"): a long shared prefix is the signal.
    short_ok = len(mention) <= 4 and lcp >= len(mention) - 1 and lcp >= 3
    if " " in key and " " not in mention:
        return fuzz.ratio(mention, key)  # "Maria" is not "Mariy El"
    if (lcp >= 4 and lcp >= len(mention) - 2 and lcp >= len(key) - 4) or short_ok:
        prefix = 85.0 + 15.0 * lcp / max(len(mention), len(key))
    else:
        prefix = 0.0
    return max(prefix, fuzz.ratio(mention, key))


def _english_name(subject: _Subject, kept: list[str], cyrillic: bool, mention: str) -> str:
    base = subject.base if cyrillic or not kept else " ".join(w for w in kept if w)
    base = base.strip() or subject.base
    if subject.kind == "oblast":
        return f"{base} Oblast"
    if subject.kind == "krai":
        return f"{base} Krai"
    if subject.kind == "okrug":
        return f"{base} Autonomous Okrug"
    if subject.kind == "republic":
        adjectival = base.lower().endswith("skaya") or bool(re.search(r"\w\s+Republic", mention))
        return f"{base} Republic" if adjectival else f"Republic of {base}"
    return base


def _alias(stem: str, kind: str | None) -> tuple[str, str] | None:
    if kind in {"oblast", "region"} and stem in _TYPED_ALIASES:
        return _TYPED_ALIASES[stem]
    if stem in _ALIASES:
        return _ALIASES[stem]
    for key, value in _ALIASES.items():
        if len(stem) >= 5 and fuzz.ratio(stem, key) >= 90:
            return value
    return None


class RegionName(NamedTuple):
    """A Russian federal subject: English name and ISO 3166-2 code; unpacks as a pair."""

    name: str
    iso: str


def region_from_name(name: str) -> RegionName | None:
    """(English name, ISO 3166-2 code) of a Russian federal subject, or None.

    >>> region_from_name("Russia's Penza Oblast")
    ('Penza Oblast', 'RU-PNZ')
    """
    stems, kept, kind = _split_mention(name)
    stem = " ".join(stems)
    if len(stem.replace(" ", "")) < 4 and stem not in {"komi", "tyva", "omsk"}:
        return None
    alias = _alias(stem, kind)
    if alias:
        return RegionName(alias[1], alias[0])
    if any(_stem_score(stem, bad) >= 90 for bad in _NOT_RUSSIAN):
        return None
    best, best_score = None, 0.0
    for subject in _subjects():
        score = _stem_score(stem, subject.stem)
        if kind not in (None, "region") and subject.kind != kind:
            score -= 15  # "Altai Krai" is not the Altai Republic
        if score > best_score:
            best, best_score = subject, score
    if best is None or best_score < 80:
        return None
    cyrillic = bool(_HAS_CYRILLIC.search(name))
    return RegionName(_english_name(best, kept, cyrillic, name), best.code)


_EN_TYPE = r"(?:Oblast|Oblas|Region|Krai|Kray|Territory|Republic|Autonomous\s+(?:Okrug|District))"
_CAP = r"[A-Z][\w'’-]+"
_REGION_PATTERNS = (
    re.compile(rf"(?:Russia['’]s\s+)?(?:{_CAP}\s+)?{_CAP}\s+{_EN_TYPE}\b"),
    re.compile(rf"Republic\s+of\s+(?:{_CAP}\s+)?{_CAP}"),
    re.compile(
        r"[А-ЯЁ][а-яё-]+(?:ой|ая|ий|ого|ом|ую|ей|ый|ую)\s+"
        r"(?:област[ьиюей]\w*|кра[йяюе]\w*|автономн\w+\s+округ\w*)"
    ),
    re.compile(r"[Рр]еспублик\w*\s+[А-ЯЁ][\w-]+"),
)


@lru_cache(maxsize=1)
def _bare_pattern() -> re.Pattern[str]:
    """Names that stand alone as regions: the aliases, and noun-form republics."""
    names = [re.escape(k) for k in _ALIASES if not _HAS_CYRILLIC.search(k) and k != "jewish"]
    names.sort(key=len, reverse=True)
    # Republics are nouns ("Tatarstan", "Chuvashia"); cities are not picked up bare.
    republic = r"[A-Z][a-z]+(?:ia|iya|stan|ya|ea)"
    return re.compile(rf"\b(?:(?P<alias>{'|'.join(names)})|(?P<noun>{republic}))\b", re.I)


def _kind_of(code: str) -> str | None:
    return next((s.kind for s in _subjects() if s.code == code), None)


@dataclass(frozen=True)
class RegionMention:
    """One region named in a text: its English name, ISO code, span, and whether typed."""

    name: str
    iso: str
    start: int
    end: int
    typed: bool  # named with a type word ("Oblast", "Region"), not a bare city-like name


def region_mentions(text: str) -> list[RegionMention]:
    """Every Russian region named in ``text``, in order, overlaps resolved to the longer."""
    found: list[RegionMention] = []
    for pattern in _REGION_PATTERNS:
        for m in pattern.finditer(text):
            hit = _resolve_span(text, m.start(), m.end())
            if hit:
                found.append(hit)
    for m in _bare_pattern().finditer(text):
        got = region_from_name(m.group(0))
        if got and (m.group("alias") or _kind_of(got[1]) == "republic"):
            found.append(RegionMention(got[0], got[1], m.start(), m.end(), False))
    return _drop_overlaps(found)


def _resolve_span(text: str, start: int, end: int) -> RegionMention | None:
    """Match a span, retrying without its first word ("Governor Penza Oblast")."""
    while start < end:
        got = region_from_name(text[start:end])
        if got:
            return RegionMention(got[0], got[1], start, end, True)
        space = text.find(" ", start, end)
        if space < 0:
            return None
        start = space + 1
        if not re.match(r"\S+\s+\S", text[start:end]):
            return None
    return None


def _drop_overlaps(found: list[RegionMention]) -> list[RegionMention]:
    found.sort(key=lambda r: (r.start, -(r.end - r.start)))
    out: list[RegionMention] = []
    for hit in found:
        if out and hit.start < out[-1].end:
            continue
        out.append(hit)
    return out


def find_regions(text: str) -> list[tuple[str, str, int, int]]:
    """(English name, ISO code, start, end) for each region mention in ``text``."""
    return [(r.name, r.iso, r.start, r.end) for r in region_mentions(text)]


# --- countries -----------------------------------------------------------------

_COUNTRY_ALIASES = {
    "russia": "RU", "rossiya": "RU", "rf": "RU", "belorussiya": "BY", "belarus'": "BY",
    "byelorussia": "BY", "ussr": "SU", "uk": "GB", "britain": "GB", "usa": "US",
    "america": "US", "american": "US", "russian": "RU", "belarusian": "BY", "polish": "PL",
    "french": "FR", "british": "GB", "dutch": "NL", "turkish": "TR", "swiss": "CH", "uzbek": "UZ",
}  # fmt: skip


@lru_cache(maxsize=4096)
def country_alpha2(name: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a country name, code or adjective ("Belarusian" -> BY)."""
    folded = _fold(name).strip(" .'")
    folded = re.sub(r"^(?:the|republic of)\s+", "", folded)
    if not folded:
        return None
    if folded in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[folded]
    try:
        return str(pycountry.countries.lookup(folded).alpha_2)
    except LookupError:
        pass
    return _country_by_adjective(folded)


@cache
def _country_names() -> dict[str, str]:
    return {c.alpha_2: _fold(getattr(c, "common_name", c.name)) for c in pycountry.countries}


def _country_by_adjective(folded: str) -> str | None:
    """A unique country whose name starts with the adjective's root ("Chinese" -> China)."""
    for suffix in ("", "ian", "ean", "ese", "ish", "an", "n", "i"):
        root = folded.removesuffix(suffix) if suffix else folded
        if (suffix and root == folded) or len(root) < 4:
            continue
        # The root must be most of the name: "Martian" is not Martinique.
        hits = {
            code
            for code, n in _country_names().items()
            if n.startswith(root) and len(root) > len(n) / 2
        }
        if len(hits) == 1:
            return str(hits.pop())
    return None


# --- money ---------------------------------------------------------------------

_UNDER = (
    "almost", "nearly", "approaching", "approached", "approaches", "close to", "just under",
    "under", "less than", "below", "почти", "менее", "меньше", "без малого", "чуть менее",
)  # fmt: skip
_OVER = (
    "over", "more than", "exceeded", "exceeds", "exceeding", "exceed", "above", "in excess of",
    "upwards of", "at least", "surpassed", "topped", "more", "более", "свыше", "больше",
    "превысил", "превысила", "превысило", "превышает", "не менее", "более чем",
)  # fmt: skip
_APPROX = (
    "about", "around", "approximately", "approximated", "approximates", "roughly", "some",
    "an estimated", "estimated", "approx.", "около", "примерно", "порядка", "приблизительно",
)  # fmt: skip
_QUALIFIER_WORDS = {w: "under" for w in _UNDER} | {w: "over" for w in _OVER}
_QUALIFIER_WORDS |= {w: "approx" for w in _APPROX}

_WORD_NUMBERS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "half a": 0.5,
    "one and a half": 1.5, "один": 1, "одна": 1, "одного": 1, "два": 2, "две": 2, "три": 3,
    "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
    "полтора": 1.5, "полторы": 1.5,
}  # fmt: skip
_SCALES = (
    (r"trillion|tn|трлн\.?|триллион\w*", 1e12),
    (r"billion|bn|bln|млрд\.?|миллиард\w*", 1e9),
    (r"million|mln|mn|m|млн\.?|миллион\w*", 1e6),
    (r"thousand|k|тыс\.?|тысяч\w*", 1e3),
)
_NUM = r"\d+(?:[.,]\d+)*"
_WORDNUM = "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True))
_SCALE = "|".join(p for p, _ in _SCALES)
_CUR_PRE = r"(?:US\s?\$|USD\s?|\$)"
_CUR_POST = r"(?:US\s+dollars|dollars|USD|долл\w*\.?(?:\s+США)?|\$)"
_QUAL = "|".join(sorted((re.escape(w) for w in _QUALIFIER_WORDS), key=len, reverse=True))
_MONEY = re.compile(
    rf"(?:(?P<qual>(?:\b(?:{_QUAL})\s+){{1,2}})?)"
    rf"(?:{_CUR_PRE}\s?(?P<n1>{_NUM})(?:\s?(?P<s1>{_SCALE})\b)?"
    rf"|(?P<n2>{_NUM}|\b(?:{_WORDNUM}))\s?(?P<s2>{_SCALE})\b\.?\s?{_CUR_POST}"
    rf"|(?P<n3>{_NUM})\s?{_CUR_POST})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class MoneyMatch:
    """A dollar amount found in text, with its qualifier and span."""

    amount_usd: float
    qualifier: str  # exact | approx | over | under
    start: int
    end: int
    text: str


def _to_number(raw: str) -> float:
    raw = raw.strip().lower()
    if raw in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[raw])
    # "1,700" groups thousands; "4,4" (Russian) and "316,4" are decimal commas.
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", raw):
        return float(raw.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(\.\d{3}){2,}", raw):
        return float(raw.replace(".", ""))
    return float(raw.replace(",", "."))


def _scale(raw: str | None) -> float:
    if not raw:
        return 1.0
    for pattern, factor in _SCALES:
        if re.fullmatch(pattern, raw, re.IGNORECASE):
            return factor
    return 1.0


def _qualifier(words: str | None) -> str:
    if not words:
        return "exact"
    # The word next to the number decides: "approached nearly $3bn" is "nearly".
    tokens = words.lower().split()
    for size in (3, 2, 1):
        if len(tokens) >= size:
            tail = " ".join(tokens[-size:])
            if tail in _QUALIFIER_WORDS:
                return _QUALIFIER_WORDS[tail]
    return "exact"


def find_money(text: str) -> list[MoneyMatch]:
    """Every dollar amount in ``text`` (English or Russian), in order."""
    out = []
    for m in _MONEY.finditer(text):
        number = m.group("n1") or m.group("n2") or m.group("n3")
        scale = m.group("s1") or m.group("s2")
        try:
            amount = _to_number(number) * _scale(scale)
        except ValueError:
            continue
        start = m.start("qual") if m.group("qual") else m.start()
        out.append(MoneyMatch(amount, _qualifier(m.group("qual")), start, m.end(), m.group(0)))
    return out


def parse_money(phrase: str) -> tuple[float, str] | None:
    """(amount in USD, qualifier) for the first dollar amount in ``phrase``.

    >>> parse_money("almost $700 million")
    (700000000.0, 'under')
    """
    hits = find_money(phrase)
    return (hits[0].amount_usd, hits[0].qualifier) if hits else None


# --- periods -------------------------------------------------------------------

_EN_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
# Russian month stems cover every case: "январь", "января", "январе".
_RU_MONTHS = (
    "январ", "феврал", "март", "апрел", "ма[йяе]", "июн", "июл", "август", "сентябр",
    "октябр", "ноябр", "декабр",
)  # fmt: skip
_MONTH_RE = "|".join([rf"{m}|{m[:3]}\.?" for m in _EN_MONTHS] + [rf"{m}\w*" for m in _RU_MONTHS])


def month_number(word: str) -> int | None:
    """1-12 for an English or Russian month name or abbreviation, in any case form."""
    low = word.lower().rstrip(".")
    for i, name in enumerate(_EN_MONTHS, 1):
        if len(low) >= 3 and name.startswith(low):
            return i
    for i, stem in enumerate(_RU_MONTHS, 1):
        if re.match(stem, low):
            return i
    return None


_YEAR = r"(?:19|20)\d{2}"
# A year written out, or one named relative to the article's ("this year", "прошлого года").
_YEAR_REF = (
    rf"(?:(?P<y>{_YEAR})|(?P<rel>this|last|the\s+current|the\s+previous|current|previous|"
    r"текущего|этого|прошлого|текущий|этот|прошлый)\s+(?:year|года|год))"
)
_SPAN = re.compile(
    rf"(?P<m1>{_MONTH_RE})\s*[-–—]\s*(?P<m2>{_MONTH_RE})\s+(?:of\s+)?{_YEAR_REF}",
    re.IGNORECASE,
)
_PART = re.compile(
    rf"(?:the\s+)?(?:(?P<half>first|second)\s+half|(?P<q>first|second|third|fourth)\s+quarter"
    rf"|(?:first\s+)?(?P<n>\w+)\s+months)\s+(?:of\s+)?{_YEAR_REF}",
    re.IGNORECASE,
)
_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_MONTHS_COUNT = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11,
}  # fmt: skip
_PLAIN_YEAR = re.compile(rf"(?<![\d/.-])(?P<y>{_YEAR})(?![\d%/.-]\d|-\d)")
RELATIVE_YEAR = re.compile(
    r"\b(?:(?P<last>last\s+year|the\s+previous\s+year|в\s+прошлом\s+году)|"
    r"(?P<this>this\s+year|в\s+(?:этом|текущем)\s+году))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PeriodMatch:
    """A trade period found in text: "2024" or "2025-01/2025-06"."""

    period: str
    start: int
    end: int
    partial: bool  # a span of months, not a whole year


def _span_period(year: str, first: int, last: int) -> str:
    return f"{year}-{first:02d}/{year}-{last:02d}"


def _year_ref(m: re.Match[str], current_year: int | None) -> str | None:
    if m.group("y"):
        return m.group("y")
    if current_year is None:
        return None
    rel = m.group("rel").lower()
    return str(current_year - 1 if re.search(r"last|previous|прошл", rel) else current_year)


def _part_period(m: re.Match[str], year: str) -> str | None:
    if m.group("half"):
        return (
            _span_period(year, 1, 6)
            if m.group("half").lower() == "first"
            else (_span_period(year, 7, 12))
        )
    if m.group("q"):
        q = _ORD[m.group("q").lower()]
        return _span_period(year, 3 * q - 2, 3 * q)
    months = _MONTHS_COUNT.get(m.group("n").lower())
    return _span_period(year, 1, months) if months else None


def find_periods(text: str, *, current_year: int | None = None) -> list[PeriodMatch]:
    """Month spans, year parts and years in ``text``, in order; a span wins over its year.

    "this year" / "last year" count only when ``current_year`` (the meeting's) is known.
    """
    out: list[PeriodMatch] = []
    for m in _SPAN.finditer(text):
        first, last = month_number(m.group("m1")), month_number(m.group("m2"))
        year = _year_ref(m, current_year)
        if first and last and first <= last and year:
            out.append(PeriodMatch(_span_period(year, first, last), *m.span(), True))
    for m in _PART.finditer(text):
        year = _year_ref(m, current_year)
        period = _part_period(m, year) if year else None
        if period:
            out.append(PeriodMatch(period, *m.span(), True))
    taken = [(p.start, p.end) for p in out]
    for m in _PLAIN_YEAR.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            out.append(PeriodMatch(m.group("y"), *m.span(), False))
    if current_year is not None:
        for m in RELATIVE_YEAR.finditer(text):
            if not any(s <= m.start() < e for s, e in taken):
                relative = current_year - 1 if m.group("last") else current_year
                out.append(PeriodMatch(str(relative), *m.span(), False))
    return sorted(out, key=lambda p: p.start)


def parse_period(phrase: str, *, current_year: int | None = None) -> str | None:
    """'in 2024' -> '2024'; 'January-June 2025' / 'в январе-июне 2025 года' -> '2025-01/2025-06'."""
    found = find_periods(phrase, current_year=current_year)
    return found[0].period if found else None


# --- meeting dates -------------------------------------------------------------

_DAY_MONTH = re.compile(
    rf"(?P<on>\b(?:on|On)\s+(?:the\s+)?)?"
    rf"(?:\b(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH_RE})\b"
    rf"|\b(?P<m2>{_MONTH_RE})\s+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\b(?![\d:]))"
    rf"(?:,?\s+(?P<y>{_YEAR})\b)?",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(r"\b(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>(?:19|20)\d{2})\b")
_ISO_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})-(?P<m>[01]\d)-(?P<d>[0-3]\d)")


@dataclass(frozen=True)
class DateResult:
    """A resolved meeting date, how the year was found, and the day's span in the text."""

    iso: str | None
    basis: str  # published | page_date | text | inferred | unknown-year | no-date
    span: tuple[int, int] | None


@dataclass(frozen=True)
class _DayMonth:
    day: int
    month: int
    year: int | None
    start: int
    end: int
    on: bool


def _day_months(text: str) -> list[_DayMonth]:
    out = []
    for m in _DAY_MONTH.finditer(text):
        day = int(m.group("d1") or m.group("d2"))
        month = month_number(m.group("m1") or m.group("m2"))
        if month is None or not 1 <= day <= 31:
            continue
        year = int(m.group("y")) if m.group("y") else None
        start = m.start("d1") if m.group("d1") else m.start("m2")
        out.append(_DayMonth(day, month, year, start, m.end(), bool(m.group("on"))))
    return out


def _meeting_day(text: str, dateline: str | None) -> _DayMonth | None:
    """The dateline's day, else the first "on <day> <month>", else the first day-month."""
    if dateline:
        found = _day_months(dateline)
        if found:
            hit = found[0]
            at = text.find(dateline)
            if at >= 0:
                return _DayMonth(hit.day, hit.month, hit.year, at + hit.start, at + hit.end, True)
            return _DayMonth(hit.day, hit.month, hit.year, 0, 0, True)
    found = _day_months(text)
    with_on = [d for d in found if d.on]
    if with_on:
        return with_on[0]
    return found[0] if found else None


def _year_of(hint: str | None) -> tuple[int, int, int] | None:
    """(year, month, day) from an ISO, numeric or written date hint."""
    if not hint:
        return None
    for pattern in (_ISO_DATE, _NUMERIC_DATE):
        m = pattern.search(hint)
        if m:
            return int(m.group("y")), int(m.group("m")), int(m.group("d"))
    written = [d for d in _day_months(hint) if d.year]
    if written:
        return written[0].year or 0, written[0].month, written[0].day
    m = re.search(_YEAR, hint)
    return (int(m.group(0)), 12, 31) if m else None


def _year_from_hint(hint: tuple[int, int, int], day: _DayMonth) -> int:
    """A meeting is reported on or after its day: "28 December" published 3 January is last year."""
    year, month, dom = hint
    return year - 1 if (day.month, day.day) > (month, dom + 2) else year


def _text_full_date(text: str, day: _DayMonth) -> int | None:
    """A dated stamp in the text's own furniture ("11/18/2024", "25 August 2025, 11:39")."""
    for m in _NUMERIC_DATE.finditer(text):
        if (int(m.group("m")), int(m.group("d"))) == (day.month, day.day):
            return int(m.group("y"))
    for other in _day_months(text):
        if other.year and (other.month, other.day) == (day.month, day.day):
            return other.year
    return None


def resolve_meeting_date(
    text: str,
    *,
    dateline: str | None = None,
    page_date: str | None = None,
    published: str | None = None,
) -> DateResult:
    """Resolve the meeting day to an ISO date.

    Day and month come from the dateline, else the first "on 1 April" /
    "On July 21" / "1 апреля" in the text. The year comes, in order, from the
    phrase itself ("on 18 November 2024"), the ``published`` hint, the page or
    distributor date, a full date stamp in the text with the same day and month,
    and finally from what the text implies (see ``infer_year``). With no way to
    know the year, ``iso`` is None, as the contract asks.
    """
    day = _meeting_day(text, dateline)
    if day is None:
        return DateResult(None, "no-date", None)
    span = (day.start, day.end) if day.end > day.start else None
    year, basis = _pick_year(text, day, published, page_date)
    if year is None:
        return DateResult(None, "unknown-year", span)
    return DateResult(f"{year:04d}-{day.month:02d}-{day.day:02d}", basis, span)


def _pick_year(
    text: str, day: _DayMonth, published: str | None, page_date: str | None
) -> tuple[int | None, str]:
    if day.year:
        return day.year, "text"
    for basis, hint in (("published", published), ("page_date", page_date)):
        parsed = _year_of(hint)
        if parsed:
            return _year_from_hint(parsed, day), basis
    stamped = _text_full_date(text, day)
    if stamped:
        return stamped, "text"
    return infer_year(text, meeting_month=day.month), "inferred"


# Words that make an amount a goal, not a reported figure ("expected to reach").
TARGET = re.compile(
    r"\b(?:expect\w*|plan\w*|aim\w*|goal|target\w*|will|would|could|should|can|need\w*|must|"
    r"hope\w*|intend\w*|want\w*|forecast\w*|projected|potential|task|get\s+back|bring|"
    r"within|by\s+(?:the\s+end\s+of\s+)?(?:19|20)\d{2}|ожида\w*|план\w*|цель|задач\w*|"
    r"довести|нарастить|долж\w*)\b",
    re.IGNORECASE,
)
_EVENT_YEAR = re.compile(
    rf"\b(?:launched|opened|started|began|commissioned|signed|held|created|established|"
    rf"unveiled|introduced|built|founded|adopted|took\s+place)\s+(?:\w+\s+){{0,3}}?"
    rf"in\s+(?P<y>{_YEAR})\b",
    re.IGNORECASE,
)
_UPPER_YEAR = re.compile(
    rf"\b(?:until|till|through|before|by)\s+(?:the\s+end\s+of\s+)?(?P<y>{_YEAR})\b",
    re.IGNORECASE,
)
_ANNIVERSARY = re.compile(
    r"\b(?P<n>\d{2,3})(?:st|nd|rd|th|-?летие|-?летия)\s*(?:anniversary\s+of\s+)?"
    r"(?:the\s+)?(?:Great\s+)?(?:Victory|Побед\w*)",
    re.IGNORECASE,
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans; a full stop inside a number ("$4.4") or an initial does not end one."""
    spans = []
    start = 0
    for m in re.finditer(r"(?<=[.!?…])[\"”»’)]*\s+(?=[\"“«(]?[A-ZА-ЯЁ0-9])|\n+", text):
        before = text[max(start, m.start() - 4) : m.start()]
        if re.search(r"\b(?:St|Mr|Ms|Dr|U\.S|[A-Z])\.$", before):
            continue
        if text[start : m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _stat_years(text: str, meeting_month: int | None) -> list[int]:
    """Years the article must postdate, from reported statistics in its sentences."""
    years = []
    for s, e in split_sentences(text):
        sentence = text[s:e]
        money = find_money(sentence)
        if not money or TARGET.search(sentence[: money[0].start]):
            continue
        for p in find_periods(sentence):
            year = int(p.period[:4])
            if not p.partial:
                years.append(year + 1)  # a whole year's figure is known only after it ends
                continue
            last_month = int(p.period[-2:])
            late = meeting_month is not None and meeting_month <= last_month
            years.append(year + 1 if late else year)
    return years


def infer_year(text: str, *, meeting_month: int | None = None) -> int | None:
    """The earliest year the article can be from, or None when nothing tells.

    Lower bounds: a statistic for a whole year Y ("in 2024 it amounted to $152
    million") means the article is from Y+1 or later; a span of months of Y
    ending at or after the meeting month also means Y+1, otherwise Y; an event
    in the past ("launched in 2025") means Y; "the 80th anniversary of the
    Victory" means 1945+80. Upper bounds ("through the end of 2025", "until
    2026") keep only the lower bounds they allow. The answer is the largest
    consistent lower bound: the article's own year is the least year that all
    its statements allow.
    """
    lower = _stat_years(text, meeting_month)
    lower += [int(m.group("y")) for m in _EVENT_YEAR.finditer(text)]
    lower += [1945 + int(m.group("n")) for m in _ANNIVERSARY.finditer(text)]
    lower = [y for y in lower if 1990 <= y <= 2100]
    if not lower:
        return None
    upper = [int(m.group("y")) for m in _UPPER_YEAR.finditer(text)]
    consistent = [y for y in lower if not upper or y <= min(upper)]
    return max(consistent or lower)
