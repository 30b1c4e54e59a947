"""Agreement status and documents in four languages, generated from data/agreements.json."""

from __future__ import annotations

import re

import pytest

from briefx._data import load_data
from briefx._rules import DOCUMENT, find_agreements, sentence_status

_SENTENCES = {
    "en": {
        "signed": "The parties signed a roadmap on cooperation.",
        "planned": "A roadmap on cooperation will be signed next year.",
        "proposed": "The governor proposed a roadmap on cooperation.",
    },
    "ru": {
        "signed": "Стороны подписали дорожную карту по сотрудничеству.",
        "planned": "Дорожная карта будет подписана в следующем году.",
        "proposed": "Губернатор предложил дорожную карту по сотрудничеству.",
    },
    "be": {
        "signed": "Бакі падпісалі дарожную карту па супрацоўніцтве.",
        "planned": "Дарожная карта будзе падпісана ў наступным годзе.",
        "proposed": "Губернатар прапанаваў дарожную карту па супрацоўніцтве.",
    },
    "de": {
        "signed": "Die Seiten haben einen Fahrplan zur Zusammenarbeit unterzeichnet.",
        "planned": "Ein Fahrplan zur Zusammenarbeit soll im nächsten Jahr unterzeichnet werden.",
        "proposed": "Der Gouverneur schlug einen Fahrplan zur Zusammenarbeit vor.",
    },
}


@pytest.mark.parametrize(
    ("lang", "status"), [(lang, status) for lang in _SENTENCES for status in _SENTENCES[lang]]
)
def test_status_and_document_in_every_language(lang: str, status: str) -> None:
    sentence = _SENTENCES[lang][status]
    assert sentence_status(sentence) == status
    found = find_agreements(sentence)
    assert found and {a.status for a in found} == {status}, found


@pytest.mark.parametrize(
    "noun",
    [
        re.sub(r"\(\?:([^|)]+)[^)]*\)", r"\1", n)  # an alternation: its first choice
        .replace("\\w*", "")
        .replace("\\w+", "ая")
        .replace("[aä]", "a")
        for nouns in load_data("agreements")["documents"].values()
        for n in nouns
    ],
)
def test_every_document_noun_is_a_document(noun: str) -> None:
    assert DOCUMENT.search(f"They discussed the {noun} yesterday.")


# Every document noun in every case a sentence puts it in, with what it is about:
# the record's title is English whatever the article's language.
_DOCUMENTS_IN_CONTEXT = {
    "ru": [
        ("Стороны подписали соглашение о сотрудничестве.", "Cooperation agreement"),
        ("Стороны подписали программу сотрудничества на 2025-2027 годы.",
         "Cooperation programme for 2025-2027"),
        ("Стороны подписали дорожную карту по развитию торгово-экономического сотрудничества.",
         "Trade and economic cooperation roadmap"),
        ("Стороны подписали меморандум о партнерстве.", "Partnership memorandum"),
        ("Предприятия подписали контракт на поставку техники.", "Supply contract"),
        ("Был подписан план мероприятий по сотрудничеству.", "Cooperation action plan"),
    ],
    "be": [
        ("Бакі падпісалі пагадненне аб супрацоўніцтве.", "Cooperation agreement"),
        ("Бакі падпісалі праграму супрацоўніцтва на 2025-2027 гады.",
         "Cooperation programme for 2025-2027"),
        ("Бакі падпісалі дарожную карту па супрацоўніцтве.", "Cooperation roadmap"),
    ],
    "de": [
        ("Die Seiten unterzeichneten ein Abkommen über Zusammenarbeit.", "Cooperation agreement"),
        ("Die Seiten unterzeichneten ein Programm der Zusammenarbeit für 2025-2027.",
         "Cooperation programme for 2025-2027"),
        ("Die Seiten unterzeichneten eine Vereinbarung über Lieferungen.", "Supply agreement"),
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "sentence", "english"),
    [(lang, s, e) for lang, pairs in _DOCUMENTS_IN_CONTEXT.items() for s, e in pairs],
)
def test_a_document_title_comes_back_in_english(lang: str, sentence: str, english: str) -> None:
    from briefx import prepare
    from briefx._answers import CompaniesAnswer, FactsAnswer, PeopleAnswer
    from briefx._assemble import assemble

    lead = {
        "ru": "Александр Лукашенко встретился с губернатором Брянской области Александром Богомазом.",
        "be": "Аляксандр Лукашэнка сустрэўся з губернатарам Бранскай вобласці Аляксандрам Багамазам.",
        "de": "Alexander Lukaschenko traf den Gouverneur des Gebiets Brjansk Alexander Bogomas.",
    }[lang]
    record = assemble(
        prepare(f"{lead}\n{sentence}"), PeopleAnswer(), CompaniesAnswer(), FactsAnswer()
    )
    titles = [a.title for a in record.agreements]
    assert titles == [english]
    said = [w for w in record.warnings if w.field == "agreements" and w.code == "inferred"]
    assert said and said[0].candidates[0] == english
