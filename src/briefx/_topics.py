"""Topic codes from a deterministic lexicon, each with its first evidence span.

A small model judges poorly over a sixteen-code vocabulary at once; a lexicon of
English and Russian cues does better and says where it looked. Each cue is a
case-insensitive regex with word boundaries and inflection-tolerant stems.

Precision device: every cue has a weight. A *strong* cue (weight 2) names the
area of cooperation unambiguously ("trolleybuses", "joint venture", "лифт").
A *weak* cue (weight 1) is a word that often appears in passing ("aircraft",
"fuel", "culture", "joint projects"). A code is found when its cues' weights
sum to at least ``THRESHOLD`` (2): one strong cue, or two weak hits. Traps that
look like a topic but are not (a "machine-building plant" is not the
machine-tool industry, "post-Soviet space" is not aerospace, "lift sanctions"
is not elevators, "band together" is not music) are kept out by the patterns
themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from briefx._models import TOPICS

STRONG = 2
WEAK = 1
THRESHOLD = 2

# One place for the vocabulary's cues: code -> ((pattern, weight), ...).
# Patterns are regex fragments; \b boundaries are added around each.
LEXICON: dict[str, tuple[tuple[str, int], ...]] = {
    "machinery": (
        (r"tractors?", STRONG),
        (r"truck(?:s|-tractors?)?", STRONG),
        (r"(?:combine\s+)?harvesters?", STRONG),
        (r"machinery", STRONG),
        (
            r"(?:road|municipal|utilit(?:y|ies)|farm|agricultural|forestry|fire|"
            r"land[- ]reclamation|special(?:i[sz]ed)?|construction|mining|quarry)"
            r"\s+(?:machines|equipment|vehicles)",
            STRONG,
        ),
        (r"bulldozers?|excavators?|loaders?|dump\s+trucks?", STRONG),
        (r"land\s+reclamation", WEAK),
        (r"machine[- ]building", WEAK),
        (r"трактор\w*|грузовик\w*|самосвал\w*|комбайн\w*", STRONG),
        (r"(?:сельхоз|спец|лесо|дорожно-строительн\w*\s+)?техник(?:а|и|у|ой|е)", STRONG),
        (r"машиностро\w*", WEAK),
    ),
    "passenger_transport": (
        (r"bus(?:es)?|trolleybus(?:es)?|trams?|tramways?|minibus(?:es)?", STRONG),
        (r"electric\s+(?:transport|vehicles|buses)|e-buses", STRONG),
        (r"(?:passenger|public|urban|city)\s+(?:vehicles|transport|transportation|cars)", STRONG),
        (r"автобус\w*|троллейбус\w*|трамва\w*|электробус\w*|электротранспорт\w*", STRONG),
        (r"(?:пассажирск|общественн|городск)\w*\s+транспорт\w*", STRONG),
    ),
    "elevators": (
        (r"(?<!grain\s)elevators?", STRONG),
        (r"lifts|lift\s+(?:industry|production|equipment|manufactur\w*|building)", STRONG),
        (r"\w*liftmash|nevsky\s+lift", STRONG),
        (r"лифт\w*", STRONG),
    ),
    "food_agriculture": (
        (r"agricultur\w*(?!\s+(?:machinery|equipment|machines|vehicles))", STRONG),
        (r"agro(?:-|\s)?\w*", STRONG),
        (r"food(?:stuffs?)?", STRONG),
        (r"dairy|livestock|grain|crops?|meat|milk|butter|cheeses?", WEAK),
        (r"farm(?:s|ing|ers?)?(?!\s+(?:machinery|equipment|machines|vehicles))", WEAK),
        (r"продовольств\w*|продукт\w*\s+питания|пищев\w*|сельск\w*\s+хозяйств\w*", STRONG),
        (r"сельхоз\w*(?<!техника)|агро\w*|апк", STRONG),
        (r"молочн\w*|мясн\w*|зерн\w*", WEAK),
    ),
    "construction": (
        (r"construction(?!\s+(?:machinery|equipment|machines|vehicles))", STRONG),
        (r"finishing\s+works?|design\s+services|road[- ](?:building|construction)", STRONG),
        (r"build(?:ing)?\s+(?:\w+\s+){0,2}roads?|turnkey\s+basis", STRONG),
        (r"builders?(?<!aircraft\sbuilder)(?<!aircraft\sbuilders)", WEAK),
        (r"строительств\w*|строител\w*|отделочн\w*\s+работ\w*|проектн\w*\s+услуг\w*", STRONG),
    ),
    "housing_utilities": (
        (r"housing\s+and\s+(?:utilit\w*|communal)(?!\s+machinery)", STRONG),
        (r"(?:public\s+)?utilities\s+(?:sector|infrastructure|services)", STRONG),
        (r"жкх|жилищно-коммунальн\w*|коммунальн\w*\s+хозяйств\w*", STRONG),
    ),
    "service_maintenance": (
        (r"service\s+(?:cent(?:er|re)s?|hubs?|support|maintenance|network|stations?)", STRONG),
        # "road maintenance" is upkeep of roads, not after-sales service
        (r"after-sales|servicing|(?<!road\s)maintenance", STRONG),
        (r"repair(?:s|ing)?", WEAK),
        (r"сервис\w*|(?:техническ\w*\s+)?обслуживан\w*", STRONG),
        (r"ремонт\w*", WEAK),
    ),
    "joint_production": (
        (r"joint\s+(?:ventures?|enterprises?|production|manufactur\w*|products)", STRONG),
        (r"assembly\s+(?:plants?|operations|production|facilit\w*|lines?|sites?)", STRONG),
        (r"industrial\s+(?:co-?operation|partnership)|production\s+co-?operation", STRONG),
        (r"locali[sz]ation|locali[sz]ed\s+production|collaborative\s+production", STRONG),
        (
            r"(?:joint\s+assembly|assembl(?:e|ing))\s+(?:\w+\s+){0,3}(?:buses|tractors|trucks|"
            r"machinery|vehicles|elevators|lifts|harvesters|equipment)",
            STRONG,
        ),
        (
            r"(?:собирать|собрать|собирают|собираем|сборка|сборку)\s+(?:\w+\s+){0,3}"
            r"(?:автобус|трактор|грузовик|машин|техник|лифт|комбайн)\w*",
            STRONG,
        ),
        (r"assembl(?:e|ing)", WEAK),
        (r"(?<!national\s)(?<!parliamentary\s)(?<!general\s)assembly(?!\s+of\b)", WEAK),
        (r"joint\s+projects?", WEAK),
        (r"совместн\w*\s+(?:предприят\w*|производств\w*)|сборочн\w*|локализац\w*", STRONG),
        (r"промышленн\w*\s+кооперац\w*|производственн\w*\s+кооперац\w*", STRONG),
        (r"сборк\w*|кооперац\w*", WEAK),
    ),
    "aerospace": (
        (r"aerospace|rockets?|rocketry|satellites?|spacecraft", STRONG),
        (
            r"space\s+(?:projects?|industry|sector|exploration|programmes?|programs?|technolog\w*)",
            STRONG,
        ),
        (r"aircraft|aviation|helicopters?|airplanes?", WEAK),
        (r"космо\w*|космич\w*|ракет\w*|спутник\w*", STRONG),
        (r"авиа\w*|самол[её]т\w*|вертол[её]т\w*", WEAK),
    ),
    "microelectronics": (
        (r"chips?|microchips?|microelectronic\w*|semiconductors?|integrated\s+circuits?", STRONG),
        (r"микроэлектрон\w*|чип\w*|полупроводник\w*|микросхем\w*", STRONG),
    ),
    "machine_tools": (
        (r"machine[- ]tools?(?:[- ]building)?", STRONG),
        (r"станк\w*|станок|станкостро\w*", STRONG),
    ),
    "education": (
        (r"universit(?:y|ies)|students?|educational|education|higher\s+school", STRONG),
        (r"training\s+(?:of\s+)?(?:specialists|personnel|staff)|vocational", STRONG),
        (r"вуз\w*|университет\w*|студент\w*|образовательн\w*|подготовк\w*\s+кадров", STRONG),
        # "образование" is also "formation" (of the Union State), so alone it is weak.
        (r"образован\w*", WEAK),
    ),
    "culture_memory": (
        (r"historical\s+memory|monuments?|memorials?|museums?", STRONG),
        (r"music\w*|concerts?|songs?|festivals?|band(?!\s+together)|theat(?:er|re)s?", STRONG),
        (r"touris(?:m|ts?)|humanitarian\s+(?:cooperation|ties|sphere)", STRONG),
        (r"cultur\w*|heritage", WEAK),
        (r"памят\w*|музе\w*|туризм\w*|турист\w*|песн\w*|ансамбл\w*", STRONG),
        (r"культур\w*|гуманитарн\w*", WEAK),
    ),
    "finance": (
        (r"financ(?:ing|ial\s+(?:programs?|programmes?|instruments?|support|mechanisms?))", STRONG),
        (r"leasing|credit(?:s|ing)?|loans?", STRONG),
        (r"лизинг\w*|кредит\w*|финансирован\w*|финансов\w*\s+(?:программ|инструмент)\w*", STRONG),
    ),
    "energy_resources": (
        (
            r"crude\s+oil|oil\s+(?:products|and\s+gas|refining|supplies)|petroleum|petrochemic\w*",
            STRONG,
        ),
        (r"natural\s+gas|gas\s+(?:supplies|prices)|fertili[sz]ers?", STRONG),
        (r"metallurg\w*|(?:precious|non-ferrous|ferrous)\s+metals?", STRONG),
        (r"металлург\w*|(?:драгоценн|цветн|черн)\w*\s+металл\w*", STRONG),
        (r"нефт\w*|природн\w*\s+газ\w*|поставк\w*\s+газа|удобрен\w*", STRONG),
        (r"газ(?:а|ом|у)?|топлив\w*", WEAK),
    ),
    "politics": (
        (r"union\s+state|foreign\s+polic\w*|sanctions?|multi-?vector|integration", STRONG),
        (r"diplomac\w*|diplomatic|geopoliti\w*|csto|eurasian\s+economic\s+union|eaeu", STRONG),
        (r"союзн\w*\s+государств\w*|санкци\w*|внешн\w*\s+политик\w*|интеграци\w*", STRONG),
        (r"многовекторн\w*|еаэс|одкб", STRONG),
    ),
}


@dataclass(frozen=True)
class TopicHit:
    """A topic code and the first span of text that supports it."""

    code: str
    start: int
    end: int
    matched: str


Cues = dict[str, tuple[tuple[re.Pattern[str], int], ...]]


@cache
def _compiled(folded: bool) -> Cues:
    """The lexicon compiled for lower-cased text (fast) or for any text (``re.I``).

    Lower-cased patterns without a leading ``\\b`` let the regex engine skip
    ahead to each cue's first letter, about 3x faster over an article; the
    word boundary before a match is then checked by hand (``_word_starts``).
    """
    unknown = set(LEXICON) - set(TOPICS)
    if unknown:  # a lexicon key out of the vocabulary is a programming error
        raise RuntimeError(f"lexicon codes not in the contract vocabulary: {sorted(unknown)}")
    if folded:
        return {
            code: tuple((re.compile(rf"(?:{pat})\b"), w) for pat, w in cues)
            for code, cues in LEXICON.items()
        }
    return {
        code: tuple((re.compile(rf"\b(?:{pat})\b", re.IGNORECASE), w) for pat, w in cues)
        for code, cues in LEXICON.items()
    }


def _word_starts(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``finditer`` of ``\\b(?:pattern)``: a match inside a word is skipped, and the
    search goes on from its next character, not from its end."""
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        start = m.start()
        before = text[start - 1] if start else " "
        if before.isalnum() or before == "_":
            pos = start + 1
            continue
        yield m
        pos = m.end() if m.end() > start else start + 1


