"""The one loader for the domain data files in ``src/briefx/data/``.

Word lists, cue lexicons and page-furniture patterns are data, not code: they
live as JSON beside the package and are read once per process.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_data(name: str) -> Any:
    """The parsed JSON file ``data/<name>.json`` that ships with briefx (read once)."""
    text = resources.files("briefx").joinpath("data", f"{name}.json").read_text(encoding="utf-8")
    return json.loads(text)
