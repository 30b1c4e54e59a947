"""The errors briefx raises.

Every error derives from one root, so ``except BriefxError`` catches them all::

    BriefxError
    ├── UsageError            the caller's mistake; fix the call or the settings
    │   ├── ConfigError       a setting is missing or wrong (names the setting)
    │   └── InputError        an article cannot be used (names the input)
    └── ExtractionError       a run-time failure while extracting one article
        ├── BackendError      the model server failed: network, 5xx, 429 after retries
        │   └── ServerUnreachable  nothing listens at the server's address
        ├── BudgetExceeded    the article's time budget ran out across retries and re-asks
        └── ModelOutputError  the model kept answering with output that fails validation

Every error carries ``input_id`` (which article) and a ``hint`` (how to fix it);
run-time errors also carry ``attempts``, ``last_completion`` and ``usage`` so a
batch can report why an article failed and what it cost.
"""

from __future__ import annotations

from typing import Any


class BriefxError(Exception):
    """Root of every briefx error."""

    def __init__(self, message: str, *, input_id: str | None = None, hint: str | None = None):
        self.message = message
        self.input_id = input_id
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        where = f"[{self.input_id}] " if self.input_id else ""
        fix = f" (fix: {self.hint})" if self.hint else ""
        return f"{where}{self.message}{fix}"

    def redact(self, secret: str | None) -> BriefxError:
        """Remove ``secret`` (the API key) from every text this error carries.

        A server may echo the key in its error body, which becomes the message.
        """
        if not secret:
            return self
        for name in ("message", "hint", "last_completion"):
            value = getattr(self, name, None)
            if isinstance(value, str):
                setattr(self, name, redact(value, secret))
        self.args = (self._render(),)
        return self

    def with_input(self, input_id: str | None) -> BriefxError:
        """Attach the article's id when the error was raised below the layer that knows it."""
        if input_id and not self.input_id:
            self.input_id = input_id
            self.args = (self._render(),)
        return self


class UsageError(BriefxError):
    """The caller's mistake: bad settings or unusable input."""


def redact(text: str, secret: str | None) -> str:
    """``text`` with ``secret`` replaced by a marker that still says a key was there."""
    if not secret or len(secret) < 4:
        return text
    return text.replace(secret, "***redacted***")


class ConfigError(UsageError):
    """A setting is missing or invalid; the message names the setting."""


class InputError(UsageError):
    """An article cannot be extracted (empty, not text, too large, no paragraphs)."""


class ExtractionError(BriefxError):
    """A run-time failure while extracting one article."""

    def __init__(
        self,
        message: str,
        *,
        input_id: str | None = None,
        hint: str | None = None,
        attempts: int = 0,
        last_completion: str | None = None,
        usage: Any = None,
    ):
        self.attempts = attempts
        self.last_completion = last_completion
        self.usage = usage
        super().__init__(message, input_id=input_id, hint=hint)


class BackendError(ExtractionError):
    """The model server could not be reached or kept failing after retries."""


class ServerUnreachable(BackendError):
    """The connection to the model server was refused: nothing listens there."""


class BudgetExceeded(ExtractionError):
    """The per-article time budget ran out across retries and re-asks."""


class ModelOutputError(ExtractionError):
    """The model kept returning output that fails validation, after re-asks."""
