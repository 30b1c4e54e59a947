# ruff: noqa: E501  (the source table is one subject a line)
"""Regenerate ``src/briefx/data/regions.json`` and ``src/briefx/data/cities.json``.

    pip install pymorphy3   # build-time only: the runtime reads the JSON
    python benchmarks/build_gazetteer.py

The source of truth is pycountry's ISO 3166-2 table for the codes (the script
fails when a code is missing or unknown) and the short table below for what
pycountry lacks: the English name, the Russian name and the capital. Every
surface form is generated from those: Russian case forms by pymorphy3's
inflection, Belarusian forms from Belarusian type words (the runtime folds
Russian and Belarusian vowels together, so the Russian adjective meets
"Калужскай"), German forms by German transliteration of the Russian noun, and
the pycountry romanisation in every case ("Kaluzhskoy oblasti"), so a
transliterated mention meets the same code as the English one.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pycountry
import pymorphy3

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "briefx" / "data"
sys.path.insert(0, str(ROOT / "src"))

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")

# iso | kind | English name | English variants (;) | Russian name | Russian bare nouns (;)
# | capital (English;variants) | capital (Russian) | flags
# kind: oblast krai republic okrug ao city. flags: nobare = the stem is also a
# first name or a historic city ("Vladimir", "Kirov", "Leningrad"), so it is no
# region mention on its own.
SUBJECTS = """
RU-AD|republic|Republic of Adygea|Adygea;Adygeya;Adyghea|Республика Адыгея|Адыгея|Maykop;Maikop|Майкоп|
RU-AL|republic|Altai Republic|Altai;Altay;Gorno-Altai|Республика Алтай||Gorno-Altaysk;Gorno-Altaisk|Горно-Алтайск|nobare
RU-BA|republic|Republic of Bashkortostan|Bashkortostan;Bashkiria;Bashkiriya|Республика Башкортостан|Башкортостан;Башкирия|Ufa|Уфа|
RU-BU|republic|Republic of Buryatia|Buryatia;Buryatiya|Республика Бурятия|Бурятия|Ulan-Ude|Улан-Удэ|
RU-DA|republic|Republic of Dagestan|Dagestan;Daghestan|Республика Дагестан|Дагестан|Makhachkala|Махачкала|
RU-IN|republic|Republic of Ingushetia|Ingushetia;Ingushetiya|Республика Ингушетия|Ингушетия|Magas|Магас|
RU-KB|republic|Kabardino-Balkarian Republic|Kabardino-Balkaria;Kabardino-Balkariya;Kabardino-Balkarian|Кабардино-Балкарская Республика|Кабардино-Балкария|Nalchik|Нальчик|
RU-KL|republic|Republic of Kalmykia|Kalmykia;Kalmykiya|Республика Калмыкия|Калмыкия|Elista|Элиста|
RU-KC|republic|Karachay-Cherkess Republic|Karachay-Cherkessia;Karachayevo-Cherkessia;Karachay-Cherkess|Карачаево-Черкесская Республика|Карачаево-Черкесия|Cherkessk|Черкесск|
RU-KR|republic|Republic of Karelia|Karelia;Kareliya|Республика Карелия|Карелия|Petrozavodsk|Петрозаводск|
RU-KO|republic|Komi Republic|Komi|Республика Коми|Коми|Syktyvkar|Сыктывкар|
RU-ME|republic|Republic of Mari El|Mari El;Mariy El;Mari-El|Республика Марий Эл|Марий Эл|Yoshkar-Ola|Йошкар-Ола|
RU-MO|republic|Republic of Mordovia|Mordovia;Mordoviya|Республика Мордовия|Мордовия|Saransk|Саранск|
RU-SA|republic|Republic of Sakha (Yakutia)|Sakha;Yakutia;Yakutiya;Sakha (Yakutia)|Республика Саха (Якутия)|Якутия;Саха|Yakutsk|Якутск|
RU-SE|republic|Republic of North Ossetia-Alania|North Ossetia;North Ossetia-Alania|Республика Северная Осетия — Алания|Северная Осетия|Vladikavkaz|Владикавказ|
RU-TA|republic|Republic of Tatarstan|Tatarstan|Республика Татарстан|Татарстан|Kazan|Казань|
RU-TY|republic|Tuva Republic|Tuva;Tyva|Республика Тыва|Тыва;Тува|Kyzyl|Кызыл|
RU-UD|republic|Udmurt Republic|Udmurtia;Udmurtiya;Udmurt|Удмуртская Республика|Удмуртия|Izhevsk|Ижевск|
RU-KK|republic|Republic of Khakassia|Khakassia;Khakasia;Khakasiya|Республика Хакасия|Хакасия|Abakan|Абакан|
RU-CE|republic|Chechen Republic|Chechnya;Chechen;Chechnia|Чеченская Республика|Чечня|Grozny|Грозный|
RU-CU|republic|Republic of Chuvashia|Chuvashia;Chuvash;Chuvashiya|Чувашская Республика|Чувашия|Cheboksary|Чебоксары|
RU-ALT|krai|Altai Krai|Altai;Altay|Алтайский край||Barnaul|Барнаул|nobare
RU-ZAB|krai|Zabaykalsky Krai|Zabaykalsky;Zabaykalye;Zabaikalsky;Trans-Baikal;Transbaikal;Transbaikalia|Забайкальский край|Забайкалье|Chita|Чита|
RU-KAM|krai|Kamchatka Krai|Kamchatka|Камчатский край|Камчатка|Petropavlovsk-Kamchatsky|Петропавловск-Камчатский|
RU-KDA|krai|Krasnodar Krai|Krasnodar;Kuban|Краснодарский край|Кубань|Krasnodar|Краснодар|
RU-KYA|krai|Krasnoyarsk Krai|Krasnoyarsk|Красноярский край||Krasnoyarsk|Красноярск|
RU-PER|krai|Perm Krai|Perm|Пермский край|Прикамье|Perm|Пермь|
RU-PRI|krai|Primorsky Krai|Primorsky;Primorye;Primorie;Primorskiy|Приморский край|Приморье|Vladivostok|Владивосток|
RU-STA|krai|Stavropol Krai|Stavropol|Ставропольский край|Ставрополье|Stavropol|Ставрополь|
RU-KHA|krai|Khabarovsk Krai|Khabarovsk|Хабаровский край||Khabarovsk|Хабаровск|
RU-AMU|oblast|Amur Oblast|Amur|Амурская область|Приамурье|Blagoveshchensk|Благовещенск|nobare
RU-ARK|oblast|Arkhangelsk Oblast|Arkhangelsk|Архангельская область||Arkhangelsk|Архангельск|
RU-AST|oblast|Astrakhan Oblast|Astrakhan|Астраханская область||Astrakhan|Астрахань|
RU-BEL|oblast|Belgorod Oblast|Belgorod|Белгородская область||Belgorod|Белгород|
RU-BRY|oblast|Bryansk Oblast|Bryansk|Брянская область||Bryansk|Брянск|
RU-VLA|oblast|Vladimir Oblast|Vladimir|Владимирская область||Vladimir|Владимир|nobare
RU-VGG|oblast|Volgograd Oblast|Volgograd|Волгоградская область||Volgograd|Волгоград|
RU-VLG|oblast|Vologda Oblast|Vologda|Вологодская область||Vologda|Вологда|
RU-VOR|oblast|Voronezh Oblast|Voronezh|Воронежская область||Voronezh|Воронеж|
RU-IVA|oblast|Ivanovo Oblast|Ivanovo|Ивановская область||Ivanovo|Иваново|
RU-IRK|oblast|Irkutsk Oblast|Irkutsk|Иркутская область|Приангарье|Irkutsk|Иркутск|
RU-KGD|oblast|Kaliningrad Oblast|Kaliningrad|Калининградская область||Kaliningrad|Калининград|
RU-KLU|oblast|Kaluga Oblast|Kaluga|Калужская область||Kaluga|Калуга|
RU-KEM|oblast|Kemerovo Oblast|Kemerovo;Kuzbass;Kemerovo Oblast-Kuzbass|Кемеровская область — Кузбасс|Кузбасс|Kemerovo|Кемерово|
RU-KIR|oblast|Kirov Oblast|Kirov|Кировская область||Kirov|Киров|nobare
RU-KOS|oblast|Kostroma Oblast|Kostroma|Костромская область||Kostroma|Кострома|
RU-KGN|oblast|Kurgan Oblast|Kurgan|Курганская область||Kurgan|Курган|
RU-KRS|oblast|Kursk Oblast|Kursk|Курская область||Kursk|Курск|
RU-LEN|oblast|Leningrad Oblast|Leningrad|Ленинградская область||Gatchina|Гатчина|nobare
RU-LIP|oblast|Lipetsk Oblast|Lipetsk|Липецкая область||Lipetsk|Липецк|
RU-MAG|oblast|Magadan Oblast|Magadan|Магаданская область||Magadan|Магадан|
RU-MOS|oblast|Moscow Oblast|Moscow|Московская область|Подмосковье|Krasnogorsk|Красногорск|nobare
RU-MUR|oblast|Murmansk Oblast|Murmansk|Мурманская область||Murmansk|Мурманск|
RU-NIZ|oblast|Nizhny Novgorod Oblast|Nizhny Novgorod;Nizhniy Novgorod;Nizhni Novgorod|Нижегородская область||Nizhny Novgorod;Nizhniy Novgorod;Nizhni Novgorod|Нижний Новгород|
RU-NGR|oblast|Novgorod Oblast|Novgorod|Новгородская область||Veliky Novgorod;Velikiy Novgorod|Великий Новгород|
RU-NVS|oblast|Novosibirsk Oblast|Novosibirsk|Новосибирская область||Novosibirsk|Новосибирск|
RU-OMS|oblast|Omsk Oblast|Omsk|Омская область||Omsk|Омск|
RU-ORE|oblast|Orenburg Oblast|Orenburg|Оренбургская область||Orenburg|Оренбург|
RU-ORL|oblast|Oryol Oblast|Oryol;Orel;Orlov|Орловская область||Oryol;Orel|Орёл|
RU-PNZ|oblast|Penza Oblast|Penza|Пензенская область||Penza|Пенза|
RU-PSK|oblast|Pskov Oblast|Pskov|Псковская область||Pskov|Псков|
RU-ROS|oblast|Rostov Oblast|Rostov|Ростовская область||Rostov-on-Don;Rostov|Ростов-на-Дону|
RU-RYA|oblast|Ryazan Oblast|Ryazan|Рязанская область||Ryazan|Рязань|
RU-SAM|oblast|Samara Oblast|Samara|Самарская область||Samara|Самара|
RU-SAR|oblast|Saratov Oblast|Saratov|Саратовская область||Saratov|Саратов|
RU-SAK|oblast|Sakhalin Oblast|Sakhalin|Сахалинская область|Сахалин|Yuzhno-Sakhalinsk|Южно-Сахалинск|
RU-SVE|oblast|Sverdlovsk Oblast|Sverdlovsk|Свердловская область||Yekaterinburg;Ekaterinburg|Екатеринбург|
RU-SMO|oblast|Smolensk Oblast|Smolensk|Смоленская область||Smolensk|Смоленск|
RU-TAM|oblast|Tambov Oblast|Tambov|Тамбовская область||Tambov|Тамбов|
RU-TVE|oblast|Tver Oblast|Tver|Тверская область||Tver|Тверь|
RU-TOM|oblast|Tomsk Oblast|Tomsk|Томская область||Tomsk|Томск|
RU-TUL|oblast|Tula Oblast|Tula|Тульская область||Tula|Тула|
RU-TYU|oblast|Tyumen Oblast|Tyumen|Тюменская область||Tyumen|Тюмень|
RU-ULY|oblast|Ulyanovsk Oblast|Ulyanovsk|Ульяновская область||Ulyanovsk|Ульяновск|
RU-CHE|oblast|Chelyabinsk Oblast|Chelyabinsk|Челябинская область||Chelyabinsk|Челябинск|
RU-YAR|oblast|Yaroslavl Oblast|Yaroslavl|Ярославская область||Yaroslavl|Ярославль|
RU-NEN|okrug|Nenets Autonomous Okrug|Nenets|Ненецкий автономный округ||Naryan-Mar|Нарьян-Мар|
RU-KHM|okrug|Khanty-Mansi Autonomous Okrug|Khanty-Mansi;Khanty-Mansiysk;Yugra;Ugra;Khanty-Mansi Autonomous Okrug-Yugra|Ханты-Мансийский автономный округ — Югра|Югра|Khanty-Mansiysk|Ханты-Мансийск|
RU-CHU|okrug|Chukotka Autonomous Okrug|Chukotka;Chukchi|Чукотский автономный округ|Чукотка|Anadyr|Анадырь|
RU-YAN|okrug|Yamalo-Nenets Autonomous Okrug|Yamalo-Nenets;Yamal|Ямало-Ненецкий автономный округ|Ямал|Salekhard|Салехард|
RU-YEV|ao|Jewish Autonomous Oblast|Jewish|Еврейская автономная область||Birobidzhan|Биробиджан|nobare
RU-MOW|city|Moscow|Moscow|Москва|Москва|Moscow|Москва|
RU-SPE|city|Saint Petersburg|Saint Petersburg;St Petersburg;St. Petersburg;Petersburg;Sankt-Peterburg|Санкт-Петербург|Санкт-Петербург;Петербург|Saint Petersburg;St Petersburg;St. Petersburg|Санкт-Петербург|
UA-43|republic|Republic of Crimea|Crimea|Республика Крым|Крым|Simferopol|Симферополь|
UA-40|city|Sevastopol|Sevastopol|Севастополь|Севастополь|Sevastopol|Севастополь|
UA-14|republic|Donetsk People's Republic|Donetsk People's Republic;DPR;DNR|Донецкая Народная Республика|ДНР|Donetsk|Донецк|nobare
UA-09|republic|Luhansk People's Republic|Luhansk People's Republic;Lugansk People's Republic;LPR;LNR|Луганская Народная Республика|ЛНР|Luhansk;Lugansk|Луганск|nobare
UA-23|oblast|Zaporozhye Oblast|Zaporozhye;Zaporizhzhia|Запорожская область||||nobare
UA-65|oblast|Kherson Oblast|Kherson|Херсонская область||||nobare
"""
# Annexed regions: pycountry lists them under Ukraine, so their ISO 3166-2 code
# is the Ukrainian one; Russian officials name them as federal subjects.
ANNEXED = {"UA-43", "UA-40", "UA-14", "UA-09", "UA-23", "UA-65"}

# English type words per kind: "Kaluga Oblast", "Kaluga region", "Region of Kaluga".
EN_TYPES = {
    "oblast": ["Oblast", "Region", "Province", "Oblast'"],
    "krai": ["Krai", "Kray", "Territory", "Region", "Krai'"],
    "okrug": ["Autonomous Okrug", "Autonomous District", "Autonomous Area", "Okrug", "Region"],
    "ao": ["Autonomous Oblast", "Autonomous Region", "Autonomous Province"],
    "republic": ["Republic"],
    "city": ["City"],
}
DE_TYPES = {
    "oblast": ["Gebiet", "Gebiets", "Oblast", "Region", "Verwaltungsgebiet"],
    "krai": ["Region", "Krai", "Kraj", "Gebiet", "Gebiets"],
    "okrug": ["Autonomer Kreis", "Autonomen Kreises", "Autonomen Kreis", "Kreis", "Region"],
    "ao": ["Autonome Oblast", "Autonomen Oblast", "Autonomes Gebiet", "Autonomen Gebiets"],
    "republic": ["Republik"],
    "city": ["Stadt"],
}
# Belarusian type words in their six cases; the adjective comes from Russian
# (the runtime's loose fold makes "калужской" and "калужскай" one key).
BE_TYPES = {
    "oblast": ["вобласць", "вобласці", "вобласцю"],
    "krai": ["край", "краю", "краі", "краем"],
    "okrug": ["аўтаномная акруга", "аўтаномнай акругі", "аўтаномнай акрузе",
              "аўтаномную акругу", "аўтаномнай акругай", "аўтаномны акруг",
              "аўтаномнага акруга", "аўтаномным акругам"],
    "ao": ["аўтаномная вобласць", "аўтаномнай вобласці", "аўтаномную вобласць",
           "аўтаномнай вобласцю"],
    "republic": ["рэспубліка", "рэспублікі", "рэспубліцы", "рэспубліку", "рэспублікай"],
    "city": [],
}  # fmt: skip

# German transliteration (Duden), for "Gebiet Nowosibirsk", "Wologda", "Tscheljabinsk".
_DE = {
    "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "е": "e", "ё": "jo", "ж": "sch",
    "з": "s", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch", "ц": "z",
    "ч": "tsch", "ш": "sch", "щ": "schtsch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "ju", "я": "ja",
}  # fmt: skip
_VOWELS = set("аеёиоуыэюяьъ")


def german(word: str) -> str:
    out, prev = [], " "
    for ch in word:
        low = ch.lower()
        lat = _DE.get(low, ch)
        if low == "е" and (prev in _VOWELS or not prev.isalpha()):
            lat = "je"
        if low == "с" and prev in "аеиоуыэюя" and prev.isalpha():
            lat = "s"
        if low == "й" and prev in "аеиоуыэюя":
            lat = "i"
        out.append(lat.capitalize() if ch.isupper() else lat)
        prev = low
    text = re.sub(r"ii\b", "i", "".join(out))  # "Nischni", not "Nischnii"
    text = re.sub(r"yi\b", "y", text)
    # "-ija" is "-ien" in German country names: Jakutien, Karelien, Tschuwaschien.
    return text[:-3] + "ien" if text.endswith("ija") else text


_MORPH = pymorphy3.MorphAnalyzer()


def _parse(word: str) -> Any:
    parses = _MORPH.parse(word)
    geo = [p for p in parses if "Geox" in p.tag]
    nomn = [p for p in parses if "nomn" in p.tag]
    return (geo or nomn or parses)[0]


def inflect_word(word: str, case: str, *, agree_inanimate: bool = False) -> str:
    """``word`` (nominative) in ``case``, keeping its capitals; unchanged if it does not inflect."""
    if "-" in word and not _parse(word).tag.POS:
        head, _, tail = word.partition("-")
        if tail.startswith("на-"):  # Ростов-на-Дону
            return inflect_word(head, case) + "-" + tail
        return head + "-" + inflect_word(tail, case)
    parse = _parse(word)
    if parse.tag.POS not in {"NOUN", "ADJF"} or "nomn" not in parse.tag:
        return word
    if agree_inanimate and case == "accs" and parse.tag.POS == "ADJF" and "masc" in parse.tag:
        case = "nomn"  # "Алтайский край" is its own accusative
    grammemes = {case}
    if "plur" in parse.tag:
        grammemes.add("plur")
    got = parse.inflect(grammemes)
    if got is None:
        return word
    return _recase(str(got.word), word)


def _recase(form: str, like: str) -> str:
    """Give ``form`` the capitals of ``like`` segment by segment ("Ханты-Мансийского")."""
    parts, models = form.split("-"), like.split("-")
    if len(parts) != len(models):
        return form[0].upper() + form[1:] if like[0].isupper() else form
    return "-".join(
        p[0].upper() + p[1:] if m[:1].isupper() else p for p, m in zip(parts, models, strict=True)
    )


def inflect_phrase(phrase: str, case: str) -> str:
    """Inflect every word before a dash; "Республика X" keeps X in the nominative."""
    head, dash, tail = phrase.partition(" — ")
    words = head.split(" ")
    if words[0] == "Республика":
        return " ".join([inflect_word(words[0], case), *words[1:]]) + dash + tail
    out = []
    for w in words:
        if w.startswith("("):
            out.append(w)
            continue
        out.append(inflect_word(w, case, agree_inanimate=True))
    return " ".join(out) + dash + tail


def ru_cases(phrase: str) -> dict[str, str]:
    return {case: inflect_phrase(phrase, case) for case in CASES}


def translit(text: str) -> str:
    from briefx._language import transliterate  # the runtime's one scheme

    return str(transliterate(text))


def _uniq(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        item = " ".join(item.split())
        if item:
            seen.setdefault(item, None)
    return list(seen)


def _adjective(ru_name: str) -> str | None:
    """The adjective of "Калужская область" / "Чеченская Республика", if it has one."""
    for word in ru_name.split():
        if word.endswith(("ская", "ский", "цкая", "цкий", "ая", "ий")) and word[0].isupper():
            return word
    return None


def _adjective_forms(adjective: str, gender: str | None = None) -> list[str]:
    """Case forms of a relational adjective ("калужский" ...), of one gender if given."""
    parse = _parse(adjective)
    forms = [
        str(f.word)
        for f in parse.lexeme
        if f.tag.POS == "ADJF" and "Supr" not in f.tag and (gender is None or gender in f.tag)
    ]
    return _uniq(forms)


_BE_GENDER = {"oblast": "femn", "krai": "masc", "okrug": None, "ao": "femn", "republic": "femn"}


def _shchina(adjective: str) -> list[str]:
    """ "Ярославщина", "Смоленщина": the region's folk name, Russian and Belarusian."""
    low = adjective.lower()
    for ending in ("ская", "ский"):
        if low.endswith(ending) and not low.endswith("цкая"):
            stem = low[: -len(ending)]
            ru = [stem + "щин" + e for e in ("а", "ы", "е", "у", "ой")]
            be = [stem + "шчын" + e for e in ("а", "ы", "е", "у", "ай")]
            return ru + be
    return []


