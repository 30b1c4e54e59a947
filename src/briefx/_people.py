"""Organisations and participants: canonical names, positions, countries, presence.

Names reach briefx in three scripts' worth of spellings: "Aleksandr" and
"Alexander", "Лукашенко" and "Lukashenko", "BelOMO" typed with Cyrillic "О".
:func:`briefx._language.fold` brings them to one comparable form. Organisations
get a canonical short name ("MAZ"), participants a clean name (no title, no page
furniture), a nominative Latin spelling, an English position and a country.

:func:`presence_evidence` separates people *at* the meeting from people merely
*mentioned*: a person counts when a meeting cue governs the name in the same
sentence (also "X and Y discussed", "X's talks with Y"), when the text
attributes a quotation to them, when a caption line introduces them, or when a
quotation addresses them by first name and patronymic. A name inside someone
else's quotation is only a mention.

The word lists (companies, titles, cues) are data: ``data/companies.json``,
``data/positions.json`` and ``data/people.json``.
"""

from __future__ import annotations

import importlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from typing import Any

from rapidfuzz import fuzz

from briefx._data import load_data
from briefx._dates import sentence_at
from briefx._language import (
    detect_language,
    fold,
    fold_homoglyphs,
    has_cyrillic,
    non_latin,
    same_name_key,
    transliterate,
)

__all__ = [
    "ORG_ALIASES",
    "canonical_org",
    "clean_name",
    "dedupe_orgs",
    "fold",
    "fold_homoglyphs",
    "is_org_in_text",
    "nominative",
    "normalise_position",
    "participant_country",
    "presence_evidence",
    "same_person",
    "surname",
]

logger = logging.getLogger("briefx")

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_QUOTE_CHARS = "«»“”„‘’\"'`"
# Capital letters of the scripts briefx reads (Latin with diacritics, Russian, Belarusian).
_UP = "A-ZÀ-ÖØ-ÞА-ЯЁІЎЄЇҐ"


@cache
def _people_data() -> dict[str, Any]:
    data: dict[str, Any] = load_data("people")
    return data


@cache
def _companies() -> dict[str, Any]:
    data: dict[str, Any] = load_data("companies")
    return data


@cache
def _positions() -> dict[str, Any]:
    data: dict[str, Any] = load_data("positions")
    return data


def _alternation(words: Iterable[str]) -> str:
    """Regex alternation of data words; a trailing * stands for any word ending."""
    parts = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in words]
    return "|".join(sorted(parts, key=len, reverse=True))


def _word_set(key: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _people_data()[key])


# --- organisations -------------------------------------------------------------

# Companies named again and again, with spellings that would not merge otherwise.
ORG_ALIASES: dict[str, tuple[str, ...]] = {
    canon: tuple(variants) for canon, variants in _companies()["aliases"].items()
}


@cache
def _legal_forms() -> re.Pattern[str]:
    data = _companies()
    phrases = [re.escape(p).replace(r"\ ", r"\s+") for p in data["legal_form_phrases"]]
    phrases.sort(key=len, reverse=True)
    return re.compile(
        rf"\b(?:{'|'.join(phrases)})\b|(?<!\w)(?:{_alternation(data['legal_forms'])})(?!\w)",
        re.IGNORECASE,
    )


@cache
def _generic_tail() -> re.Pattern[str]:
    return re.compile(rf"\s+(?:{_alternation(_companies()['generic_tails'])})$", re.IGNORECASE)


def _same_org_groups() -> list[set[str]]:
    return [set(group) for group in _companies()["same_org"]]


_PAREN = re.compile(r"\s*[(\[].*?[)\]]")


def _homoglyph_fold(text: str) -> str:
    """Every Cyrillic look-alike to Latin, letter for letter (offsets unchanged)."""
    return text.translate(_homoglyph_table())


@cache
def _homoglyph_table() -> dict[int, str]:
    return str.maketrans(load_data("script")["homoglyphs"])


def _org_key(name: str) -> str:
    return fold(re.sub(rf"[{_QUOTE_CHARS}]", " ", name))


@cache
def _alias_index() -> dict[str, str]:
    return {_org_key(v): canon for canon, variants in ORG_ALIASES.items() for v in variants}


def _strip_generic_tail(name: str) -> str:
    short = _generic_tail().sub("", name)
    words = short.split()
    # Drop "plant" only when one proper name remains ("GRAZ factory" -> "GRAZ");
    # "Minsk Tractor Works" would become a description, not a name.
    if (
        len(words) == 1
        and any(ch.isupper() for ch in words[0])
        and words[0].lower() not in _companies()["not_a_short_name"]
    ):
        return short
    return name


def canonical_org(name: str) -> str:
    """Canonical short name: 'OJSC «Amkador» holding' -> 'Amkodor'; 'MAZ (...)' -> 'MAZ'."""
    text = fold_homoglyphs(unicodedata.normalize("NFKC", name))
    text = re.sub(rf"[{_QUOTE_CHARS}](?:s\b)?", " ", text)  # quotes and "Minsk's"
    text = _legal_forms().sub(" ", text)
    text = _PAREN.sub(" ", text)
    text = re.sub(r"^\s*the\s+", "", re.sub(r"\s+", " ", text).strip(" ,.-"), flags=re.I)
    if not text:
        return name.strip()
    aliases = _alias_index()
    for candidate in (text, _strip_generic_tail(text)):
        if _org_key(candidate) in aliases:
            return aliases[_org_key(candidate)]
    inflected = _inflected_alias(_org_key(text))
    return inflected or _strip_generic_tail(text)


