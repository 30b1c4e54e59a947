"""What the model is asked to fill, with validators that ground every fact.

Validators read the cleaned article from the validation context. In strict
mode an ungrounded fact raises, so instructor re-asks once with the reason;
in lenient mode (after the re-asks) it is dropped and named in ``warnings``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from briefx._context import validation_context
from briefx._grounding import align, find_verbatim, number_in_text
from briefx._normalise import parse_money
from briefx._people import fold, is_org_in_text


def _ctx(info: ValidationInfo) -> dict[str, Any]:
    if isinstance(info.context, dict):
        return info.context
    return validation_context() or {}


def _reject(info: ValidationInfo, what: str, bad: list[str]) -> None:
    """Raise (strict) so the model is re-asked, or record (lenient) and go on."""
    if not bad:
        return
    ctx = _ctx(info)
    message = f"{what} not found in the article: {bad}"
    if ctx.get("lenient"):
        ctx.setdefault("warnings", []).append(f"dropped {message}")
        return
    raise ValueError(message + ". Use only what the ARTICLE says, copied exactly.")


class Person(BaseModel):
    name: str = Field(description="Full name as written in the article")
    position: str = Field("", description="Title, e.g. 'Governor of Penza Oblast'")
    country: str = Field("", description="Two-letter code: BY for Belarus, RU for Russia")


class PeopleAnswer(BaseModel):
    """Pass 1: who met."""

    is_meeting: bool = Field(description="True if the article reports a meeting or talks")
    participants: list[Person] = Field(default_factory=list, max_length=8)
    summary: str = Field("", description="One or two neutral sentences")

    @field_validator("participants")
    @classmethod
    def _grounded(cls, people: list[Person], info: ValidationInfo) -> list[Person]:
        text = _ctx(info).get("text")
        if not text:
            return people
        keep = [p for p in people if _name_in(p.name, text)]
        _reject(info, "participants", [p.name for p in people if p not in keep])
        return keep


class Quote(BaseModel):
    speaker: str = ""
    text: str = Field(description="Copied word for word from the article")


class Agreement(BaseModel):
    title: str
    status: Literal["signed", "planned", "proposed"]
    evidence: str = Field("", description="The sentence of the article that states it")


class Trade(BaseModel):
    amount_text: str = Field(description="The amount exactly as written, e.g. '$4.4 billion'")
    period: str | None = Field(None, description="'2024' or '2025-01/2025-06'")
    flow: Literal["turnover", "exports", "imports"] = "turnover"


class CompaniesAnswer(BaseModel):
    """Pass 2: companies, plants and holdings."""

    organizations: list[str] = Field(default_factory=list, max_length=15)

    @field_validator("organizations")
    @classmethod
    def _orgs(cls, names: list[str], info: ValidationInfo) -> list[str]:
        text = _ctx(info).get("text")
        if not text:
            return names
        keep = [n for n in names if n.strip() and is_org_in_text(n.strip(" \"'«»“”‘’"), text)]
        _reject(info, "organizations", [n for n in names if n not in keep])
        return keep


class FactsAnswer(BaseModel):
    """Pass 3: agreements, quotes and trade amounts."""

    agreements: list[Agreement] = Field(default_factory=list, max_length=5)
    quotes: list[Quote] = Field(default_factory=list, max_length=3)
    trade_figures: list[Trade] = Field(default_factory=list, max_length=8)

    @field_validator("quotes")
    @classmethod
    def _verbatim(cls, quotes: list[Quote], info: ValidationInfo) -> list[Quote]:
        text = _ctx(info).get("text")
        if not text:
            return quotes
        keep, bad = [], []
        for quote in quotes:
            span = find_verbatim(quote.text, text)
            if span is None:
                bad.append(quote.text[:60])
            else:  # make it verbatim: the article's own characters
                keep.append(Quote(speaker=quote.speaker, text=text[span.start : span.end]))
        _reject(info, "quotes (not verbatim)", bad)
        return keep

    @field_validator("trade_figures")
    @classmethod
    def _numbers(cls, figures: list[Trade], info: ValidationInfo) -> list[Trade]:
        text = _ctx(info).get("text")
        if not text:
            return figures
        keep, bad = [], []
        for fig in figures:
            parsed = parse_money(fig.amount_text)
            if parsed is not None and number_in_text(parsed[0], text) is not None:
                keep.append(fig)
            else:
                bad.append(fig.amount_text)
        _reject(info, "trade amounts", bad)
        return keep


_HONORIFIC = re.compile(r"^(mr|mrs|ms|dr|president|governor)\.?\s+", re.I)


def _name_in(name: str, text: str) -> bool:
    """A person is grounded when the surname occurs in the article."""
    name = _HONORIFIC.sub("", name.strip())
    if not name:
        return False
    surname = name.split()[-1]
    if len(surname) < 2:
        return False
    # Folding transliterates, so a Latin name is found in a Russian article.
    return align(surname, text, threshold=90.0) is not None or fold(surname) in _folded(text)


@lru_cache(maxsize=16)
def _folded(text: str) -> str:
    return fold(text)
