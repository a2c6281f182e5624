"""The plan workbook (issue 5's Excel format) from and back into the shared service: a
municipality downloads its current revision pre-filled, works in Excel as it is used to, and
uploads it as a new revision (based on the revision it downloaded, so a stale upload is
refused like any stale save)."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import Any

from kofuplan.adapters.excel.layout import MONTHLY_COUNTS
from kofuplan.adapters.excel.model import Profile, plan_workbook_from_columns
from kofuplan.adapters.excel.reader import ReadSettings, read_plan_workbook
from kofuplan.adapters.excel.template import build_workbook
from kofuplan.adapters.storage.models import InputRevision, Municipality, PlanRevision
from kofuplan.domain.budget import COST_ITEMS
from kofuplan.services.review_checks import check_run


def workbook_name(m: Municipality, revision: PlanRevision) -> str:
    # The reader expects the file name to start with the 団体コード.
    return f"{m.lg_code}_rev{revision.seq}.xlsx"


def workbook_bytes(
    m: Municipality, revision: PlanRevision, inputs: InputRevision | None = None
) -> bytes:
    """The workbook of one revision, with the municipality's own inputs when it saved some
    (its profile figures and its promotion section)."""
    run = check_run(
        [m], {m.lg_code: revision.content}, {m.lg_code: inputs.content} if inputs else None
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
    columns: dict[str, list[Any]] = {
        name: [row.get(name) or 0 for row in revision.content]
        for name in ("open_weekdays", "required_weekend_days", *(f.name for f in MONTHLY_COUNTS))
    }
    columns["month"] = [row["month"] for row in revision.content]
    lines = [
        {"fiscal_year": fy, "item": item, "yen": int(budget.yen[0, f, k])}
        for f, fy in enumerate(budget.fiscal_years)
        for k, item in enumerate(budget.items)
        if item in COST_ITEMS
    ]
    book, calendar = plan_workbook_from_columns(profile, columns, lines, p.promotion[0])
    out = io.BytesIO()
    build_workbook(book, calendar, as_of=m.baseline_date).save(out)
    return out.getvalue()


def edits_from_workbook(
    filename: str, data: bytes, as_of: dt.date
) -> tuple[str, list[dict[str, Any]]]:
    """(the workbook's 団体コード, the monthly counts as editor rows); raises WorkbookError
    naming the sheet and cell of every problem."""
    with tempfile.TemporaryDirectory(prefix="kofuplan-upload-") as tmp:
        # Only the base name is kept: the reader reads the 団体コード from it.
        path = Path(tmp) / Path(filename or "upload.xlsx").name
        path.write_bytes(data)
        book = read_plan_workbook(path, ReadSettings.at(as_of))
    rows = [
        {"month": month, **{name: values[i] for name, values in book.counts.items()}}
        for i, month in enumerate(book.months)
    ]
    return book.profile.lg_code, rows