def _inflected_alias(key: str) -> str | None:
    """A one-word alias with a case ending ("Амкадора", "Гомсельмашем", "Белшиной").

    The alias, less up to two final letters (five kept at least), must begin
    the word, and at most three letters may follow: endings, not other words
    ("Belavtomaz" is not "Belavia", "Belarus" is not "BelAZ").
    """
    if " " in key or len(key) < 5:
        return None
    for alias, canon in _alias_index().items():
        if " " in alias:
            continue
        for cut in (0, 1, 2):
            base = alias[: len(alias) - cut]
            if len(base) >= 5 and key.startswith(base) and len(key) - len(base) <= 3:
                return canon
    return None
    for alias, canon in _alias_index().items():
        if " " in alias or len(alias) < 5 or not key.startswith(alias[:3]):
            continue
        stem = alias[: max(4, len(alias) - 2)]
        if (key.startswith(stem) and len(key) <= len(alias) + 3) or fuzz.ratio(
            key[: len(alias)], alias
        ) >= 85:
            return canon
    return None


def _same_group(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _same_org_groups())


def dedupe_orgs(names: list[str]) -> list[str]:
    """Canonical names, each organisation once, first spelling kept."""
    kept: list[str] = []
    for name in names:
        canon = canonical_org(name)
        if not canon:
            continue
        key = _org_key(canon)
        if any(_same_group(canon, k) or fuzz.token_set_ratio(key, _org_key(k)) >= 90 for k in kept):
            continue
        kept.append(canon)
    return kept


def _variants(name: str) -> list[str]:
    canon = canonical_org(name)
    out = [name.strip(), canon, *ORG_ALIASES.get(canon, ())]
    return [v for i, v in enumerate(out) if v and v not in out[:i]]


def _search_flexible(variant: str, haystack: str) -> tuple[int, int] | None:
    words = [re.escape(w) for w in re.findall(r"\w+", variant)]
    if not words:
        return None
    tail = r"\w{0,3}" if _CYRILLIC.search(variant) else ""  # Russian case endings
    joiner = rf"[\s{_QUOTE_CHARS}-]+"
    pattern = rf"(?<!\w){joiner.join(words)}{tail}(?!\w)"
    m = re.search(pattern, haystack, re.IGNORECASE)
    return (m.start(), m.end()) if m else None


def _search_folded(variant: str, text: str) -> tuple[int, int] | None:
    """Word-by-word match after folding, so 'GAZ' finds 'ГАЗ' and 'Amkodor' 'Амкодора'."""
    target = fold(variant).split()
    if not target:
        return None
    words = list(_WORD.finditer(text))
    for i in range(len(words) - len(target) + 1):
        window = words[i : i + len(target)]
        folded = [fold(w.group(0)) for w in window]
        last_ok = folded[-1] == target[-1] or (
            bool(_CYRILLIC.search(window[-1].group(0)))
            and folded[-1].startswith(target[-1])
            and len(folded[-1]) - len(target[-1]) <= 3
        )
        if folded[:-1] == target[:-1] and last_ok:
            return window[0].start(), window[-1].end()
    return None


def _expand_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def is_org_in_text(name: str, text: str) -> tuple[int, int] | None:
    """Span of the organisation's mention: exact, folded, an alias, or a fuzzy match."""
    if not name.strip():
        return None
    folded_text = _homoglyph_fold(text)  # same length, so offsets carry over
    for variant in _variants(name):
        for haystack in (text, folded_text):
            span = _search_flexible(_homoglyph_fold(variant), haystack)
            if span:
                return span
    span = _search_folded(canonical_org(name), text)
    if span:
        return span
    needle = _homoglyph_fold(canonical_org(name)).lower()
    if len(needle) < 4:  # short acronyms match anything fuzzily
        return None
    found = fuzz.partial_ratio_alignment(needle, folded_text.lower(), score_cutoff=90)
    if found is None:
        return None
    return _expand_to_words(text, found.dest_start, found.dest_end)


# --- positions and countries ---------------------------------------------------

_POSSESSIVE = r"(?:Russia|Belarus)(?:['’]s|['’])?"


@cache
def _country_cues() -> dict[str, re.Pattern[str]]:
    data = _people_data()
    oblasts = _alternation(data["belarus_oblasts"])
    kinds = _alternation(data["oblast_words"])
    by_oblast = re.compile(rf"\b(?:{oblasts})\s+(?:{kinds})\b", re.IGNORECASE)
    cues = {
        code: re.compile(rf"(?<!\w)(?:{_alternation(words)})(?!\w)", re.IGNORECASE)
        for code, words in data["country_cues"].items()
    }
    return {"BY": cues["BY"], "RU": cues["RU"], "BY_OBLAST": by_oblast}


def _country_of_phrase(phrase: str) -> str | None:
    cues = _country_cues()
    by_oblast = cues["BY_OBLAST"].search(phrase)
    by, ru = cues["BY"].search(phrase) or by_oblast, cues["RU"].search(phrase)
    if by and (not ru or by.start() <= ru.start() or by_oblast):
        return "BY"
    if ru:
        return "RU"
    for canon in ORG_ALIASES:  # a title at a known Belarusian company
        if re.search(rf"\b{re.escape(canon)}\b", phrase):
            return "BY"
    return None


