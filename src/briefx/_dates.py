"""Dates and trade periods in English, Russian, Belarusian and German.

Two jobs, both data-driven (``data/dates.json``):

* :func:`find_periods` reads the period of a trade figure: "2024", "the first
  half of 2018", "за январь–сентябрь 2024 года", "im ersten Halbjahr 2023",
  "за 9 месяцев" (the meeting's year when none is written).
* :func:`resolve_meeting_date` picks WHICH date mention is the meeting's and
  which year it is in. Parsing a mention ("15 траўня", "am Dienstag",
  "сегодня", "12.03.2021 14:05") relative to the article's own date is
  dateparser's job; this module chooses the mention (the dateline, "today",
  "on Tuesday", "on 1 April" near a meeting verb) and the reference date (the
  ``published`` hint, a time-stamped "Posted" line, a dated dateline, the page
  date, and last a crawl line such as "Monday, 3 June 2024").

A year that is not read from the article's own furniture but inferred from
what it says is returned with a ``warning``, so the record says so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import dateparser

from briefx._data import load_data
from briefx._money import find_money, target_cue

_YEAR = r"(?:19|20)\d{2}"
_SLACK = dt.timedelta(days=2)  # a report may carry the next day's date


@cache
def _d() -> dict[str, Any]:
    data: dict[str, Any] = load_data("dates")
    return data


def _alt(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


@cache
def _month_entries() -> tuple[tuple[re.Pattern[str], int, str], ...]:
    return tuple(
        (re.compile(rf"(?:{pattern})", re.I), i, lang)
        for lang, months in _d()["months"].items()
        for i, pattern in enumerate(months, 1)
    )


@cache
def _month_re() -> str:
    return _alt([p for months in _d()["months"].values() for p in months])


def month_number(word: str) -> int | None:
    """1-12 for a month name or abbreviation in any of the four languages and any case form."""
    hit = _month_lang(word)
    return hit[0] if hit else None


def _month_lang(word: str) -> tuple[int, str] | None:
    for pattern, number, lang in _month_entries():
        if pattern.fullmatch(word.strip()):
            return number, lang
    return None


# --- sentences ---------------------------------------------------------------------


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans; a full stop inside a number ("$4.4"), an initial or a German
    day ("am 15. Mai") does not end one."""
    spans = []
    start = 0
    for m in re.finditer(r"(?<=[.!?…])[\"”»’)]*\s+(?=[\"“«(]?[A-ZА-ЯЁІЎÄÖÜ0-9])|\n+", text):
        before = text[max(start, m.start() - 4) : m.start()]
        if re.search(r"\b(?:St|Mr|Ms|Dr|U\.S|[A-Z])\.$", before) or _german_day(text, m):
            continue
        if text[start : m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def sentence_at(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """The span of the sentence (from ``split_sentences``) around ``start:end``."""
    end = start if end is None else end
    spans = split_sentences(text)
    first = next((s for s in spans if s[0] <= start < s[1] or start < s[0]), (start, end))
    last = next((s for s in reversed(spans) if s[0] <= max(start, end - 1)), first)
    return first[0], max(last[1], first[1])


def _german_day(text: str, m: re.Match[str]) -> bool:
    if not re.search(r"(?<!\d)[0-3]?\d\.$", text[max(0, m.start() - 3) : m.start()]):
        return False
    word = re.match(r"[^\W\d_]+", text[m.end() :])
    return bool(word and month_number(word.group(0)))


# --- periods -------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodMatch:
    """A trade period found in text: "2024" or "2025-01/2025-06"."""

    period: str
    start: int
    end: int
    partial: bool  # a span of months, not a whole year


@cache
def _year_ref() -> str:
    words = _d()["year_words"]
    return (
        rf"(?:(?P<y>{_YEAR})(?:\s*(?:{_alt(words['suffix'])})(?!\w))?"
        rf"|(?P<this>{_alt(words['this'])})|(?P<last>{_alt(words['last'])}))"
    )


@cache
def _span_re() -> re.Pattern[str]:
    p = _d()["periods"]
    month = _month_re()
    return re.compile(
        rf"(?<!\w)(?:(?:{_alt(p['range_openers'])})\s+)?(?P<m1>{month})(?!\w)"
        rf"(?:{_alt(p['range_joiners'])})(?P<m2>{month})(?!\w)"
        rf"(?:\s+(?:(?:{_alt(p['of'])})\s+)?{_year_ref()})?",
        re.IGNORECASE,
    )


@cache
def _part_res() -> tuple[tuple[str, re.Pattern[str]], ...]:
    p = _d()["periods"]
    tail = rf"(?:\s+(?:(?:{_alt(p['of'])})\s+)?{_year_ref()})?"
    return tuple(
        (kind, re.compile(rf"(?<!\w)(?:{entry}){tail}", re.IGNORECASE))
        for kind in ("half", "quarter", "months")
        for entry in p[kind]
    )


@cache
def _relative_year_re() -> re.Pattern[str]:
    words = _d()["year_words"]
    return re.compile(
        rf"(?<!\w)(?:(?P<last>{_alt(words['last'])})|(?P<this>{_alt(words['this'])}))(?!\w)",
        re.IGNORECASE,
    )


_PLAIN_YEAR = re.compile(rf"(?<![\d/.-])(?P<y>{_YEAR})(?![\d%/.-]\d|-\d)")


def relative_year_in(text: str) -> bool:
    """Whether ``text`` names a year relative to the article's ("last year", "сёлета")."""
    return bool(_relative_year_re().search(text))


def _span_period(year: int, first: int, last: int) -> str:
    return f"{year}-{first:02d}/{year}-{last:02d}"


def _year_of_ref(m: re.Match[str], current_year: int | None) -> int | None:
    if m.group("y"):
        return int(m.group("y"))
    if current_year is None:
        return None
    return current_year - 1 if m.group("last") else current_year


def _ordinal(word: str) -> int | None:
    low = word.lower()
    for stem, n in _d()["periods"]["ordinals"].items():
        if low.startswith(stem.lower()):
            return int(n)
    return None


def _month_count(word: str) -> int | None:
    from briefx._money import _number_words  # the one table of number words

    value = int(word) if word.isdigit() else _number_words().get(word.lower())
    return int(value) if value and 1 <= value <= 12 and value == int(value) else None


def _part_period(kind: str, m: re.Match[str], year: int) -> str | None:
    groups = m.groupdict()
    if kind == "months":
        count = _month_count(groups["months"])
        return _span_period(year, 1, count) if count else None
    n = int(groups["hq"]) if groups.get("hq") else _ordinal(groups.get(kind) or "")
    if n is None:
        return None
    size = 6 if kind == "half" else 3
    return _span_period(year, size * (n - 1) + 1, size * n)


def find_periods(text: str, *, current_year: int | None = None) -> list[PeriodMatch]:
    """Month spans, year parts and years in ``text``, in order; a span wins over its year.

    "this year" / "last year", and a part with no year ("за 9 месяцев"), count
    only when ``current_year`` (the meeting's) is known.
    """
    out: list[PeriodMatch] = []
    for m in _span_re().finditer(text):
        first, last = month_number(m.group("m1")), month_number(m.group("m2"))
        year = _year_of_ref(m, current_year)
        if first and last and first <= last and year:
            out.append(PeriodMatch(_span_period(year, first, last), *m.span(), True))
    for kind, pattern in _part_res():
        for m in pattern.finditer(text):
            year = _year_of_ref(m, current_year)
            period = _part_period(kind, m, year) if year else None
            if period and not _overlaps(out, m.start(), m.end()):
                out.append(PeriodMatch(period, *m.span(), True))
    taken = [(p.start, p.end) for p in out]
    for m in _PLAIN_YEAR.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            out.append(PeriodMatch(m.group("y"), *m.span(), False))
    if current_year is not None:
        for m in _relative_year_re().finditer(text):
            if not any(s <= m.start() < e for s, e in taken):
                relative = current_year - 1 if m.group("last") else current_year
                out.append(PeriodMatch(str(relative), *m.span(), False))
    return sorted(out, key=lambda p: p.start)


def _overlaps(found: list[PeriodMatch], start: int, end: int) -> bool:
    return any(p.start < end and start < p.end for p in found)


def parse_period(phrase: str, *, current_year: int | None = None) -> str | None:
    """'in 2024' -> '2024'; 'January-June 2025' / 'в январе-июне 2025 года' -> '2025-01/2025-06'."""
    found = find_periods(phrase, current_year=current_year)
    return found[0].period if found else None


# --- parsing one mention (dateparser) ------------------------------------------------


def parse_date(
    mention: str,
    *,
    lang: str | None = None,
    base: dt.date | None = None,
    prefer: str = "past",
    order: str = "DMY",
) -> dt.date | None:
    """The date ``mention`` names, relative to ``base`` ("сегодня", "am Dienstag", "15. Mai")."""
    settings: dict[str, Any] = {"PREFER_DATES_FROM": prefer, "DATE_ORDER": order}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day, 12)
    languages = [lang] if lang else list(_d()["months"])
    got = dateparser.parse(mention, languages=languages, settings=settings)
    return got.date() if got else None


# --- the article's own date -----------------------------------------------------------

_GRADES = ("published", "stamp", "dateline", "page_date", "crawl")


@dataclass(frozen=True)
class _Ref:
    date: dt.date
    grade: str  # one of _GRADES, strongest first


@cache
def _written_date_re() -> re.Pattern[str]:
    month = _month_re()
    return re.compile(
        rf"(?<!\w)(?:(?P<d>[0-3]?\d)(?:st|nd|rd|th|\.)?\s+(?:of\s+)?(?P<m>{month})(?!\w)"
        rf"|(?P<m2>{month})(?!\w)\.?\s+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?(?![\d:]))"
        rf"(?:,?\s+(?P<y>{_YEAR})(?!\d))?",
        re.IGNORECASE,
    )


_NUMERIC_DATE = re.compile(
    rf"(?<!\d)(?P<a>[0-3]?\d)(?P<sep>[./])(?P<b>[0-3]?\d)(?P=sep)(?P<y>{_YEAR})(?!\d)"
)
_ISO_DATE = re.compile(rf"(?P<y>{_YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)")
_TIME = re.compile(r"(?<!\d)[0-2]?\d:[0-5]\d(?!\d)")


@cache
def _weekday_re() -> re.Pattern[str]:
    words = [w for days in _d()["weekdays"].values() for w in days]
    return re.compile(rf"(?<!\w)(?:{_alt(words)})(?!\w)", re.IGNORECASE)


@cache
def _label_re() -> re.Pattern[str]:
    return re.compile(rf"^\W*(?:{_alt(_d()['stamp_labels'])})\s*:", re.IGNORECASE)


def _full_date(line: str) -> tuple[dt.date, int, int] | None:
    """(date, start, end) of the first date with a year in ``line``, parsed by dateparser."""
    m = _ISO_DATE.search(line)
    if m:
        return _safe_date(int(m["y"]), int(m["m"]), int(m["d"])), *m.span()  # type: ignore[return-value]
    m = _NUMERIC_DATE.search(line)
    if m:
        # Dots are day.month.year; a slash is the US month/day/year of wire headers.
        order = "DMY" if m["sep"] == "." else "MDY"
        got = parse_date(m.group(0).replace("/", "."), lang="en", order=order)
        return (got, *m.span()) if got else None
    for m in _written_date_re().finditer(line):
        if m["y"]:
            lang = _month_lang(m["m"] or m["m2"])
            got = parse_date(m.group(0), lang=lang[1] if lang else None)
            if got:
                return got, *m.span()
    return None


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _header_refs(original: str) -> list[_Ref]:
    """Dates in the short lines at the top of the page: stamps and crawl lines.

    A date with a time or a "Posted:" label is the article's stamp; a
    weekday-and-date line with no time ("Monday, 3 June 2024") is the page's
    crawl date, which may be days or years after the article.
    """
    refs = []
    lines = [ln.strip() for ln in original.splitlines() if ln.strip()][:15]
    for line in lines:
        if len(line) > 90:
            continue
        found = _full_date(line)
        if found is None or found[0] is None:
            continue
        timed = bool(_TIME.search(line)) or bool(_label_re().search(line))
        crawl = not timed and bool(_weekday_re().search(line))
        grade = "crawl" if crawl else "stamp" if timed else "page_date"
        refs.append(_Ref(found[0], grade))
    return refs


def _refs(
    original: str | None, dateline: str | None, page_date: str | None, published: str | None
) -> list[_Ref]:
    refs = []
    for grade, hint in (("published", published), ("dateline", dateline)):
        got = _full_date(hint) if hint else None
        if got and got[0]:
            refs.append(_Ref(got[0], grade))
    header = _header_refs(original) if original else []
    refs += header
    got = _full_date(page_date) if page_date else None
    if got and got[0]:
        crawled = any(r.grade == "crawl" and r.date == got[0] for r in header)
        refs.append(_Ref(got[0], "crawl" if crawled else "page_date"))
    return sorted(refs, key=lambda r: _GRADES.index(r.grade))


# --- which mention is the meeting's -----------------------------------------------------


@dataclass(frozen=True)
class DateResult:
    """A resolved meeting date, how the year was found, the day's span, and a warning.

    ``warning`` is set when the year was inferred rather than read from the
    article's own date, or taken from a page date that may be the crawl date.
    """

    iso: str | None
    basis: str  # published | page_date | dateline | stamp | text | inferred | crawl | ...
    span: tuple[int, int] | None
    warning: str | None = None


@dataclass(frozen=True)
class _Mention:
    day: int
    month: int
    year: int | None
    start: int
    end: int
    kind: str  # dateline | explicit | relative | weekday | first
    text: str
    lang: str | None


@cache
def _cue_re(key: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{_alt(_d()[key])})(?!\w)", re.IGNORECASE)


@cache
def _relative_re() -> re.Pattern[str]:
    words = [w for days in _d()["relative_days"].values() for w in days]
    preps = _alt(_d()["weekday_prepositions"])
    weekdays = _alt([w for days in _d()["weekdays"].values() for w in days])
    return re.compile(
        rf"(?<!\w)(?:(?P<rel>{_alt(words)})|(?:{preps})\s+(?P<wd>{weekdays}))(?!\w)",
        re.IGNORECASE,
    )


def _day_months(text: str, offset: int = 0) -> list[_Mention]:
    out = []
    for m in _written_date_re().finditer(text):
        word = m["m"] or m["m2"]
        hit = _month_lang(word)
        day = int(m["d"] or m["d2"])
        if hit is None or not 1 <= day <= 31:
            continue
        year = int(m["y"]) if m["y"] else None
        before = text[max(0, m.start() - 6) : m.start()]
        kind = "explicit" if re.search(r"\b(?:on|On|am|Am)\s+(?:the\s+)?$", before) else "first"
        out.append(
            _Mention(
                day, hit[0], year, offset + m.start(), offset + m.end(), kind, m.group(0), hit[1]
            )
        )
    return out


def _lead_sentences(text: str) -> list[tuple[int, int]]:
    """The first sentences that report the meeting: the ones with a meeting verb."""
    verbs = _cue_re("meeting_verbs")
    spans = split_sentences(text)[:6]
    return [(s, e) for s, e in spans if verbs.search(text[s:e])][:3]


def _relative_cue(text: str) -> tuple[re.Match[str], bool] | None:
    """The first "today"/"on Tuesday" in the lead, and whether the lead speaks of the future."""
    for s, e in _lead_sentences(text):
        sentence = text[s:e]
        m = _relative_re().search(sentence)
        if m:
            future = bool(_cue_re("future_cues").search(sentence))
            shifted = _relative_re().search(text, s, e)
            return (shifted, future) if shifted else None
    return None


def _resolve_relative(cue: re.Match[str], future: bool, base: dt.date) -> dt.date | None:
    """The day a relative cue names, counted from ``base`` (the article's own day)."""
    if cue["rel"]:
        lang = _lang_of(cue["rel"], "relative_days")
        return parse_date(cue["rel"], lang=lang, base=base)
    word = cue["wd"]
    lang = _lang_of(word, "weekdays")
    # A weekday that is the article's own day means that day, not a week before.
    shifted = base - dt.timedelta(days=1) if future else base + dt.timedelta(days=1)
    prefer = "future" if future else "past"
    got = parse_date(word, lang=lang, base=shifted, prefer=prefer)
    if got is None and lang in _d()["weekday_nominative"]:
        index = _weekday_index(word)
        nominative = _d()["weekday_nominative"][lang][index] if index is not None else word
        got = parse_date(nominative, lang=lang, base=shifted, prefer=prefer)
    return got


def _lang_of(word: str, key: str) -> str | None:
    for lang, entries in _d()[key].items():
        if any(re.fullmatch(rf"(?:{e})", word, re.I) for e in entries):
            return str(lang)
    return None


def _weekday_index(word: str) -> int | None:
    for days in _d()["weekdays"].values():
        for i, entry in enumerate(days):
            if re.fullmatch(rf"(?:{entry})", word, re.I):
                return i
    return None


def _dateline_mention(text: str, dateline: str | None) -> _Mention | None:
    if not dateline:
        return None
    found = _day_months(dateline)
    if not found:
        return None
    hit = found[0]
    at = text.find(dateline)
    start, end = (at + hit.start, at + hit.end) if at >= 0 else (0, 0)
    return replace(hit, start=start, end=end, kind="dateline")


def _pick_mention(text: str, dateline: str | None) -> _Mention | None:
    """The dateline's day, else the first "on <day> <month>", else one in the lead, else any."""
    found = _dateline_mention(text, dateline)
    if found:
        return found
    mentions = _day_months(text)
    lead = _lead_sentences(text)
    for pick in (
        [m for m in mentions if m.kind == "explicit"],
        [m for m in mentions if any(s <= m.start < e for s, e in lead)],
        mentions,
    ):
        if pick:
            return pick[0]
    return None


def _year_against(day: int, month: int, ref: dt.date, future: bool) -> int | None:
    """The year that puts day-month on or before the reference day (after it, if future)."""
    for year in (ref.year, ref.year - 1) if not future else (ref.year, ref.year + 1):
        when = _safe_date(year, month, day)
        if when is None:
            continue
        if not future and when <= ref + _SLACK:
            return year
        if future and when >= ref - _SLACK:
            return year
    return None


def resolve_meeting_date(
    text: str,
    *,
    dateline: str | None = None,
    page_date: str | None = None,
    published: str | None = None,
    original: str | None = None,
) -> DateResult:
    """Resolve the meeting day to an ISO date.

    The day is the dateline's, moved by a relative cue in the lead ("on
    Tuesday", "вчера", "tomorrow"), else the first "on 1 April" / "am 15. Mai",
    else "today"/"on Tuesday" counted from the article's own date, else the
    first day-month in the lead or text. The year is read from the mention
    itself, then from the article's own date (``published``, a time-stamped
    line of ``original``, a dated dateline, ``page_date``), then from a day
    stamp in the text, and last inferred from what the text says
    (:func:`infer_year`), with a warning. A crawl line is used for the year
    only, never as the meeting day. With no way to know the year, ``iso`` is
    None, as the contract asks.
    """
    refs = _refs(original, dateline, page_date, published)
    cue = _relative_cue(text)
    future = bool(cue and cue[1])
    mention = _pick_mention(text, dateline)
    if mention is None or (mention.kind not in ("dateline", "explicit") and cue):
        return _from_cue_only(text, cue, refs, mention)
    span = (mention.start, mention.end) if mention.end > mention.start else None
    year, basis, warning = _pick_year(text, mention, refs, future)
    if year is None:
        return DateResult(None, "unknown-year", span)
    when = _safe_date(year, mention.month, mention.day)
    if when is None:
        return DateResult(None, "invalid", span)
    if mention.kind == "dateline" and cue:
        moved = _resolve_relative(cue[0], future, when)
        if moved is not None:
            when = moved
            span = cue[0].span()
    return DateResult(when.isoformat(), basis, span, warning)


def _from_cue_only(
    text: str, cue: tuple[re.Match[str], bool] | None, refs: list[_Ref], mention: _Mention | None
) -> DateResult:
    """ "today" / "on Tuesday" counted from the article's own date; a crawl date is not one."""
    own = [r for r in refs if r.grade != "crawl"]
    if cue is None and mention is None:
        return _same_day(text, refs)
    if cue is None or not own:
        if mention is not None:
            year, basis, warning = _pick_year(text, mention, refs, bool(cue and cue[1]))
            when = _safe_date(year, mention.month, mention.day) if year else None
            if when:
                return DateResult(when.isoformat(), basis, (mention.start, mention.end), warning)
        return DateResult(None, "no-date" if mention is None else "unknown-year", None)
    when = _resolve_relative(cue[0], cue[1], own[0].date)
    if when is None:
        return DateResult(None, "no-date", None)
    return DateResult(when.isoformat(), own[0].grade, cue[0].span())


def _same_day(text: str, refs: list[_Ref]) -> DateResult:
    """No day named at all: a report time-stamped by its outlet (a stamp with a time, a
    dateline) tells of that day's meeting, unless the lead says the time only vaguely
    ("this week"). A page or crawl date is never taken for the day."""
    stamped = [r for r in refs if r.grade in ("published", "stamp", "dateline")]
    if not stamped or _vague_re().search(text[:600]) or not _meeting_verb_re().search(text):
        return DateResult(None, "no-date", None)
    when = stamped[0].date
    warning = (
        f"meeting_date {when.isoformat()} inferred from the article's own {stamped[0].grade} "
        "(a same-day report); the article names no day"
    )
    return DateResult(when.isoformat(), "inferred", None, warning)


@cache
def _vague_re() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{_alt(_d()['vague_times'])})(?!\w)", re.IGNORECASE)


