"""Language and script: which language an article is in, which script a string uses.

One transliteration and one name fold for the whole library live here, so that
"Лукашенко", "Lukashenko" and "Lukaschenko"-free Latin spellings compare alike
everywhere:

* :func:`transliterate` romanises Cyrillic with one named standard, iuliia's
  ``wikipedia`` scheme (data/script.json), which gives the spellings BelTA and
  the English press use: "Aleksandr", "Georgy", "Vitaly", "Yefimov". Belarusian
  and Ukrainian letters the Russian scheme lacks (і, ў, ї, є, ґ) are added.
* :func:`fold` is the comparison key of a name: transliterated, lower-cased,
  marks stripped, common spelling variants merged ("Alexander"/"Aleksandr").
* :func:`detect_language` names the article's language as a BCP-47 tag, with a
  lingua detector restricted to the languages briefx meets, built once.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

import iuliia

from briefx._data import load_data

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# Long texts gain nothing from more than a few thousand characters of evidence.
_DETECT_SAMPLE = 4000


@cache
def _script() -> dict[str, Any]:
    data: dict[str, Any] = load_data("script")
    return data


@cache
def _homoglyphs() -> dict[int, str]:
    return str.maketrans(_script()["homoglyphs"])


@cache
def _extra_letters() -> dict[int, str]:
    return str.maketrans(_script()["extra_letters"])


@cache
def _schema() -> Any:
    return iuliia.schemas.get(_script()["scheme"])


# --- script ----------------------------------------------------------------------


def non_latin(text: str) -> bool:
    """True when any letter in ``text`` is not Latin (Cyrillic, CJK, Greek, ...)."""
    return any(ch.isalpha() and not _is_latin_letter(ch) for ch in text)


@lru_cache(maxsize=4096)
def _is_latin_letter(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text))


def has_rule_data(language: str | None) -> bool:
    """True when the rules' cue lists cover ``language`` (data/script.json)."""
    return language in _script()["rule_languages"]


def unreadable_script(text: str) -> bool:
    """True when most letters are in a script briefx cannot romanise (Han, Arabic, ...):
    a Latin name can then be checked against the article only by the model's reading."""
    letters = [ch for ch in text[:_DETECT_SAMPLE] if ch.isalpha()]
    if not letters:
        return False
    readable = sum(1 for ch in letters if _is_latin_letter(ch) or _CYRILLIC.match(ch))
    return readable < len(letters) / 2


def fold_homoglyphs(text: str) -> str:
    """Turn Cyrillic look-alikes into Latin inside words that mix both scripts.

    "BelOМО" (Cyrillic М, О) becomes "BelOMO"; a Cyrillic letter with no Latin
    twin in such a word ("Пresident") is transliterated.
    """

    def one(m: re.Match[str]) -> str:
        word = m.group(0)
        if _CYRILLIC.search(word) and _LATIN.search(word):
            return transliterate(word.translate(_homoglyphs()))
        return word

    return _WORD.sub(one, text)


@lru_cache(maxsize=65536)  # names and region words repeat across an article
def transliterate(text: str) -> str:
    """Romanise Cyrillic (Russian, Belarusian, Ukrainian) by the library's one scheme."""
    if not _CYRILLIC.search(text):
        return text
    return str(_schema().translate(text.translate(_extra_letters())))


# --- folding -----------------------------------------------------------------------


def strip_marks(text: str) -> str:
    """Diacritics off: 'Łukašenko' keeps its Ł, loses its š's mark ('Łukasenko')."""
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def _spelling_variants(word: str) -> str:
    # German romanisation of Russian names: Lukaschenko, Wladislaw, Jefimow, Gussew.
    word = word.replace("schtsch", "shch").replace("tsch", "ch").replace("sch", "sh")
    word = word.replace("w", "v").replace("ss", "s")
    word = re.sub(r"^j(?=[aeiou])", "y", word)
    word = word.replace("x", "ks")
    word = re.sub(r"(?<=[aeiou])ye", "e", word)  # Milyayev, Milyaev
    word = re.sub(r"^ye", "e", word)  # Yefimov, Efimov
    word = re.sub(r"(?<=[^aeiou])yo", "e", word)  # Artyom, Artem (ё written as е)
    word = re.sub(r"(?:iy|yi|ii|ij|y)$", "i", word)  # Georgy, Georgiy, Georgii
    word = re.sub(r"(?<=[aeiou])y(?![aeiou])", "i", word)  # Sergey, Starovoit, Khinshtein
    word = re.sub(r"enka$", "enko", word)  # Belarusian Лукашэнка, Russian Лукашенко
    return re.sub(r"ander$", "andr", word)  # Alexander, Aleksandr


@lru_cache(maxsize=65536)  # called on every word of an article, and words repeat
def fold(name: str) -> str:
    """Case-, diacritics- and script-folded form of a name: 'Лукашенко' -> 'lukashenko'."""
    # Transliterate before stripping marks: NFKD would turn "й" into "и" + breve.
    text = transliterate(fold_homoglyphs(unicodedata.normalize("NFKC", name)))
    text = strip_marks(text.lower().replace("ł", "l"))
    words = [re.sub(r"[^a-z0-9]", "", w) for w in re.split(r"[\s\-]+", text)]
    return " ".join(_spelling_variants(w) for w in words if w)


@cache
def _name_key_rules() -> tuple[list[tuple[re.Pattern[str], str]], str]:
    data = _script()["name_key"]
    return [(re.compile(pattern), sound) for pattern, sound in data["rules"]], data["vowels"]


@lru_cache(maxsize=65536)
def name_key(word: str) -> str:
    """A surname's sound skeleton, alike in every spelling system (data/script.json).

    "Lukashenko", "Lukaschenko", "Łukašenka", "Łukaszenka" and Hungarian
    "Lukasenka" all give "lksnk"; compare keys with :func:`same_name_key`.
    """
    text = transliterate(unicodedata.normalize("NFKC", word)).lower()
    rules, vowels = _name_key_rules()
    for pattern, sound in rules:
        text = pattern.sub(sound, text)
    text = re.sub(r"[^a-z]", "", strip_marks(text))
    if not text:
        return ""
    lead = "_" if text[0] in vowels else text[0]
    rest = "".join(ch for ch in text[1:] if ch not in vowels)
    return re.sub(r"(.)\1+", r"\1", lead + rest)


def same_name_key(a: str, b: str) -> bool:
    """True when two surnames sound alike: the same skeleton, or one that differs only
    in its last sound (a case ending: Polish "Łukaszence" is "Łukaszenka")."""
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return bool(ka)
    short = min(len(ka), len(kb))
    if short < 4 or abs(len(ka) - len(kb)) > 1:
        return False
    return ka[: short - 1] == kb[: short - 1]


# --- language ----------------------------------------------------------------------


@cache
def _detector() -> Any:
    """Built on first use: loading lingua's models takes about 0.1 s and 20 MB here.

    Low-accuracy mode uses trigram models only; on article-length text it is as
    good as the full mode, which needs about 0.3 GB and 2-3 s to load.
    """
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in _script()["languages"]]
    languages = [Language.from_iso_code_639_1(code) for code in codes]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def detect_language(text: str) -> str | None:
    """BCP-47 tag of the text's language ("en", "ru", "be", "de"), or None if unsure."""
    sample = text[:_DETECT_SAMPLE]
    if not any(ch.isalpha() for ch in sample):
        return None
    found = _detector().detect_language_of(sample)
    if found is None:
        return None
    return str(found.iso_code_639_1.name.lower())