def _region_fallback(region: str) -> str:
    region = re.sub(rf"^(?:the\s+)?(?:{_POSSESSIVE}\s+)?", "", region.strip(), flags=re.I)
    m = re.fullmatch(r"([A-Z][\w-]*(?:\s[A-Z][\w-]*)?)\s+(?:Region|region|Oblast|oblast)", region)
    if m:
        kind = "Krai" if m.group(1) in _people_data()["krais"] else "Oblast"
        return f"{m.group(1)} {kind}"
    m = re.fullmatch(r"([A-Z][\w-]*)\s+(?:Territory|territory|Krai|krai)", region)
    return f"{m.group(1)} Krai" if m else region


def _resolve_region(mention: str) -> str | None:
    """English name of the Russian region a mention names, or None.

    briefx.places.resolve_region when that package exists, else
    briefx._normalise.region_from_name.
    """
    resolvers = (("briefx.places", "resolve_region"), ("briefx._normalise", "region_from_name"))
    for module_name, func in resolvers:
        try:
            module: Any = importlib.import_module(module_name)
            found = getattr(module, func)(mention)
        except (ImportError, AttributeError):
            continue
        except Exception:  # another stage's bug must not break a name normaliser
            logger.debug("%s failed on %r", func, mention, exc_info=True)
            continue
        if isinstance(found, str):
            return found
        name = getattr(found, "name", None)
        if isinstance(name, str):
            return name
        if found is None:
            return None
    return None


def _region_name(region: str) -> str:
    """English region name, or the mention tidied when no resolver knows it."""
    return _resolve_region(region) or _region_fallback(region)


def _stem_pattern(phrase: str) -> str:
    """A title phrase whose words may carry a case ending ("губернатором")."""
    words = []
    for word in phrase.split():
        stem = re.sub(r"[аяоеыиьйуюaeь]+$", "", word) if len(word) > 4 else word
        words.append(re.escape(stem) + r"\w{0,4}")
    return r"\s+".join(words)


@cache
def _titles() -> list[tuple[re.Pattern[str], str]]:
    table: dict[str, str] = _positions()["titles"]
    keys = sorted(table, key=len, reverse=True)
    flags = re.IGNORECASE
    return [(re.compile(rf"(?:{_stem_pattern(k)})(?=[\s,]|$)", flags), table[k]) for k in keys]


# A capitalised word in any of the scripts the articles use.
_CAP = r"[^\W\d_a-zа-яёіў](?:[^\W\d_]|['’-](?=[^\W\d_]))+"


@cache
def _titles_alternation() -> str:
    """Every title of office (data/positions.json), longest first, any case ending."""
    keys = sorted(_positions()["titles"], key=len, reverse=True)
    return "|".join(_stem_pattern(k) for k in keys)


@cache
def _titled_re() -> re.Pattern[str]:
    """A title of office (any language, any case ending), up to five words of its
    place ("губернатором Курской области", "of Belarus", "des Gebiets"), a name."""
    titles = _titles_alternation()
    return re.compile(
        rf"(?<![^\W\d_])(?P<title>(?i:{titles}))(?![^\W\d_])"
        rf"(?P<place>(?:[ \t]+[^\s.!?;:«»“”\"]+?){{0,5}}?)"
        rf",?[ \t]+(?P<name>{_CAP}(?:[ \t]+{_CAP}){{1,6}})"
        # The name ends the run of capitalised words: punctuation or a lower-case word
        # follows, so a multi-word place ("Северная Осетия — Алания") is not taken.
        rf"(?=[ \t]*(?:[,.;:!?)\]»”\"]|$)|[ \t]+[^\W\d_A-ZА-ЯЁІЎÄÖÜ])"
    )


@cache
def _name_then_title_re() -> re.Pattern[str]:
    """'Viktor Karanchevich, Deputy Prime Minister of Belarus' (the title after)."""
    titles = _titles_alternation()
    return re.compile(
        rf"(?P<name>{_CAP}(?:[ \t]+{_CAP}){{1,2}}),[ \t]+"
        rf"(?P<title>(?i:(?:deputy|first)[ \t]+)?(?i:{titles}))(?![^\W\d_])"
        rf"(?P<place>(?:[ \t]+(?!(?i:said|says|and|und|и|і)\b)[^\s.!?;:,«»“”\"]+){{0,4}})"
    )


def titled_people(text: str) -> list[tuple[str, str, int, int]]:
    """(name, position as written, start, end) of every name next to a title of office.

    Any language the titles table knows: "Tula Governor Dmitry Milyaev",
    "с губернатором Курской области Александром Хинштейном", "Gouverneur des
    Gebiets Kaluga Wladislaw Schapscha". Names come as written (any case);
    the caller makes them nominative and Latin, and checks presence.
    """
    out = []
    for m in _titled_re().finditer(text):
        hit = _cleaned_name(m)
        if hit is not None:
            position = text[_region_before(text, m.start("title")) : hit[1]].strip(" ,")
            out.append((hit[0], position, hit[1], hit[1] + len(hit[0])))
    for m in _name_then_title_re().finditer(text):
        hit = _cleaned_name(m)
        if hit is not None:
            position = text[m.start("title") : m.end("place")].strip()
            out.append((hit[0], position, hit[1], hit[1] + len(hit[0])))
    return sorted(out, key=lambda hit: hit[2])


