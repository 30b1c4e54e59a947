"""Amounts, targets, peaks and periods, generated over scales, numerals, qualifiers, languages."""

from __future__ import annotations

import pytest

from briefx._dates import find_periods
from briefx._grounding import number_in_text
from briefx._money import find_money, parse_money
from briefx._normalise import parse_money as parse_money_reexport
from briefx._rules import find_trade_figures, trade_candidates

# (scale written, value) per language; the dollar mark per language.
SCALES = {
    "en": [("thousand", 1e3), ("million", 1e6), ("billion", 1e9), ("mln", 1e6), ("bn", 1e9)],
    "ru": [("тыс.", 1e3), ("млн", 1e6), ("млрд", 1e9), ("миллионов", 1e6), ("миллиардов", 1e9)],
    "be": [("тыс.", 1e3), ("млн", 1e6), ("млрд", 1e9), ("мільёнаў", 1e6), ("мільярдаў", 1e9)],
    "de": [("Tsd.", 1e3), ("Mio.", 1e6), ("Mrd.", 1e9), ("Millionen", 1e6), ("Milliarden", 1e9)],
}
DOLLARS = {
    "en": ["dollars", "U.S. dollars", "US dollars", "USD"],
    "ru": ["долларов", "долларов США", "долл. США"],
    "be": ["долараў", "даляраў ЗША"],
    "de": ["US-Dollar", "Dollar", "USD"],
}
NUMERALS = {  # (written, value): digits with the language's decimal mark, and words
    "en": [("1.5", 1.5), ("312", 312.0), ("nine", 9.0), ("twenty-five", 25.0)],
    "ru": [("1,5", 1.5), ("312", 312.0), ("девять", 9.0), ("полтора", 1.5)],
    "be": [("1,5", 1.5), ("312", 312.0), ("дзевяць", 9.0), ("паўтара", 1.5)],
    "de": [("1,5", 1.5), ("312", 312.0), ("neun", 9.0), ("anderthalb", 1.5)],
}
QUALIFIERS = {
    "en": {"exact": "", "over": "more than", "under": "almost", "approx": "about"},
    "ru": {"exact": "", "over": "свыше", "under": "почти", "approx": "около"},
    "be": {"exact": "", "over": "больш за", "under": "амаль", "approx": "каля"},
    "de": {"exact": "", "over": "mehr als", "under": "fast", "approx": "rund"},
}


def _cases() -> list[tuple[str, str, float, str]]:
    out = []
    for lang, scales in SCALES.items():
        for scale, factor in scales:
            for numeral, value in NUMERALS[lang]:
                for qualifier, words in QUALIFIERS[lang].items():
                    for dollar in DOLLARS[lang]:
                        phrase = f"{words} {numeral} {scale} {dollar}".strip()
                        out.append((lang, phrase, value * factor, qualifier))
    return out


@pytest.mark.parametrize(("lang", "phrase", "amount", "qualifier"), _cases())
def test_amounts_in_every_scale_numeral_qualifier_and_language(
    lang: str, phrase: str, amount: float, qualifier: str
) -> None:
    got = parse_money(f"X {phrase} Y")
    assert got is not None, phrase
    assert got[0] == pytest.approx(amount), phrase
    assert got[1] == qualifier, phrase


@pytest.mark.parametrize("lang", list(SCALES))
@pytest.mark.parametrize("sign", ["$", "US$", "USD "])
def test_dollar_sign_before_any_scale(lang: str, sign: str) -> None:
    for scale, factor in SCALES[lang]:
        assert parse_money(f"{sign}1,2 {scale}") == (pytest.approx(1.2 * factor), "exact")


@pytest.mark.parametrize(
    ("phrase", "amount"),
    [("$1.5b", 1.5e9), ("$1.5bn", 1.5e9), ("$700m", 7e8), ("$1,200 million", 1.2e9)],
)
def test_one_parser_for_normaliser_answers_and_grounding(phrase: str, amount: float) -> None:
    assert parse_money(phrase) == parse_money_reexport(phrase)
    assert parse_money(phrase) == (pytest.approx(amount), "exact")
    text = f"Trade stood at {phrase} last year."
    span = number_in_text(amount, text)
    assert span is not None and text[span.start : span.end] == phrase


@pytest.mark.parametrize("phrase", ["5 million rubles", "1,700 kilometers", "10%", "in 2024"])
def test_what_is_not_dollars(phrase: str) -> None:
    assert parse_money(phrase) is None


TARGETS = {
    "en": [
        "Trade can reach $1 billion.",
        "We strive for trade of a billion dollars.",
        "The sides plan to bring trade to $2 billion by 2030.",
    ],
    "ru": [
        "Товарооборот планируют довести до 1 млрд долларов.",
        "Стороны ставят задачу нарастить товарооборот до $2 млрд.",
        "Товарооборот может достичь 1,5 млрд долларов.",
    ],
    "be": [
        "Тавараабарот плануюць давесці да 1 млрд долараў.",
        "Тавараабарот можа дасягнуць 1,5 млрд долараў.",
    ],
    "de": [
        "Der Handel soll bis 2030 zwei Milliarden US-Dollar erreichen.",
        "Der Warenumsatz soll 1,2 Milliarden US-Dollar erreichen.",
    ],
}


@pytest.mark.parametrize(
    ("lang", "sentence"), [(lang, s) for lang, items in TARGETS.items() for s in items]
)
def test_targets_are_flagged_not_taken(lang: str, sentence: str) -> None:
    assert find_trade_figures(sentence, meeting_year=2025) == []
    flagged = trade_candidates(sentence, meeting_year=2025)
    assert flagged and all(f.excluded == "target" and f.cue for f in flagged), sentence


