"""The plan workbook (issue 5's Excel format) from and back into the shared service: a
municipality downloads its current revision pre-filled, works in Excel as it is used to, and
uploads it as a new revision (based on the revision it downloaded, so a stale upload is
refused like any stale save). The whole workbook counts: its monthly table becomes the plan
revision, its profile figures and promotion section the inputs revision beside it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kofuplan.domain.budget import COST_ITEMS
from kofuplan.domain.promotion import PROMOTION_FIELDS
from kofuplan.domain.workbook import (
    BudgetLine,
    PlanWorkbook,
    Profile,
    TemplateCalendar,
    plan_workbook,
)
from kofuplan.errors import InputError
from kofuplan.services.access import Principal
from kofuplan.services.municipal_inputs import append_inputs, normalize
from kofuplan.services.ports import (
    InputRevisionRecord,
    MunicipalityRecord,
    PlanRevisionRecord,
    UnitOfWork,
)
from kofuplan.services.review_checks import check_run
from kofuplan.services.workflow import Conflict, append_plan


def workbook_name(m: MunicipalityRecord, revision: PlanRevisionRecord) -> str:
    # The reader expects the file name to start with the 団体コード.
    return f"{m.lg_code}_rev{revision.seq}.xlsx"


def workbook_contents(
    m: MunicipalityRecord, revision: PlanRevisionRecord, inputs: InputRevisionRecord | None = None
) -> tuple[PlanWorkbook, TemplateCalendar]:
    """The workbook of one revision, with the municipality's own inputs when it saved some
    (its profile figures and its promotion section), from the checked plan table."""
    run = check_run(
        [m], {m.lg_code: revision.table}, {m.lg_code: inputs.content} if inputs else None
    )
    assert run is not None
    p, budget = run.profiles, run.budget
    grant = budget.items.index("estimated_grant") if "estimated_grant" in budget.items else None
    profile = Profile(
        lg_code=m.lg_code,
        name=m.name,
        population=m.population,
        cumulative_issued=m.cards_issued_baseline,
        dedicated_daily_per_counter=float(p.dedicated_daily_per_counter[0]),
        combined_daily_per_counter=float(p.combined_daily_per_counter[0]),
        office_max_counters=int(p.office_max_counters[0]),
        estimated_grant_yen=int(budget.yen[0, :, grant].sum()) if grant is not None else 0,
        dedicated_counters_now=int(p.dedicated_counters[0]),
        combined_counters_now=int(p.combined_counters[0]),
        staff_now=int(p.staff[0]),
        terminals_now=int(p.terminals[0]),
    )
    lines = [
        BudgetLine(int(fy), item, int(budget.yen[0, f, k]))
        for f, fy in enumerate(budget.fiscal_years)
        for k, item in enumerate(budget.items)
        if item in COST_ITEMS
    ]
    row = run.figures.row_of(m.lg_code)
    assert row is not None  # the revision's own rows
    return plan_workbook(profile, run.figures, row, lines, p.promotion[0])


@dataclass(frozen=True)
class UploadedWorkbook:
    lg_code: str
    rows: list[dict[str, Any]]  # the monthly table as editor rows (a plan revision)
    inputs: dict[str, Any]  # profile figures and promotion section (an inputs revision)


# The workbook's profile items that are the municipality's own inputs (municipal_inputs), by
# input field. 概算交付見込額 is not among them: the workbook gives the whole plan period's
# grant, the inputs a fiscal year's.
PROFILE_INPUTS = {
    "dedicated_counters": "dedicated_counters_now",
    "dedicated_daily_per_counter": "dedicated_daily_per_counter",
    "combined_counters": "combined_counters_now",
    "combined_daily_per_counter": "combined_daily_per_counter",
    "staff": "staff_now",
    "terminals": "terminals_now",
    "office_max_counters": "office_max_counters",
}


def inputs_of(book: PlanWorkbook, previous: Mapping[str, Any] | None) -> dict[str, Any]:
    """The inputs a workbook gives (its profile figures and its whole promotion section), on
    top of the previous inputs' other fields, as municipal_inputs stores them."""
    raw: dict[str, Any] = dict(previous or {})
    for field, attr in PROFILE_INPUTS.items():
        raw[field] = getattr(book.profile, attr)
    promo = book.promotion
    for field in PROMOTION_FIELDS:
        value = getattr(promo, field)
        if field == "offsite_events":
            value = [dataclasses.asdict(e) for e in value]
        elif field == "qr_mailing_months":
            value = list(value)
        raw[field] = value
    return normalize(raw, book.months)


def uploaded(book: PlanWorkbook, previous: Mapping[str, Any] | None) -> UploadedWorkbook:
    """The whole workbook (read by the Excel adapter, every cell checked there): its monthly
    table as editor rows and its profile figures and promotion section as inputs (checked
    like the page's, InputsError naming the field)."""
    rows = [
        {"month": month, **{name: values[i] for name, values in book.counts.items()}}
        for i, month in enumerate(book.months)
    ]
    return UploadedWorkbook(book.profile.lg_code, rows, inputs_of(book, previous))


class WrongMunicipality(InputError):
    """The workbook is another municipality's."""


class Latest:
    """The inputs base of an upload that does not say: the latest inputs revision."""


LATEST = Latest()


@dataclass(frozen=True)
class SavedUpload:
    plan: PlanRevisionRecord
    inputs: InputRevisionRecord | None  # None: the workbook's inputs were those already saved


def save_upload(
    uow: UnitOfWork,
    who: Principal,
    m: MunicipalityRecord,
    read: Callable[[dt.date], PlanWorkbook],
    base_revision_id: int | None,
    inputs_base_id: int | Latest | None,
    reason: str,
) -> SavedUpload:
    """Store an uploaded workbook (``read(as_of)``: the Excel adapter's reader at the rules of
    the municipality's data): its monthly table as a plan revision based on
    ``base_revision_id`` and, when they changed, its profile figures and promotion section as
    an inputs revision based on ``inputs_base_id``. A stale base of either is refused with
    Conflict (409) before anything is written; a bad workbook, with WorkbookError or
    InputsError, also before anything is written. The plan and the inputs are committed
    together or not at all."""
    latest = uow.inputs.latest_inputs(m.lg_code)
    previous = latest.content if latest else None
    upload = uploaded(read(m.baseline_date), previous)
    if upload.lg_code != m.lg_code:
        raise WrongMunicipality(
            f"このブックは団体コード {upload.lg_code} のものです（{m.lg_code} ではありません）。"
        )
    latest_id = latest.id if latest else None
    changed = upload.inputs != (previous or {})
    base = latest_id if isinstance(inputs_base_id, Latest) else inputs_base_id
    if changed and base != latest_id:
        raise Conflict(latest_id)  # someone saved the inputs after this workbook was made
    plan = append_plan(uow, who, m, base_revision_id, reason, upload.rows)
    inputs = append_inputs(uow, who, m, latest_id, reason, upload.inputs) if changed else None
    uow.commit()
    return SavedUpload(plan, inputs)