def _cleaned_name(m: re.Match[str]) -> tuple[str, int] | None:
    """The person's name in a match's ``name`` group, and where it starts."""
    name = clean_name(m.group("name"))
    if len(name.split()) < 2 or name not in m.group("name"):
        return None
    return name, m.start("name") + m.group("name").find(name)


def _region_before(text: str, at: int) -> int:
    """Where a region named just before a title starts ("Tyumen Oblast Governor")."""
    words = list(re.finditer(r"\S+", text[max(0, at - 60) : at]))
    base = max(0, at - 60)
    for n in (3, 2, 1):
        if len(words) >= n:
            phrase = text[base + words[-n].start() : at].strip()
            if phrase[:1].isupper() and _resolve_region(phrase.strip(" ,'’s")) is not None:
                return base + words[-n].start()
    return at


def _title_at_start(pos: str) -> tuple[str, str] | None:
    for pattern, english in _titles():
        m = pattern.match(pos)
        if m:
            return english, pos[m.end() :]
    return None


def _title_at_end(pos: str) -> tuple[str, str] | None:
    for pattern, english in _titles():
        for m in pattern.finditer(pos):
            if m.end() == len(pos) and m.start() > 0 and pos[m.start() - 1] == " ":
                return english, pos[: m.start()]
    return None


def _country_only(phrase: str) -> str | None:
    """'Belarus' for 'Республики Беларусь', 'of Belarus', 'Belarusian'; None otherwise."""
    data = _positions()
    fillers = set(data["country_fillers"])
    words = [w for w in re.findall(r"[^\W\d_]+", phrase.casefold()) if w not in fillers]
    if not words:
        return None
    for country, stems in data["countries"].items():
        if all(any(w.startswith(s.split()[0]) for s in stems) for w in words):
            return str(country)
    return None


def _place_words(rest: str) -> str:
    """German 'Gebiets Kaluga' -> 'Kaluga Oblast': type words go after the name."""
    types: dict[str, str] = _positions()["place_types"]
    words = rest.split()
    if len(words) >= 2 and words[0].casefold() in types and not has_cyrillic(rest):
        return " ".join([*words[1:], types[words[0].casefold()]])
    return rest


def _with_place(title: str, rest: str) -> str:
    connectors = _alternation(_positions()["connectors"])
    rest = re.sub(rf"^(?:(?:{connectors})\s+)+", "", rest.strip(" ,"), flags=re.I)
    rest = re.sub(r",\s*(?:Russia|Belarus)$", "", rest).strip(" ,")
    if not rest:
        return title
    country = _country_only(rest)
    if country:
        # A governor governs a region: "Governor of Russia" says nothing true.
        regional = title in _positions()["regional_titles"]
        return title if regional and country == "Russia" else f"{title} of {country}"
    region = _resolve_region(_place_words(rest))
    if region:
        return f"{title} of {'the ' if region.startswith('Republic of') else ''}{region}"
    place = canonical_org(rest) if has_cyrillic(rest) else _region_fallback(rest)
    return f"{title} of {transliterate(place)}"


def normalise_position(position: str) -> str:
    """An English position: 'Губернатор Калужской области' -> 'Governor of Kaluga Oblast'.

    Titles in ru/be/de/en come from data/positions.json; the place is a country
    ("President of Belarus") or a region from the region resolver.
    """
    pos = fold_homoglyphs(unicodedata.normalize("NFKC", position)).replace("’", "'")
    pos = re.sub(r"\s+", " ", pos).strip(" ,.")
    pos = re.sub(rf"^(?:the\s+)?{_POSSESSIVE}\s+", _possessive_to_adjective, pos, flags=re.I)
    found = _title_at_start(pos)
    if found:
        return _with_place(*found)
    found = _title_at_end(pos)
    if found:
        title, before = found
        adjectives: dict[str, str] = _positions()["country_adjectives"]
        country = adjectives.get(before.strip().casefold())
        return _with_place(title, country or before)
    return transliterate(pos) if non_latin(pos) else pos


def _possessive_to_adjective(m: re.Match[str]) -> str:
    return "Belarusian " if "belarus" in m.group(0).casefold() else "Russian "


def _name_contexts(name: str, text: str) -> Iterator[str]:
    for start, end in _mentions(name, text):
        before = re.split(
            r"[.;:\n()\"“”«»–—]|\bwith\b|\band\b|,", text[max(0, start - 80) : start]
        )[-1]
        after = re.split(r"[.;:\n()\"“”«»–—]|,(?=\s*\w+\s+(?:said|noted))", text[end : end + 80])
        yield f"{before} {after[0] if after else ''}"


def participant_country(position: str | None, name: str, text: str) -> str | None:
    """'BY' or 'RU' from the position, else the name's context in the text, else None."""
    if position:
        country = _country_of_phrase(position)
        if country:
            return country
    known: dict[str, str] = _people_data()["heads_of_state"]
    if fold(surname(name)) in known:
        return known[fold(surname(name))]
    votes: dict[str, int] = {}
    for context in _name_contexts(name, text):
        country = _country_of_phrase(context)
        if country:
            votes[country] = votes.get(country, 0) + 1
    return max(votes, key=lambda c: votes[c]) if votes else None


