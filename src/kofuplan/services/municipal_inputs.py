"""The municipality's own inputs in the shared service: its profile figures (the profile CSV's
optional columns, ``OPTIONAL_FIELDS``) and its promotion section (``PROMOTION_FIELDS``, R2.4,
R3.2–R3.4, R8.3), validated, kept as append-only revisions like plans, and turned into what
the plan engine's checks take (``build_profiles``' ``given``).

Stored content is JSON: only the fields given, with ``qr_mailing_months`` a list of YYYY-MM and
``offsite_events`` a list of ``{month, days, applications_per_day, infection_control}``.
The same values are accepted from the API (JSON types) and from the page's form (strings);
errors are Japanese and name the field (its label and its column name).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any

from kofuplan.domain.clerk_input import number_text
from kofuplan.domain.labels import EVENT_PART_LABELS, INPUT_LABELS
from kofuplan.domain.plan_form import PlanBounds
from kofuplan.domain.profiles import OPTIONAL_FIELDS, WEEKEND_POLICIES
from kofuplan.domain.promotion import PROMOTION_FIELDS, Event, MunicipalPromotion
from kofuplan.domain.promotion_input import (
    EVENING_HOURS_MAX,
    SHARE_MAX,
    TEXT_MAX,
    BadPromotionValue,
    promotion_value,
)
from kofuplan.domain.review import next_status
from kofuplan.domain.wareki import reiwa_month
from kofuplan.errors import InputError
from kofuplan.services.access import Principal
from kofuplan.services.ports import (
    InputRevisionRecord,
    MunicipalityRecord,
    RevisionTaken,
    UnitOfWork,
)
from kofuplan.services.rule_clock import rules_on
from kofuplan.services.workflow import Conflict, status_of

INPUT_FIELDS: tuple[str, ...] = (*OPTIONAL_FIELDS, *PROMOTION_FIELDS)

LABELS: dict[str, str] = INPUT_LABELS
assert set(LABELS) == set(INPUT_FIELDS)

EVENT_PARTS: dict[str, str] = EVENT_PART_LABELS
WEEKEND_POLICY_LABELS = {"min": "毎週土日のいずれか（R2.1 の最低限）", "all": "毎週土日とも"}
assert set(WEEKEND_POLICY_LABELS) == set(WEEKEND_POLICIES)

_WHOLE = {
    "dedicated_counters",
    "combined_counters",
    "staff",
    "terminals",
    "office_max_counters",
    "staff_month_yen",
    "offsite_counter_month_yen",
    "estimated_grant_yen",
}
_POSITIVE = {"dedicated_daily_per_counter", "combined_daily_per_counter"}


class InputsError(InputError):
    """A bad value; ``field`` is the column name, the message names its label."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _bad(field: str, label: str, what: str, value: Any = None) -> InputsError:
    """「label」は what で入力してください（入力値：value）."""
    typed = "" if value is None else f"（入力値：{str(value).strip()[:40]}）"
    return InputsError(field, f"「{label}」は{what}で入力してください{typed}")


def _whole(value: Any, field: str, label: str) -> int:
    if isinstance(value, bool):
        value = None
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and value.strip().replace(",", "").isdigit():
        value = int(value.strip().replace(",", ""))
    if not isinstance(value, int) or value < 0:
        raise _bad(field, label, "0以上の整数", value)
    ceiling = _bounds().count_ceiling  # beyond it a figure overflows the arrays: refuse it here
    if value > ceiling:
        raise _bad(field, label, f"0以上{ceiling:,}以下の整数", value)
    return value


def _bounds() -> PlanBounds:
    return PlanBounds.from_rules(rules_on(None))


def _number(
    value: Any, field: str, label: str, low: float, high: float, *, open_low: bool
) -> float:
    number = math.nan
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):
            number = float(value.strip().replace(",", ""))
    fits = (number > low if open_low else number >= low) and number <= high
    if not fits or not math.isfinite(number):
        bounds = f"{low:g}より大きい数" if open_low else f"{low:g}から{high:g}までの数"
        raise _bad(field, label, bounds, value)
    return number


