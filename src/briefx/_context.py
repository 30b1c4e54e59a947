"""The validation context of the model call under way in this task.

Response-model validators check the model's answer against the cleaned
article; the client sets what they check against here. instructor's own
``context=`` would carry it too, but it also renders every message as a Jinja
template, which rewrites or rejects any article that holds "{{" or "{%".
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_current: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "briefx_validation_context", default=None
)


def validation_context() -> dict[str, Any] | None:
    """The context of the call under way in this task, or None outside one."""
    return _current.get()


@contextmanager
def validating(context: dict[str, Any]) -> Iterator[None]:
    """Make ``context`` the validation context until the block ends."""
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)
