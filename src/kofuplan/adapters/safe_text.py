"""Cell values that a spreadsheet will not run as a formula (CSV/formula injection).

Text from users (a code, a name, a raw cell echoed in a message) that begins with = + - @ or
a tab / carriage return is prefixed with an apostrophe, so Excel and LibreOffice show it as
text. Numbers are left alone: a negative number is a number, not a formula.
"""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value, with text that would start a formula made inert."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_text(value: str) -> str:
    out = safe_cell(value)
    assert isinstance(out, str)
    return out