_WHAT = {
    "count": "0以上の整数",
    "months": " YYYY-MM の形の月（同じ月は1回）",
    "month": " YYYY-MM の形の月",
    "share": f"0から{SHARE_MAX:g}までの数",
    "hours": f"0から{EVENING_HOURS_MAX:g}までの数",
    "flag": "「はい」か「いいえ」",
    "date": " YYYY-MM-DD の形の日付",
    "text": f"{TEXT_MAX}字以内の文章",
    "events": "行の並び",
}


def _promotion_error(bad: BadPromotionValue, months: Sequence[str]) -> InputsError:
    """The page's words for a value the section's one validator refused."""
    field = bad.field
    label = LABELS[field]
    if bad.event is not None:
        where = f"{label} {bad.event}行目"
        if bad.why == "missing":
            names = "・".join(EVENT_PARTS[p] for p in bad.missing)
            return InputsError(field, f"「{where}」の{names}が入力されていません")
        label = f"{where}の{EVENT_PARTS[bad.part or '']}"
    if bad.why == "period":
        return InputsError(
            field,
            f"「{label}」の {str(bad.value).strip()} は計画期間（{reiwa_month(months[0])}〜"
            f"{reiwa_month(months[-1])}）の外です",
        )
    if bad.why == "ceiling":
        ceiling = _bounds().count_ceiling
        return _bad(field, label, f"0以上{ceiling:,}以下の整数", bad.value)
    shown = None if bad.kind in ("events", "text") else bad.value
    return _bad(field, label, _WHAT[bad.kind], shown)


def _events(value: Any, months: Sequence[str]) -> Any:
    """The events as the page and the API give them: a mapping of parts each."""
    if not isinstance(value, list | tuple):
        raise _bad("offsite_events", LABELS["offsite_events"], "行の並び")
    for k, event in enumerate(value, start=1):
        if not isinstance(event, Mapping):
            where = f"{LABELS['offsite_events']} {k}行目"
            raise _bad("offsite_events", where, "月・日数・1日の申請見込み・感染対策")
    return value


def _stored(field: str, value: Any) -> Any:
    """A validated promotion value as the stored JSON keeps it."""
    if field == "qr_mailing_months":
        return list(value)
    if field == "offsite_events":
        return [dataclasses.asdict(e) for e in value]
    return value


def normalize(raw: Mapping[str, Any], months: Sequence[str]) -> dict[str, Any]:
    """The stored content of the inputs ``raw`` (JSON values or form strings; blank or None is
    'not given'); InputsError naming the first bad field. ``months``: the plan period."""
    unknown = sorted(set(raw) - set(INPUT_FIELDS))
    if unknown:
        raise InputsError(unknown[0], f"項目 {'、'.join(unknown)} はありません")
    out: dict[str, Any] = {}
    for field in INPUT_FIELDS:
        value = raw.get(field)
        if _blank(value) or (isinstance(value, list | tuple) and not value):
            continue
        label = LABELS[field]
        if field in _WHOLE:
            out[field] = _whole(value, field, label)
        elif field in _POSITIVE:
            high = _bounds().daily_per_counter_ceiling
            out[field] = _number(value, field, label, 0.0, high, open_low=True)
        elif field == "weekend_policy":
            if value not in WEEKEND_POLICIES:
                choices = "・".join(f"「{WEEKEND_POLICY_LABELS[p]}」" for p in WEEKEND_POLICIES)
                raise _bad(field, label, f"{choices}のいずれか", value)
            out[field] = value
        else:  # the promotion section: its one validator, over the plain values
            value = _events(value, months) if field == "offsite_events" else value
            try:
                checked = promotion_value(field, value, months, _bounds().count_ceiling)
            except BadPromotionValue as bad:
                raise _promotion_error(bad, months) from None
            out[field] = _stored(field, checked)
    return out


