"""Company names, generated: every alias in data/companies.json, in the cases articles use.

A company named in Russian or Belarusian inflects ("с «Белшиной»", "Гомсельмашем",
"Амкадора"); it is still the same canonical company. A city or region the
model lists as a company is never one.
"""

from __future__ import annotations

import pytest

from briefx._assemble import _a_place
from briefx._data import load_data
from briefx._people import canonical_org

ALIASES = [
    (canon, variant)
    for canon, variants in load_data("companies")["aliases"].items()
    for variant in variants
    if " " not in variant and len(variant) >= 5
]
# Russian/Belarusian oblique endings of a one-word name: genitive, dative, instrumental.
ENDINGS = ("а", "у", "ом", "ем", "е")


@pytest.mark.parametrize(("canon", "variant"), ALIASES)
def test_every_alias_is_its_company(canon: str, variant: str) -> None:
    assert canonical_org(variant) == canon


@pytest.mark.parametrize("ending", ENDINGS)
@pytest.mark.parametrize(
    ("canon", "variant"), [(c, v) for c, v in ALIASES if v[-1].lower() not in "аяоеиыйьaeiouy"]
)
def test_an_inflected_alias_is_its_company(canon: str, variant: str, ending: str) -> None:
    assert canonical_org(variant + ending) == canon


CITIES = [c["en"] for c in load_data("cities")["cities"]]


@pytest.mark.parametrize("city", CITIES)
def test_a_city_is_never_a_company(city: str) -> None:
    assert _a_place(city)


TITLED = [
    ("en", "Governor of Saint Petersburg Alexander Beglov visited the MAZ plant."),
    ("ru", "Мэр Москвы Сергей Собянин посетил завод МАЗ."),
    ("be", "Старшыня аблвыканкама Пётр Ісачэнка наведаў завод МАЗ."),
    ("de", "Der Gouverneur Alexander Beglow besuchte das Werk MAZ."),
]


@pytest.mark.parametrize(("lang", "text"), TITLED)
def test_a_titled_person_is_never_a_company(lang: str, text: str) -> None:
    from briefx._assemble import _not_a_company_name, _titled_names

    people = _titled_names(text)
    assert people, lang
    for person in people:
        assert _not_a_company_name(person, people)
        assert _not_a_company_name(f"President {person}", people)
    assert not _not_a_company_name("MAZ", people)


PHRASES = [
    "gas fields of the Arctic", "modular buildings", "Fisch und Meeresfrüchte aus dem Norden",
    "Schneeräumfahrzeuge in das Gebiet", "поставки техники в регион", "Belarusian heavy-duty trucks for the north",
]  # fmt: skip


@pytest.mark.parametrize("phrase", PHRASES)
def test_a_phrase_is_never_a_company(phrase: str) -> None:
    from briefx._assemble import _not_a_company_name

    assert _not_a_company_name(phrase, [])


@pytest.mark.parametrize("canon", sorted(load_data("companies")["aliases"]))
def test_every_known_company_stays_a_company(canon: str) -> None:
    from briefx._assemble import _not_a_company_name

    assert not _not_a_company_name(canon, ["Aleksandr Lukashenko"])


ADJECTIVE_PHRASES = [
    "Belarusian heavy-duty trucks", "Belorusskiye", "Belorusskie organizatsii", "Russian machinery",
    "Rossiyskiye", "Weißrussische", "Russische",
]  # fmt: skip


@pytest.mark.parametrize("phrase", ADJECTIVE_PHRASES)
def test_a_country_adjective_with_common_words_is_no_company(phrase: str) -> None:
    from briefx._assemble import _not_a_company_name

    assert _not_a_company_name(phrase, [])


@pytest.mark.parametrize("determiner", ["der", "die", "das", "Das", "dem", "einem", "eines"])
@pytest.mark.parametrize("noun", ["Partnerwerk", "Hersteller", "Unternehmen", "Werk"])
def test_a_german_common_noun_is_no_company(determiner: str, noun: str) -> None:
    from briefx._assemble import _not_a_company_name

    text = f"Lukaschenko sprach über {determiner} {noun} in Minsk."
    assert _not_a_company_name(noun, [], text)
    assert not _not_a_company_name("MAZ", [], f"{determiner} MAZ in Minsk.")
