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