# --- names -------------------------------------------------------------------


@cache
def _patronymic() -> re.Pattern[str]:
    return re.compile(rf"(?:{_alternation(_people_data()['patronymic_endings'])})$")


@cache
def _not_name_words() -> frozenset[str]:
    """Titles, page furniture, place types and countries: words that are no one's name."""
    words = _word_set("name_titles") | _word_set("furniture_words") | _page_furniture_words()
    places = {w.casefold() for w in _positions()["place_types"]}
    countries = {"belarus", "russia", "беларусь", "россия", "беларусі", "расія"}
    return words | places | countries | {w.casefold() for w in _positions()["connectors"]}


def _page_furniture_words() -> frozenset[str]:
    """Every word of the cleaner's page-furniture phrases (data/furniture.json)."""
    out: set[str] = set()
    stack: list[Any] = [load_data("furniture")]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(v for k, v in item.items() if k not in {"notes", "html_tags_regex"})
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            out.update(w.casefold() for w in _WORD.findall(item))
    return frozenset(out)


def _is_name_token(token: str) -> bool:
    bare = re.sub(r"['’]s$", "", token.strip(".,;:"))
    if not bare or not bare[0].isupper() or bare.casefold() in _not_name_words():
        return False
    return bool(_WORD.fullmatch(bare))


def clean_name(name: str) -> str:
    """The person's name alone: 'Kaluga Governor Vladislav Shapsha' -> 'Vladislav Shapsha'.

    Keeps the last run of capitalised name words, so a title, a place or a
    furniture word glued before the name ("All Lukashenko", "Share ...") goes.
    "Name, Governor of ..." keeps the part before the comma.
    """
    text = _PAREN.sub(" ", unicodedata.normalize("NFKC", name))
    runs = [_name_run(part) for part in re.split(r"[,;|:\n]", text)]
    runs = [run for run in runs if run]
    # "Governor of Tatarstan, Rustam Minnikhanov": a full name beats a lone place word.
    best = next((run for run in runs if len(run) >= 2), runs[0] if runs else None)
    return " ".join(_at_most_a_name(best)) if best else name.strip()


def _name_run(part: str) -> list[str]:
    """The last run of name words in a stretch of text."""
    run: list[str] = []
    for token in reversed(part.split()):
        if not _is_name_token(token):
            if run:
                break
            continue
        run.insert(0, re.sub(r"['’]s$", "", token.strip(".,;:")))
    return run


def _at_most_a_name(run: list[str]) -> list[str]:
    """First name, patronymic and surname at most ('Tatarstan Rustam Minnikhanov' is too long)."""
    if len(run) >= 3 and any(_patronymic().search(t.lower()) for t in run[-3:]):
        return run[-3:]
    return run[-2:]


def title_prefix(name: str) -> str:
    """What :func:`clean_name` cut before the name ('Kaluga Governor'), if anything."""
    clean = clean_name(name)
    at = name.find(clean)
    return name[:at].strip(" ,") if at > 0 else ""


def _name_tokens(name: str) -> list[str]:
    return _WORD.findall(clean_name(name))


def surname(name: str) -> str:
    """The family name: last word, or first in 'Лукашенко Александр Григорьевич' order."""
    tokens = [t for t in _name_tokens(name) if len(t) > 1]
    if not tokens:
        return name.strip()
    if len(tokens) == 3 and _patronymic().search(tokens[2].lower()):
        return tokens[0]
    return tokens[-1]


def _first_name(name: str) -> str | None:
    tokens = _name_tokens(name)
    if len(tokens) < 2:
        return None
    if len(tokens) == 3 and _patronymic().search(tokens[2].lower()):
        return tokens[1]
    return tokens[0]


