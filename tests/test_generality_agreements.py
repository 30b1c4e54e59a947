"""Agreement status and documents in four languages, generated from data/agreements.json."""

from __future__ import annotations

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
        n.replace("\\w*", "").replace("\\w+", "ая").replace("[aä]", "a")
        for nouns in load_data("agreements")["documents"].values()
        for n in nouns
    ],
)
def test_every_document_noun_is_a_document(noun: str) -> None:
    assert DOCUMENT.search(f"They discussed the {noun} yesterday.")