def _en_forms(kind: str, variants: list[str], name: str) -> list[str]:
    forms = [name]
    for stem in variants:
        for word in EN_TYPES[kind]:
            forms.append(f"{stem} {word}")
        if kind in {"oblast", "krai", "okrug", "ao"}:
            forms.append(f"{EN_TYPES[kind][0]} of {stem}")
            forms.append(f"Region of {stem}")
        if kind == "republic":
            forms.append(f"Republic of {stem}")
    return forms


def _de_forms(kind: str, de_stems: list[str]) -> list[str]:
    forms = []
    for stem in de_stems:
        for word in DE_TYPES[kind]:
            forms.append(f"{word} {stem}")
            if kind != "republic":
                forms.append(f"{stem} {word}")
        forms.append(f"{stem}er {DE_TYPES[kind][0]}")  # "Murmansker Gebiet"
    return forms


def _ru_typed(ru_name: str, kind: str) -> tuple[dict[str, str], list[str]]:
    cases = ru_cases(ru_name)
    forms = list(cases.values())
    if " — " in ru_name:  # "Кемеровская область — Кузбасс": the short name too
        forms += ru_cases(ru_name.split(" — ")[0]).values()
    if kind == "republic" and not ru_name.startswith("Республика"):
        # "Чувашская Республика" is also "Республика Чувашия"; the adjective forms suffice.
        pass
    forms.append(ru_name.replace("Республика ", "Республики ").replace(" — ", " - "))
    return cases, forms


