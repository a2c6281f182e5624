"""Issue 15 §7: the fast writer of many workbooks (adapters/excel/stamp.py) writes exactly
the workbook openpyxl lays out (R7.1: the same 様式 for every municipality)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest

from kofuplan.adapters.excel.reader import read_plan_workbook
from kofuplan.adapters.excel.stamp import TemplateStamper
from kofuplan.adapters.excel.template import build_workbook
from kofuplan.domain.promotion import Event
from kofuplan.domain.workbook import PlanWorkbook
from tests.excel_support import (
    AS_OF,
    SETTINGS,
    as_read,
    sample_calendar,
    sample_plan,
    sample_promotion,
)

MADE_ON = dt.date(2020, 10, 20)


def _cells(data: bytes) -> dict[str, Any]:
    """Everything of a workbook a clerk or a reader can see, cell by cell."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    out: dict[str, Any] = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                out[f"{ws.title}!{c.coordinate}"] = (
                    c.value,
                    c.number_format,
                    c.protection.locked,
                    c.fill.fgColor.rgb,
                    c.font.b,
                    c.alignment.wrap_text,
                    c.alignment.shrink_to_fit,
                    c.quotePrefix,
                )
        out[f"{ws.title}:tables"] = dict(ws.tables.items())
        out[f"{ws.title}:validations"] = sorted(
            (str(dv.sqref), dv.type, dv.formula1, dv.prompt)
            for dv in ws.data_validations.dataValidation
        )
        out[f"{ws.title}:print"] = (
            ws.print_area,
            ws.print_title_rows,
            ws.page_setup.orientation,
            ws.page_setup.fitToWidth,
            ws.oddFooter.center.text,
            ws.protection.sheet,
            ws.freeze_panes,
            tuple(str(r.sqref) for r in ws.conditional_formatting),
        )
    return out


def _built(plan: PlanWorkbook) -> bytes:
    out = io.BytesIO()
    build_workbook(plan, sample_calendar(), as_of=AS_OF, made_on=MADE_ON).save(out)
    return out.getvalue()


def _variants() -> list[PlanWorkbook]:
    base = sample_plan()
    other = dataclasses.replace(
        sample_plan("131024", "中央区 & <新川>"),
        counts={k: tuple(v + 7 for v in vals) for k, vals in base.counts.items()},
        profile=dataclasses.replace(
            sample_plan("131024", "中央区 & <新川>").profile,
            pref_name="東京都",
            population=170_000,
            recent_daily_issuance=114.06666666666666,
        ),
    )
    promo = dataclasses.replace(base, promotion=sample_promotion())
    promo2 = dataclasses.replace(
        sample_plan("131032", "港区"),
        promotion=dataclasses.replace(
            sample_promotion(),
            insurance_support_method=" 窓口で案内 ",
            offsite_events=(Event("2021-02", 1, 10, False), Event("2021-06", 4, 30, True)),
            konbini_reduction_from="2022-01-31",
        ),
    )
    return [base, other, promo, promo2]


def test_R7_1_stamped_workbooks_are_the_openpyxl_workbooks_cell_for_cell() -> None:
    stamper = TemplateStamper(as_of=AS_OF, made_on=MADE_ON)
    plans = _variants()
    for plan in plans:  # the first of each shape builds its skeleton, the next is stamped
        stamped = stamper.workbook_bytes(plan, sample_calendar())
        assert _cells(stamped) == _cells(_built(plan)), plan.profile.name
    # the second plan of a shape is stamped from the first one's skeleton
    again = dataclasses.replace(plans[3], profile=plans[1].profile, counts=plans[1].counts)
    assert _cells(stamper.workbook_bytes(again, sample_calendar())) == _cells(_built(again))
    assert stamper.slow == 0


def test_R7_1_stamped_workbooks_read_back_as_their_plan(tmp_path: Any) -> None:
    stamper = TemplateStamper(as_of=AS_OF, made_on=MADE_ON)
    for plan in _variants():
        path = tmp_path / f"{plan.profile.lg_code}.xlsx"
        path.write_bytes(stamper.workbook_bytes(plan, sample_calendar()))
        read = read_plan_workbook(path, SETTINGS)
        method = plan.promotion.insurance_support_method
        expected = dataclasses.replace(
            as_read(plan, MADE_ON),
            profile=dataclasses.replace(
                plan.profile,
                pref_name="",  # printed, not read
                # a workbook keeps 16 significant digits, as openpyxl writes numbers
                recent_daily_issuance=float(f"{plan.profile.recent_daily_issuance:.16g}"),
            ),
            promotion=dataclasses.replace(  # the reader trims text
                plan.promotion, insurance_support_method=method.strip() if method else method
            ),
        )
        assert read == expected


@pytest.mark.parametrize("name", ['=HYPERLINK("x")', "bell\x07"])
def test_R7_1_text_openpyxl_must_escape_takes_the_slow_path(name: str) -> None:
    stamper = TemplateStamper(as_of=AS_OF, made_on=MADE_ON)
    plan = sample_plan(name=name)
    if "\x07" in name:
        with pytest.raises(openpyxl.utils.exceptions.IllegalCharacterError):
            stamper.workbook_bytes(plan, sample_calendar())
    else:
        assert _cells(stamper.workbook_bytes(plan, sample_calendar())) == _cells(_built(plan))
    assert stamper.slow == 1
