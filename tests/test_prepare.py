"""Text preparation: boilerplate, repeats, offsets, learned facts, bad input, properties."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from briefx._errors import BriefxError, InputError
from briefx._prepare import (
    NEAR_REPEAT_THRESHOLD,
    RULES,
    PreparedText,
    looks_like_html,
    normalise_paragraph,
    prepare,
    similarity,
)

DATA = Path(__file__).parent / "data"

# Hand-checked: every non-blank line of each seed that is page furniture. All
# other lines are content and must survive (Penza also loses its 5 repeats).
FURNITURE = {
    "penza-belta-doubled": set(),
    "samara-rewrite": {"3.74 BYN", "2.94 BYN", "3.42 BYN"},
    "smolensk-press-release": {
        "11/18/2024 | Press release | Distributed by Public on 11/18/2024 07:25"
    },
    "vologda-belta": {
        "Projects",
        "Government Bodies",
        "Flag Monday, 25 August 2025",
        "All news",
        "President",
        "25 August 2025, 11:39",
        "Follow us on:",
        "X",
        "Recent news from Belarus",
    },
    "vologda-rewrite": {"3.69 BYN", "2.98 BYN", "3.49 BYN"},
    "bryansk-wire": {"12 March 2025, 14:05"},
    "dairy-review": {"Economy", "4 February 2025, 10:20"},
    "krasnoyarsk-regional": {
        "USD 2.9312",
        "EUR 3.4107",
        "RUB 100 3.6015",
        "Wednesday, 10.09.2025",
        "News | Economy | Society | Region | Sport",
        "Share",
        "Read also: Belarus and Sverdlovsk Oblast trade tops $1 billion",
        "Read also: Minsk Tractor Works opens dealer centre in Kazakhstan",
        "Tags: Lukashenko, Krasnoyarsk Krai, BelAZ",
        "© 2025 Minsk Regional News. All rights reserved.",
    },
    "nizhny-ru": {"15 мая 2025, 12:30"},
    "omsk-caption": set(),
    "tatarstan-interview": {"Government", "9 October 2025, 19:45"},
    "leningrad-tass": {"Published 16.10.2025 14:20"},
    "bashkortostan-ru": {
        "Главная / Экономика / Новости",
        "09.04.2025, 17:42",
        "Фото: пресс-служба Главы РБ",
    },
    "tyumen-short": {
        "BELARUS TODAY | Economy | Regions | Sport",
        "EUR 3.52 | USD 3.01",
        "2 September 2025, 16:10",
        "Share: VK | Telegram | OK | Copy link",
        "More news:",
        "Belarus, Uzbekistan eye joint pharmaceutical projects worth $500 million",
        "Minsk to host international dairy exhibition in October",
        "National team names squad for autumn qualifiers",
    },
}
PARAGRAPHS = {
    "penza-belta-doubled": 10,
    "samara-rewrite": 23,
    "smolensk-press-release": 30,
    "vologda-belta": 14,
    "vologda-rewrite": 26,
    "bryansk-wire": 2,
    "dairy-review": 7,
    "krasnoyarsk-regional": 6,
    "nizhny-ru": 7,
    "omsk-caption": 1,
    "tatarstan-interview": 15,
    "leningrad-tass": 10,
    "bashkortostan-ru": 8,
    "tyumen-short": 3,
}
# (title, dateline, page_date, outlet) each seed must yield
FACTS = {
    "penza-belta-doubled": (None, "MINSK, 1 April (BelTA)", None, "BelTA"),
    "samara-rewrite": (
        "President of Belarus Engages in High-Level Talks with Governor of Samara Region",
        None,
        None,
        None,
    ),
    "smolensk-press-release": (None, None, "2024-11-18", "Press release"),
    "vologda-belta": (
        "Lukashenko outlines cooperation areas with Russia’s Vologda Oblast",
        "MINSK, 25 August (BelTA)",
        "2025-08-25",
        "BelTA",
    ),
    "vologda-rewrite": (
        "Lukashenko to Governor Filimonov: Together We Will Overcome All Difficulties",
        None,
        None,
        None,
    ),
    "bryansk-wire": (
        "Lukashenko, Bryansk Oblast governor discuss machinery supplies",
        "MINSK, 12 March (BelTA)",
        "2025-03-12",
        "BelTA",
    ),
    "dairy-review": (
        "Belarus' dairy exports hit record high in 2024",
        "MINSK, 4 February (BelTA)",
        "2025-02-04",
        "BelTA",
    ),
    "krasnoyarsk-regional": (
        "Lukashenko and Krasnoyarsk governor agree to bring mining machinery closer to "
        "Siberian clients",
        None,
        "2025-09-10",
        "Minsk Regional News",
    ),
    "nizhny-ru": (
        "Лукашенко: Беларусь готова наращивать поставки техники в Нижегородскую область",
        "МИНСК, 15 мая (БЕЛТА)",
        "2025-05-15",
        "БЕЛТА",
    ),
    "omsk-caption": (None, None, None, None),
    "tatarstan-interview": (
        "Turchin: Belarus and Tatarstan to go from supplies to joint production",
        "KAZAN, 9 October (BelTA)",
        "2025-10-09",
        "BelTA",
    ),
    "leningrad-tass": (
        "Lukashenko, Leningrad Region governor discuss forestry machinery, housing construction",
        "MINSK, October 16. /TASS/.",
        "2025-10-16",
        "TASS",
    ),
    "bashkortostan-ru": (
        "Радий Хабиров и Александр Турчин обсудили сборку комбайнов и поставки нефтепродуктов",
        "Уфа, 9 апреля 2025 года.",
        "2025-04-09",
        None,
    ),
    "tyumen-short": (
        "Karankevich, Moor discuss MAZ buses and elevators for Tyumen",
        "TYUMEN, 2 September",
        "2025-09-02",
        None,
    ),
}


@pytest.fixture(scope="module")
def all_seeds(articles_dir: Path) -> dict[str, str]:
    """Every example article (conftest's ``seed_texts`` holds only the first five)."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(articles_dir.glob("*.txt"))}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _assert_offsets(prep: PreparedText) -> None:
    for r in prep.removed:
        assert prep.original[r.start : r.end] == r.text
    for a, b in prep.paragraphs:
        s, e = prep.to_original(a, b)
        assert prep.original[s:e] == prep.text[a:b]
    for clean_start, orig_start, length in prep.segments:
        assert (
            prep.text[clean_start : clean_start + length]
            == prep.original[orig_start : orig_start + length]
        )


# --- seeds --------------------------------------------------------------------


@pytest.fixture(scope="module")
def prepared(all_seeds: dict[str, str]) -> dict[str, PreparedText]:
    return {name: prepare(text, source_id=name) for name, text in all_seeds.items()}


def test_every_example_is_checked(all_seeds: dict[str, str], seed_texts: dict[str, str]) -> None:
    assert set(seed_texts) <= set(all_seeds) == set(FURNITURE) == set(PARAGRAPHS) == set(FACTS)


def test_penza_has_ten_paragraphs_and_no_repeats(prepared: dict[str, PreparedText]) -> None:
    prep = prepared["penza-belta-doubled"]
    keys = [normalise_paragraph(p) for p in prep.paragraph_texts]
    assert len(keys) == 10
    assert len(set(keys)) == 10
    assert [r.reason for r in prep.removed] == ["repeat"] * 5
    assert all(r.text in prep.paragraph_texts for r in prep.removed)


@pytest.mark.parametrize("name", sorted(PARAGRAPHS))
def test_seed_keeps_every_content_line(name: str, all_seeds: dict[str, str]) -> None:
    prep = prepare(all_seeds[name], source_id=name)
    content = list(dict.fromkeys(ln for ln in _lines(all_seeds[name]) if ln not in FURNITURE[name]))
    assert list(prep.paragraph_texts) == content
    assert len(prep.paragraphs) == PARAGRAPHS[name]


@pytest.mark.parametrize("name", sorted(PARAGRAPHS))
def test_seed_keeps_no_ticker_or_navigation(name: str, prepared: dict[str, PreparedText]) -> None:
    prep = prepared[name]
    kept = set(prep.paragraph_texts)
    assert not kept & FURNITURE[name]
    assert {r.text for r in prep.removed if r.reason != "repeat"} == FURNITURE[name]
    for para in kept:
        assert not any(rule.pattern.match(para) for rule in RULES), para


@pytest.mark.parametrize("name", sorted(PARAGRAPHS))
def test_seed_offsets_map_back(name: str, prepared: dict[str, PreparedText]) -> None:
    prep = prepared[name]
    assert prep.original == prepared[name].original
    _assert_offsets(prep)
    # Any span inside a paragraph maps exactly, not just whole paragraphs.
    for a, b in prep.paragraphs:
        for s, e in ((a + 3, b - 2), (a + (b - a) // 2, b), (a, a + 1)):
            os_, oe = prep.to_original(s, e)
            assert prep.original[os_:oe] == prep.text[s:e]


def test_text_is_paragraphs_joined_by_blank_lines(prepared: dict[str, PreparedText]) -> None:
    for prep in prepared.values():
        assert prep.text == "\n\n".join(prep.paragraph_texts)
        assert not prep.warnings


def test_vologda_belta_facts(prepared: dict[str, PreparedText]) -> None:
    prep = prepared["vologda-belta"]
    assert prep.page_date == "2025-08-25"
    assert prep.outlet == "BelTA"
    assert prep.dateline == "MINSK, 25 August (BelTA)"
    assert prep.title == "Lukashenko outlines cooperation areas with Russia’s Vologda Oblast"
    assert prep.paragraph_texts[0] == prep.title
    assert prep.paragraph_texts[1].startswith("MINSK, 25 August (BelTA) –")


def test_smolensk_facts(prepared: dict[str, PreparedText]) -> None:
    prep = prepared["smolensk-press-release"]
    assert prep.page_date == "2024-11-18"
    assert prep.outlet == "Press release"
    assert prep.title is None
    assert prep.dateline is None


def test_penza_facts(prepared: dict[str, PreparedText]) -> None:
    prep = prepared["penza-belta-doubled"]
    assert prep.dateline == "MINSK, 1 April (BelTA)"
    assert prep.outlet == "BelTA"
    assert prep.page_date is None  # no year anywhere on the page
    assert prep.title is None


@pytest.mark.parametrize("name", sorted(FACTS))
def test_seed_facts(name: str, prepared: dict[str, PreparedText]) -> None:
    prep = prepared[name]
    assert (prep.title, prep.dateline, prep.page_date, prep.outlet) == FACTS[name]
    if prep.title:
        assert prep.paragraph_texts[0] == prep.title  # the headline stays as content
    if prep.dateline:
        # headline, standfirst and a byline may come before it
        assert any(p.startswith(prep.dateline) for p in prep.paragraph_texts[:5])


def test_distinct_seed_paragraphs_are_not_near_repeats(all_seeds: dict[str, str]) -> None:
    for text in all_seeds.values():
        keys = list(dict.fromkeys(normalise_paragraph(ln) for ln in _lines(text)))
        keys = [k for k in keys if len(k) >= 50]
        worst = max(
            (similarity(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]), default=0.0
        )
        assert worst < 0.7 < NEAR_REPEAT_THRESHOLD


def test_deterministic(all_seeds: dict[str, str]) -> None:
    for text in all_seeds.values():
        assert prepare(text) == prepare(text)


# --- repeats ------------------------------------------------------------------


def test_near_repeat_with_two_word_edit_is_dropped(seed_texts: dict[str, str]) -> None:
    para = next(ln for ln in _lines(seed_texts["vologda-belta"]) if "tractor manufacturing" in ln)
    edited = para.replace("tractor manufacturing", "tractor production", 1)
    assert edited != para
    prep = prepare(f"{para}\n\n{edited}\n\nA closing sentence of the article.")
    assert prep.paragraph_texts == (para, "A closing sentence of the article.")
    assert prep.removed[0].reason == "near-repeat"
    assert prep.removed[0].text == edited


def test_repeat_ignores_quotes_case_and_spacing() -> None:
    first = "“We are ready to work with you,” the president said."
    again = '"we are  ready to work with you" , The President said'
    prep = prepare(f"{first}\n{again}\nAnother paragraph entirely.")
    assert prep.paragraph_texts == (first, "Another paragraph entirely.")
    assert prep.removed[0].reason == "repeat"


def test_short_paragraphs_are_not_near_repeats() -> None:
    text = "The plant makes tractors.\nThe plant makes buses.\nThat is all."
    assert len(prepare(text).paragraphs) == 3


# --- furniture ----------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "3.69 BYN",
        "3.43 RUB",
        "1 USD 3.27",
        "USD 3.0215",
        "Projects",
        "Government Bodies",
        "Flag Monday, 25 August 2025",
        "All news",
        "25 August 2025, 11:39",
        "Follow us on:",
        "X",
        "Telegram",
        "© BelTA, 1999-2025. All rights reserved.",
        "RU BE EN PL CN",
        "* * *",
        "Photo: BelTA",
        "RUB 100 3.6015",
        "Wednesday, 10.09.2025",
        "News | Economy | Society | Region | Sport",
        "Read also: Minsk Tractor Works opens dealer centre in Kazakhstan",
        "Tags: Lukashenko, BelAZ",
        "Все новости",
    ],
)
def test_furniture_line_is_removed(line: str) -> None:
    prep = prepare(f"{line}\nThe president met the governor on Monday.\n")
    assert prep.paragraph_texts == ("The president met the governor on Monday.",)
    assert [r.text for r in prep.removed] == [line]


@pytest.mark.parametrize(
    "line", ["Exports | $4.4 billion | up 5%", "2023 | 2024", "Economy", "Belarus"]
)
def test_content_like_short_lines_are_kept(line: str) -> None:
    text = f"The president met the governor on Monday.\n{line}\nTrade grew, he said."
    assert line in prepare(text).paragraph_texts


def test_section_label_is_content_unless_above_furniture() -> None:
    text = (
        "President\n25 August 2025, 11:39\nThe talks took place in Minsk.\n"
        "Economy\nTrade grew by ten percent last year, the president said."
    )
    prep = prepare(text)
    assert "Economy" in prep.paragraph_texts
    assert "President" not in prep.paragraph_texts


def test_headline_list_after_marker_is_removed() -> None:
    text = (
        "The talks took place in Minsk on Monday.\nTrade grew by ten percent, he said.\n"
        "Read also:\nBelarus to host international youth forum\nNew bridge opens in Grodno\n"
    )
    prep = prepare(text)
    assert len(prep.paragraphs) == 2
    assert {r.reason for r in prep.removed} == {"related-headlines"}


def test_bare_trailing_headline_run_needs_three_lines() -> None:
    body = "The talks took place in Minsk on Monday.\nTrade grew by ten percent, he said.\n"
    three = "Belarus to host youth forum\nNew bridge opens in Grodno\nHarvest nears completion\n"
    assert len(prepare(body + three).paragraphs) == 2
    two = "New bridge opens in Grodno\nHarvest nears completion\n"
    assert len(prepare(body + two).paragraphs) == 4


def test_alarm_when_most_text_is_removed() -> None:
    text = "\n".join(["3.69 BYN", "3.43 RUB", "All news", "Projects", "Government Bodies"] * 3)
    prep = prepare(text + "\nShort article.")
    assert prep.warnings and "removed" in prep.warnings[0]


def test_russian_article() -> None:
    para = (
        "МИНСК, 1 апреля (БЕЛТА) – Президент Беларуси Александр Лукашенко встретился "
        "с губернатором Пензенской области Олегом Мельниченко."
    )
    body = "Товарооборот в 2024 году составил $152 млн, что на 10% больше, чем годом ранее."
    text = f"Все новости\n3.43 RUB\nПрезидент\n25 августа 2025, 11:39\n\n{para}\n{body}\n{para}\n"
    prep = prepare(text, source_id="ru")
    assert prep.paragraph_texts == (para, body)
    assert prep.dateline == "МИНСК, 1 апреля (БЕЛТА)"
    assert prep.outlet == "БЕЛТА"
    assert prep.page_date == "2025-08-25"
    _assert_offsets(prep)


def test_dateline_with_year_gives_page_date() -> None:
    prep = prepare("MINSK, 1 April 2025 (BelTA) – The president met the governor.")
    assert prep.page_date == "2025-04-01"


# --- HTML ---------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["belta-vologda-page.html", "belta-vologda-flat.html"])
def test_html_page(fixture: str, seed_texts: dict[str, str]) -> None:
    page = (DATA / fixture).read_text(encoding="utf-8")
    prep = prepare(page, source_id=fixture)
    expected = prepare(seed_texts["vologda-belta"])
    assert prep.is_html
    assert prep.paragraph_texts == expected.paragraph_texts
    assert prep.title == expected.title
    assert prep.page_date == "2025-08-25"
    assert prep.outlet == "BelTA"
    assert prep.dateline == "MINSK, 25 August (BelTA)"
    assert "repeat" in {r.reason for r in prep.removed}  # the fixture repeats one paragraph
    assert "<" not in prep.original
    _assert_offsets(prep)


def test_html_title_loses_site_suffix_and_keeps_headline() -> None:
    page = (DATA / "belta-vologda-flat.html").read_text(encoding="utf-8")
    headline = "Lukashenko outlines cooperation areas with Russia’s Vologda Oblast"
    page = page.replace(
        f"<title>{headline}</title>", f"<title>{headline} - Belarus News | BelTA</title>"
    )
    prep = prepare(page)
    assert prep.title == headline
    assert prep.paragraph_texts[0] == headline
    assert len(prep.paragraphs) == 14


def test_html_detection(seed_texts: dict[str, str]) -> None:
    assert looks_like_html((DATA / "belta-vologda-page.html").read_text(encoding="utf-8"))
    assert looks_like_html("<div><p>a</p><p>b</p><p>c</p></div>")
    assert not any(looks_like_html(text) for text in seed_texts.values())


def test_html_without_article() -> None:
    page = "<!doctype html><html><body><nav><a href='/'>Home</a></nav></body></html>"
    with pytest.raises(InputError, match="no article") as info:
        prepare(page, source_id="index.html")
    assert info.value.input_id == "index.html"
    assert info.value.hint


# --- bad input ----------------------------------------------------------------


@pytest.mark.parametrize("source", ["", "   \n\t \n", b"", b"  \n"])
def test_empty_input(source: str | bytes) -> None:
    with pytest.raises(InputError, match="is empty") as info:
        prepare(source, source_id="a.txt")
    assert info.value.input_id == "a.txt"
    assert info.value.hint


def test_cp1251_bytes_are_named() -> None:
    data = "МИНСК, 1 апреля (БЕЛТА) – Президент встретился с губернатором.".encode("cp1251")
    with pytest.raises(InputError, match=r"not UTF-8.*cp1251") as info:
        prepare(data, source_id="ru.txt")
    assert info.value.input_id == "ru.txt"
    assert "ru.txt" in str(info.value)


def test_utf8_bytes_with_bom() -> None:
    text = "The president met the governor on Monday."
    prep = prepare(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert prep.text == text


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


@pytest.mark.parametrize("source", [b"\x00\x01\x02PK\x03\x04binary", "text\x00with NUL", PNG])
def test_binary_input(source: str | bytes) -> None:
    with pytest.raises(InputError, match="looks binary") as info:
        prepare(source, source_id="blob")
    assert info.value.input_id == "blob"
    assert "PDF" in (info.value.hint or "")


def test_too_long() -> None:
    with pytest.raises(InputError, match="over the limit") as info:
        prepare("word " * 1000, source_id="big", max_chars=100)
    assert "max_input_chars" in (info.value.hint or "")
    with pytest.raises(InputError, match="bytes, over the limit"):
        prepare(b"word " * 1000, max_chars=100)
    assert prepare("The president met the governor.", max_chars=100).text


def test_only_boilerplate() -> None:
    with pytest.raises(InputError, match="no article paragraphs"):
        prepare("3.69 BYN\nProjects\nAll news\nFollow us on:\nX\n", source_id="menu")


def test_errors_are_briefx_errors() -> None:
    assert issubclass(InputError, BriefxError)


def test_to_original_rejects_outside_span(prepared: dict[str, PreparedText]) -> None:
    prep = prepared["samara-rewrite"]
    with pytest.raises(ValueError, match="outside"):
        prep.to_original(0, len(prep.text) + 1)


# --- performance --------------------------------------------------------------


def test_five_megabytes_in_seconds(seed_texts: dict[str, str]) -> None:
    joined = "\n\n".join(seed_texts.values())
    big = "\n\n".join([joined] * (5_000_000 // len(joined) + 1))
    start = time.perf_counter()
    prep = prepare(big)
    assert time.perf_counter() - start < 10
    assert len(prep.paragraphs) < 110


def test_ten_thousand_distinct_paragraphs_in_seconds() -> None:
    rng = random.Random(7)
    words = [f"w{i}" for i in range(3000)]
    paras = [" ".join(rng.choices(words, k=60)) + "." for _ in range(10_000)]
    start = time.perf_counter()
    prep = prepare("\n".join(paras))
    assert time.perf_counter() - start < 15
    assert len(prep.paragraphs) == 10_000


# --- properties ---------------------------------------------------------------

_WORDS = [
    "trade",
    "president",
    "governor",
    "machinery",
    "region",
    "tractors",
    "elevators",
    "Minsk",
    "Vologda",
    "cooperation",
    "million",
    "exports",
    "growth",
    "агрегат",
    "область",
    "губернатор",
    "сотрудничество",
    "the",
    "of",
    "and",
    "in",
    "with",
    "2024",
    "$316.4",
    "“quote”",
    "–",
    "said",
]
_FURNITURE_LINES = [
    "3.69 BYN",
    "All news",
    "Projects",
    "Follow us on:",
    "X",
    "25 August 2025, 11:39",
]

_sentence = st.lists(st.sampled_from(_WORDS), min_size=3, max_size=40).map(
    lambda ws: " ".join(ws).capitalize() + "."
)
_line = st.one_of(_sentence, _sentence, st.sampled_from(_FURNITURE_LINES))
_doc = st.tuples(
    st.lists(_line, min_size=1, max_size=25),
    st.lists(st.sampled_from(["\n", "\n\n", "\n  \n", "\r\n"]), min_size=25, max_size=25),
    st.lists(st.integers(0, 24), max_size=8),  # which lines to repeat later
).map(lambda t: _join(t[0] + [t[0][i % len(t[0])] for i in t[2]], t[1]))
_any_text = st.lists(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60)
    | st.sampled_from(["\n", "\n\n", " ", "\t", "3.69 BYN\n", "All news\n", "\u2028"]),
    max_size=20,
).map("".join)


def _join(lines: list[str], seps: list[str]) -> str:
    return "".join(line + seps[i % len(seps)] for i, line in enumerate(lines))


def _prepare_or_none(text: str) -> PreparedText | None:
    try:
        return prepare(text)
    except InputError:
        return None


_PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPS
@given(st.one_of(_doc, _any_text))
def test_cleaning_is_idempotent(text: str) -> None:
    prep = _prepare_or_none(text)
    assume(prep is not None)
    assert prep is not None
    again = prepare(prep.text)
    assert again.text == prep.text
    assert again.removed == ()


@_PROPS
@given(st.one_of(_doc, _any_text), st.data())
def test_offsets_always_map_back(text: str, data: st.DataObject) -> None:
    prep = _prepare_or_none(text)
    assume(prep is not None)
    assert prep is not None
    _assert_offsets(prep)
    a, b = prep.paragraphs[data.draw(st.integers(0, len(prep.paragraphs) - 1))]
    s = data.draw(st.integers(a, b))
    e = data.draw(st.integers(s, b))
    os_, oe = prep.to_original(s, e)
    assert prep.original[os_:oe] == prep.text[s:e]
    # Every non-blank line is either kept or reported as removed.
    assert len(prep.paragraphs) + len(prep.removed) == len(_lines(prep.original))


@_PROPS
@given(st.lists(_sentence, min_size=1, max_size=8, unique=True), st.data())
def test_repeat_removal_keeps_first_occurrence(base: list[str], data: st.DataObject) -> None:
    keys = [normalise_paragraph(p) for p in base]
    assume(len(set(keys)) == len(keys))
    assume(
        all(
            similarity(a, b) < NEAR_REPEAT_THRESHOLD
            for i, a in enumerate(keys)
            for b in keys[i + 1 :]
        )
    )
    order = data.draw(st.lists(st.integers(0, len(base) - 1), min_size=len(base), max_size=30))
    sequence = base + [base[i] for i in order]
    sequence = data.draw(st.permutations(sequence))
    prep = prepare("\n".join(sequence))
    assert prep.paragraph_texts == tuple(dict.fromkeys(sequence))
    starts = [sum(len(p) + 1 for p in sequence[:i]) for i in range(len(sequence))]
    firsts = {p: starts[sequence.index(p)] for p in base}
    kept_starts = {prep.to_original(a, b)[0] for a, b in prep.paragraphs}
    assert set(firsts.values()) == kept_starts
    assert {r.reason for r in prep.removed} <= {"repeat"}
