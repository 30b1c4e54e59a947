"""Find the prompt templates and schemas, installed or in a checkout.

A wheel carries ``prompts/`` and ``schemas/`` inside the package (hatch
``force-include``); a checkout reads the top-level folders.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path


def resource_dir(name: str) -> Traversable:
    """The ``prompts`` or ``schemas`` folder that ships with briefx."""
    # In a checkout (editable install) the top-level folder is the truth; the
    # copy an editable install leaves in site-packages goes stale.
    root = Path(__file__).resolve().parents[2]
    if (root / name).is_dir() and (root / "pyproject.toml").is_file():
        return root / name
    packaged = resources.files("briefx").joinpath(name)
    if packaged.is_dir():
        return packaged
    raise FileNotFoundError(f"briefx is installed without its {name}/ folder; reinstall briefx")


def read_resource(folder: str, filename: str) -> str:
    return resource_dir(folder).joinpath(filename).read_text(encoding="utf-8")
