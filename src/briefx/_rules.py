"""Rule-based field finders over the cleaned article: trade figures, quotes, agreements.

These are the fields where rules beat a small model: numbers, periods, codes.
Each finder returns values with evidence spans ``(start, end)`` into the text it
was given, so ``text[start:end]`` is the phrase the value was read from.

Trade figures live in ``_trade`` (re-exported here).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from briefx._data import load_data
from briefx._normalise import (
    split_sentences,
)
from briefx._people import titled_people

# Trade figures are read by ``_trade`` with the one money parser; re-exported here.
from briefx._trade import FoundTrade as FoundTrade
from briefx._trade import find_trade_figures as find_trade_figures
from briefx._trade import trade_candidates as trade_candidates

# --- location and region --------------------------------------------------------
# Both live in briefx.places, over the generated gazetteer in data/; the names
# stay here for the modules and tests that import them from _rules.
from briefx.places import FoundLocation as FoundLocation
from briefx.places import FoundRegion as FoundRegion
from briefx.places import find_location as find_location
from briefx.places import find_region as find_region

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


def _cues(data: dict[str, Any], key: str) -> str:
    """One alternation of a cue kind's regex fragments over all its languages."""
    return "|".join(dict.fromkeys(f for fragments in data[key].values() for f in fragments))


_AGREEMENTS: dict[str, Any] = load_data("agreements")
_DOC = f"(?:{_cues(_AGREEMENTS, 'documents')})"
DOCUMENT = re.compile(rf"\b{_DOC}(?:s\b)?", re.I)
# An English document noun as a whole word: "Programm" (German) is not one.
ENGLISH_DOCUMENT = re.compile(rf"\b(?:{'|'.join(_AGREEMENTS['documents']['en'])})s?\b", re.I)
_END_VERB = f"(?:{_cues(_AGREEMENTS, 'title_end_verbs')})"
# What a document is about may follow it without a preposition: a Russian or
# Belarusian genitive ("программа сотрудничества"), a German "der Zusammenarbeit".
_GENITIVE = rf"(?:\s+(?!{_END_VERB}\b)(?:[а-яёіў-]+|(?:der|des)\s+[A-ZÄÖÜ][\wäöüß-]+))?"
_DOC_PHRASE = re.compile(
    rf"(?P<pre>(?:[\w-]+\s+){{0,5}}?)(?P<doc>{_DOC})"
    rf"(?P<post>{_GENITIVE}(?:\s+(?:{_cues(_AGREEMENTS, 'title_prepositions')})\s+[^,.;:!?]+?)?)"
    rf"(?=\s+(?:{_cues(_AGREEMENTS, 'title_end_verbs')})\b|[,.;:!?]|$)",
    re.I,
)
_PRE_STOP = frozenset(w for words in _AGREEMENTS["title_stop_words"].values() for w in words)
_FUTURE_SIGN = re.compile(rf"\b({_cues(_AGREEMENTS, 'future_sign')})", re.I)
_PAST_SIGN = re.compile(rf"\b({_cues(_AGREEMENTS, 'past_sign')})", re.I)
_PROPOSE = re.compile(rf"\b({_cues(_AGREEMENTS, 'propose')})", re.I)


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


_ORGS: dict[str, Any] = load_data("organizations")
_LIST_CUE = re.compile(
    rf"\b(?:{_cues(_ORGS, 'list_nouns')})"
    rf"[^.;:]{{0,50}}?\W{{0,3}}(?:{_cues(_ORGS, 'list_intro')})\s+",
)
_LIST_ITEM = re.compile(
    r"([A-ZА-Я][\w-]*(?:\s[A-Z][\w-]*)?)(?:\s\([^)]*\))?(,\s*(?:and\s+)?|\s+and\s+)?"
)
# "BELAVTOMAZ holding", "GRAZ factory", "MotoVelo Plant": a name with inner capitals.
_GENERIC_SUFFIX = re.compile(
    rf"\b([A-Z][A-Za-z]*[A-Z][A-Za-z]*)\s+(?:{_cues(_ORGS, 'suffix_words')})\b"
)
_QUOTED_NAME = re.compile(
    rf"\b(?:{_cues(_ORGS, 'quote_cues_latin')})\s+"
    r"[‘'\"“«]([A-Z][\w-]*(?:\s[A-Z][\w-]*)?)[’'\"”»]"
)


# «Башнефть» after a company word: "Компания «Башнефть»", "комбайнов «Гомсельмаш»"
_QUOTED_NAME_RU = re.compile(
    rf"(?i:{_cues(_ORGS, 'quote_cues_cyrillic')})\s+«([А-ЯЁІЎA-ZÄÖÜ][^»]{{1,40}})»"
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
    """Names with a title next to them (any language), each once, in order of first mention."""
    found: dict[str, FoundPerson] = {}
    for name, position, start, end in titled_people(text):
        if name.split()[0] in _NOT_A_FIRST_NAME:
            continue
        hit = FoundPerson(name, position, start, end)
        best = found.get(name)
        # The first mention wins; at one mention, the fuller title.
        if best is None or (hit.start, -len(hit.position)) < (best.start, -len(best.position)):
            found[name] = hit
    return sorted(found.values(), key=lambda p: p.start)


# --- agreement titles in English ----------------------------------------------------


def _english_terms(key: str) -> list[tuple[str, re.Pattern[str]]]:
    return [
        (
            english,
            re.compile(rf"(?<!\w)(?:{'|'.join(p for ps in langs.values() for p in ps)})", re.I),
        )
        for english, langs in _AGREEMENTS["english"][key]
    ]


_ENGLISH_DOCS = _english_terms("documents")
_ENGLISH_ABOUT = _english_terms("about")
_YEARS = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[-–—/]\s*((?:19|20)\d\d)(?!\d)")


def english_title(title: str) -> str | None:
    """A document title read in another language, in English; None if no document noun.

    "Программа сотрудничества на 2025-2027 годы" -> "Cooperation programme for
    2025-2027": the document noun and what it is about, from ``data/agreements.json``.
    """
    doc = min(
        ((m.start(), english) for english, rx in _ENGLISH_DOCS if (m := rx.search(title))),
        default=None,
    )
    if doc is None:
        return None
    about = [english for english, rx in _ENGLISH_ABOUT if rx.search(title)]
    words = " ".join([*about[:2], doc[1]])
    years = _YEARS.search(title)
    span = f" for {years.group(1)}-{years.group(2)}" if years else ""
    return words[:1].upper() + words[1:] + span
