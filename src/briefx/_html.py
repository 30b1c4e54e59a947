"""The one HTML escape of the card, the charts and the report."""

from __future__ import annotations

import html


def escape(value: object) -> str:
    """``value`` as HTML text or attribute content; ``None`` is the empty string."""
    return html.escape("" if value is None else str(value))
