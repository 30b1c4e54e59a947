"""Russian federal subjects: every surface form in ``data/regions.json`` to one ISO code.

A mention is typed ("Kaluga Oblast", "Калужской области", "Gebiet Kaluga",
"Republic of Tatarstan"), bare (a republic's noun "Tatarstan", the namesake
capital "Kaluga", "Moskau") or an adjective ("калужский", "Murmansker"). Each
code has one English name, whatever form or language named it, so records
group by name as well as by code.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from briefx._data import load_data
from briefx.places._gazetteer import Gazetteer, Hit, key_of, loose_fold, tokens

# How strongly a form names a subject; a stronger form wins a shared key.
_ADJECTIVE, _BARE, _TYPED = 1, 2, 3
_TIED = 10


class RegionName(NamedTuple):
    """A Russian federal subject: English name and ISO 3166-2 code; unpacks as a pair."""

    name: str
    iso: str


@dataclass(frozen=True)
class RegionMention:
    """One region named in a text: its English name, ISO code, span, and whether typed."""

    name: str
    iso: str
    start: int
    end: int
    typed: bool  # named with a type word ("Oblast", "Region"), not a bare city-like name


class FoundRegion(NamedTuple):
    """The Russian region met with: English name, ISO 3166-2 code, evidence span."""

    name: str
    iso: str
    span: tuple[int, int]


@dataclass(frozen=True)
class _Entry:
    iso: str
    strength: int  # _TYPED | _BARE | _ADJECTIVE


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = load_data("regions")
    return data


@cache
def names() -> dict[str, str]:
    """ISO code -> the one English name."""
    return {s["iso"]: s["name"] for s in _data()["subjects"]}


@cache
def _gazetteer() -> Gazetteer[_Entry]:
    """One entry per key: the strongest; two codes at one strength make a key ambiguous."""
    chosen: dict[str, _Entry | None] = {}
    for subject in _data()["subjects"]:
        groups = [(_TYPED, forms) for forms in subject["typed"].values()]
        groups += [
            (_ADJECTIVE if lang == "ru_adjective" else _BARE, forms)
            for lang, forms in subject["bare"].items()
        ]
        for strength, forms in groups:
            for form in forms:
                _choose(chosen, key_of(form), _Entry(subject["iso"], strength))
    return Gazetteer((key, entry) for key, entry in chosen.items() if entry is not None)


def _choose(chosen: dict[str, _Entry | None], key: str, entry: _Entry) -> None:
    if key not in chosen:
        chosen[key] = entry
        return
    old = chosen[key]
    if old is None or old == entry:
        return
    rank_old, rank_new = old.strength, entry.strength
    if old.iso == entry.iso or rank_new != rank_old:
        chosen[key] = entry if rank_new > rank_old else old
    else:
        chosen[key] = None  # "altai": the krai or the republic; neither is guessed


@cache
def _words(name: str) -> frozenset[str]:
    return frozenset(key_of(w) for w in _data()[name])


@cache
def _type_words() -> tuple[str, ...]:
    return tuple(sorted({key_of(w) for w in _data()["type_words"] if len(w) >= 5}))


def _canonical_tokens(text: str) -> list[tuple[str, int, int]]:
    """Tokens, with a type word's one-letter typo mended ("Oblas" is "oblast")."""
    vocabulary = _gazetteer().vocabulary
    out = []
    for tok, start, end in tokens(text):
        if tok not in vocabulary and len(tok) >= 5:
            near = next((w for w in _type_words() if Levenshtein.distance(tok, w) <= 1), None)
            tok = near or tok
        out.append((tok, start, end))
    return out


def _mentions(text: str) -> list[tuple[Hit[_Entry], list[tuple[str, int, int]]]]:
    toks = _canonical_tokens(text)
    return [(hit, toks) for hit in _gazetteer().find(toks)]


def _with_possessive(hit: Hit[_Entry], toks: list[tuple[str, int, int]]) -> int:
    """Start a span at "Russia's" when it opens the name ("Russia's Penza Oblast")."""
    if hit.first and toks[hit.first - 1][0] in _words("possessive_prefixes"):
        return toks[hit.first - 1][1]
    return hit.start


