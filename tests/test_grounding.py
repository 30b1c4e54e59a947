"""Grounding: spans found in the cleaned text, on the seeds, Cyrillic text and misses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefx._errors import InputError
from briefx._grounding import Span, align, find_verbatim, number_in_text, percent_in_text

RUSSIAN = (
    "МИНСК, 25 августа (БЕЛТА) – Президент Беларуси Александр Лукашенко встретился с "
    "губернатором Вологодской области Георгием Филимоновым.\n"
    "«Мы готовы работать с вами по лифтам. Идёт массовая замена лифтов», — сказал "
    "Александр Лукашенко.\n"
    "В январе-июне 2025 года товарооборот составил $316,4 млн, или 100,9% к уровню "
    "прошлого года. В 2024 году взаимная торговля достигла 678,1 млн долларов, "
    "а с Самарской областью – почти $3 млрд. В 2023 году – 2,9 млрд. долл. США"
)


def source(text: str, span: Span | None) -> str:
    assert span is not None
    assert 0 <= span.start < span.end <= len(text)
    return text[span.start : span.end]


# --- align -------------------------------------------------------------------


def test_exact_sentence_from_seed(seed_texts: dict[str, str]) -> None:
    text = seed_texts["vologda-belta"]
    needle = "A mass replacement of elevators is underway."
    span = align(needle, text)
    assert source(text, span) == needle
    assert span is not None and span.exact and span.method == "exact" and span.score == 100


def test_repeated_paragraph_grounds_on_first_copy(seed_texts: dict[str, str]) -> None:
    text = seed_texts["penza-belta-doubled"]
    needle = "in 2024 it amounted to $152 million, up 10% over 2023"
    span = align(needle, text)
    assert span is not None and span.start == text.index(needle)


def test_short_name_prefers_whole_word() -> None:
    text = "MAZDA dealers met MAZ managers."
    assert source(text, align("MAZ", text)) == "MAZ"
    assert align("MAZ", text) == Span(18, 21, 100.0, True, "exact")


def test_normalised_quotes_case_and_spaces_map_back(seed_texts: dict[str, str]) -> None:
    text = seed_texts["penza-belta-doubled"]
    # The seed has curly quotes, an apostrophe ’ and single spaces.
    needle = '"THESE reserves need to be  untapped now given the situation'
    span = align(needle, text)
    assert source(text, span) == "“These reserves need to be untapped now given the situation"
    assert span is not None and span.method == "normalised" and not span.exact


def test_normalised_dash_and_apostrophe(seed_texts: dict[str, str]) -> None:
    text = seed_texts["penza-belta-doubled"]
    span = align("Governor of Russia's Penza Oblast", text)
    assert source(text, span) == "Governor of Russia’s Penza Oblast"
    span = align("an important holiday - 2 April", text)
    assert source(text, span) == "an important holiday – 2 April"


def test_fuzzy_typos_and_spelling(seed_texts: dict[str, str]) -> None:
    text = seed_texts["vologda-belta"]
    span = align("trade between Belarus and the Vologda Oblast amounted to $316.4 mln", text)
    assert (
        source(text, span) == "trade between Belarus and Vologda Oblast amounted to $316.4 million"
    )
    assert span is not None and span.method == "fuzzy" and 85 <= span.score < 100
    assert source(text, align("Alexander Lukashenko", text)) == "Aleksandr Lukashenko"


def test_fuzzy_span_snaps_to_words(seed_texts: dict[str, str]) -> None:
    text = seed_texts["vologda-belta"]
    assert source(text, align("Georgy Filimonow", text)) == "Georgy Filimonov"


def test_homoglyphs_align_to_latin() -> None:
    text = "Talks covered the BelOMO optics holding and MAZ trucks."
    cyrillic = "BelOМО"  # М and О are Cyrillic
    assert cyrillic != "BelOMO"
    span = align(cyrillic, text)
    assert source(text, span) == "BelOMO"
    assert span is not None and not span.exact


def test_cyrillic_text() -> None:
    assert source(RUSSIAN, align("Вологодской области", RUSSIAN)) == "Вологодской области"
    # Case and ё/е folded, offsets still into the original.
    span = align("ИДЕТ МАССОВАЯ ЗАМЕНА ЛИФТОВ", RUSSIAN)
    assert source(RUSSIAN, span) == "Идёт массовая замена лифтов"
    span = align("губернатором Вологодской обласи Георгием Филимоновым", RUSSIAN)
    assert source(RUSSIAN, span) == "губернатором Вологодской области Георгием Филимоновым"
    assert span is not None and span.method == "fuzzy"


@pytest.mark.parametrize(
    "needle",
    [
        "The delegation inspected a semiconductor fabrication line in Kazan",
        "Mintimer Shaimiev",
        "BelAZ",
        "   ",
        "",
    ],
)
def test_absent_needles_return_none(seed_texts: dict[str, str], needle: str) -> None:
    assert align(needle, seed_texts["vologda-belta"]) is None


def test_threshold_decides_fuzzy_acceptance(seed_texts: dict[str, str]) -> None:
    text = seed_texts["vologda-belta"]
    needle = "Vologda Oblast buys many kinds of our machinery"
    loose = align(needle, text, threshold=60)
    assert loose is not None and loose.score < 85
    assert align(needle, text) is None


def test_threshold_out_of_range_is_input_error() -> None:
    with pytest.raises(InputError, match="threshold"):
        align("x", "x", threshold=185)


def test_empty_text() -> None:
    assert align("Minsk", "") is None
    assert find_verbatim("Minsk", "") is None


def seed_slice(seed_texts: dict[str, str], which: int, at: float, length: int) -> tuple[str, str]:
    text = sorted(seed_texts.values())[which % len(seed_texts)]
    start = int(at * (len(text) - length))
    return text, text[start : start + length].strip()


def typography_blind(text: str) -> str:
    """Case, whitespace runs and quote/dash styles erased, as align's folding does."""
    folded = text.casefold().replace("’", "'").replace("“", '"').replace("”", '"')
    return " ".join(folded.replace("–", "-").split())


