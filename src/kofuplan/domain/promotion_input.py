"""The one validator of the promotion section (R2.4, R3.2–R3.4, R8.3), over plain values.

The profile CSV, the page's form and the API, and the plan workbook each turn their cells or
fields into plain values (text, numbers, dates, lists; an event as a mapping of its parts) and
call :func:`promotion_value` or :func:`event_value`: a value is accepted or refused the same
way on every path (full-width ``１２０``, ``；`` between months, ``○``/``×`` …, through
:mod:`kofuplan.domain.clerk_input`), with a bound on every number. A refused value raises
:class:`BadPromotionValue` saying which field (and which part of which event) and why; each
adapter words the message for its own place (file and line, sheet and cell, the form's label).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from kofuplan.domain import clerk_input
from kofuplan.domain.promotion import PROMOTION_FIELDS, Event, MunicipalPromotion
from kofuplan.errors import InputError, KofuplanError

# The ranges of the bounded numbers: a share of residents, hours in a day, characters of text.
SHARE_MAX = 1.0
EVENING_HOURS_MAX = 24.0
TEXT_MAX = 2000
# Between months in one cell or field: ``;`` (the CSV's), its full-width ``；``, commas, 、 and
# spaces.
MONTH_SEPARATORS = re.compile(r"[;；,，、\s]+")

Kind = Literal["count", "months", "events", "text", "share", "hours", "flag", "date", "month"]
PROMOTION_KINDS: dict[str, Kind] = {
    "qr_mailing_forms": "count",
    "qr_mailing_months": "months",
    "offsite_events": "events",
    "insurance_support_method": "text",
    "insurance_assist_share": "share",
    "evenings_per_month": "count",
    "evening_hours": "hours",
    "konbini_offered": "flag",
    "konbini_fee_counter_yen": "count",
    "konbini_fee_store_yen": "count",
    "konbini_reduction_from": "date",
}
assert tuple(PROMOTION_KINDS) == PROMOTION_FIELDS
EVENT_KINDS: dict[str, Kind] = {
    "month": "month",
    "days": "count",
    "applications_per_day": "count",
    "infection_control": "flag",
}
# An event's parts that must be given (a blank infection control is "no").
EVENT_REQUIRED = ("month", "days", "applications_per_day")

Why = Literal["kind", "period", "repeated", "ceiling", "missing"]


class BadPromotionValue(InputError):
    """A refused value: ``field`` (and ``part`` of event ``event``, counted from 1), its kind
    and ``why``: not of its kind, a month outside the plan period, a month given twice, a
    number above the ceiling, or an event's part missing (``missing`` names them)."""

    def __init__(
        self,
        field: str,
        kind: Kind,
        why: Why,
        value: Any,
        *,
        part: str | None = None,
        event: int | None = None,
        missing: tuple[str, ...] = (),
    ) -> None:
        super().__init__(f"{field}{f' {event} {part}' if part else ''}: {why} ({kind}): {value!r}")
        self.field, self.kind, self.why, self.value = field, kind, why, value
        self.part, self.event, self.missing = part, event, missing


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Bad(KofuplanError):
    def __init__(self, why: Why) -> None:
        self.why = why


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():  # a number typed into a text cell
        return str(int(value))
    return "" if value is None else str(value).strip()


def _month(value: Any, months: Sequence[str] | None) -> str:
    month = clerk_input.month(value)
    if month is None:
        raise _Bad("kind")
    if months is not None and month not in months:
        raise _Bad("period")
    return month


def kind_value(kind: Kind, value: Any, months: Sequence[str] | None, ceiling: int) -> Any:
    """A non-blank value of one kind (``months``: the plan period, None for any month);
    raises ``_Bad`` through :func:`promotion_value` and :func:`event_value`."""
    if isinstance(value, str) and clerk_input.spreadsheet_error(value) is not None:
        raise _Bad("kind")
    if kind == "count":
        number = clerk_input.whole_number(value)
        if number is None:
            raise _Bad("kind")
        if number > ceiling:
            raise _Bad("ceiling")
        return number
    if kind in ("share", "hours"):
        high = SHARE_MAX if kind == "share" else EVENING_HOURS_MAX
        x = clerk_input.share(value) if kind == "share" else clerk_input.number(value)
        if x is None or not 0.0 <= x <= high:
            raise _Bad("kind")
        return x
    if kind == "month":
        return _month(value, months)
    if kind == "months":
        single = clerk_input.month(value) if not isinstance(value, str | list | tuple) else None
        if single is not None:
            items: list[Any] = [value]
        elif isinstance(value, str):
            items = MONTH_SEPARATORS.split(clerk_input.normalise(value))
        elif isinstance(value, list | tuple):
            items = list(value)
        else:
            raise _Bad("kind")
        got = [_month(m, months) for m in items if not blank(m)]
        if len(set(got)) < len(got):
            raise _Bad("repeated")
        return tuple(sorted(got))
    if kind == "flag":
        answer = clerk_input.flag(value)
        if answer is None:
            raise _Bad("kind")
        return answer
    if kind == "date":
        day = clerk_input.date(value)
        if day is None:
            raise _Bad("kind")
        return day.isoformat()
    text = _text(value)  # text
    if not text or len(text) > TEXT_MAX:
        raise _Bad("kind")
    return text


def event_part(part: str, value: Any, k: int, months: Sequence[str] | None, ceiling: int) -> Any:
    """One part of event ``k`` (from 1); a blank infection control is "no"."""
    if part == "infection_control" and blank(value):
        return False
    if part in EVENT_REQUIRED and blank(value):
        raise BadPromotionValue(
            "offsite_events", "events", "missing", value, part=part, event=k, missing=(part,)
        )
    kind = EVENT_KINDS[part]
    try:
        return kind_value(kind, value, months, ceiling)
    except _Bad as bad:
        raise BadPromotionValue(
            "offsite_events", kind, bad.why, value, part=part, event=k
        ) from None


def event_value(
    parts: Mapping[str, Any], k: int, months: Sequence[str] | None, ceiling: int
) -> Event:
    """Event ``k`` (from 1) of the section from its parts (blank: not given)."""
    missing = tuple(p for p in EVENT_REQUIRED if blank(parts.get(p)))
    if missing:
        raise BadPromotionValue(
            "offsite_events", "events", "missing", None, event=k, missing=missing
        )
    return Event(**{p: event_part(p, parts.get(p), k, months, ceiling) for p in EVENT_KINDS})


def promotion_value(field: str, value: Any, months: Sequence[str] | None, ceiling: int) -> Any:
    """The value of one non-blank promotion field as :class:`MunicipalPromotion` holds it
    (``offsite_events``: a sequence of events' parts); :class:`BadPromotionValue` if refused."""
    kind = PROMOTION_KINDS[field]
    if kind == "events":
        if not isinstance(value, list | tuple):
            raise BadPromotionValue(field, kind, "kind", value)
        return tuple(
            event_value(parts, k, months, ceiling) for k, parts in enumerate(value, start=1)
        )
    try:
        return kind_value(kind, value, months, ceiling)
    except _Bad as bad:
        raise BadPromotionValue(field, kind, bad.why, value) from None


def promotion_section(
    values: Mapping[str, Any], months: Sequence[str] | None, ceiling: int
) -> MunicipalPromotion:
    """A section from plain values by field (blank or empty: not given)."""
    given = {
        field: promotion_value(field, value, months, ceiling)
        for field, value in values.items()
        if field in PROMOTION_KINDS and not blank(value) and value != [] and value != ()
    }
    return MunicipalPromotion(**given)
