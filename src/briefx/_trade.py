"""Trade figures read by rules: amount, period, flow, qualifier and growth.

Trade figures are read sentence by sentence. Inside a sentence the dollar
amounts (``_money.find_money``) cut it into segments; each amount takes the
period written right after it ("$3 billion in 2024", "$91 million last year"),
else the nearest period before it in its own segment ("in 2021 it exceeded
$103 million"), else, when its sentence names no period at all, the period of
the previous sentence's figures. "last year"/"this year" resolve against the
meeting year. Targets ("can reach $1 billion", "планируют довести до",
"soll ... erreichen") and historical peaks ("in 2012 trade peaked at $2
billion") are kept as candidates flagged ``excluded`` with the reason, so the
caller can say what it left out; investment and loans, and sentences with no
trade word (unless "it"/"this" continues a trade sentence) are left out; a
figure told twice is kept once. Words live in ``data/trade.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from briefx._data import load_data
from briefx._dates import PeriodMatch, find_periods, relative_year_in, split_sentences
from briefx._models import TradeFigure
from briefx._money import MoneyMatch, bare_amount_ok, find_money, peak_cue, target_cue

_MIN_TRADE_USD = 1000  # below this an amount is a price ("$5 per kilo"), not a trade figure


@cache
def _t() -> dict[str, Any]:
    data: dict[str, Any] = load_data("trade")
    return data


def _alt(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


@cache
def _words(key: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{_alt(_t()[key])})(?!\w)", re.IGNORECASE)


@cache
def _flow_re() -> re.Pattern[str]:
    parts = [rf"(?P<{name}>(?<!\w)(?:{_alt(w)})(?!\w))" for name, w in _t()["flows"].items()]
    return re.compile("|".join(parts), re.IGNORECASE)


@cache
def _clause_break() -> re.Pattern[str]:
    return re.compile("|".join(_t()["clause_break"]), re.IGNORECASE)


@cache
def _comparison_before() -> re.Pattern[str]:
    return re.compile(
        rf"(?<!\w)(?:{_alt(_t()['comparison_before'])})\s+(?:the\s+)?$", re.IGNORECASE
    )


@cache
def _growth() -> tuple[tuple[int, re.Pattern[str]], ...]:
    g = _t()["growth"]
    pct = rf"(?P<pct>\d+(?:[.,]\d+)?)\s?(?:{_alt(g['percent'])})"
    between = rf"(?:(?:{_alt(g['between'])})\s+){{0,2}}"
    return (
        (1, re.compile(rf"(?<!\w)(?:{_alt(g['up'])})\s+{between}{pct}", re.I)),
        (-1, re.compile(rf"(?<!\w)(?:{_alt(g['down'])})\s+{between}{pct}", re.I)),
        (1, re.compile(rf"{pct}\s+(?:{_alt(g['up_after'])})\b", re.I)),
        (-1, re.compile(rf"{pct}\s+(?:{_alt(g['down_after'])})\b", re.I)),
        (0, re.compile(rf"{pct}\s+(?:{_alt(g['index'])})", re.I)),
    )


@dataclass(frozen=True)
class FoundTrade:
    """One trade figure found by rules, with its span in the text.

    ``excluded`` is None for a reported figure, else why it is not one
    ("target", "peak"); ``cue`` holds the words that said so.
    """

    period: str | None
    amount_usd: float
    flow: str  # turnover | exports | imports
    qualifier: str  # exact | approx | over | under
    growth_pct: float | None
    start: int
    end: int
    excluded: str | None = None
    cue: str | None = None

    def to_model(self) -> TradeFigure:
        """The contract's TradeFigure for this finding."""
        return TradeFigure.model_validate(
            {
                "period": self.period,
                "amount_usd": self.amount_usd,
                "flow": self.flow,
                "qualifier": self.qualifier,
                "growth_pct": self.growth_pct,
            }
        )


def find_trade_figures(text: str, *, meeting_year: int | None = None) -> list[FoundTrade]:
    """Trade amounts reported as facts (not targets, not past peaks), with period, flow, growth.

    ``meeting_year`` resolves "last year", "this year", "за 9 месяцев".
    """
    return [f for f in trade_candidates(text, meeting_year=meeting_year) if f.excluded is None]


def trade_candidates(text: str, *, meeting_year: int | None = None) -> list[FoundTrade]:
    """Every trade amount, reported figures and flagged targets and peaks alike."""
    found: list[FoundTrade] = []
    previous_trade = False
    carried: str | None = None  # the period of the previous sentence's figures
    for s, e in split_sentences(text):
        sentence = text[s:e]
        has_trade = bool(_words("trade_words").search(sentence))
        inherits = previous_trade and bool(_words("pronoun_subject").search(sentence))
        figures = []
        if has_trade or inherits:
            figures = _sentence_figures(sentence, s, meeting_year, carried)
        found += figures
        previous_trade = has_trade
        kept = [f for f in figures if f.excluded is None]
        carried = kept[-1].period if kept else None
    return _dedupe(_flag_old_peaks(found))