slices = {
    "which": st.integers(0, 100),
    "at": st.floats(0, 1),
    "length": st.integers(5, 300),
}


@settings(max_examples=60, deadline=None, database=None)
@given(**slices)
def test_any_slice_of_a_seed_aligns_to_equal_text(
    seed_texts: dict[str, str], which: int, at: float, length: int
) -> None:
    text, needle = seed_slice(seed_texts, which, at, length)
    if needle:
        assert source(text, align(needle, text)) == needle


@settings(max_examples=60, deadline=None, database=None)
@given(**slices)
def test_retyped_slice_aligns_to_its_source(
    seed_texts: dict[str, str], which: int, at: float, length: int
) -> None:
    """Straight quotes, plain dashes, upper case and doubled spaces still find the source.

    A repeated paragraph or a curly/straight variant elsewhere may match first,
    so the match is compared with typography erased.
    """
    text, original = seed_slice(seed_texts, which, at, length)
    retyped = (
        original.upper()
        .replace("“", '"')
        .replace("”", '"')
        .replace("’", "'")
        .replace("–", "-")
        .replace(" ", "  ")
    )
    if original:
        assert typography_blind(source(text, align(retyped, text))) == typography_blind(original)


# --- find_verbatim --------------------------------------------------------------

QUOTE = "The trade volumes are substantial."


def test_verbatim_exact_and_quote_marks(seed_texts: dict[str, str]) -> None:
    text = seed_texts["vologda-belta"]
    for given_quote in (QUOTE, f"“{QUOTE}", f'"{QUOTE}"', f"  «{QUOTE}»  "):
        span = find_verbatim(given_quote, text)
        assert source(text, span) == QUOTE


def test_verbatim_straight_quotes_inside(seed_texts: dict[str, str]) -> None:
    text = seed_texts["vologda-rewrite"]
    typed = "Of course, we did everything to bring 'Pesnyary' back,"
    span = find_verbatim(typed, text)
    assert source(text, span) == 'Of course, we did everything to bring "Pesnyary" back,'
    assert span is not None and span.method == "normalised"


