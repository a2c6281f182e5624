"""Issue 12: the prefecture's submission workbook (R7.1) is made from a plan table by one domain
function. The folder of files (``kofuplan excel prefecture``) only converts: its book equals
the one made in memory from the same plan, today's figures, promotion sections and findings,
as the service's download makes it (no plan figure as text on the way)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from kofuplan.adapters.plan_csv import write_plan
from kofuplan.adapters.prefecture_folder import build_prefecture_book
from kofuplan.adapters.promotion_fields import promotion_cells
from kofuplan.adapters.safe_text import write_csv
from kofuplan.adapters.sample_stats import write_sample_stats
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.domain.findings import FINDING_COLUMNS, Finding
from kofuplan.domain.prefecture_book import Today, prefecture_book
from kofuplan.domain.promotion import Event, MunicipalPromotion
from kofuplan.errors import InputError
from kofuplan.services.planning import run_plan

AS_OF = dt.date(2020, 10, 1)
MADE_ON = dt.date(2020, 12, 1)


def test_issue_12_the_folder_and_the_plan_table_give_the_same_book(tmp_path: Path) -> None:
    stats = write_sample_stats(tmp_path / "stats.csv", AS_OF)
    run = run_plan(StatsFiles(stats), AS_OF, method="level")
    plan, p = run.plan, run.plan.profiles
    folder = tmp_path / "plans"
    write_plan(folder, plan, run.params, AS_OF.isoformat(), sample=True, waits=False)
    codes = [str(c) for c in p.lg_code if str(c).startswith("13")]
    promo = MunicipalPromotion(
        qr_mailing_forms=1200,
        qr_mailing_months=("2020-12", "2021-01"),
        offsite_events=(Event("2021-01", 3, 40, True),),
        insurance_assist_share=0.25,
        konbini_offered=True,
    )
    promotions = {codes[0]: promo}
    findings = [
        Finding(codes[0], "2021-01", "R6.1-2", "error", 1234.0, 1000.0, "=能力が不足"),
        Finding(codes[1], None, "R6.1-1", "error", 0.5, 1.0, "到達しません"),
    ]
    names = {str(c): str(n) for c, n in zip(p.lg_code, p.name, strict=True)}
    write_csv(
        folder / "profiles.csv",
        ("lg_code", "dedicated_counters", "combined_counters", "staff", *promotion_cells(promo)),
        (
            {
                "lg_code": str(p.lg_code[i]),
                "dedicated_counters": int(p.dedicated_counters[i]),
                "combined_counters": int(p.combined_counters[i]),
                "staff": int(p.staff[i]),
                **promotion_cells(promotions.get(str(p.lg_code[i]), MunicipalPromotion())),
            }
            for i in range(len(p))
        ),
    )
    write_csv(
        folder / "municipalities.csv",
        ("lg_code", "name"),
        ({"lg_code": c, "name": n} for c, n in names.items()),
    )
    write_csv(folder / "findings.csv", FINDING_COLUMNS, (f.as_row() for f in findings))

    from_files = build_prefecture_book(folder, "13", MADE_ON)
    in_memory = prefecture_book(
        plan.table(),
        "13",
        MADE_ON,
        findings=findings,
        names=names,
        today={
            str(p.lg_code[i]): Today(
                int(p.dedicated_counters[i]), int(p.combined_counters[i]), int(p.staff[i])
            )
            for i in range(len(p))
        },
        promotions=promotions,
    )
    assert [r.lg_code for r in in_memory.rows] == sorted(codes)
    assert in_memory.rows[0].promotion == promo
    assert in_memory.rows[0].failures["R6.1-2"] == 1
    assert dataclasses.asdict(from_files) == dataclasses.asdict(in_memory)


def test_issue_12_a_figure_not_given_is_refused_naming_the_month() -> None:
    from kofuplan.domain.plan_table import empty_table

    table = empty_table(["131016"], ("2020-10",))
    with pytest.raises(InputError, match="131016 2020-10: 交付枚数（issuance）"):
        prefecture_book(table, "13", MADE_ON, findings=[], names={}, today={}, promotions={})
