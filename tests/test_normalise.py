"""Normalisers on the seed phrasings and on variants of our own, Cyrillic included."""

from __future__ import annotations

import re

import pycountry
import pytest

from briefx._normalise import (
    country_alpha2,
    find_money,
    find_periods,
    find_regions,
    infer_year,
    parse_money,
    parse_period,
    region_from_name,
    resolve_meeting_date,
    transliterate,
)

# --- regions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mention", "code", "name"),
    [
        # seed phrasings
        ("Vologda Oblast", "RU-VLG", "Vologda Oblast"),
        ("Samara Region", "RU-SAM", "Samara Oblast"),
        ("Smolensk Oblas", "RU-SMO", "Smolensk Oblast"),
        ("Russia's Penza Oblast", "RU-PNZ", "Penza Oblast"),
        ("Russia’s Penza Oblast", "RU-PNZ", "Penza Oblast"),
        ("Vologda Region, Russia", "RU-VLG", "Vologda Oblast"),
        # other English and transliterated forms
        ("Penza region", "RU-PNZ", "Penza Oblast"),
        ("Krasnodar Krai", "RU-KDA", "Krasnodar Krai"),
        ("Krasnodar Territory", "RU-KDA", "Krasnodar Krai"),
        ("Republic of Tatarstan", "RU-TA", "Republic of Tatarstan"),
        ("Tatarstan", "RU-TA", "Republic of Tatarstan"),
        ("Moscow", "RU-MOW", "Moscow"),
        ("Moscow Oblast", "RU-MOS", "Moscow Oblast"),
        ("St Petersburg", "RU-SPE", "Saint Petersburg"),
        ("Khanty-Mansi", "RU-KHM", "Khanty-Mansi Autonomous Okrug"),
        ("Yamalo-Nenets Autonomous Okrug", "RU-YAN", "Yamalo-Nenets Autonomous Okrug"),
        ("Nenets Autonomous Okrug", "RU-NEN", "Nenets Autonomous Okrug"),
        ("Nizhny Novgorod Oblast", "RU-NIZ", "Nizhny Novgorod Oblast"),
        ("Novgorod Oblast", "RU-NGR", "Novgorod Oblast"),
        ("Altai Krai", "RU-ALT", "Altai Krai"),
        ("Altai Republic", "RU-AL", "Altai Republic"),
        ("Tula Region", "RU-TUL", "Tula Oblast"),
        ("Kaluga Region", "RU-KLU", "Kaluga Oblast"),
        ("Kursk Oblast", "RU-KRS", "Kursk Oblast"),
        ("Kurgan Oblast", "RU-KGN", "Kurgan Oblast"),
        ("Chuvashia", "RU-CU", "Republic of Chuvashia"),
        ("Chechnya", "RU-CE", "Chechen Republic"),
        ("Khakassia", "RU-KK", "Republic of Khakassia"),
        ("Mari El", "RU-ME", "Republic of Mari El"),
        ("Yakutia", "RU-SA", "Republic of Sakha (Yakutia)"),
        ("Penzenskaya oblast'", "RU-PNZ", "Penza Oblast"),
        # Cyrillic, nominative and oblique
        ("Пензенская область", "RU-PNZ", "Penza Oblast"),
        ("Вологодской области", "RU-VLG", "Vologda Oblast"),
        ("Республика Татарстан", "RU-TA", "Republic of Tatarstan"),
        ("Краснодарского края", "RU-KDA", "Krasnodar Krai"),
        ("Ханты-Мансийского автономного округа", "RU-KHM", "Khanty-Mansi Autonomous Okrug"),
        ("Москва", "RU-MOW", "Moscow"),
        ("Санкт-Петербург", "RU-SPE", "Saint Petersburg"),
    ],
)
def test_region_from_name(mention: str, code: str, name: str | None) -> None:
    got = region_from_name(mention)
    assert got is not None, mention
    assert got[1] == code
    if name is not None:
        assert got[0] == name


@pytest.mark.parametrize(
    "mention",
    [
        "Vitebsk Oblast",
        "Minsk Oblast",
        "Mogilev Region",
        "Maria",
        "Georgia",
        "Russia",
        "",
        "Oblast",
    ],
)
def test_region_from_name_rejects_what_is_not_a_russian_subject(mention: str) -> None:
    assert region_from_name(mention) is None


