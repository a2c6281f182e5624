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
from kofuplan.domain.labels import EVENT_PART_LABELS, input_label
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

# What a cell of each kind must hold, in the words of a refusal.
_WHAT = {
    "count": "0以上の整数",
    "months": "YYYY-MM の形の月を「;」で区切ったもの（同じ月は1回）",
    "month": "YYYY-MM の形の月",
    "share": f"0から{SHARE_MAX:g}までの数",
    "hours": f"0から{EVENING_HOURS_MAX:g}までの数",
    "flag": "yes か no（はい か いいえ）",
    "date": "YYYY-MM-DD の形の日付",
    "text": f"{TEXT_MAX:,}字以内の文章",
    "events": "出張申請受付の並び",
}
SHOWN_MAX = 40


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX] + "…"


def _message(bad: BadPromotionValue, where: str, ceiling: int) -> str:
    field = input_label(bad.field)
    if bad.event is not None:
        field = f"{field} {bad.event}件目"
        if bad.why == "missing":
            names = "・".join(EVENT_PART_LABELS.get(p, p) for p in bad.missing)
            return f"{where}: {field}の{names}がありません"
        field = f"{field}の{EVENT_PART_LABELS.get(bad.part or '', bad.part)}"
    if bad.why == "ceiling":
        what = f"0以上{ceiling:,}以下の整数"
    elif bad.why == "period":
        what = "計画期間の中の月"
    else:
        what = _WHAT[bad.kind]
    return f"{where}: {field} には{what}を書いてください（入力値「{_shown(bad.value)}」）"


def _event_parts(raw: str, where: str) -> list[dict[str, str]]:
    """``month/days/applications per day/infection control`` per event, ';' between events."""
    out = []
    for item in (x.strip() for x in re.split("[;；]", raw)):
        if not item:
            continue
        parts = item.split("/")
        if len(parts) != 4:
            raise InputError(
                f"{where}: {input_label('offsite_events')} は1件ごとに 月/日数/1日の申請見込み/"
                f"感染対策 の形で書いてください（例: 2021-01/3/40/yes、入力値「{_shown(item)}」）"
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
