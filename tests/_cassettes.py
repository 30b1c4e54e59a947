"""Cassette matching on what the model is asked, and a loud re-record message.

Replay compares requests in a canonical form: JSON key order, whitespace and
the libraries' own noise (pydantic's documentation links with their version,
``input_value=`` echoes of the whole answer) cannot break it. A real change
of prompt, schema or article still misses, and the test then fails naming
itself and the command that re-records it, not as openai's "Connection error".
"""

from __future__ import annotations

import difflib
import json
import re
import shlex
from typing import Any

RECORD_COMMAND = "python -m pytest {test} --record-mode=rewrite"

# Library noise that does not change what the model is asked.
_NOISE = (
    re.compile(r"\s*For further information visit https?://errors\.pydantic\.dev/\S*"),
    # pydantic's "[type=value_error, input_value=<the whole answer>, input_type=list]"
    re.compile(r"\s*\[type=\w+(?:,\s*input_value=.*?,\s*input_type=\w+)?\]", re.S),
)
_SPACE = re.compile(r"\s+")


def _clean(text: str) -> str:
    for pattern in _NOISE:
        text = pattern.sub("", text)
    return _SPACE.sub(" ", text).strip()


def _canonical_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _canonical_value(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_canonical_value(item) for item in value]
    if isinstance(value, str):
        return _clean(value)
    return value


def canonical_body(body: bytes | str | None) -> Any:
    """The request body as what the model is asked: parsed, sorted, noise removed."""
    if body is None:
        return None
    raw = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        return _canonical_value(json.loads(raw))
    except ValueError:
        return _clean(raw)


def canonical(r1: Any, r2: Any) -> None:
    """vcrpy matcher: raises AssertionError (vcrpy's protocol) when the asks differ."""
    if canonical_body(r1.body) != canonical_body(r2.body):
        raise AssertionError("request bodies differ in what the model is asked")


def first_difference(live: Any, recorded: Any, *, lines: int = 12) -> str:
    """The first lines where two canonical bodies differ, as a unified diff."""

    def pretty(body: Any) -> list[str]:
        return json.dumps(canonical_body(body), indent=1, ensure_ascii=False).splitlines()

    diff = difflib.unified_diff(
        pretty(recorded), pretty(live), "recorded", "sent now", n=1, lineterm=""
    )
    return "\n".join(list(diff)[:lines])


def rerecord_message(test_id: str, cassette: Any, unmatched: list[Any]) -> str:
    """What a developer must read when replay finds no recording for a request."""
    recorded = list(getattr(cassette, "requests", []))
    request = unmatched[0]
    closest = recorded[min(cassette.play_count, len(recorded) - 1)] if recorded else None
    diff = first_difference(request.body, closest.body) if closest is not None else ""
    return (
        f"{len(unmatched)} request(s) of {test_id} are not in cassette {cassette._path}: "
        "the prompt, schema or article changed since it was recorded.\n"
        f"Re-record it against a model server on the recorded address (README, 'Cassettes'):\n"
        f"    {RECORD_COMMAND.format(test=shlex.quote(test_id))}\n"
        f"First difference:\n{diff}"
    )
