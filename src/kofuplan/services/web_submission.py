"""R7.1: a prefecture's submission workbook (issue 5's `kofuplan excel prefecture` format),
made from the stored plans: the latest revision of every municipality that has one, with the
prefecture's checks. The files the Excel service reads are written to a temporary folder, so
the workbook is exactly the one the command line makes."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from kofuplan.adapters.excel.prefecture import write_prefecture_workbook
from kofuplan.adapters.promotion_fields import promotion_cells
from kofuplan.adapters.safe_text import write_csv
from kofuplan.domain.findings import FINDING_COLUMNS
from kofuplan.domain.plan_columns import PLAN_COLUMNS
from kofuplan.domain.promotion import PROMOTION_FIELDS
from kofuplan.errors import InputError
from kofuplan.services.excel_prefecture import build_prefecture_book
from kofuplan.services.ports import UnitOfWork
from kofuplan.services.review_checks import check_run


class NothingToSubmit(InputError):
    pass


def submission_workbook(uow: UnitOfWork, pref_code: str, made_on: dt.date) -> bytes:
    ms = list(uow.places.municipalities(pref_code))
    revisions = uow.plans.latest_revisions([m.lg_code for m in ms])
    with_plan = [m for m in ms if m.lg_code in revisions]
    if not with_plan:
        raise NothingToSubmit("計画のある市区町村がまだありません")
    contents = {m.lg_code: revisions[m.lg_code].content for m in with_plan}
    inputs = {lg: r.content for lg, r in uow.inputs.latest_inputs_of(contents).items()}
    run = check_run(with_plan, contents, inputs)
    assert run is not None
    p = run.profiles
    with tempfile.TemporaryDirectory(prefix="kofuplan-submission-") as tmp:
        folder = Path(tmp)
        write_csv(
            folder / "plan_monthly.csv",
            PLAN_COLUMNS,
            (
                {c: row.get(c, "") for c in PLAN_COLUMNS}
                for m in with_plan
                for row in contents[m.lg_code]
            ),
        )
        write_csv(
            folder / "municipalities.csv",
            ("lg_code", "name", "population"),
            ({"lg_code": m.lg_code, "name": m.name, "population": m.population} for m in with_plan),
        )
        write_csv(
            folder / "profiles.csv",
            ("lg_code", "dedicated_counters", "combined_counters", "staff", *PROMOTION_FIELDS),
            (
                {
                    "lg_code": str(p.lg_code[i]),
                    "dedicated_counters": int(p.dedicated_counters[i]),
                    "combined_counters": int(p.combined_counters[i]),
                    "staff": int(p.staff[i]),
                    **promotion_cells(p.promotion[i]),
                }
                for i in range(len(p))
            ),
        )
        write_csv(folder / "findings.csv", FINDING_COLUMNS, (f.as_row() for f in run.findings))
        book = build_prefecture_book(folder, pref_code, made_on)
        out = folder / f"{pref_code}_submission.xlsx"
        write_prefecture_workbook(out, book)
        return out.read_bytes()
