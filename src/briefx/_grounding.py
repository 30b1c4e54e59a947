"""Grounding: find what the model quoted, named or counted in the cleaned article.

Every function takes the cleaned article ``text`` and returns a :class:`Span`
into it, or ``None`` when the claim is not supported by the text. A span's
``text[start:end]`` is always the real source text, so a caller can store it
as evidence or, for quotes, replace the model's copy by it.

``align`` tries, in order: an exact find; a find on a folded copy (case, NFKC,
diacritics, typographic quotes and dashes, whitespace, Cyrillic/Greek
homoglyphs of Latin letters) whose offsets map back to ``text``; a fuzzy
search bounded to windows around the needle's rarest words. Folded copies of
an article are cached, so grounding many fields of one article folds it once.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from briefx._errors import InputError
from briefx._money import find_money

__all__ = ["Span", "align", "find_verbatim", "number_in_text", "percent_in_text"]

Method = Literal["exact", "normalised", "fuzzy"]


@dataclass(frozen=True)
class Span:
    """A match in the cleaned text: ``text[start:end]`` is the source text."""

    start: int
    end: int
    score: float  # 100.0 for exact and normalised matches
    exact: bool  # True only when the needle occurs character for character
    method: Method = "exact"


# --- folding with an offset map ---------------------------------------------

_QUOTES = "\"'“”„‟«»‘’‚‛‹›`´＂＇′″"
_DASHES = "-‐‑‒–—―−﹘﹣－"
_PUNCT_FOLD = str.maketrans({**{q: '"' for q in _QUOTES}, **{d: "-" for d in _DASHES}})
# Cyrillic and Greek letters drawn like Latin ones (after case folding): models
# and OCR mix them into names ("BelOМО" with a Cyrillic М). Folding both sides
# the same way keeps Cyrillic-to-Cyrillic matching intact.
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j",
        "ѕ": "s", "ԁ": "d", "ӏ": "l", "α": "a", "β": "b", "ε": "e", "η": "n",
        "ι": "i", "κ": "k", "μ": "m", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
        "υ": "u", "χ": "x",
    }
)  # fmt: skip


def _fold_loose(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base.casefold().translate(_PUNCT_FOLD).translate(_HOMOGLYPHS)


def _fold_strict(char: str) -> str:
    # Verbatim means the words and their case; only typography may differ.
    if char == "…":
        return "..."
    return char.translate(_PUNCT_FOLD)


@dataclass(frozen=True)
class _Folded:
    """A folded copy of a text; folded char i came from ``orig[starts[i]:ends[i]]``."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_orig(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


def _fold(text: str, fold_char: Callable[[str], str], memo: dict[str, str]) -> _Folded:
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, char in enumerate(text):
        folded = memo.get(char)
        if folded is None:
            folded = "" if unicodedata.category(char) == "Cf" else fold_char(char)
            memo[char] = folded
        for piece in folded:
            if piece.isspace():
                if out and out[-1] == " ":
                    ends[-1] = i + 1  # a collapsed run covers all its whitespace
                    continue
                piece = " "
            out.append(piece)
            starts.append(i)
            ends.append(i + 1)
    return _Folded("".join(out), tuple(starts), tuple(ends))


_LOOSE_MEMO: dict[str, str] = {}
_STRICT_MEMO: dict[str, str] = {}


@lru_cache(maxsize=16)
def _folded(text: str, strict: bool) -> _Folded:
    if strict:
        return _fold(text, _fold_strict, _STRICT_MEMO)
    return _fold(text, _fold_loose, _LOOSE_MEMO)


def _fold_needle(needle: str, strict: bool) -> str:
    fold_char = _fold_strict if strict else _fold_loose
    memo = _STRICT_MEMO if strict else _LOOSE_MEMO
    return _fold(needle, fold_char, memo).text.strip()


# --- exact and normalised finds ----------------------------------------------


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _occurrences(needle: str, haystack: str, start: int = 0) -> Iterator[int]:
    at = haystack.find(needle, start)
    while at != -1:
        yield at
        at = haystack.find(needle, at + 1)


def _find_word(needle: str, haystack: str, start: int = 0) -> int:
    """First occurrence at word boundaries, else the first occurrence at all.

    Short names ("MAZ") should ground on the word, not inside a longer one.
    """
    first = -1
    for at in _occurrences(needle, haystack, start):
        if first == -1:
            first = at
        left_ok = at == 0 or not (_is_word(haystack[at - 1]) and _is_word(needle[0]))
        end = at + len(needle)
        right_ok = end == len(haystack) or not (_is_word(haystack[end]) and _is_word(needle[-1]))
        if left_ok and right_ok:
            return at
    return first