@cache
def _meeting_verb_re() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{_alt(_d()['meeting_verbs'])})", re.IGNORECASE)


def _pick_year(
    text: str, mention: _Mention, refs: list[_Ref], future: bool
) -> tuple[int | None, str, str | None]:
    if mention.year:
        return mention.year, "text", None
    inferred = infer_year(text, meeting_month=mention.month)
    for ref in refs:
        if ref.grade == "dateline":
            return ref.date.year, "dateline", None
        year = _year_against(mention.day, mention.month, ref.date, future)
        if year is None:
            continue
        if ref.grade != "crawl":
            return year, ref.grade, None
        # A crawl date bounds the article from above; the text may say an earlier year.
        if inferred is not None and inferred < year:
            return inferred, "inferred", _inferred_warning(inferred, "the page's crawl date")
        return (
            year,
            "crawl",
            (f"meeting_date year {year} taken from a page date that may be the crawl date"),
        )
    stamped = _text_full_date(text, mention)
    if stamped:
        return stamped, "text", None
    if inferred is None:
        return None, "unknown-year", None
    return inferred, "inferred", _inferred_warning(inferred, "no dated stamp")


def _inferred_warning(year: int, why: str) -> str:
    return (
        f"meeting_date year {year} inferred from the article's content ({why}); "
        "the article does not state it"
    )