def _be_typed(ru_name: str, kind: str) -> list[str]:
    adjective = _adjective(ru_name.split(" — ")[0])
    forms: list[str] = []
    if kind == "republic":
        # The Russian phrase in each case with its noun in Belarusian: "Донецкай Народнай Рэспублікі".
        be_noun = dict(zip(CASES, ["рэспубліка", "рэспублікі", "рэспубліцы", "рэспубліку",
                                   "рэспублікай", "рэспубліцы"], strict=True))  # fmt: skip
        forms += [
            re.sub(r"[Рр]еспублик\w*", be_noun[case], phrase)
            for case, phrase in ru_cases(ru_name).items()
        ]
        rest = ru_name.replace("Республика", "").strip()
        if adjective:
            rest = rest.replace(adjective, "").strip()
            forms += [
                f"{a} {t}" for a in _adjective_forms(adjective, "femn") for t in BE_TYPES[kind]
            ]
        if rest and ru_name.startswith("Республика"):
            forms += [f"{t} {rest}" for t in BE_TYPES[kind]]
        return forms
    if adjective:
        gender = _BE_GENDER.get(kind)
        forms += [f"{a} {t}" for a in _adjective_forms(adjective, gender) for t in BE_TYPES[kind]]
    return _belarusian_spelling(forms)


