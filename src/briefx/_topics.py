"""Topic codes from a deterministic lexicon, each with its first evidence span.

A small model judges poorly over a sixteen-code vocabulary at once; a lexicon of
cues in English, Russian, Belarusian and German does better and says where it
looked. The cues live in ``data/topics.json``, written from the contract's
"covers" text of each code and the ordinary names of the sectors, products and
activities it covers; this module only compiles them (once) and scores them.
Each cue becomes a case-insensitive regex with word boundaries; stems carry
the inflection.

Precision device: every cue has a weight. A *strong* cue (weight 2) names the
area of cooperation unambiguously ("trolleybuses", "joint venture", "лифт").
A *weak* cue (weight 1) is a word that often appears in passing ("aircraft",
"fuel", "culture", "joint projects"). A code is found when its cues' weights
sum to at least ``THRESHOLD`` (2): one strong cue, or two weak hits. Traps that
look like a topic but are not ("road maintenance", "grain elevators", "lift
sanctions", "band together") are guards in the data file, compiled into the
patterns as lookarounds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from briefx._data import load_data
from briefx._models import TOPICS

_DATA = "topics"


def _settings() -> tuple[int, int, int]:
    data = load_data(_DATA)
    weights = data["weights"]
    return int(weights["strong"]), int(weights["weak"]), int(data["threshold"])


STRONG, WEAK, THRESHOLD = _settings()

# The cue syntax of data/topics.json (see its notes): "*" a word ending, " ... " up
# to three words between, "-" hyphen/space/nothing, "{a|b}" alternatives.
_DSL_TOKEN = re.compile(r"\{([^{}]*)\}|\s*\.\.\.\s*|\*|-|\s+|[^{}*\s-]+")
_GAP = r"\s+(?:\w+\s+){0,3}"


def cue_regex(cue: str) -> str:
    """The regex fragment a data-file cue stands for (lower case, no boundaries)."""
    out: list[str] = []
    for m in _DSL_TOKEN.finditer(cue.lower()):
        token = m.group(0)
        if m.group(1) is not None:
            out.append("(?:" + "|".join(cue_regex(alt) for alt in m.group(1).split("|")) + ")")
        elif token.strip() == "...":
            out.append(_GAP)
        elif token == "*":
            out.append(r"\w*")
        elif token == "-":
            out.append(r"[-\s]?")
        elif token.isspace():
            out.append(r"\s+")
        else:
            out.append(re.escape(token))
    return "".join(out)


def _expand(words: str) -> list[str]:
    """Every literal a fixed-width guard word stands for: "{a|b} c" -> ["a c", "b c"]."""
    m = re.search(r"\{([^{}]*)\}", words)
    if m is None:
        return [words.lower()]
    return [
        expanded
        for alt in m.group(1).split("|")
        for expanded in _expand(words[: m.start()] + alt + words[m.end() :])
    ]


def _guarded(entry: str | dict[str, Any]) -> str:
    """A cue with its guards as lookarounds, so the guard is part of the pattern."""
    if isinstance(entry, str):
        return cue_regex(entry)
    body = cue_regex(entry["cue"])
    behind = "".join(
        rf"(?<!{re.escape(word)}\s)"
        for words in entry.get("unless_preceded_by", ())
        for word in _expand(words)
    )
    excepted = "|".join(cue_regex(e) for e in entry.get("except", ()))
    ahead = rf"(?!(?:{excepted})\b)" if excepted else ""
    followed = "|".join(cue_regex(f) for f in entry.get("unless_followed_by", ()))
    after = rf"(?!\s+(?:{followed})\b)" if followed else ""
    return f"{behind}{ahead}(?:{body}{after})"


def _code_cues(spec: dict[str, Any], strong: int, weak: int) -> tuple[tuple[str, int], ...]:
    """One (pattern, weight) per distinct pattern of a code, over all languages."""
    found: dict[str, int] = {}
    for level, weight in (("strong", strong), ("weak", weak)):
        for cues in spec.get(level, {}).values():
            for entry in cues:
                pattern = _guarded(entry)
                found[pattern] = max(found.get(pattern, 0), weight)
    return tuple(found.items())


def _lexicon() -> dict[str, tuple[tuple[str, int], ...]]:
    strong, weak, _ = _settings()
    return {
        code: _code_cues(spec, strong, weak) for code, spec in load_data(_DATA)["topics"].items()
    }


#: code -> ((regex fragment, weight), ...), built from data/topics.json.
LEXICON: dict[str, tuple[tuple[str, int], ...]] = _lexicon()


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
    # Cues of one code that match at the same place ("metallurgy" is a metal* and a
    # metallurg* hit; "газу" is a Russian and a Belarusian form) are one mention.
    at: dict[tuple[str, int], int] = {}
    best: dict[str, tuple[bool, int, int]] = {}  # code -> (is_weak, start, end)
    for code, weight, m in _cue_matches(text):
        at[code, m.start()] = max(at.get((code, m.start()), 0), weight)
        key = (weight < STRONG, m.start(), m.end())
        if code not in best or key[:2] < best[code][:2]:
            best[code] = key
    scores: dict[str, int] = {}
    for (code, _), weight in at.items():
        scores[code] = scores.get(code, 0) + weight
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
