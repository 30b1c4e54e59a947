"""Rule-based finders against the seeds' gold and against sentences in other phrasings."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefx._normalise import resolve_meeting_date
from briefx._rules import (
    FoundTrade,
    _whole_words,
    find_location,
    find_region,
    find_trade_figures,
)

SEEDS = (
    "penza-belta-doubled",
    "samara-rewrite",
    "smolensk-press-release",
    "vologda-belta",
    "vologda-rewrite",
)
# Page furniture that preparation removes; the finders must not need it.
_FURNITURE = re.compile(
    r"^(?:\d+\.\d+ (?:BYN|RUB|USD|EUR)|Projects|Government Bodies|Flag .*|All news|President|"
    r"\d+ \w+ \d{4}, \d\d:\d\d|Follow us on:|X|Recent news from Belarus|"
    r"\d\d/\d\d/\d{4} \| .*)$",
    re.MULTILINE,
)
_DATELINES = {"penza-belta-doubled": "MINSK, 1 April (BelTA)", "vologda-belta": None}


def _clean(text: str) -> str:
    return _FURNITURE.sub("", text).strip()


def _key(f: dict[str, Any] | FoundTrade) -> tuple[Any, ...]:
    if isinstance(f, FoundTrade):
        return (f.period, f.flow, f.amount_usd, f.qualifier, f.growth_pct)
    return (f["period"], f["flow"], f["amount_usd"], f["qualifier"], f["growth_pct"])


def _matches(found: FoundTrade, gold: dict[str, Any]) -> bool:
    """The contract's rule: same period and flow, amounts within 2%."""
    return (found.period, found.flow) == (gold["period"], gold["flow"]) and abs(
        found.amount_usd - gold["amount_usd"]
    ) <= 0.02 * gold["amount_usd"]


def _year(text: str) -> int | None:
    iso = resolve_meeting_date(text).iso
    return int(iso[:4]) if iso else None


@pytest.mark.parametrize("name", SEEDS)
def test_trade_figures_match_gold_exactly(
    name: str, seed_texts: dict[str, str], gold_records: dict[str, dict[str, Any]]
) -> None:
    text = _clean(seed_texts[name])
    gold = gold_records[name]["trade_figures"]
    optional = gold_records[name].get("trade_figures_optional", [])
    found = find_trade_figures(text, meeting_year=_year(text))
    required = [f for f in found if not any(_matches(f, o) for o in optional)]
    # every gold figure found, nothing else but optional items
    assert len(required) == len(gold)
    for g in gold:
        hit = [f for f in required if _matches(f, g)]
        assert len(hit) == 1, g
        assert (hit[0].qualifier, hit[0].growth_pct) == (g["qualifier"], g["growth_pct"])


@pytest.mark.parametrize("name", SEEDS)
def test_trade_spans_point_at_the_amount(name: str, seed_texts: dict[str, str]) -> None:
    text = _clean(seed_texts[name])
    for f in find_trade_figures(text, meeting_year=_year(text)):
        phrase = text[f.start : f.end]
        assert re.search(r"\$|dollars", phrase)
        assert re.search(r"\d|three", phrase)
        f.to_model()  # valid against the contract's model