def given_values(content: Mapping[str, Any]) -> dict[str, Any]:
    """Stored content as the plan engine's ``given`` (``build_profiles``) for one municipality."""
    out = {k: v for k, v in content.items() if k in INPUT_FIELDS}
    if "qr_mailing_months" in out:
        out["qr_mailing_months"] = tuple(out["qr_mailing_months"])
    if "offsite_events" in out:
        out["offsite_events"] = tuple(Event(**e) for e in out["offsite_events"])
    return out


def promotion_of(content: Mapping[str, Any] | None) -> MunicipalPromotion:
    given = given_values(content or {})
    return MunicipalPromotion(**{k: v for k, v in given.items() if k in PROMOTION_FIELDS})


# --- the page's form ----------------------------------------------------------------------

EVENT_FORM_SPARE_ROWS = 3  # blank event rows offered below the saved ones (no script needed)


def form_values(content: Mapping[str, Any]) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The form's text of stored content: (field → text, event rows)."""
    values = {f: "" for f in INPUT_FIELDS if f != "offsite_events"}
    for field, value in content.items():
        if field == "offsite_events":
            continue
        if field == "qr_mailing_months":
            values[field] = ";".join(value)
        elif isinstance(value, bool):
            values[field] = "yes" if value else "no"
        elif isinstance(value, float):
            values[field] = number_text(value)  # reads back exactly, never 1e-05
        else:
            values[field] = str(value)
    events = [
        {
            "month": str(e["month"]),
            "days": str(e["days"]),
            "applications_per_day": str(e["applications_per_day"]),
            "infection_control": "yes" if e["infection_control"] else "",
        }
        for e in content.get("offsite_events", [])
    ]
    return values, events


def raw_from_form(form: Any) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """(raw inputs for :func:`normalize`, the event rows as typed) from the posted form."""
    raw: dict[str, Any] = {f: str(form.get(f, "")) for f in INPUT_FIELDS if f != "offsite_events"}
    rows = []
    k = 0
    while f"event.{k}.month" in form:
        rows.append({p: str(form.get(f"event.{k}.{p}", "")) for p in EVENT_PARTS})
        k += 1
    parts = ("month", "days", "applications_per_day")
    typed = [r for r in rows if any(r[p].strip() for p in parts)]
    raw["offsite_events"] = typed
    return raw, typed


# --- saving ---------------------------------------------------------------------------------


def append_inputs(
    uow: UnitOfWork,
    who: Principal,
    m: MunicipalityRecord,
    base_revision_id: int | None,
    reason: str,
    content: Mapping[str, Any],
) -> InputRevisionRecord:
    """Append an inputs revision based on ``base_revision_id``; refuse a stale base with
    Conflict. The inputs are part of the plan, so a plan under review goes back to 作成中.
    Not committed (:func:`save_inputs` commits it)."""
    latest = uow.inputs.latest_inputs(m.lg_code)
    latest_id = latest.id if latest else None
    if base_revision_id != latest_id:
        raise Conflict(latest_id)
    try:
        revision = uow.inputs.add_inputs(
            lg_code=m.lg_code,
            seq=(latest.seq if latest else 0) + 1,
            base_revision_id=base_revision_id,
            author_id=who.user_id,
            reason=reason.strip(),
            content=dict(content),
        )
    except RevisionTaken:
        uow.rollback()
        newest = uow.inputs.latest_inputs(m.lg_code)
        raise Conflict(newest.id if newest else None) from None
    plan = uow.plans.latest_revision(m.lg_code)
    if plan is not None:
        uow.reviews.add_event(
            lg_code=m.lg_code,
            status=next_status(status_of(uow, m.lg_code), "save"),
            revision_id=plan.id,
            actor_id=who.user_id,
            comment=("申請推進・窓口の入力を更新 " + reason.strip()).strip(),
        )
    return revision


def save_inputs(
    uow: UnitOfWork,
    who: Principal,
    m: MunicipalityRecord,
    base_revision_id: int | None,
    reason: str,
    content: Mapping[str, Any],
) -> InputRevisionRecord:
    """:func:`append_inputs`, committed."""
    revision = append_inputs(uow, who, m, base_revision_id, reason, content)
    uow.commit()
    return revision
