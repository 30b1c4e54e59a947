"""Deterministic normalisers: Russian regions, countries, money, periods and dates.

Everything here is a pure function over strings, so the rule-based field finders
(``_rules``) and the post-processing of model output share one notion of what
"Penza Oblast", "almost $700 million" or "January-June 2025" mean.

Regions are looked up in the generated gazetteer of ``briefx.places``
(``data/regions.json``: every federal subject in every case form and language),
re-exported here under their old names.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import pycountry

# --- transliteration ----------------------------------------------------------
# The library's one transliteration (iuliia's "wikipedia" scheme) lives in _language.
from briefx._language import strip_marks, transliterate


def _fold(text: str) -> str:
    """ASCII-fold, lower-case, unify apostrophes and dashes."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    text = re.sub(r"[‐-―]", "-", text)
    return strip_marks(transliterate(text)).lower()


# --- regions -------------------------------------------------------------------
# The gazetteer lives in briefx.places (data/regions.json); these names stay for
# the modules and tests that import them from here.

from briefx.places import RegionMention as RegionMention  # noqa: E402
from briefx.places import RegionName as RegionName  # noqa: E402
from briefx.places import find_regions as find_regions  # noqa: E402
from briefx.places import region_mentions as region_mentions  # noqa: E402
from briefx.places import resolve_region  # noqa: E402

region_from_name = resolve_region


# --- countries -----------------------------------------------------------------

_COUNTRY_ALIASES = {
    "russia": "RU", "rossiya": "RU", "rf": "RU", "belorussiya": "BY", "belarus'": "BY",
    "byelorussia": "BY", "ussr": "SU", "uk": "GB", "britain": "GB", "usa": "US",
    "america": "US", "american": "US", "russian": "RU", "belarusian": "BY", "polish": "PL",
    "french": "FR", "british": "GB", "dutch": "NL", "turkish": "TR", "swiss": "CH", "uzbek": "UZ",
}  # fmt: skip


@lru_cache(maxsize=4096)
def country_alpha2(name: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a country name, code or adjective ("Belarusian" -> BY)."""
    folded = _fold(name).strip(" .'")
    folded = re.sub(r"^(?:the|republic of)\s+", "", folded)
    if not folded:
        return None
    if folded in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[folded]
    try:
        return str(pycountry.countries.lookup(folded).alpha_2)
    except LookupError:
        pass
    return _country_by_adjective(folded)


@cache
def _country_names() -> dict[str, str]:
    return {c.alpha_2: _fold(getattr(c, "common_name", c.name)) for c in pycountry.countries}


def _country_by_adjective(folded: str) -> str | None:
    """A unique country whose name starts with the adjective's root ("Chinese" -> China)."""
    for suffix in ("", "ian", "ean", "ese", "ish", "an", "n", "i"):
        root = folded.removesuffix(suffix) if suffix else folded
        if (suffix and root == folded) or len(root) < 4:
            continue
        # The root must be most of the name: "Martian" is not Martinique.
        hits = {
            code
            for code, n in _country_names().items()
            if n.startswith(root) and len(root) > len(n) / 2
        }
        if len(hits) == 1:
            return str(hits.pop())
    return None


# --- money, periods, meeting dates ----------------------------------------------
# One money parser (``_money``) and one date/period reader (``_dates``) serve the
# whole library; these names stay importable from here for older importers.

from briefx._dates import DateResult as DateResult  # noqa: E402
from briefx._dates import PeriodMatch as PeriodMatch  # noqa: E402
from briefx._dates import find_periods as find_periods  # noqa: E402
from briefx._dates import infer_year as infer_year  # noqa: E402
from briefx._dates import month_number as month_number  # noqa: E402
from briefx._dates import parse_period as parse_period  # noqa: E402
from briefx._dates import resolve_meeting_date as resolve_meeting_date  # noqa: E402
from briefx._dates import split_sentences as split_sentences  # noqa: E402
from briefx._money import MoneyMatch as MoneyMatch  # noqa: E402
from briefx._money import find_money as find_money  # noqa: E402
from briefx._money import parse_money as parse_money  # noqa: E402