def test_penza_last_year_needs_the_meeting_year(seed_texts: dict[str, str]) -> None:
    found = find_trade_figures(_clean(seed_texts["penza-belta-doubled"]), meeting_year=None)
    exports = [f for f in found if f.flow == "exports"]
    assert [(f.period, f.amount_usd) for f in exports] == [(None, 91e6)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Trade between Belarus and Kursk Oblast grew by 5% to $410 million in 2024.",
            [("2024", "turnover", 410e6, "exact", 5.0)],
        ),
        (
            "Mutual trade decreased 3% to $1.1 billion last year.",
            [("2024", "turnover", 1.1e9, "exact", -3.0)],
        ),
        (
            "In the first half of 2025, trade turnover stood at $250.5 million, "
            "which is 112.3% year-on-year.",
            [("2025-01/2025-06", "turnover", 250.5e6, "exact", 12.3)],
        ),
        (
            "Bilateral trade topped $900 million in 2022. It rose to $1 billion in 2023.",
            [("2022", "turnover", 9e8, "over", None), ("2023", "turnover", 1e9, "exact", None)],
        ),
        (
            "Belarusian imports from the region totalled $45 million in 2023.",
            [("2023", "imports", 45e6, "exact", None)],
        ),
        (
            "The region's exports to Belarus amounted to about $60 million in 2024.",
            [("2024", "imports", 60e6, "approx", None)],
        ),
        (
            "Supplies of Belarusian goods to the region exceeded $75 million in 2024.",
            [("2024", "exports", 75e6, "over", None)],
        ),
        (
            "Trade came to $1.2 billion in 2023, and $900 million in January-June 2024.",
            [
                ("2023", "turnover", 1.2e9, "exact", None),
                ("2024-01/2024-06", "turnover", 9e8, "exact", None),
            ],
        ),
        (
            "In January-August this year the trade came to almost $900 million.",
            [("2025-01/2025-08", "turnover", 9e8, "under", None)],
        ),
        (
            "In the first seven months of this year it reached $260 million, having grown by 15%.",
            [],  # no trade word and no trade sentence before it
        ),
        (
            "Trade grew strongly. In the first seven months of this year it reached "
            "$260 million, having grown by 15%.",
            [("2025-01/2025-07", "turnover", 260e6, "exact", 15.0)],
        ),
        (
            "In 2024 our trade reached $1.3 billion. Belarusian exports amounted to "
            "$780 million, imports from the region to about $520 million.",
            [
                ("2024", "turnover", 1.3e9, "exact", None),
                ("2024", "exports", 780e6, "exact", None),
                ("2024", "imports", 520e6, "approx", None),
            ],
        ),
        (
            "В 2024 году товарооборот Беларуси и Татарстана составил $1,2 млрд, "
            "увеличившись на 12%.",
            [("2024", "turnover", 1.2e9, "exact", 12.0)],
        ),
        (
            "В январе-июне 2025 года экспорт белорусской продукции в регион превысил "
            "91 млн долларов.",
            [("2025-01/2025-06", "exports", 91e6, "over", None)],
        ),
        (
            "Товарооборот в 2024 году составил около 82 млн долларов, в прошлом году - "
            "почти 700 млн долларов.",
            [("2024", "turnover", 82e6, "approx", None), ("2024", "turnover", 7e8, "under", None)],
        ),
    ],
)
def test_trade_figures_other_phrasings(sentence: str, expected: list[tuple[Any, ...]]) -> None:
    assert [_key(f) for f in find_trade_figures(sentence, meeting_year=2025)] == [
        (p, fl, pytest.approx(a), q, g) for p, fl, a, q, g in expected
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "The parties plan to increase trade to $2 billion by 2030.",
        "Joint projects are expected to elevate trade to $1 billion within five years.",
        "We must work hard to make trade get back to $5 billion.",
        "Товарооборот планируется довести до $1 млрд к 2027 году.",
        "Investments in the trade hub exceeded $30 million in 2024.",
        "The plant cost $30 million to build in 2024.",  # no trade word at all
    ],
)
def test_targets_and_non_trade_amounts_are_left_out(sentence: str) -> None:
    assert find_trade_figures(sentence, meeting_year=2025) == []


def test_repeated_paragraph_gives_each_figure_once() -> None:
    paragraph = "In 2024, bilateral trade reached $152 million, up 10% over 2023.\n"
    found = find_trade_figures(paragraph * 3, meeting_year=2025)
    assert [_key(f) for f in found] == [("2024", "turnover", 152e6, "exact", 10.0)]


# --- location and region -------------------------------------------------------


@pytest.mark.parametrize("name", SEEDS)
def test_location_matches_gold(
    name: str, seed_texts: dict[str, str], gold_records: dict[str, dict[str, Any]]
) -> None:
    text = _clean(seed_texts[name])
    got = find_location(text, dateline=_DATELINES.get(name))
    gold = gold_records[name]["location"]
    assert got is not None
    assert (got.city, got.country) == (gold["city"], gold["country"])
    assert got.span is not None
    assert text[got.span[0] : got.span[1]] in {
        "Minsk",
        "MINSK",
        "Belarus",
        "Palace of Independence",
    }


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        ("ORSHA, 3 May (BelTA) – Talks were held.", "Orsha", "BY"),
        ("The governor arrived in Minsk on Monday.", "Minsk", "BY"),
        ("Губернатор прибыл в Минск с делегацией.", "Minsk", "BY"),
        ("He is on a working visit to Belarus.", None, "BY"),
        ("The meeting was held in the Kremlin.", "Moscow", "RU"),
        ("Talks in Moscow went well.", "Moscow", "RU"),
        ("KAZAN, 9 October (BelTA) – The prime minister met the Rais.", "Kazan", "RU"),
        ("He arrived in Samara on Tuesday.", "Samara", "RU"),
        ("The minister is on a visit to Tatarstan.", None, "RU"),
        ("SYDNEY, 9 October – A meeting.", "Sydney", None),
    ],
)
def test_location_other_phrasings(text: str, city: str | None, country: str) -> None:
    got = find_location(text)
    assert got is not None
    assert (got.city, got.country) == (city, country)


def test_location_none_when_nothing_says() -> None:
    assert find_location("The president spoke about tractors.") is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("penza-belta-doubled", "RU-PNZ"),
        ("samara-rewrite", "RU-SAM"),
        ("smolensk-press-release", "RU-SMO"),
        ("vologda-belta", "RU-VLG"),
        ("vologda-rewrite", "RU-VLG"),
    ],
)
def test_region_for_each_seed(
    name: str, code: str, seed_texts: dict[str, str], gold_records: dict[str, dict[str, Any]]
) -> None:
    text = _clean(seed_texts[name])
    got = find_region(text)
    assert got is not None
    assert got.iso == code == gold_records[name]["region"]["iso_code"]
    assert got.name == gold_records[name]["region"]["name"]
    assert got.name.split()[0] in text[got.span[0] : got.span[1]]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Губернатор Пензенской области Олег Мельниченко прибыл в Минск.", "RU-PNZ"),
        ("He met the head of the Republic of Tatarstan. Moscow, Moscow, Moscow.", "RU-TA"),
        ("The Governor of Tula Region and the Deputy Governor of Kaluga Region.", "RU-TUL"),
        ("Deputy Governor of Kaluga Region; the Governor of Tula Region.", "RU-TUL"),
        ("Vitebsk Oblast Governor met Bryansk Oblast officials.", "RU-BRY"),
    ],
)
def test_region_prefers_the_governors_region(text: str, code: str) -> None:
    got = find_region(text)
    assert got is not None and got.iso == code


