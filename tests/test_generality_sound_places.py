"""Generated family: places named in languages the gazetteer has no case forms for.

Every city of the gazetteer and every federal subject (by its capital's name for a
krai or oblast, its own name for a republic) is romanised from Russian by the
Polish, Czech, Hungarian, German and Belarusian Latin systems
(``tests/data/spelling_systems.json``) and given a case ending of those languages
("Minszkben", "Kazaniu", "Jaroszlavli"); each must resolve to its English name.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from briefx._data import load_data
from briefx.places import city_by_sound, region_by_sound
from test_generality_spellings import SYSTEM_NAMES, romanise

ENDINGS = {"pl": ["", "u", "iu"], "cs": ["", "u", "i"], "hu": ["", "ben", "i", "ba"],
           "de": [""], "be-latn": ["", "u"]}  # fmt: skip
# Places two of which sound alike in every system: the sound key cannot tell them apart.
SAME_SOUND = json.loads((Path(__file__).parent / "data" / "same_sound_places.json").read_text())


@cache
def _cities() -> list[tuple[str, str]]:
    out = []
    for city in load_data("cities")["cities"]:
        russian = next((f for f in city["forms"] if f[:1] >= "А" and f[:1] <= "Я"), None)
        if russian and " " not in russian and "-" not in russian:
            out.append((city["en"], russian))
    return out


@cache
def _subjects() -> list[tuple[str, str]]:
    out = []
    for s in load_data("regions")["subjects"]:
        # A region named after its capital ("Yaroslavl Oblast"), or a republic by its name.
        named_for_capital = s["en_stem"] == s["capital"]["en"]
        bare = s["bare"]["ru"]
        name = s["capital"]["ru"] if named_for_capital else (bare[0] if bare else "")
        if s["kind"] in ("oblast", "krai") and not named_for_capital:
            continue  # "Sverdlovsk Oblast": no Russian noun of its stem in the data
        if name and " " not in name and "-" not in name and s["iso"] not in SAME_SOUND["regions"]:
            out.append((s["iso"], name))
    return out


@pytest.mark.parametrize("system", SYSTEM_NAMES)
def test_every_city_is_heard_in_every_spelling_system(system: str) -> None:
    missed = []
    for english, russian in _cities():
        if english in SAME_SOUND["cities"]:
            continue
        for ending in ENDINGS[system]:
            said = romanise(russian, system) + ending
            got = city_by_sound(said)
            if got is None or got[0] != english:
                missed.append((said, english, got))
    assert missed == []


@pytest.mark.parametrize("system", SYSTEM_NAMES)
def test_every_subject_is_heard_in_every_spelling_system(system: str) -> None:
    missed = []
    for iso, russian in _subjects():
        for ending in ENDINGS[system]:
            said = romanise(russian, system) + ending
            got = region_by_sound(said)
            if got is None or got.iso != iso:
                missed.append((said, iso, got))
    assert missed == []


def test_a_word_that_names_no_place_is_no_place() -> None:
    for word in ("Lukasenka", "együttműködés", "cooperação", "współpraca", "Präsident"):
        assert region_by_sound(word) is None and city_by_sound(word) is None