def test_verbatim_curly_apostrophe_and_dash(seed_texts: dict[str, str]) -> None:
    text = seed_texts["penza-belta-doubled"]
    typed = "Let’s band together for a common cause"
    assert source(text, find_verbatim(typed, text)) == "Let's band together for a common cause"


def test_verbatim_trailing_punctuation_changed(seed_texts: dict[str, str]) -> None:
    text = seed_texts["penza-belta-doubled"]
    # The source ends this sentence with a comma before the closing quote mark.
    typed = "Things are not as simple and great as some may think."
    span = find_verbatim(typed, text)
    assert source(text, span) == "Things are not as simple and great as some may think"


@pytest.mark.parametrize("ellipsis", ["...", "…", " …"])
def test_verbatim_trailing_ellipsis_aligns_prefix(
    seed_texts: dict[str, str], ellipsis: str
) -> None:
    text = seed_texts["vologda-belta"]
    typed = f"“The trade volumes are substantial. However, I asked my aides{ellipsis}”"
    span = find_verbatim(typed, text)
    assert source(text, span) == "The trade volumes are substantial. However, I asked my aides"


def test_verbatim_inner_ellipsis_spans_the_cut(seed_texts: dict[str, str]) -> None:
    text = seed_texts["vologda-belta"]
    typed = "The trade volumes are substantial... so that I could identify some specific areas"
    span = find_verbatim(typed, text)
    got = source(text, span)
    assert got.startswith("The trade volumes are substantial. However, I asked")
    assert got.endswith("so that I could identify some specific areas")


def test_verbatim_ellipsis_in_the_source_itself(seed_texts: dict[str, str]) -> None:
    text = seed_texts["smolensk-press-release"]
    typed = "Well, Lukashenko, multi-vector policy... He pardoned another several dozens"
    span = find_verbatim(typed, text)
    assert span is not None and span.exact and source(text, span) == typed


@pytest.mark.parametrize(
    "typed",
    [
        "The trade volume is substantial.",  # one word changed
        "the trade volumes are substantial.",  # case is part of verbatim
        "Trade volumes with Vologda are large and growing",  # paraphrase
        "The trade volumes are substantial... the tractor is loved",  # cut out of order
    ],
)
def test_verbatim_rejects_non_verbatim(seed_texts: dict[str, str], typed: str) -> None:
    assert find_verbatim(typed, seed_texts["vologda-belta"]) is None


def test_verbatim_cyrillic_guillemets() -> None:
    span = find_verbatim('"Мы готовы работать с вами по лифтам."', RUSSIAN)
    assert source(RUSSIAN, span) == "Мы готовы работать с вами по лифтам."
    assert find_verbatim("Мы готовы сотрудничать с вами по лифтам.", RUSSIAN) is None


# --- numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "amount"),
    [
        ("$4.4 billion", 4.4e9),
        ("4.4 billion dollars", 4.4e9),
        ("$4,4 млрд", 4.4e9),
        ("$152 million", 152e6),
        ("$316.4 million", 316.4e6),
        ("three billion dollars", 3e9),
        ("twenty-five million dollars", 25e6),
        ("$1.5bn", 1.5e9),
        ("$700m", 700e6),
        ("700 million", 700e6),
        ("$82 млн", 82e6),
        ("678,1 млн долларов", 678.1e6),
        ("1 500 млн долларов", 1.5e9),
        ("$1,200 million", 1.2e9),
        ("USD 3.1 bn", 3.1e9),
    ],
)
def test_number_phrases(phrase: str, amount: float) -> None:
    text = f"Trade stood at {phrase} last year."
    assert source(text, number_in_text(amount, text)) == phrase


