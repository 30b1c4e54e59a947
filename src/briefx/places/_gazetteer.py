"""Longest-match lookup of known names in text, across languages and case forms.

The data files list every surface form ("Калужской области", "Gebiet Kaluga",
"Kaluzhskoy oblasti"); this module folds forms and text alike and finds the
longest run of tokens that is a known form. The fold is one character for one
character, so a span in the folded text is the same span in the original.

The fold merges what Russian and Belarusian spell apart but say alike: the
vowels a/o/e/я/э/ё (akanye: "Смаленскай" and "Смоленской" meet), і/и/ы, ў/в,
ц/т ("вобласць"), щ/ш. Two different names that fold to one key are dropped as
ambiguous rather than guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Generic, TypeVar

from briefx._data import load_data

T = TypeVar("T")

_TOKEN = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")


def _fold_char(ch: str) -> str:
    low = ch.lower()
    if len(low) != 1:
        return ch
    if low.isascii() or not low.isalpha():
        return low
    base = unicodedata.normalize("NFKD", low)[0]
    return base if base.isascii() else low


@cache
def _fold_table() -> dict[int, str]:
    table: dict[str, str] = load_data("regions")["fold"]
    return str.maketrans(table)


def loose_fold(text: str) -> str:
    """Lower-case, strip accents, merge Russian/Belarusian spellings; same length as ``text``."""
    return "".join(_fold_char(ch) for ch in text).translate(_fold_table())


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(folded token, start, end) of each word in ``text``; "Russia's" and "Улан-Удэ" are one."""
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(loose_fold(text))]


def key_of(form: str) -> str:
    return " ".join(t for t, _, _ in tokens(form))


@dataclass(frozen=True)
class Hit(Generic[T]):
    """A known form found in text: what it names, and its token and character span."""

    value: T
    first: int  # index of the first token
    last: int  # index after the last token
    start: int
    end: int


class Gazetteer(Generic[T]):
    """Forms to values; ``find`` returns the longest known runs of tokens, left to right."""

    def __init__(self, pairs: Iterable[tuple[str, T]]) -> None:
        index: dict[str, list[T]] = {}
        for form, value in pairs:
            key = key_of(form)
            if key:
                bucket = index.setdefault(key, [])
                if value not in bucket:
                    bucket.append(value)
        self.ambiguous = {k for k, v in index.items() if len(v) > 1}
        self.index = {k: v[0] for k, v in index.items() if len(v) == 1}
        self.longest = max((k.count(" ") + 1 for k in self.index), default=1)
        self.vocabulary = {t for k in self.index for t in k.split(" ")}

    def find(self, toks: list[tuple[str, int, int]]) -> Iterator[Hit[T]]:
        i = 0
        while i < len(toks):
            hit = self.match_at(toks, i)
            if hit is None:
                i += 1
                continue
            yield hit
            i = hit.last

    def match_at(self, toks: list[tuple[str, int, int]], i: int) -> Hit[T] | None:
        if toks[i][0] not in self.vocabulary:
            return None
        for n in range(min(self.longest, len(toks) - i), 0, -1):
            key = " ".join(t for t, _, _ in toks[i : i + n])
            value = self.index.get(key)
            if value is not None:
                return Hit(value, i, i + n, toks[i][1], toks[i + n - 1][2])
        return None