def _exact(needle: str, text: str, start: int = 0) -> Span | None:
    at = _find_word(needle, text, start)
    return Span(at, at + len(needle), 100.0, True, "exact") if at != -1 else None


def _normalised(needle: str, text: str, *, strict: bool, start: int = 0) -> Span | None:
    folded_needle = _fold_needle(needle, strict)
    if not folded_needle:
        return None
    folded = _folded(text, strict)
    folded_start = _folded_offset(folded, start) if start else 0
    at = _find_word(folded_needle, folded.text, folded_start)
    if at == -1:
        return None
    begin, end = folded.to_orig(at, at + len(folded_needle))
    return Span(begin, end, 100.0, text[begin:end] == needle, "normalised")


def _folded_offset(folded: _Folded, orig_offset: int) -> int:
    """The first folded position whose source is at or after ``orig_offset``."""
    lo, hi = 0, len(folded.starts)
    while lo < hi:
        mid = (lo + hi) // 2
        if folded.starts[mid] < orig_offset:
            lo = mid + 1
        else:
            hi = mid
    return lo


# --- fuzzy search around rare anchor words -----------------------------------

_WORD = re.compile(r"\w+")
_MAX_WINDOWS = 48
_MAX_ANCHORS = 4


@dataclass(frozen=True)
class _Index:
    positions: dict[str, tuple[int, ...]]
    vocabulary: tuple[str, ...]


@lru_cache(maxsize=16)
def _index(folded_text: str) -> _Index:
    positions: dict[str, list[int]] = {}
    for match in _WORD.finditer(folded_text):
        positions.setdefault(match.group(), []).append(match.start())
    frozen = {word: tuple(at) for word, at in positions.items()}
    return _Index(frozen, tuple(frozen))


def _anchors(needle: str, index: _Index) -> list[tuple[int, tuple[int, ...]]]:
    """(offset in needle, positions in text) for the needle's rarest words.

    A word missing from the text (a typo, a different inflection) anchors on
    its nearest spellings in the article's vocabulary instead.
    """
    words = [m for m in _WORD.finditer(needle) if len(m.group()) >= 3] or list(
        _WORD.finditer(needle)
    )
    found: list[tuple[int, tuple[int, ...]]] = []
    missing = []
    for match in words:
        hits = index.positions.get(match.group())
        if hits:
            found.append((match.start(), hits))
        else:
            missing.append(match)
    found.sort(key=lambda anchor: len(anchor[1]))
    if len(found) < 2:
        for match in sorted(missing, key=lambda m: -len(m.group()))[:3]:
            for word, _, _ in process.extract(
                match.group(), index.vocabulary, scorer=fuzz.ratio, score_cutoff=75, limit=2
            ):
                found.append((match.start(), index.positions[word]))
    return found[:_MAX_ANCHORS]


def _windows(
    needle_len: int, text_len: int, anchors: list[tuple[int, tuple[int, ...]]]
) -> list[tuple[int, int]]:
    slack = needle_len // 4 + 8
    spans: list[tuple[int, int]] = []
    for offset, hits in anchors:
        for at in hits[:_MAX_WINDOWS]:
            begin = at - offset
            spans.append((max(0, begin - slack), min(text_len, begin + needle_len + slack)))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for begin, end in spans:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged[:_MAX_WINDOWS]


