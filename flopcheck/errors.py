"""The one exception family of flopcheck, split by who must act.

``ToolInputError`` is for the caller of a tool (often a model): bad arguments it can fix.
``InputError`` is for the user: a file or text that cannot be read.
``BackendError`` is for the run: a remote model or server that failed.
``DataError`` is for the developer: a shipped data table that does not validate.
"""

from __future__ import annotations


class FlopcheckError(Exception):
    """Base class of every error flopcheck raises on purpose."""


class ToolInputError(FlopcheckError, ValueError):
    """A tool received arguments it cannot use; the message says how to fix them.

    Args:
        message: what is wrong and what to do instead.
        suggestions: close matches the caller may retry with (e.g. accelerator names).
    """

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


class UnknownNameError(ToolInputError):
    """A name (accelerator, model, unit) is not in the data tables."""


class InputError(FlopcheckError):
    """The input text or file cannot be processed (missing, a directory, too large, binary)."""


class BackendError(FlopcheckError):
    """The checking backend failed as a whole (LLM endpoint unreachable, misconfigured)."""


class DataError(FlopcheckError):
    """A shipped data table failed validation: a packaging bug, not a user error."""