def region_mentions(text: str) -> list[RegionMention]:
    """Every Russian region named in ``text``, in order; a longer name wins over its part."""
    out = []
    for hit, toks in _mentions(text):
        typed = hit.value.strength == _TYPED
        start = _with_possessive(hit, toks) if typed else hit.start
        out.append(RegionMention(names()[hit.value.iso], hit.value.iso, start, hit.end, typed))
    return out


def find_regions(text: str) -> list[tuple[str, str, int, int]]:
    """(English name, ISO code, start, end) for each region mention in ``text``."""
    return [(r.name, r.iso, r.start, r.end) for r in region_mentions(text)]


def resolve_region(mention: str) -> RegionName | None:
    """(English name, ISO 3166-2 code) of a Russian federal subject named by ``mention``.

    >>> resolve_region("Russia's Penza Oblast")
    RegionName(name='Penza Oblast', iso='RU-PNZ')
    """
    hits = [hit for hit, _ in _mentions(mention)]
    if hits:
        best = max(hits, key=lambda h: (h.value.strength, h.end - h.start))
        return RegionName(names()[best.value.iso], best.value.iso)
    return _fuzzy(mention)


def _fuzzy(mention: str) -> RegionName | None:
    """A misspelt name ("Khakasiia Republic"): the nearest form, if very near and not Belarusian."""
    key = " ".join(t for t in key_of(mention).split(" ") if t not in _words("filler"))
    stem = " ".join(t for t in key.split(" ") if t not in _type_words())
    if len(stem.replace(" ", "")) < 5:
        return None
    if any(fuzz.ratio(t, bad) >= 85 for t in stem.split(" ") for bad in _words("not_russian")):
        return None
    index = _gazetteer().index
    got = process.extractOne(key, list(index), scorer=fuzz.ratio, score_cutoff=90)
    if got is None:
        return None
    iso = index[got[0]].iso
    return RegionName(names()[iso], iso)


# --- the region met with ----------------------------------------------------------


@cache
def _governor_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    def alt(name: str) -> str:
        words = sorted((re.escape(loose_fold(w)) for w in _data()[name]), key=len, reverse=True)
        return "|".join(words)

    link = alt("linking")
    before = re.compile(rf"(?<!\w)(?:{alt('governor_cues')})\w*(?:\s+(?:{link}))*\s*$")
    after = re.compile(rf"^(?:\s*,\s*russia)?\s*(?:{alt('governor_cues')})")
    deputy = re.compile(rf"(?<!\w)(?:{alt('not_the_governor')})\w*[\s-]*\S*\s*$")
    return before, after, deputy


def _governor_tied(folded: str, r: RegionMention) -> bool:
    before_re, after_re, deputy_re = _governor_patterns()
    before = folded[max(0, r.start - 40) : r.start]
    tied = before_re.search(before)
    if tied:
        return not deputy_re.search(before[: tied.start()])
    return bool(after_re.search(folded[r.end : r.end + 30]))


def find_region(text: str) -> FoundRegion | None:
    """The region met with: the one its governor is named with, else the most named.

    Scores per region: 10 per governor-tied mention ("Governor of X Oblast",
    "the Kaluga Governor", "губернатора Калужской области", "Murmansker
    Gouverneur", not "Deputy Governor of X"), 2 per typed mention, 1 per bare
    one. None when every mention is bare and untied ("Moscow is the main market").
    """
    mentions = region_mentions(text)
    if not mentions:
        return None
    folded = loose_fold(text)
    score: Counter[str] = Counter()
    best: dict[str, tuple[int, RegionMention]] = {}
    for r in mentions:
        weight = _TIED if _governor_tied(folded, r) else 2 if r.typed else 1
        score[r.iso] += weight
        if r.iso not in best or weight > best[r.iso][0]:
            best[r.iso] = (weight, r)
    if max(weight for weight, _ in best.values()) < 2:
        return None
    iso = max(score, key=lambda code: (score[code], -best[code][1].start))
    chosen = best[iso][1]
    return FoundRegion(chosen.name, chosen.iso, (chosen.start, chosen.end))
