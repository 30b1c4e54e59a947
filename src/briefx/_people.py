"""Organisations and participants: canonical names, folding, and evidence of presence.

Names reach briefx in three scripts' worth of spellings: "Aleksandr" and
"Alexander", "Лукашенко" and "Lukashenko", "BelOMO" typed with Cyrillic "О".
:func:`fold` brings them to one comparable form. Organisations get a canonical
short name ("MAZ") and participants a normalised position and country.

:func:`presence_evidence` separates people *at* the meeting from people merely
*mentioned*: a person counts when a meeting cue governs the name in the same
sentence, when the text attributes a quotation to them, when a caption line
introduces them, or when a quotation addresses them by first name and
patronymic. A name inside someone else's quotation is only a mention.
"""

from __future__ import annotations

import importlib
import logging
import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

from rapidfuzz import fuzz

logger = logging.getLogger("briefx")

# --- folding -----------------------------------------------------------------

_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ў": "u", "ї": "yi", "є": "ye", "ґ": "g",
}  # fmt: skip
# Cyrillic letters drawn like Latin ones; folded only inside mixed-script words.
_HOMOGLYPHS = str.maketrans("АВЕКМНОРСТХУаеорсухіІ", "ABEKMHOPCTXYaeopcyxiI")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_QUOTE_CHARS = "«»“”„‘’\"'`"


def fold_homoglyphs(text: str) -> str:
    """Turn Cyrillic look-alikes into Latin inside words that mix both scripts."""

    def one(m: re.Match[str]) -> str:
        word = m.group(0)
        if _CYRILLIC.search(word) and _LATIN.search(word):
            return word.translate(_HOMOGLYPHS)
        return word

    return _WORD.sub(one, text)


