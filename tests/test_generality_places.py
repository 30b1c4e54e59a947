"""Generated families for places: every federal subject in every form, every city in every case.

The families are built here from the gazetteer's stems and case forms, put into
short sentences, and must come back as the one ISO code and the one English
name. The subject list is checked against pycountry, so a subject added there
and missing here fails.
"""

from __future__ import annotations

import re
from typing import Any

import pycountry
import pytest

from briefx._data import load_data
from briefx.places import find_location, find_region, resolve_city, resolve_region

SUBJECTS: list[dict[str, Any]] = load_data("regions")["subjects"]
CITIES: list[dict[str, Any]] = load_data("cities")["cities"]
VENUES: list[dict[str, Any]] = load_data("cities")["venues"]
_IDS = [s["iso"] for s in SUBJECTS]
_NAMED_BY_TYPE = {"oblast", "krai"}
_RU_FRAMES = {
    "nomn": "{x} подписала соглашение.",
    "gent": "Встреча с губернатором {x} прошла в Минске.",
    "datv": "Поставки {x} выросли.",
    "accs": "Делегация прибыла в {x}.",
    "ablt": "Договор с {x} подписан.",
    "loct": "Губернатор рассказал о {x}.",
}
_EN_TYPES = {"oblast": ("Oblast", "Region", "region"), "krai": ("Krai", "Territory", "region")}
_DE_TYPES = {"oblast": ("Gebiet", "Gebiets", "Oblast", "Region"), "krai": ("Region", "Krai")}


def test_every_pycountry_subject_is_in_the_gazetteer() -> None:
    codes = {s.code for s in pycountry.subdivisions.get(country_code="RU")}
    assert codes <= set(_IDS)
    assert len(SUBJECTS) == 89  # 83 in pycountry under RU, six it lists under UA
    assert len({s["name"] for s in SUBJECTS}) == len(SUBJECTS)


@pytest.mark.parametrize("subject", SUBJECTS, ids=_IDS)
def test_english_forms(subject: dict[str, Any]) -> None:
    iso, name, stem = subject["iso"], subject["name"], subject["en_stem"]
    forms = [name, name.lower(), name.upper()]
    if subject["kind"] in _NAMED_BY_TYPE:
        forms += [f"{stem} {t}" for t in _EN_TYPES[subject["kind"]]]
        forms += [f"the {stem.lower()} {t.lower()}" for t in _EN_TYPES[subject["kind"]]]
    if subject["kind"] == "republic" and not name.startswith("Republic of"):
        forms.append(f"Republic of {stem}" if " " not in stem else name)
    for form in forms:
        assert resolve_region(form) == (name, iso), form
    sentence = f"Lukashenko met the Governor of {forms[0]} in Minsk on Tuesday."
    got = find_region(sentence)
    assert got is not None and (got.name, got.iso) == (name, iso), sentence


@pytest.mark.parametrize("subject", SUBJECTS, ids=_IDS)
def test_the_x_governor(subject: dict[str, Any]) -> None:
    """ "the Kaluga Governor", "Kaluga region Governor": a governor tie without a type word."""
    if subject["kind"] not in _NAMED_BY_TYPE or not subject["bare"]["en"]:
        pytest.skip("no bare English name (ambiguous or a first name)")
    stem = subject["en_stem"]
    text = f"The {stem} Governor and President Lukashenko discussed tractors. Moscow, Moscow."
    got = find_region(text)
    assert got is not None and got.iso == subject["iso"], text


@pytest.mark.parametrize("subject", SUBJECTS, ids=_IDS)
@pytest.mark.parametrize("case", list(_RU_FRAMES))
def test_russian_cases(subject: dict[str, Any], case: str) -> None:
    form = subject["ru_cases"][case]
    sentence = _RU_FRAMES[case].format(x=form)
    got = find_region(sentence)
    assert got is not None, sentence
    assert (got.name, got.iso) == (subject["name"], subject["iso"]), sentence
    assert resolve_region(form) == (subject["name"], subject["iso"])
    assert resolve_region(form.lower()) == (subject["name"], subject["iso"])


@pytest.mark.parametrize("subject", SUBJECTS, ids=_IDS)
def test_transliterated_forms_meet_the_english_name(subject: dict[str, Any]) -> None:
    """ "Kaluzhskaya Oblast" beside "Rostov Oblast" must not split one region in two."""
    sub = pycountry.subdivisions.get(code=subject["iso"])
    if sub is None or not subject["iso"].startswith("RU-"):
        pytest.skip("not in pycountry's RU table")
    assert resolve_region(sub.name) == (subject["name"], subject["iso"])


