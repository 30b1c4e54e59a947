"""Generated families for the topic lexicon and the page-furniture data.

Topics: every cue of every code, in every language, dropped into a neutral
sentence (and, for Russian, Belarusian and German stems, with case and plural
endings) finds its code and no unrelated one; sectors named plainly in four
languages map to the code the data file's notes decide, or to none.
Furniture: lines of several site styles glued around a synthetic article are
gone from ``prepare()``'s text, and the article's sentences stay.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest

from briefx._data import load_data
from briefx._models import TOPICS
from briefx._topics import find_topics

_TEMPLATES = {
    "en": "The sides discussed {} at the meeting.",
    "ru": "Стороны обсудили {} на встрече.",
    "be": "Бакі абмеркавалі {} на сустрэчы.",
    "de": "Die Seiten sprachen über {} beim Treffen.",
}
# Stem endings: English plural; Russian/Belarusian genitive, prepositional and
# plural forms; German plural, genitive and compound joints.
_ENDINGS = {
    "en": ("", "s"),
    "ru": ("а", "ов", "ах", "е", "ы", "ой"),
    "be": ("а", "аў", "ах", "е", "ы"),
    "de": ("", "en", "s", "e"),
}


def _forms(cue: str, lang: str) -> Iterator[str]:
    """Concrete phrases a data-file cue stands for, with inflected stems."""
    cue = cue.replace(" ... ", " ")
    groups = re.findall(r"\{([^{}]*)\}", cue)
    skeleton = re.sub(r"\{[^{}]*\}", "\0", cue)
    choices = itertools.islice(itertools.product(*(g.split("|") for g in groups)), 12)
    for choice in choices:
        phrase = skeleton
        for alt in choice:
            phrase = phrase.replace("\0", alt, 1)
        phrase = phrase.lstrip("*")
        for ending in _ENDINGS[lang] if "*" in phrase else ("",):
            yield phrase.replace("*", ending).strip()


def _cues() -> Iterator[tuple[str, str, str, Any]]:
    for code, spec in load_data("topics")["topics"].items():
        for level in ("strong", "weak"):
            for lang, cues in spec[level].items():
                for entry in cues:
                    yield code, level, lang, entry


def _cue_cases() -> list[Any]:
    cases = []
    for code, level, lang, entry in _cues():
        cue = entry if isinstance(entry, str) else entry["cue"]
        also = () if isinstance(entry, str) else tuple(entry.get("also", ()))
        for form in dict.fromkeys(_forms(cue, lang)):
            cases.append(pytest.param(code, level, lang, form, also, id=f"{code}-{lang}-{form}"))
    return cases


def _codes(text: str) -> set[str]:
    return {hit.code for hit in find_topics(text)}


def test_data_covers_the_vocabulary_in_four_languages() -> None:
    topics = load_data("topics")["topics"]
    assert set(topics) == set(TOPICS)
    for code, spec in topics.items():
        assert spec["covers"], code
        for lang in _TEMPLATES:
            assert spec["strong"][lang], (code, lang)


@pytest.mark.parametrize(("code", "level", "lang", "form", "also"), _cue_cases())
def test_every_cue_finds_its_code_and_no_other(
    code: str, level: str, lang: str, form: str, also: tuple[str, ...]
) -> None:
    template = _TEMPLATES[lang]
    once = _codes(template.format(form))
    assert once <= {code, *also}, (form, once)
    if level == "strong":
        assert code in once, form
    else:  # a weak cue needs a second mention
        twice = _codes(template.format(form) + " " + template.format(form))
        assert code in twice, form
        assert twice <= {code, *also}, (form, twice)


def _guard_cases() -> list[Any]:
    cases = []
    for code, _, lang, entry in _cues():
        if isinstance(entry, str):
            continue
        cue = next(_forms(entry["cue"], lang))
        for follow in entry.get("unless_followed_by", ()):
            for phrase in list(_forms(follow, lang))[:3]:
                cases.append(pytest.param(code, lang, f"{cue} {phrase}", id=f"{cue} {phrase}"))
        for before in entry.get("unless_preceded_by", ()):
            cases.append(pytest.param(code, lang, f"{before} {cue}", id=f"{before} {cue}"))
        for excepted in entry.get("except", ()):
            for phrase in list(_forms(excepted, lang))[:3]:
                cases.append(pytest.param(code, lang, phrase, id=f"except {phrase}"))
    return cases


@pytest.mark.parametrize(("code", "lang", "phrase"), _guard_cases())
def test_every_guard_keeps_its_trap_out(code: str, lang: str, phrase: str) -> None:
    template = _TEMPLATES[lang]
    text = template.format(phrase) + " " + template.format(phrase)
    assert code not in _codes(text), phrase


# Sectors named plainly, in the genitive where the language has one. The code is
# the decision recorded in data/topics.json's notes; None: no code covers it.
_SECTORS: dict[str, tuple[str | None, tuple[str, str, str, str]]] = {
    "woodworking": (
        None,
        ("woodworking", "деревообработки", "дрэваапрацоўкі", "der Holzverarbeitung"),
    ),
    "shipbuilding": (None, ("shipbuilding", "судостроения", "суднабудавання", "des Schiffbaus")),
    "electronics": (
        "microelectronics",
        ("electronics", "электроники", "электронікі", "der Elektronikindustrie"),
    ),
    "metallurgy": (
        "energy_resources",
        ("metallurgy", "металлургии", "металургіі", "der Metallurgie"),
    ),
    "science": (None, ("science", "науки", "навукі", "der Wissenschaft")),
    "agriculture": (
        "food_agriculture",
        ("agriculture", "сельского хозяйства", "сельскай гаспадаркі", "der Landwirtschaft"),
    ),
    "forestry": (
        None,
        ("forestry", "лесного хозяйства", "лясной гаспадаркі", "der Forstwirtschaft"),
    ),
    "forestry machinery": (
        "machinery",
        ("forestry machinery", "лесной техники", "лясной тэхнікі", "der Forsttechnik"),
    ),
    "pharmaceuticals": (
        None,
        ("pharmaceuticals", "фармацевтики", "фармацэўтыкі", "der Pharmaindustrie"),
    ),
    "chemicals": (
        "energy_resources",
        (
            "the chemical industry",
            "химической промышленности",
            "хімічнай прамысловасці",
            "der chemischen Industrie",
        ),
    ),
    "oil": (
        "energy_resources",
        ("oil refining", "нефтепереработки", "нафтаперапрацоўкі", "der Erdölverarbeitung"),
    ),
    "gas": (
        "energy_resources",
        (
            "natural gas supplies",
            "поставок природного газа",
            "паставак прыроднага газу",
            "der Erdgaslieferungen",
        ),
    ),
    "IT": (
        None,
        (
            "information technology",
            "информационных технологий",
            "інфармацыйных тэхналогій",
            "der Informationstechnologie",
        ),
    ),
    "tourism": ("culture_memory", ("tourism", "туризма", "турызму", "des Tourismus")),
    "sport": (None, ("sport", "спорта", "спорту", "des Sports")),
    "healthcare": (
        None,
        ("healthcare", "здравоохранения", "аховы здароўя", "des Gesundheitswesens"),
    ),
    "light industry": (
        None,
        ("light industry", "лёгкой промышленности", "лёгкай прамысловасці", "der Leichtindustrie"),
    ),
    "trade in food": (
        "food_agriculture",
        (
            "trade in food",
            "торговли продуктами питания",
            "гандлю прадуктамі харчавання",
            "des Lebensmittelhandels",
        ),
    ),
    "dairy": (
        "food_agriculture",
        ("the dairy industry", "молочной отрасли", "малочнай галіны", "der Milchwirtschaft"),
    ),
    "machine tools": (
        "machine_tools",
        ("machine tools", "станкостроения", "станкабудавання", "des Werkzeugmaschinenbaus"),
    ),
    "lifts": (
        "elevators",
        ("lift production", "производства лифтов", "вытворчасці ліфтаў", "der Aufzugsproduktion"),
    ),
    "trolleybuses": (
        "passenger_transport",
        (
            "trolleybus fleets",
            "троллейбусного парка",
            "тралейбуснага парку",
            "der Oberleitungsbusse",
        ),
    ),
    "satellites": ("aerospace", ("satellites", "спутников", "спадарожнікаў", "der Satelliten")),
    "universities": (
        "education",
        ("universities", "университетов", "універсітэтаў", "der Universitäten"),
    ),
    "housing construction": (
        "construction",
        (
            "housing construction",
            "жилищного строительства",
            "жыллёвага будаўніцтва",
            "des Wohnungsbaus",
        ),
    ),
    "housing and utilities": (
        "housing_utilities",
        ("housing and utilities", "ЖКХ", "ЖКГ", "der Kommunalwirtschaft"),
    ),
    "leasing": ("finance", ("leasing", "лизинга", "лізінгу", "des Leasings")),
    "union state": (
        "politics",
        ("the Union State", "Союзного государства", "Саюзнай дзяржавы", "des Unionsstaates"),
    ),
    "service centres": (
        "service_maintenance",
        ("service centres", "сервисных центров", "сэрвісных цэнтраў", "der Servicezentren"),
    ),
    "joint ventures": (
        "joint_production",
        (
            "joint ventures",
            "совместных предприятий",
            "сумесных прадпрыемстваў",
            "der Gemeinschaftsunternehmen",
        ),
    ),
    "tractors": (
        "machinery",
        ("tractors", "тракторостроения", "трактарабудавання", "der Traktorenproduktion"),
    ),
    "monuments": ("culture_memory", ("monuments", "памятников", "помнікаў", "der Denkmäler")),
}
_SECTOR_TEMPLATES = {
    "en": "The sides discussed the development of {}.",
    "ru": "Стороны обсудили развитие {}.",
    "be": "Бакі абмеркавалі развіццё {}.",
    "de": "Die Seiten besprachen die Entwicklung {}.",
}


@pytest.mark.parametrize(
    ("sector", "lang", "phrase", "code"),
    [
        pytest.param(sector, lang, phrase, code, id=f"{sector}-{lang}")
        for sector, (code, phrases) in _SECTORS.items()
        for lang, phrase in zip(_SECTOR_TEMPLATES, phrases, strict=True)
    ],
)
def test_sector_named_plainly_maps_to_its_code(
    sector: str, lang: str, phrase: str, code: str | None
) -> None:
    found = _codes(_SECTOR_TEMPLATES[lang].format(phrase))
    assert found == ({code} if code else set()), (sector, phrase, found)


@pytest.mark.parametrize("lang", list(_SECTOR_TEMPLATES))
def test_science_named_with_universities_is_education(lang: str) -> None:
    phrase = {
        "en": "science and research",
        "ru": "науки и научных связей",
        "be": "навукі і навуковых сувязей",
        "de": "der Wissenschaft und Forschung",
    }[lang]
    assert _codes(_SECTOR_TEMPLATES[lang].format(phrase)) == {"education"}


# --- page furniture -------------------------------------------------------------

_ARTICLE = {
    "en": (
        "MINSK, 3 June (BelTA) - Belarus and the region discussed supplies of tractors.",
        "The governor said the parties would sign a roadmap for the next three years.",
        "Trade between Belarus and the region grew by 12 percent last year.",
    ),
    "ru": (
        "МИНСК, 3 июня (БЕЛТА) - Беларусь и регион обсудили поставки тракторов.",
        "Губернатор сообщил, что стороны подпишут дорожную карту на три года.",
        "Товарооборот Беларуси и региона в прошлом году вырос на 12 процентов.",
    ),
    "be": (
        "МІНСК, 3 чэрвеня (БЕЛТА) - Беларусь і рэгіён абмеркавалі пастаўкі трактароў.",
        "Губернатар паведаміў, што бакі падпішуць дарожную карту на тры гады.",
        "Тавараабарот Беларусі і рэгіёна летась вырас на 12 працэнтаў.",
    ),
    "de": (
        "MINSK, 3. Juni (BelTA) - Belarus und die Region besprachen Lieferungen von Traktoren.",
        "Der Gouverneur sagte, die Seiten würden einen Fahrplan für drei Jahre unterzeichnen.",
        "Der Handel zwischen Belarus und der Region wuchs im vergangenen Jahr um 12 Prozent.",
    ),
}
# Site styles: (language, lines above the article, lines below it).
_STYLES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "belta-en": (
        "en",
        ("Projects", "Government Bodies", "All news", "Monday, 3 June 2024", "Politics",
         "3 June 2024, 10:15"),
        ("Share", "Print", "Flag", "Recent news from Belarus", "Lukashenko meets students",
         "New bridge opened in Gomel", "© BelTA, 1999-2025."),
    ),
    "belta-ru": (
        "ru",
        ("Все новости", "Главные новости", "Понедельник, 3 июня 2024", "Экономика",
         "03.06.2024, 10:15"),
        ("Поделиться", "Версия для печати", "Читайте также", "Лукашенко встретился со студентами",
         "В Гомеле открыли новый мост", "© БЕЛТА, 1999-2025."),
    ),
    "tass": (
        "en",
        ("All", "Economy", "Posted: 3 June 2024, 10:15"),
        ("Read also:", "Share", "Print", "Tags: Belarus, Russia", "Photo: TASS"),
    ),
    "regional-ru": (
        "ru",
        ("Главная / Новости / Экономика", "Опубликовано: 03.06.2024 10:15"),
        ("Фото: пресс-служба губернатора", "Теги: экономика, Беларусь", "Поделиться",
         "ВКонтакте", "Telegram", "Все права защищены"),
    ),
    "generic-be": (
        "be",
        ("Галоўная", "Усе навіны", "Апублікавана: 03.06.2024 10:15"),
        ("Фота: БелТА", "Падзяліцца", "Версія для друку", "Чытайце таксама",
         "Лукашэнка сустрэўся са студэнтамі", "У Гомелі адкрылі новы мост"),
    ),
    "generic-de": (
        "de",
        ("Startseite", "Alle Nachrichten", "Montag, 3. Juni 2024", "Politik",
         "3. Juni 2024, 10:15 Uhr"),
        ("Foto: dpa", "Teilen", "Drucken", "Lesen Sie auch", "Lukaschenko trifft Studenten",
         "Neue Brücke in Gomel eröffnet", "© 2024 Beispiel Zeitung. Alle Rechte vorbehalten."),
    ),
}  # fmt: skip


def _prepared(lines: list[str]) -> list[str]:
    from briefx._prepare import prepare

    return list(prepare("\n".join(lines)).paragraph_texts)


@pytest.mark.parametrize("style", list(_STYLES))
def test_site_furniture_around_an_article_is_gone(style: str) -> None:
    lang, above, below = _STYLES[style]
    article = list(_ARTICLE[lang])
    kept = _prepared([*above, *article, *below])
    assert kept == article, (style, kept)


def _furniture_lines() -> list[Any]:
    data = load_data("furniture")
    cases = []
    for kind, suffix in (
        ("menu", ""), ("follow", ""), ("social_networks", ""), ("related", ""),
        ("tags", ": Belarus, Russia"), ("caption", ": Press service"),
        ("stamped", ": 03.06.2024 10:15"),
    ):  # fmt: skip
        groups = data[kind]
        words = groups if isinstance(groups, list) else [w for g in groups.values() for w in g]
        cases += [pytest.param(f"{word}{suffix}", id=f"{kind}-{word}") for word in words]
    return cases


@pytest.mark.parametrize("line", _furniture_lines())
def test_every_furniture_line_between_paragraphs_is_gone(line: str) -> None:
    article = list(_ARTICLE["en"])
    kept = _prepared([article[0], line, *article[1:]])
    assert kept == article, line


@pytest.mark.parametrize(
    "label", [w for g in load_data("furniture")["sections"].values() for w in g]
)
def test_a_section_label_goes_only_above_furniture(label: str) -> None:
    article = list(_ARTICLE["en"])
    assert _prepared([label, "3 June 2024, 10:15", *article]) == article
    # The same word between two article paragraphs is left alone.
    assert label in _prepared([article[0], label, *article[1:]])