@pytest.mark.parametrize(
    ("phrase", "amount"),
    [
        ("$4.4 billion", 4.5e9),  # 2.3% off
        ("$4.4 billion", 4.4e6),  # wrong scale
        ("1,700 kilometers", 1700.0),  # not money
        ("700m of road", 700e6),  # metres, not dollars
        ("in 2024", 2024.0),
    ],
)
def test_number_misses(phrase: str, amount: float) -> None:
    assert number_in_text(amount, f"Trade stood at {phrase} last year.") is None


def test_number_tolerance_is_half_a_percent() -> None:
    text = "trade reached $678.1 million"
    assert number_in_text(678.1e6 * 1.004, text) is not None
    assert number_in_text(678.1e6 * 1.007, text) is None
    assert number_in_text(0.0, text) is None
    assert number_in_text(float("nan"), text) is None


def test_gold_trade_figures_are_stated_in_their_article(
    articles_dir: Path, gold_records: dict[str, dict[str, Any]]
) -> None:
    for name, gold in gold_records.items():
        text = (articles_dir / f"{name}.txt").read_text(encoding="utf-8")
        for figure in gold["trade_figures"] + gold.get("trade_figures_optional", []):
            span = number_in_text(figure["amount_usd"], text)
            assert span is not None, (name, figure)
            assert number_in_text(figure["amount_usd"], source(text, span)) is not None
            if figure["growth_pct"] is not None:
                assert percent_in_text(figure["growth_pct"], text) is not None, (name, figure)


def test_figure_copied_from_another_seed_is_caught(seed_texts: dict[str, str]) -> None:
    # A few-shot example from Smolensk ($4.4 billion) must not ground in Penza.
    assert number_in_text(4.4e9, seed_texts["penza-belta-doubled"]) is None
    assert number_in_text(316.4e6, seed_texts["smolensk-press-release"]) is None


def test_numbers_in_cyrillic_text() -> None:
    assert source(RUSSIAN, number_in_text(316.4e6, RUSSIAN)) == "$316,4 млн"
    assert source(RUSSIAN, number_in_text(678.1e6, RUSSIAN)) == "678,1 млн долларов"
    assert source(RUSSIAN, number_in_text(3e9, RUSSIAN)) == "$3 млрд"
    assert source(RUSSIAN, number_in_text(2.9e9, RUSSIAN)) == "2,9 млрд. долл. США"
    assert source(RUSSIAN, percent_in_text(0.9, RUSSIAN)) == "100,9%"


# --- percentages ------------------------------------------------------------------


def test_percent_forms(seed_texts: dict[str, str]) -> None:
    penza = seed_texts["penza-belta-doubled"]
    assert source(penza, percent_in_text(10, penza)) == "10%"
    vologda = seed_texts["vologda-belta"]
    assert source(vologda, percent_in_text(0.9, vologda)) == "100.9%"
    text = "exports grew 1.5 times, imports doubled and prices fell 3 percent"
    assert source(text, percent_in_text(50, text)) == "1.5 times"
    assert source(text, percent_in_text(100, text)) == "doubled"
    assert source(text, percent_in_text(-3, text)) == "3 percent"


def test_percent_misses(seed_texts: dict[str, str]) -> None:
    assert percent_in_text(12.5, seed_texts["penza-belta-doubled"]) is None
    assert percent_in_text(5, seed_texts["vologda-belta"]) is None
    assert percent_in_text(float("inf"), "up 10%") is None


def test_russian_article(articles_dir: Path) -> None:
    text = (articles_dir / "nizhny-ru.txt").read_text(encoding="utf-8")
    typed = '"Нижегородская область - один из наших самых надежных партнеров в России.'
    span = find_verbatim(typed, text)
    assert source(text, span) == (
        "Нижегородская область – один из наших самых надежных партнеров в России."
    )
    span = align("встретилься с губернатором Нижегородской области Глебом Никитиным", text)
    assert source(text, span) == "встретился с губернатором Нижегородской области Глебом Никитиным"
    assert source(text, align("ГАЗ", text)) == "ГАЗ"
    assert source(text, number_in_text(1.2e9, text)) == "$1,2 млрд"
    assert number_in_text(1.3e9, text) is None