def _belarusian_spelling(forms: list[str]) -> list[str]:
    """Add the Belarusian "цк" of Russian "тск" ("Іркуцкай", "Якуцк"); the fold does the rest."""
    return _uniq(forms + [f.replace("тск", "цк") for f in forms if "тск" in f])


def _bare(row: dict[str, Any], adjective: str | None) -> dict[str, list[str]]:
    """Mentions without a type word: nouns ("Татарстана"), adjectives, the namesake capital."""
    if "nobare" in row["flags"]:
        return {"en": [], "ru": [], "de": []}
    ru: list[str] = []
    for noun in row["ru_nouns"]:
        ru += ru_cases(noun).values()
    capital_is_namesake = row["capital_en"] and row["capital_en"][0] in row["en_variants"]
    if capital_is_namesake:
        ru += ru_cases(row["capital_ru"]).values()
    if adjective and row["kind"] != "republic":
        ru += _shchina(adjective)
    en = list(row["en_variants"]) if row["kind"] in {"republic", "city", "okrug"} else []
    if capital_is_namesake or row["kind"] in {"krai"}:
        en += row["en_variants"]
    de = [german(n) for n in row["ru_nouns"]]
    if capital_is_namesake:
        de.append(german(row["capital_ru"]))
    return {"en": _uniq(en), "ru": _uniq(ru + [translit(f) for f in ru]), "de": _uniq(de)}