def test_every_pycountry_subject_resolves_from_its_own_name() -> None:
    subjects = list(pycountry.subdivisions.get(country_code="RU"))
    assert len(subjects) == 83
    for sub in subjects:
        got = region_from_name(sub.name)
        assert got is not None and got[1] == sub.code, sub.name


def test_transliteration_follows_pycountry_romanisation() -> None:
    assert transliterate("Пензенская") == "Penzenskaya"
    assert transliterate("Еврейская") == "Yevreyskaya"


def test_find_regions_spans_and_belarusian_oblasts() -> None:
    text = (
        "Governor of Russia's Penza Oblast met Vitebsk Oblast Governor Ivanov; "
        "Georgy Filimonov, Governor of Vologda Region, Russia, and Губернатор "
        "Смоленской области also came. Tatarstan sent a delegation."
    )
    found = find_regions(text)
    assert [f[1] for f in found] == ["RU-PNZ", "RU-VLG", "RU-SMO", "RU-TA"]
    for _name, _iso, start, end in found:
        assert text[start:end] in {
            "Russia's Penza Oblast",
            "Vologda Region",
            "Смоленской области",
            "Tatarstan",
        }


def test_find_regions_on_seeds(seed_texts: dict[str, str]) -> None:
    codes = {name: {f[1] for f in find_regions(text)} for name, text in seed_texts.items()}
    assert "RU-PNZ" in codes["penza-belta-doubled"]
    assert {"RU-SAM", "RU-TUL"} <= codes["samara-rewrite"]
    assert {"RU-SMO", "RU-BRY", "RU-PSK"} <= codes["smolensk-press-release"]
    assert codes["vologda-belta"] == {"RU-VLG"}


# --- countries -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Belarus", "BY"),
        ("Republic of Belarus", "BY"),
        ("Russia", "RU"),
        ("Russian Federation", "RU"),
        ("Russian", "RU"),
        ("Belarusian", "BY"),
        ("Ukrainian", "UA"),
        ("Chinese", "CN"),
        ("Kazakhstan", "KZ"),
        ("Zimbabwe", "ZW"),
        ("Беларусь", "BY"),
        ("Россия", "RU"),
        ("by", "BY"),
    ],
)
def test_country_alpha2(name: str, code: str) -> None:
    assert country_alpha2(name) == code


@pytest.mark.parametrize("name", ["", "Martian", "Penza"])
def test_country_alpha2_unknown(name: str) -> None:
    assert country_alpha2(name) is None


# --- money ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "amount", "qualifier"),
    [
        ("$4.4 billion", 4.4e9, "exact"),
        ("almost $700 million", 7e8, "under"),
        ("nearly three billion dollars", 3e9, "under"),
        ("approached nearly three billion dollars", 3e9, "under"),
        ("$316.4 million", 316.4e6, "exact"),
        ("exceeded $103 million", 103e6, "over"),
        ("approximated $82 million", 82e6, "approx"),
        ("about $1.2bn", 1.2e9, "approx"),
        ("more than $50 mln", 50e6, "over"),
        ("US$ 2.5 billion", 2.5e9, "exact"),
        ("$1,700 million", 1.7e9, "exact"),
        ("half a billion dollars", 5e8, "exact"),
        ("4,4 млрд долларов", 4.4e9, "exact"),
        ("$316,4 млн", 316.4e6, "exact"),
        ("почти $700 млн", 7e8, "under"),
        ("более $1 млрд", 1e9, "over"),
        ("около 82 млн долларов", 82e6, "approx"),
        ("три миллиарда долларов США", 3e9, "exact"),
    ],
)
def test_parse_money(phrase: str, amount: float, qualifier: str) -> None:
    got = parse_money(phrase)
    assert got is not None
    assert got[0] == pytest.approx(amount)
    assert got[1] == qualifier


@pytest.mark.parametrize("phrase", ["5 million rubles", "1,700 kilometers", "10%", "in 2024"])
def test_parse_money_needs_dollars(phrase: str) -> None:
    assert parse_money(phrase) is None


def test_find_money_spans() -> None:
    text = "In 2020 it approximated $82 million, while in 2021 it exceeded $103 million."
    found = find_money(text)
    assert [text[m.start : m.end] for m in found] == [
        "approximated $82 million",
        "exceeded $103 million",
    ]
    assert [m.qualifier for m in found] == ["approx", "over"]