def _first_names_agree(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return True
    if len(fa) == 1 or len(fb) == 1:  # an initial
        return fa[0] == fb[0]
    if fa.startswith(fb) or fb.startswith(fa):
        return True
    # One name in two languages' spellings: Аляксандр/Александр, Сяргей/Сергей.
    return fa[0] == fb[0] and fuzz.ratio(fa, fb) >= 80


def _inflected(a: str, b: str) -> bool:
    """One folded surname is the other plus a case ending ("moor", "mooroma")."""
    short, long = sorted((a, b), key=len)
    endings = _people_data()["case_endings"]
    return len(short) >= 3 and long.startswith(short) and long[len(short) :] in endings


def same_person(a: str, b: str) -> bool:
    """Same surname after folding, and first names that do not contradict."""
    sa, sb = fold(surname(a)), fold(surname(b))
    if sa != sb and not same_name_key(surname(a), surname(b)) and not _inflected(sa, sb):
        return False
    return _first_names_agree(_first_name(a), _first_name(b))


# --- nominative ------------------------------------------------------------------

_NAME_TAGS = frozenset({"Name", "Surn", "Patr"})


@cache
def _morph() -> Any | None:
    """pymorphy3's Russian analyser (dictionaries ship with pymorphy3-dicts-ru), or None."""
    try:
        import pymorphy3

        return pymorphy3.MorphAnalyzer(lang="ru")
    except Exception:  # no dictionary: names keep the article's shortest form
        logger.warning("pymorphy3 Russian dictionary unavailable; names are not declined")
        return None


def _roles(tokens: list[str]) -> list[str]:
    """The grammeme each word should carry: 'Name Surn', 'Name Patr Surn' or 'Surn Name Patr'."""
    if len(tokens) == 3 and _patronymic().search(tokens[2].lower()):
        return ["Surn", "Name", "Patr"]
    if len(tokens) == 1:
        return ["Surn"]
    return ["Name", *(["Patr"] * (len(tokens) - 2)), "Surn"]


def _nominative_word(
    token: str, parses: list[Any], gender: str, role: str = ""
) -> tuple[str | None, float]:
    """(nominative, weight) of a word read in ``gender``; (None, 0) if it cannot be.

    The weight is 1 for a name reading (plus a sliver of pymorphy3's score to
    break ties), 0 for an unknown word.
    """
    named = [p for p in parses if _NAME_TAGS & set(p.tag.grammemes)]
    # "Миляеве" in the surname slot is Миляев's, not a first name "Миляева".
    named = [p for p in named if role in p.tag.grammemes] or named
    fitting = [
        p
        for p in named
        if ({gender, "ms-f"} & set(p.tag.grammemes) or p.tag.gender is None)
        and "plur" not in p.tag.grammemes
    ]
    # A native reading before an indeclinable foreign one: "Анне" is Анна's dative, not "Anne".
    for parse in sorted(fitting, key=lambda p: "Fixd" in p.tag.grammemes):
        form = parse.inflect({"nomn", "sing"}) or parse.inflect({"nomn"})
        if form:
            return form.word, 1.0 + float(parse.score) / 100
    word = token.casefold()
    if named and not _ending_rule(word, gender):
        return None, 0.0
    form = _unknown_surname(word, parses, gender)
    # A surname ending of this gender ("Миляеве" -> "Миляев") is some evidence for it.
    return form, (0.5 if form and _ending_rule(word, gender) else 0.0)


def _ending_rule(word: str, gender: str) -> bool:
    endings: list[list[str]] = _people_data()["surname_endings"][gender]
    return any(word.endswith(oblique) for oblique, _ in endings)


def _unknown_surname(word: str, parses: list[Any], gender: str) -> str | None:
    """An unknown surname: the gender's surname endings, else the noun it looks like."""
    table: dict[str, list[list[str]]] = _people_data()["surname_endings"]
    other = "masc" if gender == "femn" else "femn"
    # "Костровой" cannot be a man's surname: the feminine -ой/-ую endings are unambiguous.
    if any(word.endswith(o) for o, _ in table[other] if o.endswith(("ой", "ую"))):
        return None
    endings = table[gender]
    for oblique, nominative_ending in sorted(endings, key=lambda e: -len(e[0])):
        if word.endswith(oblique):
            return word[: -len(oblique)] + nominative_ending
    nouns = [p for p in parses if p.tag.POS == "NOUN"] or parses[:1]
    form = nouns[0].inflect({"nomn", "sing"}) if nouns else None
    return form.word if form else None


def _capitalised(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def nominative(name: str, text: str = "") -> str:
    """A Russian name in any case, in the nominative ('Хинштейном' -> 'Хинштейн').

    The gender is the one under which the words read as a name (the first name
    and patronymic decide); forms the article itself uses win ties. Words that
    are not Russian (Belarusian і/ў, Latin) or that pymorphy3 cannot read fall
    back to the shortest form of the word in the article.
    """
    tokens = name.split()
    if tokens and text and _belarusian(text):
        return " ".join(_belarusian_nominative(t) for t in tokens)
    morph = _morph()
    if morph is None or not tokens or not all(_russian_word(t) for t in tokens):
        return _shortest_forms(name, text)
    article_words = {w.casefold() for w in _WORD.findall(text)}
    best: tuple[float, list[str]] | None = None
    for gender in ("masc", "femn"):
        words, score = [], 0.0
        for token, role in zip(tokens, _roles(tokens), strict=True):
            word, weight = _nominative_word(token, morph.parse(token), gender, role)
            if word is None:
                break
            # Another form of the word in the article is evidence; the word itself is not.
            seen = word in article_words and word != token.casefold()
            score += weight + float(seen)
            words.append(_capitalised(word))
        else:
            if best is None or score > best[0]:
                best = (score, words)
    return " ".join(best[1]) if best else _shortest_forms(name, text)


@lru_cache(maxsize=64)
def _belarusian(text: str) -> bool:
    """Belarusian text: pymorphy3 reads it as Russian and cuts nominatives ("Лукашэнка")."""
    return detect_language(text) == "be"


def _belarusian_nominative(token: str) -> str:
    """A Belarusian name word in the nominative, by its ending (data/people.json)."""
    if not _CYRILLIC_WORD.fullmatch(token):
        return token
    word = token.casefold()
    for oblique, nominative_ending in _people_data()["belarusian_endings"]["endings"]:
        if word.endswith(oblique) and len(word) - len(oblique) >= 3:
            return _capitalised(word[: -len(oblique)] + nominative_ending)
    return token


_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+(?:-[\u0400-\u04ff]+)*")


def _russian_word(token: str) -> bool:
    return bool(re.fullmatch(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*", token))


def _shortest_forms(name: str, text: str) -> str:
    """Each word's shortest form sharing its stem in the article: usually the nominative."""
    if not _CYRILLIC.search(name):
        return name
    words = []
    for word in name.split():
        stem = word[: max(3, len(word) - 3)]
        forms = re.findall(rf"\b{re.escape(stem)}\w*", text)
        words.append(min(forms, key=len) if forms else word)
    return " ".join(words)


def cyrillic_original(name: str, text: str) -> str | None:
    """The article's Cyrillic words a Latin name was romanised from ('Shapshoy' -> 'Шапшой')."""
    if _CYRILLIC.search(name) or not _CYRILLIC.search(text):
        return None
    by_fold: dict[str, str] = {}
    for word in _WORD.findall(text):
        if _CYRILLIC.search(word):
            by_fold.setdefault(fold(word), word)
    found = [by_fold.get(fold(token)) for token in name.split()]
    if not found or any(w is None for w in found):
        return None
    return " ".join(w for w in found if w)


# --- presence ------------------------------------------------------------------

_CLOSE_QUOTE = r"[”\"»]"
_NAMEISH = rf"(?:[{_UP}][\w.'’-]*\s+){{0,3}}"


class _Cues:
    """The presence regexes, compiled once from data/people.json."""

    def __init__(self, data: dict[str, Any]) -> None:
        speech = rf"(?:{_alternation(data['speech_verbs'])})"
        self.speech_before = re.compile(
            rf"{_CLOSE_QUOTE}\s*[,.]?\s*[—–-]?\s*{speech}\s+{_NAMEISH}$", re.IGNORECASE
        )
        self.quote_before = re.compile(rf"{_CLOSE_QUOTE}\s*[,.]?\s*[—–-]?\s*{_NAMEISH}$")
        self.speech_after = re.compile(rf"^\s+{speech}(?!\w)", re.IGNORECASE)
        self.speech_into_quote = re.compile(
            rf"^\s+{speech}(?:\s+that)?\s*[:,]?\s*[“\"«]", re.IGNORECASE
        )
        flags = re.IGNORECASE
        self.meeting = re.compile(rf"(?<!\w)(?:{_alternation(data['meeting_cues'])})(?!\w)", flags)
        # "X and Y discussed": a joint verb shows its subjects present, not its objects.
        self.joint = re.compile(rf"(?<!\w)(?:{_alternation(data['joint_cues'])})(?!\w)", flags)
        self.with_after = re.compile(
            rf"^\s+(?:\w+\s+){{0,3}}?(?:{_alternation(data['with_words'])})\s", flags
        )
        coord = _alternation(data["coordinators"])
        self.coordinator = re.compile(rf"(?<!\w)(?:{coord})(?!\w)", flags)
        # What ends the reach of a meeting cue: a clause break or another verb's object.
        self.gap_break = re.compile(
            rf"[;:“”\"«»()]|(?<!\w)(?:{_alternation(data['gap_breaks'])})(?!\w)", flags
        )
        # "A and Governor B met": a coordinated proper-noun phrase does not end a cue's reach.
        proper = rf"[{_UP}][\w'’.-]*"
        # A lower-case title may stand in the phrase: "и губернатор Юрий Зайцев".
        title = rf"(?i:{_alternation(data['name_titles'])})"
        word = rf"(?:{proper}|{title}|of|the)"
        self.coordinated = re.compile(rf"(?:^|\s)(?:{coord}|,)\s+(?:{word}\s+)*{proper}")
        self.coordination_prefix = re.compile(rf"^(?:{word}\s+)+(?:{coord}|,)\s+")
        aux = _alternation(data["auxiliaries"])
        # "X has met", "X hat ... getroffen": the auxiliary is part of the cue.
        self.trailing_auxiliary = re.compile(rf"(?<!\w)(?:{aux})\s*$", flags)
        # "met ... the Governor of Khabarovsk Krai, Mikhail Degtyaryov": an apposition.
        self.apposition = re.compile(r",\s*$")


@cache
def _cues() -> _Cues:
    return _Cues(_people_data())


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Quoted stretches, paragraph by paragraph, so a stray quote cannot run on."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        opened: int | None = None
        closer = ""
        for i, ch in enumerate(para.group(0), start=para.start()):
            if opened is None and ch in '“«"':
                opened, closer = i, {"“": "”", "«": "»", '"': '"'}[ch]
            elif opened is not None and ch == closer:
                spans.append((opened, i + 1))
                opened = None
        if opened is not None:
            spans.append((opened, para.end()))
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < pos < e for s, e in spans)


def _mentions(name: str, text: str) -> list[tuple[int, int]]:
    """Spans where the person's surname (with first name, if adjacent) occurs."""
    name_surname = surname(name)
    target = fold(name_surname)
    first = _first_name(name)
    if not target:
        return []
    stem = re.sub(r"[aeiouy]+$", "", target) if len(target) > 4 else target
    out: list[tuple[int, int]] = []
    words = list(_WORD.finditer(text))
    for i, m in enumerate(words):
        token = fold(m.group(0))
        # Russian endings may replace a final vowel: "Шапша" -> "Шапшой".
        cyr_ending = _CYRILLIC.search(m.group(0)) and len(token) - len(stem) <= 4
        if token != target and not (cyr_ending and token.startswith(stem)):
            # Another spelling system: "Łukaszenka", "Lukaschenko" for "Lukashenko".
            word = m.group(0)
            if not (word[:1].isupper() and len(word) >= 4 and same_name_key(word, name_surname)):
                continue
        start = m.start()
        prev = words[i - 1] if i else None
        if (
            prev
            and first
            and text[prev.end() : start].strip() == ""
            and _first_names_agree(prev.group(0), first)
            and fold(prev.group(0))[:1] == fold(first)[:1]
        ):
            start = prev.start()
        out.append((start, m.end()))
    return out


def name_mentions(name: str, text: str) -> list[tuple[int, int]]:
    """Where the article names the person, in any case and spelling system."""
    return _mentions(name, text)


def _is_caption(text: str, start: int) -> bool:
    """A speaker's caption ("Aleksandr Lukashenko:"), or a photo's ("Pictured: A, B and C")."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : len(text) if line_end < 0 else line_end].strip()
    if _photo_caption().match(line) and len(line) < 400:
        return True
    return start - line_start <= 2 and line.endswith(":") and len(line) < 160


@cache
def _photo_caption() -> re.Pattern[str]:
    return re.compile(rf"^(?:{_alternation(_people_data()['photo_captions'])})\s*:", re.I)


def _is_speaker(text: str, start: int, end: int) -> bool:
    before, after = text[max(0, start - 60) : start], text[end : end + 60]
    cues = _cues()
    if cues.speech_before.search(before):
        return True
    if cues.quote_before.search(before) and cues.speech_after.match(after):
        return True
    return bool(cues.speech_into_quote.match(after))


def _gap_ok(gap: str, max_words: int, *, allow_commas: bool) -> bool:
    cues = _cues()
    gap = cues.trailing_auxiliary.sub(" ", gap)  # "X | has | met"
    if not allow_commas:  # "met with the Governor of X, | NAME": the title's apposition
        gap = cues.apposition.sub(" ", gap)
    gap = cues.coordination_prefix.sub(" ", gap.lstrip())  # "with A and | B"
    gap = cues.coordinated.sub(" ", gap, count=1)  # "A | and Governor B | during"
    if len(gap.split()) > max_words or cues.gap_break.search(gap):
        return False
    return allow_commas or "," not in gap


def _cue_before_governs(text: str, cue_end: int, start: int) -> bool:
    """ "met with ... NAME", "переговоры NAME с ..." """
    return _gap_ok(text[cue_end:start], 10, allow_commas=False)


def _cue_after_governs(text: str, end: int, cue: re.Match[str]) -> bool:
    """ "NAME arrived"; "NAME's talks with ..." but not "Putin's visit" """
    gap = text[end : cue.start()]
    if re.match(r"['’]s?(?!\w)", gap):
        if not _cues().with_after.match(text[cue.end() : cue.end() + 40]):
            return False
        gap = re.sub(r"^['’]s?", "", gap)
    return _gap_ok(gap, 6, allow_commas=True)


def _joint_cue_governs(text: str, s_start: int, start: int, end: int, cue: re.Match[str]) -> bool:
    """ "X and Y discussed", "X discussed ... with Y": the joint verb's subjects took part."""
    if cue.start() < end or not _cue_after_governs(text, end, cue):
        return False
    cues = _cues()
    subject = text[s_start : cue.start()]
    return bool(cues.coordinator.search(subject)) or bool(
        cues.with_after.match(text[cue.end() : cue.end() + 40])
    )


def _meeting_cue_governs(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> bool:
    s_start, s_end = sentence_at(text, start)
    cues = _cues()
    for cue in cues.meeting.finditer(text, s_start, s_end):
        if _inside(cue.start(), quotes):
            continue
        if cue.end() <= start and _cue_before_governs(text, cue.end(), start):
            return True
        if cue.start() >= end and _cue_after_governs(text, end, cue):
            return True
    for cue in cues.joint.finditer(text, s_start, s_end):
        if not _inside(cue.start(), quotes) and _joint_cue_governs(text, s_start, start, end, cue):
            return True
    return False


def _is_addressed(name: str, text: str, quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """'This is our position, Oleg Vladimirovich' inside a quotation."""
    first = _first_name(name)
    if not first:
        return None
    pattern = re.compile(rf"\b({_WORD.pattern})\s+({_WORD.pattern})(\s*\[([^\]]+)\])?")
    for m in pattern.finditer(text):
        if not _inside(m.start(), quotes) or not _patronymic().search(m.group(2).lower()):
            continue
        if fold(m.group(1)) != fold(first):
            continue
        bracket = m.group(4)
        if bracket and not same_person(bracket, name):
            continue  # "Aleksandr Grigoriyevich [Lukashenko]" addresses someone else
        return m.start(), m.end(2)
    return None


def presence_evidence(name: str, text: str) -> tuple[int, int, str] | None:
    """(start, end, kind) showing the person took part; None if only mentioned.

    ``kind`` is "caption", "speaker", "meeting" or "addressed"; the span is the
    name's mention (or the vocative) in ``text``.
    """
    quotes = _quote_spans(text)
    mentions = _mentions(name, text)
    if not mentions:  # a vocative alone cannot tell two Aleksandrs apart
        return None
    for start, end in mentions:
        if _is_caption(text, start):
            return start, end, "caption"
        if _inside(start, quotes):
            continue
        if _is_speaker(text, start, end):
            return start, end, "speaker"
        if _meeting_cue_governs(text, start, end, quotes):
            return start, end, "meeting"
    addressed = _is_addressed(name, text, quotes)
    return (*addressed, "addressed") if addressed else None