def _adjective_bare(adjective: str | None, flags: str) -> list[str]:
    """ "калужский губернатор", "Калужская делегация": weak mentions, tied by a governor word."""
    if not adjective or "nobare" in flags or "ая" not in adjective[-3:]:
        return []
    masc = adjective[:-2] + "ий"
    return _adjective_forms(masc)


def _de_stems(row: dict[str, Any]) -> list[str]:
    """German names: the namesake city ("Nowosibirsk"), the nouns, "Swerdlowsk" from the adjective."""
    nouns = []
    if row["capital_en"] and row["capital_en"][0] in row["en_variants"]:
        nouns.append(row["capital_ru"])
    nouns += row["ru_nouns"]
    adjective = _adjective(row["ru_name"].split(" — ")[0])
    stems = [german(n) for n in nouns]
    stems += [v for v in row["en_variants"] if v.isascii() and v.upper() != v]
    if adjective and row["kind"] in {"oblast", "krai"}:
        stems.append(german(re.sub(r"(?:ская|ский)$", "ск", adjective)))
    return _uniq(stems)


def parse_rows() -> list[dict[str, Any]]:
    rows = []
    for line in SUBJECTS.strip().splitlines():
        iso, kind, name, en, ru, nouns, cap_en, cap_ru, flags = line.split("|")
        rows.append(
            {
                "iso": iso,
                "kind": kind,
                "name": name,
                "en_variants": en.split(";"),
                "ru_name": ru,
                "ru_nouns": [n for n in nouns.split(";") if n],
                "capital_en": [c for c in cap_en.split(";") if c],
                "capital_ru": cap_ru,
                "flags": flags,
            }
        )
    return rows


