"""Parsing the promotion section's cells of the profile CSV (R2.4, R3.2–R3.4, R8.3).

Lists are written in one cell, items separated by ';':
- ``qr_mailing_months``: ``2020-12;2021-01``;
- ``offsite_events``: ``month/days/applications per day/infection control`` per event, e.g.
  ``2021-01/3/40/yes;2021-02/2/30/no``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kofuplan.domain.promotion import Event

_YES = {"yes": True, "y": True, "true": True, "1": True, "はい": True, "有": True}
_NO = {"no": False, "n": False, "false": False, "0": False, "いいえ": False, "無": False}


class PromotionFieldError(ValueError):
    pass


def _month(raw: str, where: str, field: str) -> str:
    try:
        dt.date.fromisoformat(raw + "-01")
    except ValueError:
        raise PromotionFieldError(
            f"{where}: {field} must hold months YYYY-MM, got {raw!r}"
        ) from None
    return raw


def _whole(raw: str, where: str, field: str) -> int:
    if not raw.isdigit():
        raise PromotionFieldError(f"{where}: {field} must be a whole number ≥ 0, got {raw!r}")
    return int(raw)


def _flag(raw: str, where: str, field: str) -> bool:
    key = raw.lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise PromotionFieldError(f"{where}: {field} must be yes or no, got {raw!r}")


def promotion_value(field: str, raw: str, where: str) -> Any:
    """The validated value of one promotion cell; errors name the place and the field."""
    from kofuplan.adapters.stats_csv import InputError

    try:
        return _parse(field, raw, where)
    except PromotionFieldError as exc:
        raise InputError(str(exc)) from None


def _parse(field: str, raw: str, where: str) -> Any:
    if field in (
        "qr_mailing_forms",
        "evenings_per_month",
        "konbini_fee_counter_yen",
        "konbini_fee_store_yen",
    ):
        return _whole(raw, where, field)
    if field == "qr_mailing_months":
        return tuple(sorted(_month(x.strip(), where, field) for x in raw.split(";") if x.strip()))
    if field == "offsite_events":
        events = []
        for item in (x.strip() for x in raw.split(";")):
            if not item:
                continue
            parts = item.split("/")
            if len(parts) != 4:
                raise PromotionFieldError(
                    f"{where}: offsite_events: each event is month/days/applications per day/"
                    f"infection control (e.g. 2021-01/3/40/yes), got {item!r}"
                )
            events.append(
                Event(
                    month=_month(parts[0], where, field),
                    days=_whole(parts[1], where, field),
                    applications_per_day=_whole(parts[2], where, field),
                    infection_control=_flag(parts[3], where, field),
                )
            )
        return tuple(events)
    if field in ("insurance_assist_share", "evening_hours"):
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        high = 1.0 if field == "insurance_assist_share" else 24.0
        if not 0.0 <= value <= high:
            raise PromotionFieldError(
                f"{where}: {field} must be a number from 0 to {high:g}, got {raw!r}"
            )
        return value
    if field == "konbini_offered":
        return _flag(raw, where, field)
    if field == "konbini_reduction_from":
        try:
            return dt.date.fromisoformat(raw).isoformat()
        except ValueError:
            raise PromotionFieldError(
                f"{where}: {field} must be a date YYYY-MM-DD, got {raw!r}"
            ) from None
    return raw  # insurance_support_method: free text