def _strip_marks(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def _spelling_variants(word: str) -> str:
    word = word.replace("x", "ks")
    word = re.sub(r"(?:iy|yi|ii|ij|y)$", "i", word)  # Georgy, Georgiy, Георгий
    word = re.sub(r"(?<=[aeiou])y(?![aeiou])", "i", word)  # Sergey, Starovoit, Khinshtein
    word = re.sub(r"^ye", "e", word)  # Yefimov, Ефимов
    return re.sub(r"ander$", "andr", word)  # Alexander, Aleksandr


@lru_cache(maxsize=65536)  # called once per word of every article scanned
@lru_cache(maxsize=65536)  # called on every word of an article, and words repeat
def fold(name: str) -> str:
    """Case-, diacritics- and script-folded form of a name: 'Лукашенко' -> 'lukashenko'."""
    # Transliterate before stripping marks: NFKD would turn "й" into "и" + breve.
    text = "".join(_TRANSLIT.get(ch, ch) for ch in fold_homoglyphs(name).lower())
    text = _strip_marks(text)
    words = [re.sub(r"[^a-z0-9]", "", w) for w in re.split(r"[\s\-]+", text)]
    return " ".join(_spelling_variants(w) for w in words if w)


# --- organisations -------------------------------------------------------------

# Only companies that Belarus-Russia meeting reports name again and again, with
# the spellings that otherwise would not merge (a misspelling, a long form, the
# Cyrillic form). Anything else passes through the generic rules below, which is
# why the table stays small: it is a fix-up list, not a registry.
ORG_ALIASES: dict[str, tuple[str, ...]] = {
    "MAZ": ("MAZ", "МАЗ", "Minsk Automobile Plant", "Minsk Automobile Works",
            "Минский автомобильный завод"),
    "MTZ": ("MTZ", "МТЗ", "Minsk Tractor Works", "Minsk Tractor Plant",
            "Минский тракторный завод"),
    "BelAZ": ("BelAZ", "БелАЗ", "Belarusian Autoworks"),
    "Amkodor": ("Amkodor", "Amkador", "Амкодор"),
    "Gomselmash": ("Gomselmash", "Гомсельмаш"),
    "BKM Holding": ("BKM Holding", "BKM", "БКМ"),
    "Belkommunmash": ("Belkommunmash", "Белкоммунмаш"),
    "Mogilevliftmash": ("Mogilevliftmash", "Могилевлифтмаш"),
    "Integral": ("Integral", "Интеграл"),
    "BelOMO": ("BelOMO", "Belomo", "БелОМО"),
    "Bobruiskagromash": ("Bobruiskagromash", "Bobruisk Agromash", "Babruiskagromash",
                         "Бобруйскагромаш"),
}  # fmt: skip
# Names of one company under different brands: the same organisation for dedupe.
_SAME_ORG = ({"BKM Holding", "Belkommunmash"},)

_LEGAL_FORMS = re.compile(
    r"\b(?:open\s+|closed\s+|public\s+)?joint[- ]stock\s+company\b|"
    r"\blimited\s+liability\s+company\b|"
    r"(?<!\w)(?:OJSC|CJSC|PJSC|JSC|OAO|ZAO|LLC|Ltd|RUE|RUP|UE|ОАО|ЗАО|ПАО|АО|ООО|ОДО|РУП|УП)(?!\w)",
    re.IGNORECASE,
)
_GENERIC_TAIL = re.compile(
    r"\s+(?:holding|enterprise|plant|factory|works|company|group|concern)$", re.IGNORECASE
)
_NOT_A_SHORT_NAME = {"minsk", "belarus", "belarusian", "russia", "russian", "state", "national"}
_PAREN = re.compile(r"\s*[(\[].*?[)\]]")


def _org_key(name: str) -> str:
    return fold(re.sub(rf"[{_QUOTE_CHARS}]", " ", name))


@cache
def _alias_index() -> dict[str, str]:
    return {_org_key(v): canon for canon, variants in ORG_ALIASES.items() for v in variants}


def _strip_generic_tail(name: str) -> str:
    short = _GENERIC_TAIL.sub("", name)
    words = short.split()
    # Drop "plant" only when one proper name remains ("GRAZ factory" -> "GRAZ");
    # "Minsk Tractor Works" would become a description, not a name.
    if (
        len(words) == 1
        and any(ch.isupper() for ch in words[0])
        and words[0].lower() not in _NOT_A_SHORT_NAME
    ):
        return short
    return name


def canonical_org(name: str) -> str:
    """Canonical short name: 'OJSC «Amkador» holding' -> 'Amkodor'; 'MAZ (...)' -> 'MAZ'."""
    text = fold_homoglyphs(unicodedata.normalize("NFKC", name))
    text = re.sub(rf"[{_QUOTE_CHARS}](?:s\b)?", " ", text)  # quotes and "Minsk's"
    text = _LEGAL_FORMS.sub(" ", text)
    text = _PAREN.sub(" ", text)
    text = re.sub(r"^\s*the\s+", "", re.sub(r"\s+", " ", text).strip(" ,.-"), flags=re.I)
    if not text:
        return name.strip()
    aliases = _alias_index()
    for candidate in (text, _strip_generic_tail(text)):
        if _org_key(candidate) in aliases:
            return aliases[_org_key(candidate)]
    return _strip_generic_tail(text)


def _same_group(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _SAME_ORG)


def dedupe_orgs(names: list[str]) -> list[str]:
    """Canonical names, each organisation once, first spelling kept."""
    kept: list[str] = []
    for name in names:
        canon = canonical_org(name)
        if not canon:
            continue
        key = _org_key(canon)
        if any(_same_group(canon, k) or fuzz.token_set_ratio(key, _org_key(k)) >= 90 for k in kept):
            continue
        kept.append(canon)
    return kept


def _variants(name: str) -> list[str]:
    canon = canonical_org(name)
    out = [name.strip(), canon, *ORG_ALIASES.get(canon, ())]
    return [v for i, v in enumerate(out) if v and v not in out[:i]]


def _search_flexible(variant: str, haystack: str) -> tuple[int, int] | None:
    words = [re.escape(w) for w in re.findall(r"\w+", variant)]
    if not words:
        return None
    tail = r"\w{0,3}" if _CYRILLIC.search(variant) else ""  # Russian case endings
    joiner = rf"[\s{_QUOTE_CHARS}-]+"
    pattern = rf"(?<!\w){joiner.join(words)}{tail}(?!\w)"
    m = re.search(pattern, haystack, re.IGNORECASE)
    return (m.start(), m.end()) if m else None


def _search_folded(variant: str, text: str) -> tuple[int, int] | None:
    """Word-by-word match after folding, so 'GAZ' finds 'ГАЗ' and 'Amkodor' 'Амкодора'."""
    target = fold(variant).split()
    if not target:
        return None
    words = list(_WORD.finditer(text))
    for i in range(len(words) - len(target) + 1):
        window = words[i : i + len(target)]
        folded = [fold(w.group(0)) for w in window]
        last_ok = folded[-1] == target[-1] or (
            bool(_CYRILLIC.search(window[-1].group(0)))
            and folded[-1].startswith(target[-1])
            and len(folded[-1]) - len(target[-1]) <= 3
        )
        if folded[:-1] == target[:-1] and last_ok:
            return window[0].start(), window[-1].end()
    return None


def _expand_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def is_org_in_text(name: str, text: str) -> tuple[int, int] | None:
    """Span of the organisation's mention: exact, folded, an alias, or a fuzzy match."""
    if not name.strip():
        return None
    folded_text = text.translate(_HOMOGLYPHS)  # same length, so offsets carry over
    for variant in _variants(name):
        for haystack in (text, folded_text):
            span = _search_flexible(variant.translate(_HOMOGLYPHS), haystack)
            if span:
                return span
    span = _search_folded(canonical_org(name), text)
    if span:
        return span
    needle = canonical_org(name).translate(_HOMOGLYPHS).lower()
    if len(needle) < 4:  # short acronyms match anything fuzzily
        return None
    found = fuzz.partial_ratio_alignment(needle, folded_text.lower(), score_cutoff=90)
    if found is None:
        return None
    return _expand_to_words(text, found.dest_start, found.dest_end)


# --- positions and countries ---------------------------------------------------

_BY_OBLASTS = r"(?:Minsk|Brest|Vitebsk|Viciebsk|Gomel|Homel|Grodno|Hrodna|Mogilev|Mahilyow)"
_BY = re.compile(
    rf"\bbelarus\w*|беларус\w*|белорус\w*|\b{_BY_OBLASTS}\s+(?:oblast|region)\b", re.IGNORECASE
)
_RU = re.compile(
    r"\brussia\w*|росси\w*|\bgovernor\b|губернатор\w*|"
    r"\b(?:oblast|region|krai|territory|republic|okrug)\b|област\w*|кра[йя]\w*",
    re.IGNORECASE,
)
_BY_OBLASTS_RE = re.compile(rf"\b{_BY_OBLASTS}\s+(?:oblast|region)\b", re.IGNORECASE)
# Heads of state named without a title are still placed; everyone else needs a cue.
KNOWN_PEOPLE = {"lukashenko": "BY", "putin": "RU"}
_KRAIS = {"Altai", "Kamchatka", "Khabarovsk", "Krasnodar", "Krasnoyarsk", "Perm",
          "Primorsky", "Stavropol", "Zabaykalsky"}  # fmt: skip
_COUNTRY_ADJ = {"belarusian": "Belarus", "russian": "Russia"}
_POSSESSIVE = r"(?:Russia|Belarus)(?:['’]s|['’])?"


def _country_of_phrase(phrase: str) -> str | None:
    by, ru = _BY.search(phrase), _RU.search(phrase)
    if by and (not ru or by.start() <= ru.start() or _BY_OBLASTS_RE.search(phrase)):
        return "BY"
    if ru:
        return "RU"
    for canon in ORG_ALIASES:  # a title at a known Belarusian company
        if re.search(rf"\b{re.escape(canon)}\b", phrase):
            return "BY"
    return None


def _region_fallback(region: str) -> str:
    region = re.sub(rf"^(?:the\s+)?(?:{_POSSESSIVE}\s+)?", "", region.strip(), flags=re.I)
    m = re.fullmatch(r"([A-Z][\w-]*(?:\s[A-Z][\w-]*)?)\s+(?:Region|region|Oblast|oblast)", region)
    if m:
        kind = "Krai" if m.group(1) in _KRAIS else "Oblast"
        return f"{m.group(1)} {kind}"
    m = re.fullmatch(r"([A-Z][\w-]*)\s+(?:Territory|territory|Krai|krai)", region)
    return f"{m.group(1)} Krai" if m else region


def _region_name(region: str) -> str:
    """English region name, via briefx._normalise when that module provides it."""
    try:
        module: Any = importlib.import_module("briefx._normalise")
        found = module.region_from_name(region)
    except (ImportError, AttributeError):
        found = None
    except Exception:  # another stage's bug must not break a name normaliser
        logger.debug("region_from_name failed on %r", region, exc_info=True)
        found = None
    if isinstance(found, str):
        return found
    if found is not None and isinstance(getattr(found, "name", None), str):
        return str(found.name)
    return _region_fallback(region)


_RU_TITLES = {
    "президент": "President",
    "губернатор": "Governor",
    "премьер-министр": "Prime Minister",
    "глава": "Head",
    "министр": "Minister",
    "заместитель премьер-министра": "Deputy Prime Minister",
}
_RU_TITLE = re.compile(rf"({'|'.join(sorted(_RU_TITLES, key=len, reverse=True))})\s+(.+)", re.I)


def _russian_position(pos: str) -> str | None:
    """'Губернатор Нижегородской области' -> 'Governor of Nizhny Novgorod Oblast'."""
    m = _RU_TITLE.fullmatch(pos)
    if not m:
        return None
    title, rest = _RU_TITLES[m.group(1).lower()], m.group(2)
    if re.search(r"Беларус|Белорус", rest, re.I):
        return f"{title} of Belarus"
    if re.search(r"Росси", rest, re.I):
        return f"{title} of Russia"
    return f"{title} of {_region_name(rest)}"


def normalise_position(position: str) -> str:
    """'Russia's Penza Oblast Governor' -> 'Governor of Penza Oblast', and similar."""
    pos = re.sub(r"\s+", " ", position.replace("’", "'")).strip(" ,.")
    russian = _russian_position(pos)
    if russian:
        return russian
    pos = re.sub(r",\s*(?:Russia|Belarus)$", "", pos)
    m = re.fullmatch(rf"(?:{_POSSESSIVE}\s+)?(.+?)\s+(Governor|Mayor)", pos)
    if m and re.search(r"\b(?:Oblast|Region|Krai|Territory)\b", m.group(1)):
        return f"{m.group(2)} of {_region_name(m.group(1))}"
    m = re.fullmatch(r"(Governor|Mayor|Head)\s+of\s+(.+)", pos)
    if m:
        return f"{m.group(1)} of {_region_name(m.group(2))}"
    m = re.fullmatch(r"(Belarusian|Russian|Belarus's|Russia's|Belarus')\s+(.+)", pos)
    if m:
        adj = re.sub(r"'s?$", "", m.group(1).lower())
        country = _COUNTRY_ADJ.get(adj, adj.capitalize())
        return f"{m.group(2)} of {country}"
    return pos


def _name_contexts(name: str, text: str) -> Iterator[str]:
    for start, end in _mentions(name, text):
        before = re.split(
            r"[.;:\n()\"“”«»–—]|\bwith\b|\band\b|,", text[max(0, start - 80) : start]
        )[-1]
        after = re.split(r"[.;:\n()\"“”«»–—]|,(?=\s*\w+\s+(?:said|noted))", text[end : end + 80])
        yield f"{before} {after[0] if after else ''}"


def participant_country(position: str | None, name: str, text: str) -> str | None:
    """'BY' or 'RU' from the position, else the name's context in the text, else None."""
    if position:
        country = _country_of_phrase(position)
        if country:
            return country
    known = KNOWN_PEOPLE.get(fold(surname(name)))
    if known:
        return known
    votes: dict[str, int] = {}
    for context in _name_contexts(name, text):
        country = _country_of_phrase(context)
        if country:
            votes[country] = votes.get(country, 0) + 1
    return max(votes, key=lambda c: votes[c]) if votes else None


# --- names -------------------------------------------------------------------

_PATRONYMIC = re.compile(r"(?:ovich|evich|ich|ovna|evna|ichna|ович|евич|ич|овна|евна|ична)$")
_TITLES = re.compile(r"^(?:mr|mrs|ms|dr|governor|president|minister)\.?$", re.IGNORECASE)


def _name_tokens(name: str) -> list[str]:
    clean = _PAREN.sub(" ", name)
    return [t for t in _WORD.findall(clean) if not _TITLES.match(t)]


def surname(name: str) -> str:
    """The family name: last word, or first in 'Лукашенко Александр Григорьевич' order."""
    tokens = [t for t in _name_tokens(name) if len(t) > 1]
    if not tokens:
        return name.strip()
    if len(tokens) == 3 and _PATRONYMIC.search(tokens[2].lower()):
        return tokens[0]
    return tokens[-1]


def _first_name(name: str) -> str | None:
    tokens = _name_tokens(name)
    if len(tokens) < 2:
        return None
    if len(tokens) == 3 and _PATRONYMIC.search(tokens[2].lower()):
        return tokens[1]
    return tokens[0]


def _first_names_agree(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    fa, fb = fold(a), fold(b)
    if len(fa) == 1 or len(fb) == 1:  # an initial
        return fa[0] == fb[0]
    return fa.startswith(fb) or fb.startswith(fa)


def same_person(a: str, b: str) -> bool:
    """Same surname after folding, and first names that do not contradict."""
    if fold(surname(a)) != fold(surname(b)):
        return False
    return _first_names_agree(_first_name(a), _first_name(b))


# --- presence ------------------------------------------------------------------

_SPEECH = (
    r"(?:said|says|noted|stressed|emphasi[sz]ed|remarked|added|stated|shared|declared|"
    r"assured|concluded|explained|told|continued|replied|responded|underlined|"
    r"highlighted|commented|recalled|asked|сказал\w*|отметил\w*|подчеркнул\w*|"
    r"заявил\w*|добавил\w*|сообщил\w*|пояснил\w*|рассказал\w*|заверил\w*)"
)
_CLOSE_QUOTE = r"[”\"»]"
_NAMEISH = r"(?:[A-ZА-ЯЁ][\w.'’-]*\s+){0,3}"
_SPEECH_BEFORE = re.compile(rf"{_CLOSE_QUOTE}\s*[,.]?\s*[—–-]?\s*{_SPEECH}\s+{_NAMEISH}$")
_QUOTE_BEFORE = re.compile(rf"{_CLOSE_QUOTE}\s*[,.]?\s*[—–-]?\s*{_NAMEISH}$")
_SPEECH_AFTER = re.compile(rf"^\s+{_SPEECH}\b")
_SPEECH_INTO_QUOTE = re.compile(rf"^\s+{_SPEECH}(?:\s+that)?\s*[:,]?\s*[“\"«]")
_MEETING_CUE = re.compile(
    r"\b(?:met|meets?|meeting|talks|negotiations|visit\w*|arrived|arrives|delegation|"
    r"received|receives|hosted|hosts|welcomed|dialogue|conversation|"
    r"встреч\w*|встрет\w*|переговор\w*|визит\w*|прибыл\w*|делегаци\w*|принял\w*|"
    r"посетил\w*|бесед\w*)\b",
    re.IGNORECASE,
)
# What ends the reach of a meeting cue: a clause break or another verb's object.
_GAP_BREAK = re.compile(
    r"[;:“”\"«»()]|\b(?:and|but|who|which|where|when|was|were|is|are|had|has|said|"
    r"acquainted|recalled|mentioned|about|и|который|которая)\b",
    re.IGNORECASE,
)


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Quoted stretches, paragraph by paragraph, so a stray quote cannot run on."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        opened: int | None = None
        closer = ""
        for i, ch in enumerate(para.group(0), start=para.start()):
            if opened is None and ch in '“«"':
                opened, closer = i, {"“": "”", "«": "»", '"': '"'}[ch]
            elif opened is not None and ch == closer:
                spans.append((opened, i + 1))
                opened = None
        if opened is not None:
            spans.append((opened, para.end()))
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < pos < e for s, e in spans)


def _mentions(name: str, text: str) -> list[tuple[int, int]]:
    """Spans where the person's surname (with first name, if adjacent) occurs."""
    target = fold(surname(name))
    first = _first_name(name)
    if not target:
        return []
    out: list[tuple[int, int]] = []
    words = list(_WORD.finditer(text))
    for i, m in enumerate(words):
        token = fold(m.group(0))
        cyr_ending = _CYRILLIC.search(m.group(0)) and len(token) - len(target) <= 3
        if token != target and not (cyr_ending and token.startswith(target)):
            continue
        start = m.start()
        prev = words[i - 1] if i else None
        if (
            prev
            and first
            and text[prev.end() : start].strip() == ""
            and _first_names_agree(prev.group(0), first)
            and fold(prev.group(0))[:1] == fold(first)[:1]
        ):
            start = prev.start()
        out.append((start, m.end()))
    return out


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    ends = re.compile(r"[.!?…](?=[”\"»]?\s+[\"“«A-ZА-ЯЁ])|\n")
    start = 0
    for m in ends.finditer(text, 0, pos):
        start = m.end()
    after = ends.search(text, pos)
    return start, (after.end() if after else len(text))


def _is_caption(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : len(text) if line_end < 0 else line_end].strip()
    return start - line_start <= 2 and line.endswith(":") and len(line) < 160


def _is_speaker(text: str, start: int, end: int) -> bool:
    before, after = text[max(0, start - 60) : start], text[end : end + 60]
    if _SPEECH_BEFORE.search(before):
        return True
    if _QUOTE_BEFORE.search(before) and _SPEECH_AFTER.match(after):
        return True
    return bool(_SPEECH_INTO_QUOTE.match(after))


# "A and Governor B met": a coordinated proper-noun phrase does not end a cue's reach.
_COORDINATED = re.compile(
    r"(?:^|\s)(?:and|и|,)\s+(?:(?:[A-ZА-ЯЁ][\w'’.-]*|of|the)\s+)*[A-ZА-ЯЁ][\w'’.-]*"
)
_COORDINATION_PREFIX = re.compile(r"^(?:(?:[A-ZА-ЯЁ][\w'’.-]*|of|the)\s+)+(?:and|и|,)\s+")


def _gap_ok(gap: str, max_words: int, *, allow_commas: bool) -> bool:
    gap = _COORDINATION_PREFIX.sub(" ", gap.lstrip())  # "with A and | B"
    gap = _COORDINATED.sub(" ", gap, count=1)  # "A | and Governor B | during"
    if len(gap.split()) > max_words or _GAP_BREAK.search(gap):
        return False
    return allow_commas or "," not in gap


def _meeting_cue_governs(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> bool:
    s_start, s_end = _sentence_bounds(text, start)
    for cue in _MEETING_CUE.finditer(text, s_start, s_end):
        if _inside(cue.start(), quotes):
            continue
        if cue.end() <= start:  # "met with ... NAME"
            if _gap_ok(text[cue.end() : start], 10, allow_commas=False):
                return True
        elif cue.start() >= end:  # "NAME arrived", not "Putin's visit"
            gap = text[end : cue.start()]
            if re.match(r"['’]s?\b", gap):
                continue
            if _gap_ok(gap, 6, allow_commas=True):
                return True
    return False


def _is_addressed(name: str, text: str, quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """'This is our position, Oleg Vladimirovich' inside a quotation."""
    first = _first_name(name)
    if not first:
        return None
    pattern = re.compile(rf"\b({_WORD.pattern})\s+({_WORD.pattern})(\s*\[([^\]]+)\])?")
    for m in pattern.finditer(text):
        if not _inside(m.start(), quotes) or not _PATRONYMIC.search(m.group(2).lower()):
            continue
        if fold(m.group(1)) != fold(first):
            continue
        bracket = m.group(4)
        if bracket and not same_person(bracket, name):
            continue  # "Aleksandr Grigoriyevich [Lukashenko]" addresses someone else
        return m.start(), m.end(2)
    return None


def presence_evidence(name: str, text: str) -> tuple[int, int, str] | None:
    """(start, end, kind) showing the person took part; None if only mentioned.

    ``kind`` is "caption", "speaker", "meeting" or "addressed"; the span is the
    name's mention (or the vocative) in ``text``.
    """
    quotes = _quote_spans(text)
    mentions = _mentions(name, text)
    if not mentions:  # a vocative alone cannot tell two Aleksandrs apart
        return None
    for start, end in mentions:
        if _is_caption(text, start):
            return start, end, "caption"
        if _inside(start, quotes):
            continue
        if _is_speaker(text, start, end):
            return start, end, "speaker"
        if _meeting_cue_governs(text, start, end, quotes):
            return start, end, "meeting"
    addressed = _is_addressed(name, text, quotes)
    return (*addressed, "addressed") if addressed else None