def _snap(haystack: str, start: int, end: int) -> tuple[list[int], list[int]]:
    """Candidate word-boundary starts and ends near a partial-ratio alignment."""
    reach = max(4, (end - start) // 5)
    starts = {
        i
        for i in range(max(0, start - reach), min(end, start + reach))
        if _is_word(haystack[i]) and (i == 0 or not _is_word(haystack[i - 1]))
    }
    ends = {
        i
        for i in range(max(start + 1, end - reach), min(len(haystack), end + reach) + 1)
        if _is_word(haystack[i - 1]) and (i == len(haystack) or not _is_word(haystack[i]))
    }
    # Indel ratio prefers dropping a wrong last letter to keeping it: snap to words.
    return sorted(starts) or [start], sorted(ends) or [end]


def _best_boundaries(needle: str, haystack: str, start: int, end: int) -> tuple[float, int, int]:
    starts, ends = _snap(haystack, start, end)
    best = (-1.0, start, end)
    for begin in starts:
        for stop in ends:
            if stop > begin:
                score = fuzz.ratio(needle, haystack[begin:stop])
                if score > best[0]:
                    best = (score, begin, stop)
    return best


def _fuzzy(needle: str, text: str, threshold: float) -> Span | None:
    folded_needle = _fold_needle(needle, strict=False)
    if not folded_needle:
        return None
    folded = _folded(text, False)
    anchors = _anchors(folded_needle, _index(folded.text))
    best: tuple[float, int, int] | None = None
    for begin, end in _windows(len(folded_needle), len(folded.text), anchors):
        window = folded.text[begin:end]
        hit = fuzz.partial_ratio_alignment(folded_needle, window, score_cutoff=threshold)
        if hit is None or (best is not None and hit.score <= best[0]):
            continue
        _, start, stop = _best_boundaries(folded_needle, window, hit.dest_start, hit.dest_end)
        best = (hit.score, begin + start, begin + stop)
    if best is None:
        return None
    score, start, stop = best
    while stop > start and folded.text[stop - 1] == " ":
        stop -= 1
    while start < stop and folded.text[start] == " ":
        start += 1
    orig_start, orig_end = folded.to_orig(start, stop)
    return Span(orig_start, orig_end, float(score), False, "fuzzy")


# --- public API ----------------------------------------------------------------


def align(needle: str, text: str, *, threshold: float = 85.0) -> Span | None:
    """Find ``needle`` (a name, phrase or sentence the model quoted) in ``text``.

    Exact, then normalised, then fuzzy with a score of at least ``threshold``
    (0-100, rapidfuzz's scale). Returns ``None`` when nothing scores high enough.
    """
    if not 0 <= threshold <= 100:
        raise InputError(
            f"align threshold must be between 0 and 100, got {threshold!r}",
            hint="pass a rapidfuzz score such as 85.0",
        )
    needle = needle.strip()
    if not needle or not text:
        return None
    return (
        _exact(needle, text)
        or _normalised(needle, text, strict=False)
        or _fuzzy(needle, text, threshold)
    )


_ELLIPSIS = re.compile(r"\s*(?:\.{3,}|…)\s*")
_EDGE_QUOTES = _QUOTES + " \t\n"
_TRAILING_PUNCT = ",.;:!?"
_MAX_ELISION = 600  # characters a "…" inside a quote may stand for


def _verbatim_piece(piece: str, text: str, start: int) -> Span | None:
    for candidate in (piece, piece.rstrip(_TRAILING_PUNCT).rstrip()):
        if candidate:
            span = _exact(candidate, text, start) or _normalised(
                candidate, text, strict=True, start=start
            )
            if span:
                return span
    return None


def find_verbatim(quote: str, text: str) -> Span | None:
    """Find a quote in ``text`` allowing only typographic differences.

    Quote marks the model added or dropped, straight versus curly quotes,
    dashes, whitespace and a final punctuation mark may differ; words and case
    may not. An ellipsis marks a cut: "We are ready…" aligns the prefix, and
    "A … B" spans from A to B. Replacing the quote by ``text[start:end]``
    makes it verbatim.
    """
    core = quote.strip().strip(_EDGE_QUOTES)
    if not core or not text:
        return None
    whole = _exact(core, text) or _normalised(core, text, strict=True)
    if whole:
        return whole
    pieces = [p.strip().strip(_EDGE_QUOTES) for p in _ELLIPSIS.split(core)]
    pieces = [p for p in pieces if p]
    if not pieces:
        return None
    first = _verbatim_piece(pieces[0], text, 0)
    if first is None:
        return None
    last = first
    for piece in pieces[1:]:
        span = _verbatim_piece(piece, text, last.end)
        if span is None or span.start - last.end > _MAX_ELISION:
            return None
        last = span
    exact = first.exact and last.exact and len(pieces) == 1
    method: Method = "exact" if exact else "normalised"
    return Span(first.start, last.end, 100.0, exact, method)


# --- numbers -------------------------------------------------------------------


def _close(a: float, b: float, rel: float) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b))


@lru_cache(maxsize=16)
def _money_mentions(text: str) -> tuple[tuple[int, int, frozenset[float]], ...]:
    """Every amount the one money parser reads, with all the values its digits can mean."""
    return tuple((m.amount_start, m.end, m.readings) for m in find_money(text))


def number_in_text(amount_usd: float, text: str) -> Span | None:
    """The first money expression in ``text`` stating ``amount_usd`` within 0.5%.

    Reads "$4.4 billion", "three billion dollars", "$1.5bn", "700 million",
    "$4,4 млрд" and "678,1 млн долларов". A figure the article does not state
    (invented, or copied from an example) returns ``None``.
    """
    if not math.isfinite(amount_usd) or amount_usd <= 0:
        return None
    for start, end, values in _money_mentions(text):
        if any(_close(amount_usd, value, 0.005) for value in values):
            return Span(start, end, 100.0, True, "exact")
    return None


