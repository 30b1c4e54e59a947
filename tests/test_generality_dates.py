"""Meeting dates, generated: dateline and stamp styles x 12 months x languages, relative days."""

from __future__ import annotations

import datetime as dt

import pytest

from briefx._dates import resolve_meeting_date

MONTHS = {
    "en": "January February March April May June July August September October November "
    "December".split(),
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября "
    "декабря".split(),
    "be": "студзеня лютага сакавіка красавіка траўня чэрвеня ліпеня жніўня верасня "
    "кастрычніка лістапада снежня".split(),
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November "
    "Dezember".split(),
}
LEADS = {
    "en": "Belarusian President Aleksandr Lukashenko met with the Governor of Penza Oblast.",
    "ru": "Президент Беларуси Александр Лукашенко встретился с губернатором Пензенской области.",
    "be": "Прэзідэнт Беларусі Аляксандр Лукашэнка сустрэўся з губернатарам Пензенскай вобласці.",
    "de": "Der belarussische Präsident Alexander Lukaschenko traf den Gouverneur von Pensa.",
}
DATELINES = {
    "belta-en": ("en", "MINSK, {d} {m} (BelTA) – "),
    "tass-en": ("en", "MINSK, {m} {d}. /TASS/. "),
    "belta-ru": ("ru", "МИНСК, {d} {m} (БЕЛТА) – "),
    "plain-ru": ("ru", "МИНСК, {d} {m}. "),
    "belta-be": ("be", "МІНСК, {d} {m} (БЕЛТА) – "),
    "belta-de": ("de", "Minsk, {d}. {m} (BelTA) – "),
}
STAMPS = (
    "Posted: {d:02d}.{mm:02d}.{y} 14:05",
    "14:05 {d:02d}.{mm:02d}.{y}",
    "{d} {en} {y}, 14:05",
    "14:05 {d} {en} {y}",
    "Опубликовано: {d:02d}.{mm:02d}.{y} 14:05",
    "Veröffentlicht: {d:02d}.{mm:02d}.{y}, 14:05",
)
CRAWL = "Flag Monday, 3 June 2030"


def _article(dateline_style: str, month: int, stamp: str, day: int = 15, year: int = 2021) -> str:
    lang, dateline = DATELINES[dateline_style]
    header = stamp.format(d=day, mm=month, y=year, en=MONTHS["en"][month - 1])
    line = dateline.format(d=day, m=MONTHS[lang][month - 1])
    return f"{CRAWL}\n\n{header}\n\n{line}{LEADS[lang]}\n\nTrade grew."


@pytest.mark.parametrize("style", list(DATELINES))
@pytest.mark.parametrize("month", range(1, 13))
@pytest.mark.parametrize("stamp", STAMPS)
def test_dateline_under_a_crawl_line_takes_the_stamp_year(
    style: str, month: int, stamp: str
) -> None:
    text = _article(style, month, stamp)
    body = text.split("\n\n", 2)[2]
    dateline = body.split(" – ")[0].split(". /")[0].rstrip(". ")
    got = resolve_meeting_date(body, dateline=dateline, original=text)
    assert got.iso == f"2021-{month:02d}-15", (text, got)
    assert got.warning is None


@pytest.mark.parametrize("lang", list(MONTHS))
@pytest.mark.parametrize("month", range(1, 13))
def test_day_month_in_the_text_takes_the_published_year(lang: str, month: int) -> None:
    day = f"{12}." if lang == "de" else "12"
    on = {"en": "On", "ru": "", "be": "", "de": "Am"}[lang]
    text = f"{on} {day} {MONTHS[lang][month - 1]} {LEADS[lang]}".strip()
    got = resolve_meeting_date(text, published=f"2023-{month:02d}-13")
    assert got.iso == f"2023-{month:02d}-12", text


TODAY = {"en": "today", "ru": "сегодня", "be": "сёння", "de": "heute"}
YESTERDAY = {"en": "yesterday", "ru": "вчера", "be": "учора", "de": "gestern"}
WEEKDAYS = {
    "en": [f"on {w}" for w in "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()],
    "ru": "в понедельник|во вторник|в среду|в четверг|в пятницу|в субботу|в воскресенье".split("|"),
    "be": "у панядзелак|у аўторак|у сераду|у чацвер|у пятніцу|у суботу|у нядзелю".split("|"),
    "de": [
        f"am {w}" for w in "Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag".split()
    ],
}
BASE = dt.date(2024, 6, 4)  # a Tuesday
HEADERS = ("Posted: 04.06.2024 14:05", "14:05 4 June 2024", "4 June 2024, 14:05")


def _lead(lang: str, when: str) -> str:
    return f"{LEADS[lang][:-1]} {when}."


@pytest.mark.parametrize("lang", list(LEADS))
@pytest.mark.parametrize("header", HEADERS)
def test_today_and_yesterday_count_from_the_stamp(lang: str, header: str) -> None:
    for word, day in ((TODAY[lang], BASE), (YESTERDAY[lang], BASE - dt.timedelta(days=1))):
        text = _lead(lang, word)
        got = resolve_meeting_date(text, original=f"{CRAWL}\n{header}\n\n{text}")
        assert got.iso == day.isoformat(), (lang, word, got)


@pytest.mark.parametrize("lang", list(WEEKDAYS))
@pytest.mark.parametrize("weekday", range(7))
def test_on_a_weekday_is_the_last_such_day(lang: str, weekday: int) -> None:
    text = _lead(lang, WEEKDAYS[lang][weekday])
    got = resolve_meeting_date(text, original=f"Posted: 04.06.2024 14:05\n\n{text}")
    back = (BASE.weekday() - weekday) % 7
    assert got.iso == (BASE - dt.timedelta(days=back)).isoformat(), (lang, weekday, got)


@pytest.mark.parametrize("lang", list(LEADS))
def test_a_crawl_line_is_not_the_meeting_date(lang: str) -> None:
    text = _lead(lang, TODAY[lang])
    got = resolve_meeting_date(text, original=f"{CRAWL}\n\n{text}", page_date="2030-06-03")
    assert got.iso is None


@pytest.mark.parametrize("style", list(DATELINES))
@pytest.mark.parametrize("month", range(1, 13))
def test_a_year_inferred_from_the_text_is_warned_about(style: str, month: int) -> None:
    lang, dateline = DATELINES[style]
    line = dateline.format(d=15, m=MONTHS[lang][month - 1])
    stat = "According to preliminary results of 2024, trade exceeded $9 billion."
    text = f"{line}{LEADS[lang]} {stat}"
    got = resolve_meeting_date(text, dateline=line.split(" – ")[0].split(". /")[0].rstrip(". "))
    assert got.iso == f"2024-{month:02d}-15", text
    assert got.warning and "inferred" in got.warning


def test_an_announcement_looks_forward() -> None:
    text = "MINSK, 4 June – Lukashenko will meet with the governor on Thursday."
    got = resolve_meeting_date(text, dateline="MINSK, 4 June", published="2024-06-04")
    assert got.iso == "2024-06-06"
