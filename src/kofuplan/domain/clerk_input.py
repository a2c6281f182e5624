"""What a clerk types, read as a value: the one place that normalises user-typed cells.

Clerks in Japan type ``１２０`` (full-width digits), ``1,200`` (thousands separators),
``1200枚`` (a unit), ``令和2年12月`` / ``2020/12`` / ``R2.12`` (months), ``令和3年1月4日``
(dates), ``５０％`` (percentages) and ``○``/``×`` (yes/no). Every reader of a user-typed cell
(the Excel reader, the web forms) calls these functions, so a value is accepted or refused the
same way everywhere. Each function takes the cell's value (a number, a date, text or None)
and returns the normalised value, or None when the value is not of that kind. Pure: no I/O.

Spreadsheet errors (``#DIV/0!``, LibreOffice's ``Err:502``) are never a value: see
:func:`spreadsheet_error`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal
from typing import Any

# 令和 began on 2019-05-01, 平成 on 1989-01-08; year N of an era is (start year + N - 1).
ERA_START_YEAR = {"令和": 2019, "R": 2019, "平成": 1989, "H": 1989}
_ERA = r"(令和|平成|R|H)\s*(元|\d{1,2})\s*[年.]?\s*"
# Units a clerk may type after a count (枚, 人, 台 …); they carry no information we need.
_UNITS = ("時間", "窓口", "か月", "ヶ月", "箇所", "枚", "人", "台", "日", "件", "円", "回", "通")
_UNIT_SUFFIX = re.compile("(" + "|".join(_UNITS) + r")$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_MONTH_ISO = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_MONTH_ERA = re.compile("^" + _ERA + r"(\d{1,2})\s*月?$")
_DATE_ISO = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_ERA = re.compile("^" + _ERA + r"(\d{1,2})\s*[月.]\s*(\d{1,2})\s*日?$")
_ERROR = re.compile(
    r"^(#(DIV/0!|N/A|NAME\?|NULL!|NUM!|REF!|VALUE!|SPILL!|CALC!|GETTING_DATA)|Err:\d{3})$"
)
_YES = frozenset({"○", "◯", "〇", "はい", "有", "あり", "有り", "実施", "する", "yes", "y", "true"})
_NO = frozenset(
    {"×", "✕", "✖", "いいえ", "無", "なし", "無し", "未実施", "しない", "no", "n", "false"}
)


def normalise(text: str) -> str:
    """Full-width letters, digits and signs to ASCII (NFKC), spaces trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def spreadsheet_error(value: Any) -> str | None:
    """``#DIV/0!``, ``#N/A`` … or LibreOffice's ``Err:502``: the error a cell shows, or None."""
    if isinstance(value, str):
        text = value.strip()
        if _ERROR.match(text):
            return text
    return None


def _number_text(value: Any, *, units: bool) -> float | None:
    """A cell's number: numbers as they are, text with full-width digits, thousands
    separators and (when ``units``) a trailing unit read as the number it spells."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
        return number if math.isfinite(number) else None
    if not isinstance(value, str):
        return None
    text = normalise(value).replace(" ", "")
    if units:
        text = _UNIT_SUFFIX.sub("", text)
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    if not _PLAIN_NUMBER.match(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


MAX_EXACT = 2**53  # floats above this are not exact whole numbers


def whole_number(value: Any) -> int | None:
    """A whole number ≥ 0: ``120``, ``"１２０"``, ``"1,200"``, ``"4日"``; else None."""
    if type(value) is float:  # the common case first: spreadsheets store numbers as floats
        return int(value) if value.is_integer() and 0 <= value < MAX_EXACT else None
    if type(value) is int:
        return value if value >= 0 else None
    number = _number_text(value, units=True)
    if number is None or not number.is_integer() or not 0 <= number < MAX_EXACT:
        return None
    return int(number)


def number(value: Any) -> float | None:
    """A finite number (decimals allowed): ``40``, ``"１２.５"``, ``"1,200.5"``; else None."""
    return _number_text(value, units=True)


def share(value: Any) -> float | None:
    """A share from a percentage or a fraction: ``0.5``, ``"50%"``, ``"５０％"``, ``"0.5"``."""
    if isinstance(value, str):
        text = normalise(value).replace(" ", "")
        if text.endswith("%"):
            n = _number_text(text[:-1], units=False)
            return None if n is None else n / 100
    return _number_text(value, units=False)


def _year(era: str, n: str) -> int:
    return ERA_START_YEAR[era] + (1 if n == "元" else int(n)) - 1


def month(value: Any) -> str | None:
    """A month ``YYYY-MM``: a date cell, ``2020-12``, ``2020/12``, ``2020年12月``,
    ``令和2年12月``, ``R2.12``, ``平成31年4月``; else None."""
    if isinstance(value, dt.datetime | dt.date):  # Excel turns a typed 2020-10 into a date
        return f"{value.year:04d}-{value.month:02d}"
    if not isinstance(value, str):
        return None
    text = normalise(value).upper() if value.isascii() else normalise(value)
    if m := _MONTH_ISO.match(text):
        year, mon = int(m.group(1)), int(m.group(2))
    elif m := _MONTH_ERA.match(text):
        year, mon = _year(m.group(1), m.group(2)), int(m.group(3))
    else:
        return None
    return f"{year:04d}-{mon:02d}" if 1 <= mon <= 12 else None


def date(value: Any) -> dt.date | None:
    """A day: a date cell, ``2021-01-04``, ``2021/1/4``, ``2021年1月4日``, ``令和3年1月4日``,
    ``R3.1.4``; else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = normalise(value).upper() if value.isascii() else normalise(value)
    if m := _DATE_ISO.match(text):
        year, mon, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _DATE_ERA.match(text):
        year, mon, day = _year(m.group(1), m.group(2)), int(m.group(3)), int(m.group(4))
    else:
        return None
    try:
        return dt.date(year, mon, day)
    except ValueError:
        return None