_PERCENT = re.compile(
    r"(?<![\w.,])(?P<num>\d+(?:[.,]\d+)?)\s?(?:%|per\s?cent\b|процент\w*)", re.IGNORECASE
)
_TIMES = re.compile(
    r"(?<![\w.,])(?P<num>\d+(?:[.,]\d+)?)\s(?:times\b|раза?\b)|(?P<word>doubled|tripled)\b",
    re.IGNORECASE,
)


def percent_in_text(value: float, text: str) -> Span | None:
    """A percentage in ``text`` that supports a growth of ``value`` percent.

    "up 10%" supports 10; "100.9% year-on-year" supports 0.9 (an index with
    the previous year as 100); "grew 1.5 times" supports 50; "doubled" 100.
    """
    if not math.isfinite(value):
        return None
    targets = {abs(value), 100.0 + value}
    for match in _PERCENT.finditer(text):
        stated = float(match.group("num").replace(",", "."))
        if any(abs(stated - t) <= max(0.05, 0.005 * t) for t in targets):
            return Span(match.start(), match.end(), 100.0, True, "exact")
    for match in _TIMES.finditer(text):
        word = match.group("word")
        factor = {"doubled": 2.0, "tripled": 3.0}[word.lower()] if word else None
        factor = factor or float(match.group("num").replace(",", "."))
        if abs((factor - 1) * 100 - value) <= max(0.05, 0.005 * abs(value)):
            return Span(match.start(), match.end(), 100.0, True, "exact")
    return None


_ANY_NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:[,\u00a0 ]\d{3})+(?![\d.,])|\d+(?:[.,]\d+)?)")
_DIGITS = re.compile(r"\d+")


def _number_value(raw: str) -> float:
    """'1,200' and '1 200' are 1200; '1,2' and '1.2' are 1.2."""
    raw = raw.strip()
    grouped = re.fullmatch(r"\d{1,3}(?:[,\u00a0 ]\d{3})+", raw)
    if grouped and not re.fullmatch(r"\d{1,3},\d{3}", raw):
        return float(re.sub(r"\D", "", raw))
    return float(raw.replace(",", "."))


def _numbers_in(text: str) -> set[float]:
    """Every number the text writes: as a whole, and each run of digits on its own."""
    values = {_number_value(m.group()) for m in _ANY_NUMBER.finditer(text)}
    values |= {float(d) for d in _DIGITS.findall(text)}
    # "1,700" may be 1700 or 1.7: both readings count as written.
    values |= {float(m.replace(",", "")) for m in re.findall(r"\d{1,3},\d{3}", text)}
    return values


def ungrounded_numbers(sentence: str, text: str) -> list[str]:
    """Numbers in a generated sentence (days, years, amounts) that the article never writes.

    A summary that says "on 18 November" or "$2 billion" must find 18 or the
    amount in the article; money in words ("nine billion dollars") counts too.
    """
    seen = _numbers_in(text)
    bad = []
    for m in _ANY_NUMBER.finditer(sentence):
        value = _number_value(m.group())
        if value in seen or any(abs(value - s) < 1e-9 for s in seen):
            continue
        phrase = sentence[m.start() : m.end() + 20]
        money = _parse_money_phrase(phrase)
        if money is not None and number_in_text(money, text) is not None:
            continue
        bad.append(m.group().strip())
    return bad


def _parse_money_phrase(phrase: str) -> float | None:
    from briefx._normalise import parse_money  # the one money parser

    parsed = parse_money(phrase)
    return parsed[0] if parsed else None


_WORD_RE = re.compile(r"[^\W\d_]+")


def word_form_in_text(word: str, text: str) -> tuple[int, int] | None:
    """The span of ``word`` in another grammatical case or script ("Shapsha", "Шапшой").

    A word of the article matches when its folded form starts with the folded
    ``word`` less its last two letters (four kept at least) and ends within
    three more letters: Russian and German endings, not other words.
    """
    from briefx._language import fold  # the one name fold

    key = fold(word).replace(" ", "")
    if len(key) < 4:
        return None
    stem = key[: max(4, len(key) - 2)]
    for m in _WORD_RE.finditer(text):
        folded = fold(m.group())
        if folded.startswith(stem) and len(folded) <= len(key) + 3:
            return m.start(), m.end()
    return None
