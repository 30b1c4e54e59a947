"""The kind of report, as the article's own opening words say it: a second opinion.

The model names the kind; these cues (``data/kinds.json``, four languages)
read the title and first sentences. Where the two disagree the record keeps
both, with the reason for the choice, in its warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from briefx._data import load_data
from briefx._normalise import split_sentences


@dataclass(frozen=True)
class KindCue:
    kind: str
    start: int
    end: int


@cache
def _cues() -> dict[str, re.Pattern[str]]:
    data: dict[str, Any] = load_data("kinds")
    return {
        kind: re.compile("|".join(p for patterns in langs.values() for p in patterns), re.I)
        for kind, langs in data["cues"].items()
    }


def _opening(text: str) -> str:
    count = int(load_data("kinds")["opening_sentences"])
    spans = split_sentences(text)[:count]
    return text[: spans[-1][1]] if spans else text[:600]


def kind_cues(text: str) -> dict[str, KindCue]:
    """The first cue of each kind found in the article's opening."""
    opening = _opening(text)
    found = {}
    for kind, pattern in _cues().items():
        m = pattern.search(opening)
        if m:
            found[kind] = KindCue(kind, m.start(), m.end())
    return found


def report_kind(text: str) -> KindCue | None:
    """The kind the opening's first cue points to, or None.

    A meeting called off ("was cancelled", "отменен") is ``other`` whatever
    else the opening says. An announcement counts only when the opening has no held-meeting cue
    ("met", "встретился"): reports of a meeting often say what "will" follow.
    Otherwise the earliest cue wins: "met ... and congratulated him" is a
    meeting, "congratulated ... at the meeting" a message.
    """
    cues = kind_cues(text)
    if "other" in cues:  # a meeting called off: whatever else the opening says of it
        return cues["other"]
    if "meeting" in cues:
        cues.pop("announcement", None)
    return min(cues.values(), key=lambda cue: cue.start, default=None)


@cache
def _meeting_words() -> re.Pattern[str]:
    langs: dict[str, list[str]] = load_data("kinds")["meeting_words"]
    return re.compile("|".join(p for patterns in langs.values() for p in patterns), re.I)


def names_a_meeting(text: str) -> bool:
    """True when the article names a meeting, talks or a visit anywhere, in any language."""
    return bool(_meeting_words().search(text))


@cache
def _occasions() -> re.Pattern[str]:
    langs: dict[str, Any] = load_data("kinds")["personal_occasions"]
    words = [p for lang, patterns in langs.items() if lang != "_doc" for p in patterns]
    return re.compile("|".join(words), re.I)


def personal_occasion(text: str) -> KindCue | None:
    """A greeting on a person's own occasion (elected, a birthday) in the opening, or None."""
    m = _occasions().search(_opening(text))
    return KindCue("message", m.start(), m.end()) if m else None