def flag(value: Any) -> bool | None:
    """Yes or no: ``○``/``×``, ``はい``/``いいえ``, ``あり``/``なし``, TRUE/FALSE; else None."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        return None
    key = normalise(value).lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def number_text(x: float) -> str:
    """A number as text that reads back exactly through :func:`number`: the shortest digits,
    never an exponent (``1e-05`` is not a number a clerk types)."""
    return str(int(x)) if float(x).is_integer() else format(Decimal(repr(float(x))), "f")


def fiscal_year(value: Any) -> int | None:
    """The year a fiscal year starts: ``2021``, ``"令和3年度"``, ``"R3"``, ``"2021年度"``."""
    n = whole_number(value)
    if n is not None:
        return n if 1989 <= n <= 2100 else None
    if not isinstance(value, str):
        return None
    text = normalise(value).upper() if value.isascii() else normalise(value)
    text = re.sub(r"年度?$", "", text)
    if m := re.match(r"^(令和|平成|R|H)\s*(元|\d{1,2})$", text):
        return _year(m.group(1), m.group(2))
    if re.match(r"^\d{4}$", text):
        return int(text)
    return None


# A Japanese telephone number has 10 digits (fixed lines: 市外局番 onwards) or 11 (mobiles,
# 050 and 0120 numbers), written with hyphens or parentheses: 03-1234-5678, (03)1234-5678.
PHONE_DIGITS = (10, 11)
_PHONE_CHARS = re.compile(r"^[0-9()\- ]+$")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
EMAIL_MAX = 254  # RFC 5321's limit on a forward path
# Excel's day 0 of its date serials (the 1900 system, with its 1900-02-29)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def phone(value: Any) -> str | None:
    """A telephone number as typed (full-width digits made ASCII), when it has 10 or 11
    digits from the 0 of its 市外局番 (``+81 3-…`` counts as ``03-…``); else None. A number
    typed as a number lost its leading 0 and is refused."""
    if not isinstance(value, str):
        return None
    text = normalise(value).replace("（", "(").replace("）", ")")
    body = "0" + text[3:].lstrip(" -") if text.startswith("+81") else text
    if not _PHONE_CHARS.match(body):
        return None
    digits = re.sub(r"\D", "", body)
    return text if digits.startswith("0") and len(digits) in PHONE_DIGITS else None


def email(value: Any) -> str | None:
    """An e-mail address (``madoguchi@city.example.lg.jp``; full-width letters made ASCII)
    of the usual shape, at most 254 characters; else None."""
    if not isinstance(value, str):
        return None
    text = normalise(value)
    return text if len(text) <= EMAIL_MAX and _EMAIL.match(text) else None


def serial_date(value: Any) -> dt.date | None:
    """A day from a date cell, typed text (:func:`date`) or an Excel date serial (a date a
    reader gives without its cell format: 44105 is 2020-10-01)."""
    if type(value) is float or type(value) is int:
        if not (value == int(value) and 1 <= value <= 2_958_465):  # 9999-12-31
            return None
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    return date(value)
