"""Bounds on every number kofuplan reads: counts are whole, ≥ 0 and under a stated ceiling;
measures are finite and ≥ 0. One place, used by the statistics and actuals readers, the CLI
options and the database loads, so that no reader lets 10^30 or -5 through.

The ceilings are dated parameters (``rules/bounds.yaml``); the messages name the place
(``where``: file and line, sheet and cell, or option) and the field.
"""

from __future__ import annotations

import math

from kofuplan.errors import InputError


def parse_count(raw: str, where: str, field: str, ceiling: int) -> int:
    """A whole count 0…``ceiling`` from text (surrounding blanks ignored)."""
    text = raw.strip()
    try:
        if not text.isascii() or "_" in text:
            raise ValueError(text)
        value = int(text)
    except ValueError:
        raise InputError(f"{where}: {field} は0以上の整数で書いてください（{raw!r}）") from None
    return check_count(value, where, field, ceiling)


def check_count(value: int, where: str, field: str, ceiling: int) -> int:
    if value < 0:
        raise InputError(f"{where}: {field} が負の値です（{value}）")
    if value > ceiling:
        raise InputError(f"{where}: {field} が上限 {ceiling:,} を超えています（{value:.3g}）")
    return value


def parse_measure(raw: str, where: str, field: str, ceiling: float) -> float:
    """A finite number 0…``ceiling`` from text (a share, a rate, a mean)."""
    try:
        value = float(raw.strip())
    except ValueError:
        raise InputError(f"{where}: {field} は数値で書いてください（{raw!r}）") from None
    return check_measure(value, where, field, ceiling)


def check_measure(value: float, where: str, field: str, ceiling: float) -> float:
    if not math.isfinite(value):
        raise InputError(f"{where}: {field} は有限の数値で書いてください（{value}）")
    if value < 0:
        raise InputError(f"{where}: {field} が負の値です（{value:g}）")
    if value > ceiling:
        raise InputError(f"{where}: {field} が上限 {ceiling:,.0f} を超えています（{value:.3g}）")
    return value