def test_region_none_without_a_russian_region() -> None:
    assert find_region("Vitebsk Oblast Governor met Minsk officials.") is None
    # bare market names are not a region met with
    assert find_region("Moscow and St Petersburg are the largest buyers.") is None
    assert find_region("He met Mayor of Moscow Sergei Sobyanin.") is not None


def test_region_for_every_example_with_gold(
    articles_dir: Any, gold_records: dict[str, dict[str, Any]]
) -> None:
    for name, gold in gold_records.items():
        text = _clean((articles_dir / f"{name}.txt").read_text(encoding="utf-8"))
        got = find_region(text)
        expected = (gold.get("region") or {}).get("iso_code")
        assert (got.iso if got else None) == expected, name


# --- quotes, agreements, companies ---------------------------------------------


def test_find_quotes_takes_quoted_statements_with_attribution() -> None:
    from briefx._rules import find_quotes

    text = (
        "The governor spoke. “We are ready to build a joint assembly plant in the region,” "
        "said Gleb Nikitin.\n«Мы готовы собирать у вас наши автобусы и грузовики», – сказал он.\n"
        "A short “aside” is not a quote."
    )
    quotes = find_quotes(text)
    assert [q.text for q in quotes] == [
        "We are ready to build a joint assembly plant in the region",
        "Мы готовы собирать у вас наши автобусы и грузовики",
    ]
    assert "Gleb Nikitin" in quotes[0].attribution
    assert all(text[q.start : q.end] == q.text for q in quotes)


def test_find_agreements_reads_status_from_the_sentence() -> None:
    from briefx._rules import find_agreements

    text = (
        "We signed a roadmap for cooperation for 2025-2027. An agreement on the assembly of "
        "elevators is to be signed before the end of the year. The sides proposed a memorandum "
        "on education. Plans are underway to open a service centre."
    )
    found = [(a.title, a.status) for a in find_agreements(text)]
    assert found == [
        ("roadmap for cooperation for 2025-2027", "signed"),
        ("agreement on the assembly of elevators", "planned"),
        ("memorandum on education", "proposed"),
    ]


def test_find_organizations_by_cue_not_by_capital_letter() -> None:
    from briefx._rules import find_organizations

    text = (
        "Key enterprises of the sector, including Progress, TTM (Tolyatti Plant), and AviaCorp, "
        "work there. The BELAVTOMAZ holding and the Tolyatti Machine-Building Plant took part. "
        "Buses by ‘Volgabus’ run in Minsk. Amkador loaders too."
    )
    names = [name for name, _, _ in find_organizations(text, {"Amkador": "Amkodor"})]
    assert names == ["Progress", "TTM", "AviaCorp", "BELAVTOMAZ", "Volgabus", "Amkodor"]


def test_find_organizations_in_russian_guillemets_after_a_company_word() -> None:
    from briefx._rules import find_organizations

    text = (
        "Компания «Башнефть» поставляет нефтепродукты. Работают комбайны «Гомсельмаш». «Слово» нет."
    )
    assert [n for n, _, _ in find_organizations(text, {})] == ["Башнефть", "Гомсельмаш"]


def test_find_people_takes_titled_names_only() -> None:
    from briefx._rules import find_people

    text = (
        "TYUMEN, 2 September – Belarus' Deputy Prime Minister Viktor Karankevich held talks with "
        "Tyumen Oblast Governor Aleksandr Moor. On July 21 the plant opened. "
        "Viktor Karanchevich, Deputy Prime Minister of Belarus: “We propose it.”"
    )
    assert [(p.name, p.position) for p in find_people(text)] == [
        ("Viktor Karankevich", "Deputy Prime Minister"),
        ("Aleksandr Moor", "Tyumen Oblast Governor"),
        ("Viktor Karanchevich", "Deputy Prime Minister of Belarus"),
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["MAZ", "BELAZ", "MAZ-", "-MAZ", "МАЗ", "_", " ", "a", "1", "é", ","]))
)
def test_whole_word_search_equals_the_lookaround_regex(parts: list[str]) -> None:
    text = "".join(parts)
    for literal in ("MAZ", "МАЗ", "BELAZ"):
        pattern = rf"(?<![\w-]){re.escape(literal)}(?![\w-])"
        expected = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
        assert list(_whole_words(text, literal)) == expected