def _sentence_figures(
    sentence: str, offset: int, meeting_year: int | None, carried: str | None
) -> list[FoundTrade]:
    money = [m for m in find_money(sentence) if bare_amount_ok(m, sentence)]
    periods = find_periods(sentence, current_year=meeting_year)
    out = []
    for i, m in enumerate(money):
        seg_start = money[i - 1].end if i else 0
        seg_end = money[i + 1].start if i + 1 < len(money) else len(sentence)
        before, after = sentence[seg_start : m.start], sentence[m.end : seg_end]
        if _words("non_trade").search(_local_before(before)) or m.amount_usd < _MIN_TRADE_USD:
            continue
        period = _period_for(sentence, m, seg_start, seg_end, periods)
        if period is None and not periods and not relative_year_in(sentence):
            # "In 2024 trade reached $1.3bn. Exports amounted to $780m, ..."
            period = carried
        target = target_cue(before, _local_after(after))
        peak = peak_cue(_local_before(before) + " " + _local_after(after))
        out.append(
            FoundTrade(
                period=period,
                amount_usd=m.amount_usd,
                flow=_flow_for(before, after, sentence),
                qualifier=m.qualifier,
                growth_pct=_growth_for(before, after),
                start=offset + m.start,
                end=offset + m.end,
                excluded="target" if target else "peak" if peak else None,
                cue=target or peak,
            )
        )
    return out


def _flag_old_peaks(found: list[FoundTrade]) -> list[FoundTrade]:
    """A peak is a past record unless it is for the latest period the article reports."""
    reported = [f.period[:4] for f in found if f.excluded is None and f.period]
    latest = max(reported, default=None)
    out = []
    for f in found:
        if f.excluded == "peak" and latest and f.period and f.period[:4] >= latest:
            f = replace(f, excluded=None, cue=None)  # "a record $5bn in 2024" is this year's
        out.append(f)
    return out


def _local_before(before: str) -> str:
    """The part of ``before`` after its last clause break: the amount's own clause."""
    cuts = [b.end() for b in _clause_break().finditer(before)]
    return before[cuts[-1] :] if cuts else before


def _local_after(after: str) -> str:
    cut = _clause_break().search(after)
    return after[: cut.start()] if cut else after


def _flow_for(before: str, after: str, sentence: str) -> str:
    flow = None
    for m in _flow_re().finditer(_local_before(before) or before):
        flow = m.lastgroup
    if flow is None:
        hit = (
            _flow_re().search(_local_after(after))
            or _flow_re().search(before)
            or _flow_re().search(sentence)
        )
        flow = hit.lastgroup if hit else "turnover"
    clause = _local_before(before) + _local_after(after)
    if flow == "exports" and _words("partner_exports").search(clause):
        return "imports"
    if flow == "imports" and _words("partner_imports").search(clause):
        return "exports"
    return flow or "turnover"


def _period_for(
    sentence: str, money: MoneyMatch, seg_start: int, seg_end: int, periods: list[PeriodMatch]
) -> str | None:
    # Written right after the amount, no punctuation between: "$3 billion in 2024".
    for p in periods:
        gap = sentence[money.end : p.start]
        if money.end <= p.start < seg_end and len(gap) <= 25 and not re.search(r"[,;:—–(]", gap):
            if not _comparison_before().search(gap):
                return p.period
            break
    # Otherwise the nearest period before it in its own segment: "in 2021 it exceeded $103m".
    for p in reversed(periods):
        lead = sentence[max(seg_start, p.start - 20) : p.start]
        if seg_start <= p.start and p.end <= money.start and not _comparison_before().search(lead):
            return p.period
    return None


def _growth_for(before: str, after: str) -> float | None:
    for segment in (_local_after(after), _local_before(before)):
        for sign, pattern in _growth():
            m = pattern.search(segment)
            if m is None:
                continue
            value = float(m.group("pct").replace(",", "."))
            if sign == 0:
                # "100.9% year-on-year" is an index: the change is 0.9.
                return round(value - 100, 4) if value >= 50 else value
            return sign * value
    return None


def _dedupe(found: list[FoundTrade]) -> list[FoundTrade]:
    """One figure per (period, flow) and amount within 2%; the first telling keeps its span."""
    out: list[FoundTrade] = []
    for item in found:
        twin = next(
            (
                o
                for o in out
                if (o.period, o.flow, o.excluded) == (item.period, item.flow, item.excluded)
                and abs(o.amount_usd - item.amount_usd) <= 0.02 * max(o.amount_usd, 1.0)
            ),
            None,
        )
        if twin is None:
            out.append(item)
        elif twin.growth_pct is None and item.growth_pct is not None:
            out[out.index(twin)] = item
    return out