PEAKS = {
    "en": "In 2012 trade peaked at $2 billion. In 2024 trade amounted to $1.1 billion.",
    "ru": "В 2012 году товарооборот достиг рекордных 2 млрд долларов. "
    "В 2024 году товарооборот составил 1,1 млрд долларов.",
    "be": "У 2012 годзе тавараабарот дасягнуў рэкордных 2 млрд долараў. "
    "У 2024 годзе тавараабарот склаў 1,1 млрд долараў.",
    "de": "Im Jahr 2012 erreichte der Handel den Rekordwert von 2 Milliarden Dollar. "
    "Im Jahr 2024 betrug der Handel 1,1 Milliarden Dollar.",
}


@pytest.mark.parametrize("lang", list(PEAKS))
def test_a_historical_peak_is_not_the_current_figure(lang: str) -> None:
    text = PEAKS[lang]
    kept = find_trade_figures(text, meeting_year=2025)
    assert [(f.period, f.amount_usd) for f in kept] == [("2024", pytest.approx(1.1e9))]
    peaks = [f for f in trade_candidates(text, meeting_year=2025) if f.excluded == "peak"]
    assert [(f.period, f.amount_usd) for f in peaks] == [("2012", pytest.approx(2e9))]


def test_a_record_for_the_latest_year_is_kept() -> None:
    text = "In 2023 trade was $1 billion. In 2024 trade reached a record $1.5 billion."
    assert [f.period for f in find_trade_figures(text, meeting_year=2025)] == ["2023", "2024"]


MONTHS = {
    "en": "January February March April May June July August September October November "
    "December".split(),
    "ru": "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь".split(),
    "be": "студзень люты сакавік красавік травень чэрвень ліпень жнівень верасень "
    "кастрычнік лістапад снежань".split(),
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November "
    "Dezember".split(),
}
RANGE = {"en": "in {a}-{b} 2024", "ru": "за {a}–{b} 2024 года", "be": "за {a}–{b} 2024 года",
         "de": "von {a} bis {b} 2024"}  # fmt: skip
HALVES = {
    "en": ["in the first half of 2024", "in the second half of 2024"],
    "ru": ["в первом полугодии 2024 года", "во втором полугодии 2024 года"],
    "be": ["у першым паўгоддзі 2024 года", "у другім паўгоддзі 2024 года"],
    "de": ["im ersten Halbjahr 2024", "im zweiten Halbjahr 2024"],
}
QUARTERS = {
    "en": [f"in the {w} quarter of 2024" for w in ("first", "second", "third", "fourth")],
    "ru": [f"в {w} квартале 2024 года" for w in ("первом", "втором", "третьем",
                                                          "четвертом")],
    "be": [f"у {w} квартале 2024 года" for w in ("першым", "другім", "трэцім",
                                                          "чацвёртым")],
    "de": [f"im {w} Quartal 2024" for w in ("ersten", "zweiten", "dritten", "vierten")],
}  # fmt: skip
MONTH_COUNTS = {
    "en": "in the first {} months of 2024",
    "ru": "за {} месяцев 2024 года",
    "be": "за {} месяцаў 2024 года",
    "de": "in den ersten {} Monaten 2024",
}
COUNT_WORDS = {"en": "nine", "ru": "девять", "be": "дзевяць", "de": "neun"}


@pytest.mark.parametrize("lang", list(MONTHS))
@pytest.mark.parametrize("last", range(2, 13))
def test_month_ranges_in_every_language(lang: str, last: int) -> None:
    phrase = RANGE[lang].format(a=MONTHS[lang][0], b=MONTHS[lang][last - 1])
    assert [p.period for p in find_periods(phrase)] == [f"2024-01/2024-{last:02d}"], phrase


@pytest.mark.parametrize("lang", list(MONTHS))
def test_halves_quarters_and_month_counts(lang: str) -> None:
    for i, phrase in enumerate(HALVES[lang]):
        first, last = 6 * i + 1, 6 * i + 6
        assert [p.period for p in find_periods(phrase)] == [f"2024-{first:02d}/2024-{last:02d}"]
    for i, phrase in enumerate(QUARTERS[lang]):
        first, last = 3 * i + 1, 3 * i + 3
        assert [p.period for p in find_periods(phrase)] == [f"2024-{first:02d}/2024-{last:02d}"]
    for count in ("9", COUNT_WORDS[lang]):
        phrase = MONTH_COUNTS[lang].format(count)
        assert [p.period for p in find_periods(phrase)] == ["2024-01/2024-09"], phrase


@pytest.mark.parametrize("lang", list(MONTHS))
def test_a_part_with_no_year_is_the_meeting_year(lang: str) -> None:
    phrase = MONTH_COUNTS[lang].format("9").replace(" 2024 года", "").replace(" of 2024", "")
    phrase = phrase.replace(" 2024", "")
    assert [p.period for p in find_periods(phrase, current_year=2025)] == ["2025-01/2025-09"]
    assert find_periods(phrase) == []


@pytest.mark.parametrize("lang", list(MONTHS))
def test_a_figure_takes_its_period_in_every_language(lang: str) -> None:
    amount = {"en": "$250 million", "ru": "250 млн долларов", "be": "250 млн долараў",
              "de": "250 Millionen US-Dollar"}[lang]  # fmt: skip
    trade = {"en": "trade amounted to", "ru": "товарооборот составил",
             "be": "тавараабарот склаў", "de": "betrug der Handel"}[lang]  # fmt: skip
    sentence = f"{HALVES[lang][0].capitalize()} {trade} {amount}."
    found = find_trade_figures(sentence, meeting_year=2025)
    assert [(f.period, f.amount_usd) for f in found] == [("2024-01/2024-06", 250e6)], sentence
    assert find_money(sentence)[0].amount_usd == 250e6