def check_codes(rows: list[dict[str, Any]]) -> None:
    ours = {r["iso"] for r in rows}
    theirs = {s.code for s in pycountry.subdivisions.get(country_code="RU")}
    assert theirs <= ours, f"missing subjects: {sorted(theirs - ours)}"
    extra = ours - theirs - ANNEXED
    assert not extra, f"codes pycountry does not know: {sorted(extra)}"
    for code in ANNEXED:
        assert pycountry.subdivisions.get(code=code) is not None, code


def pycountry_names(iso: str) -> list[str]:
    sub = pycountry.subdivisions.get(code=iso)
    if sub is None or not iso.startswith("RU-"):
        return []
    name = str(sub.name)
    return [name, name.replace("'", ""), name.replace("oblast'", "oblast")]


def build_subject(row: dict[str, Any]) -> dict[str, Any]:
    kind = row["kind"]
    cases, ru_forms = _ru_typed(row["ru_name"], kind)
    adjective = _adjective(row["ru_name"].split(" — ")[0])
    en_typed = _en_forms(kind, row["en_variants"], row["name"]) if kind != "city" else []
    en_typed += pycountry_names(row["iso"])
    en_typed += [translit(f) for f in ru_forms]
    if kind == "city":
        en_typed += [f"{v} City" for v in row["en_variants"]]
    de_stems = _de_stems(row)
    bare = _bare(row, adjective)
    return {
        "iso": row["iso"],
        "name": row["name"],
        "kind": kind,
        "en_stem": row["en_variants"][0],
        "de_stem": de_stems[0],
        "ru_cases": cases,
        "capital": {"en": row["capital_en"][0] if row["capital_en"] else None,
                    "ru": row["capital_ru"] or None},
        "typed": {
            "en": _uniq(en_typed),
            "ru": _uniq(ru_forms),
            "be": _uniq(_be_typed(row["ru_name"], kind)),
            "de": _uniq(_de_forms(kind, de_stems)),
        },
        "bare": {
            **bare,
            "ru_adjective": _adjective_bare(adjective, row["flags"]),
            "de": _uniq(bare["de"] + [f"{s}er" for s in de_stems if "nobare" not in row["flags"]]),
        },
    }  # fmt: skip


# --- cities ----------------------------------------------------------------------

