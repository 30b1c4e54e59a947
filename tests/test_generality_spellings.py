"""Generated family: one person's surname in every spelling system the press uses.

Every surname of the people family (30 Russian names, every declension class)
is romanised by the German, Polish, Czech, Hungarian and Belarusian Latin
systems (``tests/data/spelling_systems.json``, written from the systems'
tables, not from briefx's rules) and by briefx's own English scheme. Each
spelling must be recognised as the same surname, the article's own spelling
must come back when the model gives the English one, and a different person
must not match.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from briefx._assemble import _spelled_in_article
from briefx._language import name_key, same_name_key, transliterate
from briefx._people import name_mentions
from test_generality_people import NAMES

SYSTEMS = json.loads((Path(__file__).parent / "data" / "spelling_systems.json").read_text("utf-8"))
SYSTEM_NAMES = [k for k in SYSTEMS if not k.startswith("_")]
VOWELS = "аеёиоуыэюяьъй"


def romanise(cyrillic: str, system: str) -> str:
    table = SYSTEMS[system]
    out = []
    for i, ch in enumerate(cyrillic):
        low = ch.lower()
        initial = i == 0 or cyrillic[i - 1].lower() in VOWELS
        latin = table["initial"].get(low) if initial and low in table["initial"] else table[low]
        out.append(latin.capitalize() if ch.isupper() else latin)
    return "".join(out)


@cache
def _cases() -> list[tuple[str, str, str]]:
    return [(s, system, romanise(s, system)) for _, _, s, _, _ in NAMES for system in SYSTEM_NAMES]


@pytest.mark.parametrize(("cyrillic", "system", "spelled"), _cases())
def test_a_surname_is_one_name_in_every_spelling_system(
    cyrillic: str, system: str, spelled: str
) -> None:
    english = transliterate(cyrillic)
    assert same_name_key(spelled, english), (spelled, english, name_key(spelled), name_key(english))
    assert same_name_key(spelled, cyrillic)


@pytest.mark.parametrize(("cyrillic", "system", "spelled"), _cases())
def test_the_article_spelling_comes_back(cyrillic: str, system: str, spelled: str) -> None:
    text = f"Minsk. {spelled} und Präsident trafen sich. Das Treffen von {spelled} dauerte lange."
    assert _spelled_in_article(transliterate(cyrillic), text) == spelled


@pytest.mark.parametrize(("cyrillic", "system", "spelled"), _cases())
def test_the_person_is_found_in_the_article(cyrillic: str, system: str, spelled: str) -> None:
    text = f"Vladimir {spelled} met the president."
    assert name_mentions(f"Vladimir {transliterate(cyrillic)}", text)


def test_different_people_do_not_match() -> None:
    surnames = sorted({transliterate(s) for _, _, s, _, _ in NAMES})
    clashes = [
        (a, b) for i, a in enumerate(surnames) for b in surnames[i + 1 :] if same_name_key(a, b)
    ]
    # Only forms of one surname (Никитин/Никитина) may meet.
    assert all(a.rstrip("a") == b.rstrip("a") for a, b in clashes), clashes


ENDINGS = ["a", "u", "om", "ym", "oma", "e"]


@pytest.mark.parametrize(
    ("first", "last", "ending"),
    [(n[4].split()[0], n[4].split()[-1], e) for n in NAMES if n[3] == "masc" for e in ENDINGS],
)
def test_a_surname_with_a_case_ending_is_the_same_person(
    first: str, last: str, ending: str
) -> None:
    from briefx._people import same_person

    # "Moor" and "Mooroma": one governor, once mis-inflected by the morphology library.
    assert same_person(f"{first} {last}", f"{first} {last}{ending}")
    other = "Boris" if first != "Boris" else "Pavel"
    assert not same_person(f"{first} {last}", f"{other} {last}{ending}")