def _text_full_date(text: str, mention: _Mention) -> int | None:
    """A dated stamp in the text's own furniture ("11/18/2024", "25 August 2025, 11:39")."""
    for line in text.splitlines():
        got = _full_date(line)
        if got and got[0] and (got[0].month, got[0].day) == (mention.month, mention.day):
            return got[0].year
    for other in _day_months(text):
        if other.year and (other.month, other.day) == (mention.month, mention.day):
            return other.year
    return None


# --- the year from what the article says ------------------------------------------------


@cache
def _year_cues(kind: str) -> tuple[re.Pattern[str], ...]:
    """The ``year_cues`` of data/dates.json of one kind (event, upper, anniversary)."""
    patterns = [p.format(year=f"(?P<y>{_YEAR})") for p in _d()["year_cues"][kind]]
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


def _year_cue_matches(kind: str, text: str) -> list[re.Match[str]]:
    return [m for pattern in _year_cues(kind) for m in pattern.finditer(text)]


@cache
def _preliminary_re() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{_alt(_d()['year_words']['preliminary'])})", re.IGNORECASE)


_PERCENT = re.compile(r"\d\s?%|\d\s+(?:percent|per cent|процент\w*|працэнт\w*|Prozent)\b", re.I)


def _stat_years(text: str, meeting_month: int | None) -> list[int]:
    """Years the article must postdate, from reported statistics in its sentences."""
    years = []
    sentences = [text[s:e] for s, e in split_sentences(text)]
    # "the preliminary results of 2024" are told while 2024 is still going.
    preliminary = {
        int(p.period[:4])
        for sentence in sentences
        if _preliminary_re().search(sentence)
        for p in find_periods(sentence)
    }
    for sentence in sentences:
        money = find_money(sentence)
        if money and target_cue(sentence[: money[0].start], ""):
            continue
        if not money and not _PERCENT.search(sentence):  # "30% up in January-August 2023"
            continue
        for p in find_periods(sentence):
            year = int(p.period[:4])
            if not p.partial:
                years.append(year if year in preliminary else year + 1)
                continue
            last_month = int(p.period[-2:])
            late = meeting_month is not None and meeting_month <= last_month
            years.append(year + 1 if late else year)
    return years


def infer_year(text: str, *, meeting_month: int | None = None) -> int | None:
    """The earliest year the article can be from, or None when nothing tells.

    Lower bounds: a statistic for a whole year Y ("in 2024 it amounted to $152
    million") means the article is from Y+1 or later, unless the figure is
    preliminary ("по предварительным итогам 2024 года": Y itself); a span of
    months of Y ending at or after the meeting month also means Y+1, otherwise
    Y; an event in the past ("launched in 2025") means Y; "the 80th
    anniversary of the Victory" means 1945+80. Upper bounds ("through the end
    of 2025", "until 2026") keep only the lower bounds they allow. The answer
    is the largest consistent lower bound.
    """
    lower = _stat_years(text, meeting_month)
    lower += [int(m.group("y")) for m in _year_cue_matches("event", text)]
    lower += [1945 + int(m.group("n")) for m in _year_cue_matches("anniversary", text)]
    lower += [int(m.group("y")) - 1 for m in _year_cue_matches("plan", text)]
    lower = [y for y in lower if 1990 <= y <= 2100]
    if not lower:
        return None
    upper = [int(m.group("y")) for m in _year_cue_matches("upper", text)]
    consistent = [y for y in lower if not upper or y <= min(upper)]
    return max(consistent or lower)
