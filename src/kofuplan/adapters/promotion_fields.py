"""The promotion section's cells of the profile CSV (R2.4, R3.2–R3.4, R8.3), converted to plain
values for the one validator (:mod:`kofuplan.domain.promotion_input`) and written back.

Lists are written in one cell, items separated by ';' (``；`` is read too):
- ``qr_mailing_months``: ``2020-12;2021-01``;
- ``offsite_events``: ``month/days/applications per day/infection control`` per event, e.g.
  ``2021-01/3/40/yes;2021-02/2/30/no``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kofuplan.adapters.input_bounds import count_ceiling
from kofuplan.adapters.safe_text import looks_like_formula
from kofuplan.domain.clerk_input import number_text
from kofuplan.domain.promotion import PROMOTION_FIELDS, MunicipalPromotion
from kofuplan.domain.promotion_input import (
    EVENING_HOURS_MAX,
    EVENT_KINDS,
    SHARE_MAX,
    TEXT_MAX,
    BadPromotionValue,
    promotion_value,
)
from kofuplan.errors import InputError

_EN = {
    "count": "must be a whole number ≥ 0",
    "months": "must hold months YYYY-MM, each once",
    "month": "must be a month YYYY-MM",
    "share": f"must be a number from 0 to {SHARE_MAX:g}",
    "hours": f"must be a number from 0 to {EVENING_HOURS_MAX:g}",
    "flag": "must be yes or no",
    "date": "must be a date YYYY-MM-DD",
    "text": f"must be a text of at most {TEXT_MAX:,} characters",
    "events": "must list events",
}


def _message(bad: BadPromotionValue, where: str, ceiling: int) -> str:
    field = bad.field if bad.part is None else f"{bad.field} (event {bad.event}, {bad.part})"
    if bad.why == "missing":
        return f"{where}: {field}: event {bad.event} has no {', '.join(bad.missing)}"
    if bad.why == "ceiling":
        return f"{where}: {field} must be a whole number from 0 to {ceiling:,}, got {bad.value!r}"
    return f"{where}: {field} {_EN[bad.kind]}, got {bad.value!r}"


def _event_parts(raw: str, where: str) -> list[dict[str, str]]:
    """``month/days/applications per day/infection control`` per event, ';' between events."""
    out = []
    for item in (x.strip() for x in re.split("[;；]", raw)):
        if not item:
            continue
        parts = item.split("/")
        if len(parts) != 4:
            raise InputError(
                f"{where}: offsite_events: each event is month/days/applications per day/"
                f"infection control (e.g. 2021-01/3/40/yes), got {item!r}"
            )
        out.append(dict(zip(EVENT_KINDS, parts, strict=True)))
    return out


def promotion_cell(field: str, raw: str, where: str) -> Any:
    """The validated value of one promotion cell (:func:`kofuplan.domain.promotion_input.
    promotion_value`, any month); errors name the place and the field."""
    ceiling = count_ceiling()
    value: Any = raw
    if field == "offsite_events":
        value = _event_parts(raw, where)
    elif (
        field == "insurance_support_method" and raw.startswith("'") and looks_like_formula(raw[1:])
    ):
        # Undo the apostrophe that keeps a text starting with "=", "-" … from becoming a
        # formula when the CSV was written (safe_text.csv_text).
        value = raw[1:]
    try:
        return promotion_value(field, value, None, ceiling)
    except BadPromotionValue as bad:
        raise InputError(_message(bad, where, ceiling)) from None


def promotion_cells(p: MunicipalPromotion) -> dict[str, str]:
    """One municipality's promotion section as profile CSV cells (the inverse of
    :func:`promotion_cell`); blank where a field was not given."""
    cells = {
        "qr_mailing_forms": "" if p.qr_mailing_forms is None else str(p.qr_mailing_forms),
        "qr_mailing_months": ";".join(p.qr_mailing_months),
        "offsite_events": ";".join(
            f"{e.month}/{e.days}/{e.applications_per_day}/{'yes' if e.infection_control else 'no'}"
            for e in p.offsite_events
        ),
        "insurance_support_method": p.insurance_support_method or "",
        "insurance_assist_share": (
            "" if p.insurance_assist_share is None else number_text(p.insurance_assist_share)
        ),
        "evenings_per_month": str(p.evenings_per_month) if p.evenings_per_month else "",
        "evening_hours": number_text(p.evening_hours) if p.evening_hours else "",
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
        field: promotion_cell(field, raw.strip(), where)
        for field, raw in cells.items()
        if field in PROMOTION_FIELDS and raw and raw.strip()
    }
    return MunicipalPromotion(**values)
