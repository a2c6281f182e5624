"""The project's one error root.

Everything a user can cause (a bad file, cell, option or form field; a malformed rule) raises a
subclass of :class:`KofuplanError`; the CLI and the web app catch only this root. Any other
exception is a bug: the CLI prints one line asking for a report, the app logs it with a request
id and answers 500.
"""

from __future__ import annotations

__all__ = ["ConflictError", "InputError", "KofuplanError", "RuleError"]


class KofuplanError(Exception):
    """Root of every error a user can cause; the message is meant for that user."""


class InputError(KofuplanError, ValueError):
    """Bad input: the message names the file, line, sheet, cell, option or field."""


class RuleError(KofuplanError, ValueError):
    """A rule file or value is malformed, or a rule cannot be applied; names the file and key."""


class ConflictError(KofuplanError):
    """A save based on a stale revision, or a state transition that is not allowed now."""