def _cue_matches(text: str) -> Iterator[tuple[str, int, re.Match[str]]]:
    """(code, weight, match) for every cue occurrence, as ``\\b(?:cue)\\b`` with ``re.I``."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters lower to two ("İ"): offsets would move
        for code, cues in _compiled(folded=False).items():
            for pattern, weight in cues:
                for m in pattern.finditer(text):
                    yield code, weight, m
        return
    for code, cues in _compiled(folded=True).items():
        for pattern, weight in cues:
            for m in _word_starts(pattern, lowered):
                yield code, weight, m


def topic_scores(text: str) -> dict[str, tuple[int, TopicHit]]:
    """Each code with any cue in ``text``: (summed weight, evidence hit).

    The evidence is the first strong cue when there is one, else the first weak
    cue: a strong cue is the better span to show a reader.
    """
    scores: dict[str, int] = {}
    best: dict[str, tuple[bool, int, int]] = {}  # code -> (is_weak, start, end)
    for code, weight, m in _cue_matches(text):
        scores[code] = scores.get(code, 0) + weight
        key = (weight < STRONG, m.start(), m.end())
        if code not in best or key[:2] < best[code][:2]:
            best[code] = key
    return {
        code: (scores[code], TopicHit(code, start, end, text[start:end]))
        for code, (_, start, end) in best.items()
    }


def find_topics(text: str) -> list[TopicHit]:
    """Topic codes the text discusses, ordered by first occurrence, one hit per code."""
    hits = [hit for score, hit in topic_scores(text).values() if score >= THRESHOLD]
    return sorted(hits, key=lambda h: (h.start, h.code))


def filter_topics(candidates: list[str], text: str, *, min_score: int = 1) -> list[str]:
    """Keep the model's proposed codes that the lexicon supports, each once, in order.

    The model has already judged the code relevant, so by default a single
    weak cue suffices; pass ``min_score=THRESHOLD`` to demand what
    :func:`find_topics` demands.
    """
    scores = topic_scores(text)
    kept: list[str] = []
    for code in candidates:
        if code in scores and scores[code][0] >= min_score and code not in kept:
            kept.append(code)
    return kept
