"""The kind of report, generated: every kind x four languages x several people and regions.

The rule is a second opinion read from the article's opening; where it and the
model disagree the record says so in its warnings.
"""

from __future__ import annotations

import itertools

import pytest

from briefx import prepare
from briefx._answers import CompaniesAnswer, FactsAnswer, PeopleAnswer
from briefx._assemble import assemble
from briefx._kinds import report_kind

PEOPLE = {
    "en": [("Vladislav Shapsha", "Kaluga Oblast"), ("Aleksandr Gusev", "Voronezh Oblast")],
    "ru": [("Владиславом Шапшой", "Калужской области"), ("Александром Гусевым", "Воронежской области")],
    "be": [("Уладзіславам Шапшой", "Калужскай вобласці"), ("Аляксандрам Гусевым", "Варонежскай вобласці")],
    "de": [("Wladislaw Schapscha", "Gebiet Kaluga"), ("Alexander Gussew", "Gebiet Woronesch")],
}  # fmt: skip

TEMPLATES = {
    "meeting": {
        "en": "Aleksandr Lukashenko met with {who}, Governor of {where}, in Minsk on Tuesday.",
        "ru": "Александр Лукашенко встретился с губернатором {where} {who} в Минске.",
        "be": "Аляксандр Лукашэнка сустрэўся з губернатарам {where} {who} у Мінску.",
        "de": "Alexander Lukaschenko traf am Dienstag in Minsk {who}, den Gouverneur von {where}.",
    },
    "announcement": {
        "en": "Aleksandr Lukashenko will meet {who}, Governor of {where}, next week.",
        "ru": "Александр Лукашенко проведет переговоры с губернатором {where} {who} на следующей неделе.",
        "be": "Аляксандр Лукашэнка правядзе перамовы з губернатарам {where} {who} на наступным тыдні.",
        "de": "Alexander Lukaschenko wird nächste Woche {who}, den Gouverneur von {where}, treffen.",
    },
    "phone_call": {
        "en": "Aleksandr Lukashenko had a telephone conversation with {who}, Governor of {where}.",
        "ru": "Александр Лукашенко провел телефонный разговор с губернатором {where} {who}.",
        "be": "Аляксандр Лукашэнка правёў тэлефонную размову з губернатарам {where} {who}.",
        "de": "Alexander Lukaschenko telefonierte mit {who}, dem Gouverneur von {where}.",
    },
    "message": {
        "en": "Aleksandr Lukashenko congratulated {who}, Governor of {where}, on his birthday.",
        "ru": "Александр Лукашенко поздравил губернатора {where} {who} с днем рождения.",
        "be": "Аляксандр Лукашэнка павіншаваў губернатара {where} {who} з днём нараджэння.",
        "de": "Alexander Lukaschenko gratulierte {who}, dem Gouverneur von {where}, zum Geburtstag.",
    },
}  # fmt: skip

FOLLOW_UP = {
    "en": "Trade grew last year, the press service said.",
    "ru": "Товарооборот в прошлом году вырос, сообщила пресс-служба.",
    "be": "Тавараабарот у мінулым годзе вырас, паведаміла прэс-служба.",
    "de": "Der Handel wuchs im vergangenen Jahr, teilte der Pressedienst mit.",
}

CASES = [
    (kind, lang, who, where)
    for kind, lang in itertools.product(TEMPLATES, PEOPLE)
    for who, where in PEOPLE[lang]
]


def _article(kind: str, lang: str, who: str, where: str) -> str:
    return TEMPLATES[kind][lang].format(who=who, where=where) + "\n" + FOLLOW_UP[lang]


@pytest.mark.parametrize(("kind", "lang", "who", "where"), CASES)
def test_opening_words_name_the_kind(kind: str, lang: str, who: str, where: str) -> None:
    cue = report_kind(_article(kind, lang, who, where))
    assert cue is not None and cue.kind == kind


@pytest.mark.parametrize(("kind", "lang", "who", "where"), CASES)
def test_disagreeing_model_is_overruled_with_both_in_the_warnings(
    kind: str, lang: str, who: str, where: str
) -> None:
    wrong = "message" if kind != "message" else "meeting"
    record = assemble(
        prepare(_article(kind, lang, who, where)),
        PeopleAnswer(kind=wrong),
        CompaniesAnswer(),
        FactsAnswer(),
    )
    assert record.kind == kind and record.is_meeting == (kind == "meeting")
    said = [w for w in record.warnings if w.code == "disagreement" and w.field == "kind"]
    assert said and said[0].candidates == [kind, wrong]
    assert repr(wrong) in said[0] and repr(kind) in said[0]
    assert any(e.field == "kind" for e in record.evidence)


@pytest.mark.parametrize("lang", sorted(PEOPLE))
def test_a_report_of_no_meeting_has_no_kind_cue(lang: str) -> None:
    assert report_kind(FOLLOW_UP[lang]) is None


def test_a_meeting_report_that_mentions_what_will_follow_is_a_meeting() -> None:
    text = (
        "Aleksandr Lukashenko met with Governor of Tula Oblast Dmitry Milyaev. "
        "The sides will meet again in autumn."
    )
    cue = report_kind(text)
    assert cue is not None and cue.kind == "meeting"


def test_the_earliest_cue_decides() -> None:
    met = "Aleksandr Lukashenko met Governor Dmitry Milyaev and congratulated him on the harvest."
    wrote = "Aleksandr Lukashenko congratulated Dmitry Milyaev, whom he met last year."
    assert (report_kind(met) or pytest.fail()).kind == "meeting"
    assert (report_kind(wrote) or pytest.fail()).kind == "message"


CANCELLED = {
    "en": [
        "The visit of {who}, Governor of {where}, to Minsk was cancelled.",
        "Aleksandr Lukashenko's meeting with {who}, Governor of {where}, has been postponed.",
    ],
    "ru": [
        "Визит губернатора {where} {who} в Минск отменен.",
        "Встреча Александра Лукашенко с губернатором {where} {who} отложена.",
    ],
    "be": [
        "Візіт губернатара {where} {who} у Мінск адменены.",
        "Сустрэча Аляксандра Лукашэнкі з губернатарам {where} {who} перанесена.",
    ],
    "de": [
        "Der Besuch von {who}, dem Gouverneur von {where}, in Minsk wurde abgesagt.",
        "Das Treffen von Alexander Lukaschenko mit {who}, dem Gouverneur von {where}, wurde verschoben.",
    ],
}
CANCELLED_CASES = [
    (lang, template, who, where)
    for lang, templates in CANCELLED.items()
    for template in templates
    for who, where in PEOPLE[lang]
]


@pytest.mark.parametrize(("lang", "template", "who", "where"), CANCELLED_CASES)
def test_a_meeting_called_off_is_no_meeting(lang: str, template: str, who: str, where: str) -> None:
    article = template.format(who=who, where=where) + "\n" + FOLLOW_UP[lang]
    record = assemble(
        prepare(article), PeopleAnswer(kind="meeting"), CompaniesAnswer(), FactsAnswer()
    )
    assert record.kind == "other" and not record.is_meeting
    assert record.region is None and record.participants == []
    said = [w for w in record.warnings if w.code == "disagreement" and w.field == "kind"]
    assert said and said[0].candidates == ["other", "meeting"]
