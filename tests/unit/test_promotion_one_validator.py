"""Issue 12 item 5: the promotion section has one validator (domain/promotion_input.py). The
profile CSV, the page's form (and API) and the plan workbook only turn cells and fields into
plain values, so the three paths accept and refuse the same values and read them the same way,
the full-width ``；`` between months included (the workbook took it and the page did not)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kofuplan.adapters.excel import WorkbookError, read_plan_workbook
from kofuplan.adapters.promotion_fields import promotion_from_cells
from kofuplan.domain.promotion import MunicipalPromotion
from kofuplan.errors import InputError
from kofuplan.services.municipal_inputs import normalize, promotion_of
from kofuplan.services.views import plan_months
from tests.excel_support import SETTINGS, edit, sample_plan, sample_promotion, write_sample

MONTHS = plan_months(dt.date(2020, 10, 1))
# Where the template puts the items (docs/excel.md; tests/unit/test_excel_promotion.py).
CELLS = {
    "qr_mailing_forms": "B4",
    "qr_mailing_months": "B5",
    "insurance_assist_share": "B7",
    "konbini_offered": "B10",
    "konbini_reduction_from": "B13",
}
REFUSED = None

CASES: list[tuple[str, Any, Any]] = [
    ("qr_mailing_months", "2020-12；2021-01", ("2020-12", "2021-01")),
    ("qr_mailing_months", "2021-01;2020-12", ("2020-12", "2021-01")),
    ("qr_mailing_months", "令和3年1月、2020-12", ("2020-12", "2021-01")),
    ("qr_mailing_months", "2020-12;2020-12", REFUSED),  # each month once
    ("qr_mailing_months", "2020-12;2021-13", REFUSED),
    ("qr_mailing_months", "2019-01", REFUSED),  # outside the plan period
    ("qr_mailing_forms", "１２０", 120),
    ("qr_mailing_forms", "1,200", 1200),
    ("qr_mailing_forms", "-5", REFUSED),
    ("qr_mailing_forms", "10000000000", REFUSED),  # above bounds.count_ceiling
    ("insurance_assist_share", "50%", 0.5),
    ("insurance_assist_share", "0.25", 0.25),
    ("insurance_assist_share", "1.5", REFUSED),
    ("konbini_offered", "はい", True),
    ("konbini_offered", "×", False),
    ("konbini_offered", "たぶん", REFUSED),
    ("konbini_reduction_from", "令和3年4月1日", "2021-04-01"),
    ("konbini_reduction_from", "2021-02-30", REFUSED),
]


def _csv(field: str, raw: str) -> Any:
    try:
        return getattr(promotion_from_cells({field: raw}, "profiles.csv:2"), field)
    except InputError:
        return REFUSED


def _page(field: str, raw: str) -> Any:
    try:
        return getattr(promotion_of(normalize({field: raw}, MONTHS)), field)
    except InputError:
        return REFUSED


def _workbook(tmp_path: Path, field: str, raw: str) -> Any:
    # The sample's section without the item, then the clerk's value typed into its cell.
    promo = dataclasses.replace(sample_promotion(), **{field: getattr(MunicipalPromotion(), field)})
    path = write_sample(tmp_path, dataclasses.replace(sample_plan(), promotion=promo))
    edit(path, {("promotion", CELLS[field]): raw})
    try:
        return getattr(read_plan_workbook(path, SETTINGS).promotion, field)
    except WorkbookError:
        return REFUSED


@pytest.mark.parametrize(("field", "raw", "expected"), CASES)
def test_issue_12_csv_page_and_workbook_agree_on_the_promotion_section(
    tmp_path: Path, field: str, raw: str, expected: Any
) -> None:
    got = {
        "csv": _csv(field, raw),
        "page": _page(field, raw),
        "workbook": _workbook(tmp_path, field, raw),
    }
    if field == "qr_mailing_months" and raw == "2019-01":
        # The CSV is read before the plan period is known: any month is a month there.
        assert got.pop("csv") == ("2019-01",)
    assert got == dict.fromkeys(got, expected)


def test_issue_12_the_page_keeps_full_width_separated_months_as_the_workbook_does() -> None:
    stored = normalize({"qr_mailing_months": "2020-12；2021-01"}, MONTHS)
    assert stored == {"qr_mailing_months": ["2020-12", "2021-01"]}


def test_issue_12_events_agree_between_the_csv_and_the_page() -> None:
    csv = promotion_from_cells({"offsite_events": "2021-01/3/40/はい；2021-02/2/30/no"}, "p:2")
    page = promotion_of(
        normalize(
            {
                "offsite_events": [
                    {"month": "2021-01", "days": "3", "applications_per_day": 40,
                     "infection_control": "はい"},
                    {"month": "2021-02", "days": 2, "applications_per_day": "30",
                     "infection_control": "no"},
                ]
            },
            MONTHS,
        )
    )  # fmt: skip
    assert csv.offsite_events == page.offsite_events
    assert [e.infection_control for e in csv.offsite_events] == [True, False]
