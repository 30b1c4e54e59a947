"""The module-level convenience calls: thin wrappers over one ``Extractor``."""

from __future__ import annotations

import openai

from briefx._extract import Extractor
from briefx._models import MeetingSummary
from briefx._settings import Settings


def _settings(model: str | None, settings: Settings | None) -> Settings:
    settings = settings or Settings()
    return settings.model_copy(update={"model": model}) if model else settings


def extract(
    source: str | bytes,
    *,
    model: str | None = None,
    published: str | None = None,
    settings: Settings | None = None,
    source_id: str | None = None,
    url: str | None = None,
    html: bool | None = None,
    client: openai.OpenAI | None = None,
) -> MeetingSummary:
    """Extract one MeetingSummary from an article (plain text or HTML).

    ``published`` (YYYY-MM-DD) resolves dates like "on 1 April" when the
    article has no year. For many articles, hold one ``Extractor`` instead.
    """
    with Extractor(_settings(model, settings), client=client) as extractor:
        return extractor.extract(
            source, source_id=source_id, published=published, url=url, html=html
        )


async def aextract(
    source: str | bytes,
    *,
    model: str | None = None,
    published: str | None = None,
    settings: Settings | None = None,
    source_id: str | None = None,
    url: str | None = None,
    html: bool | None = None,
    async_client: openai.AsyncOpenAI | None = None,
) -> MeetingSummary:
    """The async twin of :func:`extract`."""
    one = _settings(model, settings)
    if one.processes is None:  # one article: worker processes would only cost start-up
        one = one.model_copy(update={"processes": 0})
    async with Extractor(one, async_client=async_client) as extractor:
        return await extractor.aextract(
            source, source_id=source_id, published=published, url=url, html=html
        )
