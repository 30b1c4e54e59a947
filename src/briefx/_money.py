"""The one money parser: dollar amounts in English, Russian, Belarusian and German.

Every reader of amounts (the trade finder, the model-answer normaliser, the
grounding check) goes through :func:`find_money`, so "$1.5b", "1,2 Milliarden
US-Dollar", "девять миллиардов долларов" and "more than nine billion dollars"
mean the same everywhere. The words (scales, number words, currency marks,
qualifiers, target and peak cues) live in ``data/money.json``.

An amount is digits ("4.4", "1,2", "1 500", "1,700") or number words ("nine",
"двадцать пять", "one and a half"), a scale (billion, млрд, Mrd., "b" after
a dollar sign) and a dollar mark before or after it. Amounts with a scale but
no dollar mark are kept with ``currency=False``: the trade finder takes them
only where nothing else can be meant ("товарооборот составил 1,5 млрд в 2024").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from briefx._data import load_data

#: Qualifiers of an amount in the contract.
QUALIFIERS = ("exact", "approx", "over", "under")


@dataclass(frozen=True)
class MoneyMatch:
    """A dollar amount found in text, with its qualifier and span.

    ``readings`` holds every value the digits can mean ("4,400" is 4400 or
    4.4); ``amount_usd`` is the likeliest. ``excluded`` names why a reader
    should not take it as a reported figure ("target", "peak"), or is None.
    """

    amount_usd: float
    qualifier: str  # exact | approx | over | under
    start: int
    end: int
    text: str
    readings: frozenset[float] = field(default_factory=frozenset)
    currency: bool = True
    excluded: str | None = None
    cue: str | None = None  # the words that made it excluded
    amount_start: int = -1  # where the amount itself starts, after its qualifier


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = load_data("money")
    return data


def _alternation(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


@cache
def _number_words() -> dict[str, float]:
    out: dict[str, float] = {}
    for table in _data()["numbers"].values():
        out |= {k.lower(): float(v) for k, v in table.items()}
    return out


@cache
def _scale_patterns() -> tuple[tuple[re.Pattern[str], float], ...]:
    return tuple(
        (re.compile(rf"(?:{_alternation(s['words'])})", re.I), float(s["value"]))
        for s in _data()["scales"]
    )


@cache
def _qualifier_words() -> tuple[tuple[re.Pattern[str], str], ...]:
    pairs = [(w, q) for q, words in _data()["qualifiers"].items() for w in words]
    pairs.sort(key=lambda p: len(p[0]), reverse=True)
    return tuple((re.compile(rf"(?<!\w)(?:{w})\s*$", re.I), q) for w, q in pairs)


_DIGITS = r"\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"


@cache
def _money_pattern() -> re.Pattern[str]:
    d = _data()
    words = [re.escape(w) for w in _number_words()] + [re.escape(w) for w in d["multipliers"]]
    word = _alternation(words)
    joiner = _alternation([re.escape(j) for j in d["joiners"]])
    wordnum = rf"(?:{word})(?:(?:\s+|\s*(?:{joiner})\s*)(?:{word}))*(?![^\W\d_])"
    scale = _alternation([w for s in d["scales"] for w in s["words"]])
    letters = "".join(d["letter_scales"])
    pre = _alternation(d["currency_before"])
    post = _alternation(d["currency_after"])
    return re.compile(
        rf"(?P<pre>(?:{pre})\s?)?"
        rf"(?<![\w.,])(?:(?P<num>{_DIGITS})|(?P<words>{wordnum}))(?![\d])"
        rf"(?:\s?(?P<scale>{scale})(?![^\W\d_])|(?P<letter>[{letters}])\b)?"
        rf"(?P<post>\.?\s?(?:{post})(?![^\W\d_]))?",
        re.IGNORECASE,
    )


def _digit_readings(raw: str) -> tuple[float, set[float]]:
    """(likeliest value, all values) of written digits: "4,4" 4.4; "1,700" 1700 or 1.7."""
    raw = re.sub(r"[\u00a0\u202f ]", "", raw)
    if "," in raw and "." in raw:
        mark = max(raw.rfind(","), raw.rfind("."))
        value = float(re.sub(r"[.,]", "", raw[:mark]) + "." + raw[mark + 1 :])
        return value, {value}
    for sep in ",.":
        parts = raw.split(sep)
        if len(parts) > 2:
            value = float("".join(parts))
            return value, {value}
        if len(parts) == 2:
            decimal = float(f"{parts[0]}.{parts[1]}")
            if len(parts[1]) != 3:
                return decimal, {decimal}
            grouped = float(parts[0] + parts[1])
            # "1,700" groups thousands in English; "1.700" is 1.7 before a scale word.
            first = grouped if sep == "," else decimal
            return first, {decimal, grouped}
    return float(raw), {float(raw)}


def _word_value(words: str) -> float | None:
    table = _number_words()
    multipliers = {k.lower(): float(v) for k, v in _data()["multipliers"].items()}
    joiners = {j.lower() for j in _data()["joiners"]}
    total, seen = 0.0, False
    text = words.lower()
    pos = 0
    keys = sorted([*table, *multipliers], key=len, reverse=True)
    while pos < len(text):
        if text[pos] in " -":
            pos += 1
            continue
        key = next((k for k in keys if text.startswith(k, pos)), None)
        if key is None:
            return None
        pos += len(key)
        if key in joiners:
            continue
        if key in multipliers:
            total = (total or 1.0) * multipliers[key]
        else:
            total += table[key]
        seen = True
    return total if seen else None


def _scale_value(match: re.Match[str]) -> float:
    if match.group("letter"):
        return float(_data()["letter_scales"][match.group("letter").lower()])
    scale = match.group("scale")
    if not scale:
        return 1.0
    for pattern, value in _scale_patterns():
        if pattern.fullmatch(scale):
            return value
    return 1.0


def _qualifier(before: str) -> tuple[str, int]:
    """The qualifier ending right before an amount, and how many characters it takes."""
    tail = before[-40:]
    for pattern, qualifier in _qualifier_words():
        m = pattern.search(tail)
        if m:
            return qualifier, len(tail) - m.start()
    return "exact", 0


def _values(match: re.Match[str]) -> tuple[float, set[float]] | None:
    has_dollar = bool(match.group("pre") or match.group("post"))
    if match.group("letter") and not match.group("pre"):
        return None  # "700m" without a dollar sign is more likely metres
    if not (has_dollar or match.group("scale")):
        return None
    factor = _scale_value(match)
    if match.group("num"):
        first, readings = _digit_readings(match.group("num"))
    else:
        value = _word_value(match.group("words"))
        if value is None or (value == 1.0 and not match.group("scale")):
            return None  # "a dollar" is no amount
        first, readings = value, {value}
    return first * factor, {r * factor for r in readings}


def find_money(text: str) -> list[MoneyMatch]:
    """Every dollar amount in ``text``, in order, with its qualifier ("almost" -> under)."""
    out = []
    for m in _money_pattern().finditer(text):
        got = _values(m)
        if got is None:
            continue
        end = m.end()
        while end > m.start() and text[end - 1].isspace():
            end -= 1
        qualifier, width = _qualifier(text[: m.start()])
        start = m.start() - width
        has_dollar = bool(m.group("pre") or m.group("post"))
        out.append(
            MoneyMatch(
                got[0],
                qualifier,
                start,
                end,
                text[start:end],
                frozenset(got[1]),
                has_dollar,
                amount_start=m.start(),
            )
        )
    return out


def parse_money(phrase: str) -> tuple[float, str] | None:
    """(amount in USD, qualifier) for the first dollar amount in ``phrase``.

    >>> parse_money("almost $700 million")
    (700000000.0, 'under')
    """
    hits = [m for m in find_money(phrase) if m.currency]
    return (hits[0].amount_usd, hits[0].qualifier) if hits else None


# --- targets and peaks ----------------------------------------------------------


@cache
def _cue(kind: str) -> re.Pattern[str]:
    targets = _data()["targets"]
    words = targets[kind] if kind in ("before", "after") else _data()["peaks"]
    return re.compile(rf"(?<!\w)(?:{_alternation(words)})(?!\w)", re.IGNORECASE)


def target_cue(before: str, after: str) -> str | None:
    """The words that make an amount a goal ("can reach", "планируют довести до"), or None."""
    m = _cue("before").search(before) or _cue("after").search(after)
    return m.group(0) if m else None


def peak_cue(context: str) -> str | None:
    """The words that make an amount a peak or record ("peaked at", "рекордные"), or None."""
    m = _cue("peak").search(context)
    return m.group(0) if m else None


def excluded(match: MoneyMatch, reason: str, cue: str) -> MoneyMatch:
    """``match`` flagged as not a reported figure, with the reason and the words that say so."""
    return replace(match, excluded=reason, cue=cue)


def bare_amount_ok(match: MoneyMatch, text: str) -> bool:
    """Whether an amount with no dollar mark can stand for dollars: nothing follows but a
    period or a preposition ("1,5 млрд за 9 месяцев"), not a unit ("1,5 млн тонн")."""
    if match.currency:
        return True
    nxt = re.match(r"\s*([^\W\d_]+|\S)?", text[match.end :])
    word = (nxt.group(1) or "") if nxt else ""
    if not word or not word[0].isalpha():
        return True
    return word.lower() in {w.lower() for w in _data()["bare_followers"]}


@cache
def _currency_word() -> re.Pattern[str]:
    d = _data()
    words = _alternation([*d["currency_before"], *d["currency_after"]])
    return re.compile(rf"(?<![^\W\d_])(?:{words})(?![^\W\d_])", re.I)


def mentions_money(text: str) -> bool:
    """True when the article names a currency the money parser reads (dollars, USD, $)."""
    return _currency_word().search(text) is not None