# --- periods and dates ---------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "period"),
    [
        ("in 2024", "2024"),
        ("January-June 2025", "2025-01/2025-06"),
        ("in January-September 2024", "2024-01/2024-09"),
        ("January–March 2023", "2023-01/2023-03"),
        ("в январе-июне 2025 года", "2025-01/2025-06"),
        ("в 2024 году", "2024"),
        ("in the first half of 2025", "2025-01/2025-06"),
        ("in the third quarter of 2024", "2024-07/2024-09"),
        ("in the first nine months of 2024", "2024-01/2024-09"),
        ("no period here", None),
    ],
)
def test_parse_period(phrase: str, period: str | None) -> None:
    assert parse_period(phrase) == period


def test_find_periods_marks_month_spans_partial() -> None:
    found = find_periods("In 2023 it was X, in January-September 2024 it was Y.")
    assert [(p.period, p.partial) for p in found] == [("2023", False), ("2024-01/2024-09", True)]


_HINTS: dict[str, dict[str, str]] = {
    # what preparation learns from the page furniture of each seed
    "penza-belta-doubled": {"dateline": "MINSK, 1 April (BelTA)"},
    "samara-rewrite": {},
    "smolensk-press-release": {"page_date": "2024-11-18"},
    "vologda-belta": {"dateline": "MINSK, 25 August (BelTA)", "page_date": "2025-08-25"},
    "vologda-rewrite": {},
}


@pytest.mark.parametrize("name", sorted(_HINTS))
def test_meeting_date_matches_gold(
    name: str, seed_texts: dict[str, str], gold_records: dict[str, dict[str, object]]
) -> None:
    text = seed_texts[name]
    got = resolve_meeting_date(text, **_HINTS[name])
    assert got.iso == gold_records[name]["meeting_date"]
    assert got.span is not None
    day = str(int(got.iso[-2:]))
    assert day in text[got.span[0] : got.span[1]]


@pytest.mark.parametrize("name", sorted(_HINTS))
def test_meeting_date_from_text_alone(
    name: str, seed_texts: dict[str, str], gold_records: dict[str, dict[str, object]]
) -> None:
    assert resolve_meeting_date(seed_texts[name]).iso == gold_records[name]["meeting_date"]


def test_meeting_date_year_sources_in_order() -> None:
    text = "The governor met the President on 1 April. In 2024 trade reached $152 million."
    assert resolve_meeting_date(text).iso == "2025-04-01"
    assert resolve_meeting_date(text).basis == "inferred"
    got = resolve_meeting_date(text, published="2026-04-02", page_date="2027-01-01")
    assert (got.iso, got.basis) == ("2026-04-01", "published")
    got = resolve_meeting_date(text, page_date="Monday, 2 April 2029")
    assert (got.iso, got.basis) == ("2029-04-01", "page_date")


def test_meeting_date_unknown_year_is_null() -> None:
    got = resolve_meeting_date("On July 21 the governor met the president in Minsk.")
    assert got.iso is None
    assert got.basis == "unknown-year"
    assert resolve_meeting_date("No date at all.").basis == "no-date"


def test_meeting_date_published_early_january_means_last_year() -> None:
    got = resolve_meeting_date("The talks on 28 December were fruitful.", published="2025-01-03")
    assert got.iso == "2024-12-28"


def test_meeting_date_russian() -> None:
    text = "МИНСК, 1 апреля (БЕЛТА) – Встреча. В 2024 году товарооборот составил $152 млн."
    assert resolve_meeting_date(text).iso == "2025-04-01"


def test_infer_year_rules() -> None:
    # a whole year's figure is reported after the year ends
    assert infer_year("In 2023 trade amounted to $4.4 billion.") == 2024
    # a span of months of a year: the same year if the meeting is after the span
    span = "In January-September 2024 trade stood at $3.1 billion."
    assert infer_year(span, meeting_month=11) == 2024
    assert infer_year(span, meeting_month=5) == 2025
    assert infer_year("A zone launched in 2025 with support from Moscow.") == 2025
    assert infer_year("We met during the 80th anniversary of the Great Victory.") == 2025
    # targets are not statistics
    assert infer_year("Trade should reach $2 billion in 2030.") is None
    assert infer_year("Nothing dated here.") is None


def test_date_spans_are_real(seed_texts: dict[str, str]) -> None:
    for text in seed_texts.values():
        got = resolve_meeting_date(text)
        assert got.span is not None
        phrase = text[got.span[0] : got.span[1]]
        assert re.search(r"\d", phrase) and re.search(r"[A-Za-z]", phrase)