# English (;variants) | Russian | Belarusian | German (;variants)
BY_CITIES = """
Minsk|Минск|Мінск|Minsk
Brest|Брест|Брэст|Brest
Vitebsk;Viciebsk;Vitsebsk|Витебск|Віцебск|Witebsk
Gomel;Homel|Гомель|Гомель|Gomel;Homel
Grodno;Hrodna|Гродно|Гродна|Grodno
Mogilev;Mahilyow;Mogilyov;Mahilioŭ|Могилёв|Магілёў|Mogiljow;Mogilew;Mahiljou
Baranovichi;Baranavichy|Барановичи|Баранавічы|Baranowitschi
Bobruisk;Babruysk;Bobruysk|Бобруйск|Бабруйск|Bobruisk
Borisov;Barysaw|Борисов|Барысаў|Borissow
Pinsk|Пинск|Пінск|Pinsk
Orsha|Орша|Орша|Orscha
Mozyr;Mazyr|Мозырь|Мазыр|Mosyr
Soligorsk;Salihorsk|Солигорск|Салігорск|Soligorsk
Novopolotsk;Navapolatsk|Новополоцк|Наваполацк|Nowopolozk
Polotsk;Polatsk|Полоцк|Полацк|Polozk
Lida|Лида|Ліда|Lida
Molodechno;Maladzyechna|Молодечно|Маладзечна|Molodetschno
Zhlobin|Жлобин|Жлобін|Schlobin
Svetlogorsk;Svietlahorsk|Светлогорск|Светлагорск|Swetlogorsk
Rechitsa;Rechytsa|Речица|Рэчыца|Retschiza
Slutsk|Слуцк|Слуцк|Sluzk
Zhodino;Zhodzina|Жодино|Жодзіна|Schodino
Kobrin;Kobryn|Кобрин|Кобрын|Kobryn
Volkovysk;Vawkavysk|Волковыск|Ваўкавыск|Wolkowysk
Smorgon;Smarhon|Сморгонь|Смаргонь|Smorgon
Krichev;Krychaw|Кричев|Крычаў|Kritschew
Gorki;Horki|Горки|Горкі|Gorki
Nesvizh;Niasvizh|Несвиж|Нясвіж|Neswisch
Novogrudok;Navahrudak|Новогрудок|Навагрудак|Nowogrudok
Dzerzhinsk;Dzyarzhynsk|Дзержинск|Дзяржынск|Dserschinsk
Kalinkovichi;Kalinkavichy|Калинковичи|Калінкавічы|Kalinkowitschi
Rogachev;Rahachow|Рогачёв|Рагачоў|Rogatschow
Osipovichi;Asipovichy|Осиповичи|Асіповічы|Ossipowitschi
Shklov;Shklow|Шклов|Шклоў|Schklow
"""
# Russian cities that are no regional capital but host such meetings or forums.
RU_CITIES = """
Sochi|Сочи
Tolyatti;Togliatti|Тольятти
Naberezhnye Chelny|Набережные Челны
Novorossiysk|Новороссийск
Magnitogorsk|Магнитогорск
Cherepovets|Череповец
Taganrog|Таганрог
Sterlitamak|Стерлитамак
Surgut|Сургут
Nizhny Tagil|Нижний Тагил
Norilsk|Норильск
Ussuriysk|Уссурийск
Kolomna|Коломна
Podolsk|Подольск
Novokuznetsk|Новокузнецк
Kaluga|Калуга
Obninsk|Обнинск
Velikiye Luki|Великие Луки
Engels|Энгельс
Zelenograd|Зеленоград
Sevastopol|Севастополь
Simferopol|Симферополь
"""
# Venues named instead of their city. "needs_preposition": the name is also the
# government's ("the Kremlin said"), so only "in the Kremlin" places a meeting.
VENUES = [
    ("Palace of Independence", "Minsk", "BY", False,
     ["Palace of Independence", "Independence Palace", "Дворец Независимости",
      "Палац Незалежнасці", "Palast der Unabhängigkeit", "Unabhängigkeitspalast"]),
    ("Palace of the Republic", "Minsk", "BY", False,
     ["Palace of the Republic", "Дворец Республики", "Палац Рэспублікі", "Palast der Republik"]),
    ("House of Government", "Minsk", "BY", True,
     ["House of Government", "Дом Правительства", "Дом Урада", "Regierungsgebäude"]),
    ("Kremlin", "Moscow", "RU", True, ["Kremlin", "Кремль", "Kreml"]),
]  # fmt: skip
# Words that open a dateline but are no place: weekdays and months, every language.
NOT_PLACES = """
monday tuesday wednesday thursday friday saturday sunday today yesterday
montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag heute gestern aktualisiert
понедельник вторник среда четверг пятница суббота воскресенье сегодня вчера
панядзелак аўторак серада чацвер пятніца субота нядзеля сёння учора
january february march april may june july august september october november december
januar februar märz mai juni juli oktober dezember
январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь
студзень люты сакавік красавік травень чэрвень ліпень жнівень верасень кастрычнік лістапад снежань
update updated published опубликовано обновлено апублікавана
"""
# Phrases that place a meeting: a city after one of these is where it was held.
MEETING_CUES = """
met meet meets meeting meetings talks talked negotiations held hold holds holding arrived arrives
arriving visit visited visits visiting received receive receives welcomed gathered came
встретился встретились встреча встречи встречу встрече переговоры переговорах провел провёл
провели проведет проведёт прибыл прибыла прибыли посетил посетила визит визита визитом принял
сустрэўся сустрэліся сустрэча сустрэчу сустрэчы перамовы перамовах правёў правядзе правялі
прыбыў наведаў візіт прыняў
traf trafen treffen getroffen gespräche gespräch gesprochen verhandlungen besuch besuchte besucht
empfing empfangen eingetroffen angekommen
"""
# Words that put a named person at the head of a region: "Governor of X", "X Governor".
GOVERNOR_CUES = """
governor governors governorship head rais mayor chief leader
губернатор глава главы главе главу главой мэр руководитель руководителя
губернатар кіраўнік кіраўніка мэр
gouverneur gouverneurs oberhaupt regierungschef bürgermeister chef
"""
NOT_THE_GOVERNOR = """
deputy vice former ex acting-free заместитель заместителя вице бывший бывшего
намеснік намесніка віцэ былы
stellvertretende stellvertretender stellvertreter ehemalige ehemaliger
"""
# Words a governor cue reaches its region over: "Governor of the X", "Gouverneur des Gebiets".
LINKING = "of the des der russia's russia’s"
FILLER = "russia's russia’s russia russian russias federation the of rossii rf in and governor"
LOCATIVE = "in at в во у ў im am"
# Words that point a meeting word at its place: "a working visit to Minsk", "прибыл в".
DIRECTION = "to into nach in в во у ў"
# Nouns of places a model may give as a person's name ("Kazan Kremlin").
PLACE_NOUNS = (
    "kremlin palace square street avenue кремль дворец площадь улица kreml palast platz straße"
)
# Articles between a preposition and a venue: "in the Kremlin", "in dem Palast".
ARTICLES = "the dem der"
# Quotation marks, opening and closing: a place inside a quote is reported speech.
QUOTE_PAIRS = [["“", "”"], ["«", "»"], ["„", "“"], ["„", "”"], ['"', '"']]
# The gazetteer's loose fold, one character for one (see briefx/places/_gazetteer.py):
# Russian and Belarusian spellings of one sound meet; typographic marks become plain.
FOLD = {
    "о": "а", "е": "а", "я": "а", "э": "а", "ё": "а", "ы": "и", "і": "и", "ї": "и",
    "ю": "у", "ў": "в", "ц": "т", "щ": "ш", "ъ": "ь", "ґ": "г", "є": "а",
    "’": "'", "‘": "'", "ʼ": "'", "ß": "s", "‐": "-", "‑": "-", "‒": "-", "–": "-",
}  # fmt: skip


