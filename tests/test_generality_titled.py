"""Titled names, generated: every federal subject x four languages x a name in its case.

The rule finder is the model's second opinion on who took part: a title of
office (any language, any case ending), the place it names, then a name. The
name it returns is as written; assembly makes it nominative and Latin.
"""

from __future__ import annotations

import pytest

from briefx._data import load_data
from briefx._people import normalise_position, titled_people

SUBJECTS = [s for s in load_data("regions")["subjects"] if s["iso"].startswith("RU-")]

# (template, name as written, nominative Latin surname key) per language.
TEMPLATES = {
    "ru": ("Александр Лукашенко встретился с губернатором {gent} {name}.", "Игорем Петровым"),
    "be": ("Аляксандр Лукашэнка сустрэўся з губернатарам {be_gent} {name}.", "Ігарам Пятровым"),
    "en": ("Aleksandr Lukashenko met {en} Governor {name} in Minsk.", "Igor Petrov"),
    "de": ("Alexander Lukaschenko traf den Gouverneur von {de} {name} in Minsk.", "Igor Petrow"),
}


def _article(lang: str, subject: dict[str, object]) -> tuple[str, str]:
    template, name = TEMPLATES[lang]
    cases = subject["ru_cases"]
    typed = subject["typed"]
    assert isinstance(cases, dict) and isinstance(typed, dict)
    be_forms = typed.get("be") or [cases["gent"]]
    text = template.format(
        gent=cases["gent"],
        be_gent=be_forms[1] if len(be_forms) > 1 else be_forms[0],
        en=subject["name"],
        de=typed["de"][0] if typed.get("de") else subject["name"],
        name=name,
    )
    return text, name


@pytest.mark.parametrize("lang", sorted(TEMPLATES))
@pytest.mark.parametrize("subject", SUBJECTS, ids=[s["iso"] for s in SUBJECTS])
def test_every_subjects_governor_is_found_with_his_place(
    subject: dict[str, object], lang: str
) -> None:
    text, name = _article(lang, subject)
    found = {hit[0]: hit[1] for hit in titled_people(text)}
    assert name in found, (text, found)
    position = normalise_position(found[name])
    assert position.startswith("Governor"), (found[name], position)
    if lang in ("ru", "en"):  # the place in the position resolves to the subject's English name
        english = str(subject["name"])
        the = "the " if english.startswith("Republic") else ""
        assert position == f"Governor of {the}{english}", (found[name], position)


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        ("Viktor Karanchevich, Deputy Prime Minister of Belarus, said so.", "Viktor Karanchevich",
         "Deputy Prime Minister of Belarus"),
        ("Премьер-министр Беларуси Александр Турчин провел переговоры.", "Александр Турчин",
         "Премьер-министр Беларуси"),
        ("Der Präsident von Belarus, Alexander Lukaschenko, empfing ihn.", "Alexander Lukaschenko",
         "Präsident von Belarus"),
    ],
)  # fmt: skip
def test_title_before_or_after_the_name(text: str, name: str, title: str) -> None:
    assert (name, title) in [(hit[0], hit[1]) for hit in titled_people(text)]


def test_no_name_after_a_title_is_no_person() -> None:
    assert titled_people("Глава государства заявил, что Беларусь готова помочь.") == []
