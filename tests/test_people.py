"""Organisation names, name folding, positions, countries and evidence of presence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from briefx._people import (
    canonical_org,
    dedupe_orgs,
    fold,
    is_org_in_text,
    normalise_position,
    participant_country,
    presence_evidence,
    same_person,
    surname,
)

# --- organisations -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canon"),
    [
        ("MAZ (Belarusian Automobile Plant)", "MAZ"),
        ("TTM (Tolyatti Machine-Building Plant)", "TTM"),
        ("OJSC «Amkador» holding", "Amkodor"),
        ("the Amkodor enterprise", "Amkodor"),
        ("BelOМО", "BelOMO"),  # Cyrillic М and О
        ("GRAZ factory", "GRAZ"),
        ("BELAVTOMAZ holding", "BELAVTOMAZ"),
        ("Minsk’s automobile plant", "MAZ"),
        ("Minsk Tractor Works", "MTZ"),
        ("ОАО «Гомсельмаш»", "Gomselmash"),
        ("‘Nevsky Lift’", "Nevsky Lift"),
        ('LLC "Volga Trucks"', "Volga Trucks"),
        ("Lepel military school", "Lepel military school"),
        ("Belarusian Steel Works", "BMZ"),
    ],
)
def test_canonical_org(raw: str, canon: str) -> None:
    assert canonical_org(raw) == canon


def test_dedupe_orgs_merges_spellings_and_keeps_distinct_companies() -> None:
    names = ["MAZ", "Minsk automobile plant", "Amkador", "Amkodor", "BelOМО", "BelOMO"]
    names += ["BELAVTOMAZ holding", "MotoVelo Plant", "MotoVelo", "BKM Holding", "Belkommunmash"]
    assert dedupe_orgs(names) == [
        "MAZ",
        "Amkodor",
        "BelOMO",
        "BELAVTOMAZ",
        "MotoVelo",
        "BKM Holding",
    ]


def test_gold_orgs_are_found_in_their_seed(
    seed_texts: dict[str, str], gold_records: dict[str, dict[str, Any]]
) -> None:
    for name, text in seed_texts.items():
        for org in gold_records[name]["organizations"]:
            span = is_org_in_text(org, text)
            assert span is not None, (name, org)
            assert fold(canonical_org(text[span[0] : span[1]]))[:3] == fold(canonical_org(org))[:3]


def test_org_search_folds_scripts_and_case_endings() -> None:
    text = "Техника Амкодора и автобусы МАЗ работают в области; ГАЗ тоже."
    for org, found in [("Amkodor", "Амкодора"), ("MAZ", "МАЗ"), ("GAZ", "ГАЗ")]:
        span = is_org_in_text(org, text)
        assert span is not None and text[span[0] : span[1]] == found
    assert is_org_in_text("Gomselmash", text) is None
    assert is_org_in_text("Mogilevliftmash", "cooperation with Mogilevlifmash grows") is not None


# --- names ---------------------------------------------------------------------


def test_fold_and_same_person() -> None:
    assert fold("Лукашенко") == fold("Lukashenko")
    assert fold("Георгий Филимонов") == fold("Georgy Filimonov")
    assert fold("Федорищев") == fold("Fedorishchev")
    assert same_person("Alexander Lukashenko", "Aleksandr Lukashenko")
    assert same_person("Лукашенко Александр Григорьевич", "A. Lukashenko")
    assert same_person("Sergey Shulyak", "Sergei Shulyak")
    assert not same_person("Viktor Lukashenko", "Aleksandr Lukashenko")
    assert not same_person("Aleksandr Subbotin", "Aleksandr Lukashenko")
    assert surname("Лукашенко Александр Григорьевич") == "Лукашенко"
    assert surname("Governor Vasily Anokhin") == "Anokhin"


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("Russia's Penza Oblast Governor", "Governor of Penza Oblast"),
        ("Belarusian President", "President of Belarus"),
        ("Governor of the Samara Region", "Governor of Samara Oblast"),
        ("Governor of Russia’s Vologda Oblast", "Governor of Vologda Oblast"),
        ("Governor of Vologda Region, Russia", "Governor of Vologda Oblast"),
        ("Belarus' Deputy Prime Minister", "Deputy Prime Minister of Belarus"),
        ("Deputy Prime Minister of Belarus", "Deputy Prime Minister of Belarus"),
        ("Governor of Krasnodar Territory", "Governor of Krasnodar Krai"),
    ],
)
def test_normalise_position(raw: str, norm: str) -> None:
    assert normalise_position(raw) == norm


def test_participant_country() -> None:
    assert participant_country("Governor of Penza Oblast", "Oleg Melnichenko", "") == "RU"
    assert participant_country("Vitebsk Oblast Governor", "Aleksandr Subbotin", "") == "BY"
    assert participant_country("Deputy General Director of MAZ", "Sergei Shulyak", "") == "BY"
    assert participant_country("Губернатор Омской области", "Виталий Хоценко", "") == "RU"
    assert participant_country(None, "Aleksandr Lukashenko", "") == "BY"
    text = "Georgy Filimonov, Governor of Vologda Region, Russia:\n“We are glad.”"
    assert participant_country(None, "Georgy Filimonov", text) == "RU"
    text = "Minister of Industry of Belarus Aleksandr Yefimov also took part in the talks."
    assert participant_country(None, "Aleksandr Yefimov", text) == "BY"
    assert participant_country(None, "Ivan Ivanov", "Ivan Ivanov came.") is None


def test_gold_participants_countries(
    seed_texts: dict[str, str], gold_records: dict[str, dict[str, Any]]
) -> None:
    for name, text in seed_texts.items():
        for person in gold_records[name]["participants"]:
            assert participant_country(None, person["name"], text) == person["country"], person


# --- presence ------------------------------------------------------------------

ABSENT = {
    "smolensk-press-release": ["Vladimir Putin", "Aleksandr Subbotin"],
    "vologda-rewrite": ["Vladimir Putin", "Vladimir Mulyavin"],
    "samara-rewrite": ["Aleksandr Subbotin"],  # shares a first name with a vocative
}


def test_seed_participants_are_present(
    seed_texts: dict[str, str], gold_records: dict[str, dict[str, Any]]
) -> None:
    for name, text in seed_texts.items():
        for person in gold_records[name]["participants"]:
            found = presence_evidence(person["name"], text)
            assert found is not None, (name, person["name"])
            start, end, kind = found
            assert kind in {"caption", "speaker", "meeting", "addressed"}
            assert same_person(text[start:end], person["name"]) or kind == "addressed"


@pytest.mark.parametrize(("seed", "person"), [(s, p) for s, ps in ABSENT.items() for p in ps])
def test_seed_mentions_are_not_present(seed_texts: dict[str, str], seed: str, person: str) -> None:
    assert presence_evidence(person, seed_texts[seed]) is None


@pytest.mark.parametrize(
    ("text", "person", "kind"),
    [
        ("The president held talks with Tula Oblast Governor Dmitry Milyaev in Minsk.",
         "Dmitry Milyaev", "meeting"),
        ("Aleksandr Lukashenko and Governor of Omsk Oblast Vitaly Khotsenko during the meeting "
         "in Minsk, 3 June 2025. Photo: BelTA", "Vitaly Khotsenko", "meeting"),
        ("Aleksandr Lukashenko and Governor of Omsk Oblast Vitaly Khotsenko during the meeting "
         "in Minsk, 3 June 2025. Photo: BelTA", "Aleksandr Lukashenko", "meeting"),
        ("Ivan Petrov arrived in Minsk with a large delegation.", "Ivan Petrov", "meeting"),
        ("“We will deliver buses,” said Ivan Petrov.", "Ivan Petrov", "speaker"),
        ("“We will deliver buses,” Ivan Petrov noted.", "Ivan Petrov", "speaker"),
        ("Ivan Petrov, Minister of Industry of Belarus:\n“We are ready.”", "Ivan Petrov",
         "caption"),
        ("Александр Лукашенко встретился с губернатором Курской области Александром Хинштейном.",
         "Alexander Khinshtein", "meeting"),
        ("«Мы готовы поставлять технику», — сказал Роман Старовойт.", "Roman Starovoit",
         "speaker"),
        ("“This is our plan, Oleg Vladimirovich,” the president told the governor. "
         "Oleg Melnichenko is from Penza.", "Oleg Melnichenko", "addressed"),
    ],
)  # fmt: skip
def test_presence_in_new_sentences(text: str, person: str, kind: str) -> None:
    found = presence_evidence(person, text)
    assert found is not None and found[2] == kind


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("He praised his relations with Russian President Vladimir Putin.", "Vladimir Putin"),
        ("“As Putin and I agreed, we will build plants,” the president said.", "Vladimir Putin"),
        ("Putin's visit to Minsk last year was recalled.", "Vladimir Putin"),
        ("He met with the band and was well-acquainted with Vladimir Mulyavin.",
         "Vladimir Mulyavin"),
        ("He often discusses issues with Vitebsk Oblast Governor Aleksandr Subbotin.",
         "Aleksandr Subbotin"),
        ("«Мы договорились с Путиным о встрече», — сказал губернатор.", "Vladimir Putin"),
        ("Лукашенко вспомнил, что был знаком с Владимиром Мулявиным.", "Vladimir Mulyavin"),
    ],
)  # fmt: skip
def test_mentions_in_new_sentences(text: str, person: str) -> None:
    assert presence_evidence(person, text) is None


def test_presence_on_every_example_article(articles_dir: Path, gold_dir: Path) -> None:
    """Gold participants are present in each article, including ones written later."""
    for gold_path in sorted(gold_dir.glob("*.json")):
        article = articles_dir / f"{gold_path.stem}.txt"
        if not article.exists():
            continue
        text = article.read_text(encoding="utf-8")
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        for person in gold["participants"]:
            assert presence_evidence(person["name"], text) is not None, (gold_path.stem, person)