def city_forms(en: list[str], ru: str, be: str | None, de: list[str]) -> list[str]:
    forms = list(en) + list(de)
    forms += _belarusian_spelling(list(ru_cases(ru).values()))
    forms += [translit(ru)]
    if be:
        forms += be_cases(be)
    return _uniq(forms)


def be_cases(word: str) -> list[str]:
    """Belarusian city in its cases, by ending: "Мінск" / "Мінска" / "Мінску" / "Мінскам"."""
    low = word[-1]
    if low in "аяы" and not word.endswith(("ічы", "ыя")):
        stem = word[:-1]
        return [word, stem + "ы", stem + "е", stem + "у", stem + "ай", stem + "ы"]
    if word.endswith("ічы"):
        return [word, word[:-1], word[:-1] + "ам", word[:-1] + "ах"]
    if low in "оеё":
        return [word]
    if low == "ь":
        stem = word[:-1]
        return [word, stem + "я", stem + "ю", stem + "ем", stem + "і"]
    if low == "ў":
        stem = word[:-1] + "в"
        return [word, stem + "а", stem + "у", stem + "ам", stem + "е"]
    return [word, word + "а", word + "у", word + "ам", word + "е"]


def build_cities(subjects: list[dict[str, Any]]) -> dict[str, Any]:
    cities: list[dict[str, Any]] = []
    for line in BY_CITIES.strip().splitlines():
        en, ru, be, de = line.split("|")
        ens, des = en.split(";"), de.split(";")
        cities.append({"en": ens[0], "country": "BY", "forms": city_forms(ens, ru, be, des)})
    for row in parse_rows():
        if not row["capital_en"]:
            continue
        ens = row["capital_en"]
        country = "RU" if row["iso"].startswith("RU-") else "UA"
        des = [german(row["capital_ru"])]
        if row["iso"] == "RU-MOW":
            des.append("Moskau")
        if row["iso"] == "RU-ROS":
            des.append("Rostow am Don")
        cities.append(
            {
                "en": ens[0],
                "country": country,
                "forms": city_forms(ens, row["capital_ru"], None, des),
            }
        )
    for line in RU_CITIES.strip().splitlines():
        en, ru = line.split("|")
        ens = en.split(";")
        if any(c["en"] == ens[0] for c in cities):
            continue
        cities.append(
            {"en": ens[0], "country": "RU", "forms": city_forms(ens, ru, None, [german(ru)])}
        )
    venues = []
    for name, city, country, needs_prep, forms in VENUES:
        all_forms = []
        for form in forms:
            all_forms.append(form)
            if any("а" <= c <= "я" for c in form.lower()) and not form.startswith(
                ("Палац", "Дом Урада")
            ):
                # Only the head noun declines: "во Дворце Независимости", not "...Независимостях".
                head, _, rest = form.partition(" ")
                all_forms += [f"{case} {rest}".strip() for case in ru_cases(head).values()]
        if forms[0] == "Палац Незалежнасці" or "Палац Незалежнасці" in forms:
            all_forms += ["Палацы Незалежнасці", "Палаца Незалежнасці"]
        if "Палац Рэспублікі" in forms:
            all_forms += ["Палацы Рэспублікі", "Палаца Рэспублікі"]
        if "Дом Урада" in forms:
            all_forms += ["Доме Урада", "Дома Урада"]
        venues.append({"name": name, "city": city, "country": country,
                       "needs_preposition": needs_prep, "forms": _uniq(all_forms)})  # fmt: skip
    del subjects
    return {
        "_about": "Generated by benchmarks/build_gazetteer.py; edit that script, not this file.",
        "cities": cities,
        "venues": venues,
        "not_places": NOT_PLACES.split(),
        "meeting_cues": MEETING_CUES.split(),
        "locative": LOCATIVE.split(),
        "direction": DIRECTION.split(),
        "place_nouns": PLACE_NOUNS.split(),
        "articles": ARTICLES.split(),
        "quote_pairs": QUOTE_PAIRS,
    }


def main() -> int:
    rows = parse_rows()
    check_codes(rows)
    subjects = [build_subject(r) for r in rows]
    regions = {
        "_about": "Generated by benchmarks/build_gazetteer.py; edit that script, not this file.",
        "type_words": sorted({w for ws in EN_TYPES.values() for w in ws if " " not in w}
                             | {w for ws in DE_TYPES.values() for w in ws if " " not in w}),
        "governor_cues": GOVERNOR_CUES.split(),
        "not_the_governor": [w for w in NOT_THE_GOVERNOR.split() if w != "acting-free"],
        "linking": LINKING.split(),
        "filler": FILLER.split(),
        "possessive_prefixes": ["russia's", "russia’s"],
        "fold": FOLD,
        "not_russian": ["Minsk", "Brest", "Vitebsk", "Gomel", "Grodno", "Mogilev", "Homel",
                        "Hrodna", "Mahilyow", "Viciebsk", "Kyiv", "Kiev", "Kharkiv", "Lviv"],
        "subjects": subjects,
    }  # fmt: skip
    DATA.mkdir(parents=True, exist_ok=True)
    for name, payload in (("regions.json", regions), ("cities.json", build_cities(subjects))):
        path = DATA / name
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