@pytest.mark.parametrize("subject", SUBJECTS, ids=_IDS)
def test_belarusian_forms(subject: dict[str, Any]) -> None:
    forms = subject["typed"]["be"]
    if not forms:
        pytest.skip("no Belarusian type word for this kind")
    for form in forms:
        text = f"Прэзідэнт сустрэўся з губернатарам {form}."
        got = find_region(text)
        assert got is not None and got.iso == subject["iso"], text


@pytest.mark.parametrize("subject", SUBJECTS, ids=_IDS)
def test_german_forms(subject: dict[str, Any]) -> None:
    stem = subject["de_stem"]
    forms = [f"{t} {stem}" for t in _DE_TYPES.get(subject["kind"], ())]
    if subject["kind"] == "republic":
        forms.append(f"Republik {stem}")
    if not forms:
        pytest.skip("no German type word for this kind")
    for form in forms:
        text = f"Der Gouverneur des {form} traf Lukaschenko."
        got = find_region(text)
        assert got is not None and (got.name, got.iso) == (subject["name"], subject["iso"]), text


@pytest.mark.parametrize("subject", SUBJECTS, ids=_IDS)
def test_deputy_governor_is_not_the_governor(subject: dict[str, Any]) -> None:
    other = next(
        s for s in SUBJECTS if s["iso"] == ("RU-TUL" if subject["iso"] != "RU-TUL" else "RU-KLU")
    )
    text = (
        f"The Deputy Governor of {subject['name']} and the Governor of {other['name']} "
        f"met in Minsk."
    )
    got = find_region(text)
    assert got is not None and got.iso == other["iso"], text


@pytest.mark.parametrize(
    "mention", ["Vitebsk Oblast", "Minsk Oblast", "Gomel Region", "Гродненская область", "Maria"]
)
def test_belarusian_oblasts_are_not_russian(mention: str) -> None:
    assert resolve_region(mention) is None


# --- cities ----------------------------------------------------------------------


@pytest.mark.parametrize("city", CITIES, ids=[f"{c['country']}-{c['en']}" for c in CITIES])
def test_every_city_form_gives_the_english_nominative(city: dict[str, Any]) -> None:
    for form in city["forms"]:
        assert resolve_city(form) == (city["en"], city["country"]), form
        text = f"The governor held talks in {form} on Tuesday."
        if re.search(r"[\u0400-\u04ff]", form):
            text = f"Губернатор провел переговоры в {form} во вторник."
        got = find_location(text)
        assert got is not None and (got.city, got.country) == (city["en"], city["country"]), text


_WEEKDAYS = load_data("cities")["not_places"]


@pytest.mark.parametrize("word", _WEEKDAYS)
def test_weekdays_and_months_are_never_cities(word: str) -> None:
    assert resolve_city(word) is None
    assert find_location(f"{word.title()}, 22 October\n\nThe talks covered tractors.") is None
    got = find_location(f"{word.upper()}, 3 June\nMINSK, 3 June (BelTA) – A meeting.")
    assert got is not None and got.city == "Minsk"


@pytest.mark.parametrize("venue", VENUES, ids=[v["name"] for v in VENUES])
def test_venues_give_their_city(venue: dict[str, Any]) -> None:
    for form in venue["forms"]:
        text = f"The talks were held in the {form} on Tuesday."
        got = find_location(text)
        assert got is not None and got.city == venue["city"], text


def test_a_government_named_by_its_seat_is_no_venue() -> None:
    assert find_location("The Kremlin welcomed the agreement.") is None


_CAPITALS = [c for c in CITIES if c["country"] in {"BY", "RU"}]


@pytest.mark.parametrize("city", _CAPITALS, ids=[c["en"] for c in _CAPITALS])
def test_dateline_in_each_style(city: dict[str, Any]) -> None:
    russian = next((f for f in city["forms"] if re.search(r"[\u0400-\u04ff]", f)), None)
    datelines = [
        f"{city['en'].upper()}, 3 June (BelTA) – A meeting took place.",
        f"{city['en']}, June 3 – A meeting took place.",
        f"{city['en']}, 3. Juni. Ein Treffen fand statt.",
    ]
    if russian:
        datelines.append(f"{russian.upper()}, 15 мая (БЕЛТА) - Состоялась беседа.")
    for text in datelines:
        got = find_location(f"Thursday, 6 June 2024\n\n{text}")
        assert got is not None and (got.city, got.country) == (city["en"], city["country"]), text


def test_a_meeting_away_from_the_dateline_city() -> None:
    text = (
        "MINSK, 19 December (BelTA) – Governor Alexander Beglov held talks in Mogilev "
        "with the chairman of the oblast executive committee."
    )
    got = find_location(text)
    assert got is not None and got.city == "Mogilev"


def test_a_place_inside_a_quote_is_not_the_meeting_place() -> None:
    text = 'MINSK, 3 June – The president said: "When in Irkutsk, I talked to engineers."'
    got = find_location(text)
    assert got is not None and got.city == "Minsk"
