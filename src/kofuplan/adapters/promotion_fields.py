"""Parsing the promotion section's cells of the profile CSV (R2.4, R3.2–R3.4, R8.3).

Lists are written in one cell, items separated by ';':
- ``qr_mailing_months``: ``2020-12;2021-01``;
- ``offsite_events``: ``month/days/applications per day/infection control`` per event, e.g.
  ``2021-01/3/40/yes;2021-02/2/30/no``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from kofuplan.adapters.safe_text import looks_like_formula
from kofuplan.domain.bounds import check_count
from kofuplan.domain.promotion import (
    EVENING_HOURS_MAX,
    PROMOTION_FIELDS,
    SHARE_MAX,
    Event,
    MunicipalPromotion,
    yes_no,
)
from kofuplan.errors import InputError
from kofuplan.parameters import load_rules


class PromotionFieldError(InputError):
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
    if not (raw.isascii() and raw.isdigit()):
        raise PromotionFieldError(f"{where}: {field} must be a whole number ≥ 0, got {raw!r}")
    ceiling = int(load_rules().at(dt.date.today())["bounds.count_ceiling"])
    return check_count(int(raw), where, field, ceiling)


def _flag(raw: str, where: str, field: str) -> bool:
    answer = yes_no(raw)
    if answer is None:
        raise PromotionFieldError(f"{where}: {field} must be yes or no, got {raw!r}")
    return answer


def promotion_value(field: str, raw: str, where: str) -> Any:
    """The validated value of one promotion cell; errors name the place and the field."""
    from kofuplan.errors import InputError

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
        high = SHARE_MAX if field == "insurance_assist_share" else EVENING_HOURS_MAX
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
    # insurance_support_method: free text; undo the apostrophe that keeps a text starting
    # with "=", "-" … from becoming a formula when the CSV was written (safe_text.csv_text).
    if raw.startswith("'") and looks_like_formula(raw[1:]):
        return raw[1:]
    return raw


def _number_cell(x: float) -> str:
    return str(int(x)) if x.is_integer() else repr(x)  # repr: the float reads back exactly


def promotion_cells(p: MunicipalPromotion) -> dict[str, str]:
    """One municipality's promotion section as profile CSV cells (the inverse of
    :func:`promotion_value`); blank where a field was not given."""
    cells = {
        "qr_mailing_forms": "" if p.qr_mailing_forms is None else str(p.qr_mailing_forms),
        "qr_mailing_months": ";".join(p.qr_mailing_months),
        "offsite_events": ";".join(
            f"{e.month}/{e.days}/{e.applications_per_day}/{'yes' if e.infection_control else 'no'}"
            for e in p.offsite_events
        ),
        "insurance_support_method": p.insurance_support_method or "",
        "insurance_assist_share": (
            "" if p.insurance_assist_share is None else _number_cell(p.insurance_assist_share)
        ),
        "evenings_per_month": str(p.evenings_per_month) if p.evenings_per_month else "",
        "evening_hours": _number_cell(p.evening_hours) if p.evening_hours else "",
        "konbini_offered": {None: "", True: "yes", False: "no"}[p.konbini_offered],
        "konbini_fee_counter_yen": (
            "" if p.konbini_fee_counter_yen is None else str(p.konbini_fee_counter_yen)
        ),
        "konbini_fee_store_yen": (
            "" if p.konbini_fee_store_yen is None else str(p.konbini_fee_store_yen)
        ),
        "konbini_reduction_from": p.konbini_reduction_from or "",
    }
    assert tuple(cells) == PROMOTION_FIELDS
    return cells


def promotion_from_cells(cells: Mapping[str, str], where: str) -> MunicipalPromotion:
    """A promotion section from profile CSV cells (blank = not given); InputError naming
    ``where`` and the field on a bad cell."""
    values = {
        field: promotion_value(field, raw.strip(), where)
        for field, raw in cells.items()
        if field in PROMOTION_FIELDS and raw and raw.strip()
    }
    return MunicipalPromotion(**values)
