"""Helpers for the Excel tests: sample plans, a filler that knows only table names and
headers, and hand-made broken files (encrypted, zip bombs)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import struct
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openpyxl

from kofuplan.adapters.excel.layout import BUDGET_ITEM_CODES, sheet_title, without_unit
from kofuplan.adapters.excel.reader import ReadSettings, plan_months
from kofuplan.adapters.excel.template import write_template
from kofuplan.adapters.safe_text import set_excel_text
from kofuplan.domain.lgcode import check_digit
from kofuplan.domain.promotion import Event, MunicipalPromotion
from kofuplan.domain.workbook import (
    WORKBOOK_COUNTS,
    BudgetLine,
    PlanWorkbook,
    Profile,
    TemplateCalendar,
)
from kofuplan.parameters import load_rules

AS_OF = dt.date(2020, 10, 1)
MADE_ON = dt.date(2020, 10, 15)  # 作成日 of the workbooks write_sample makes


def as_read(plan: PlanWorkbook, made_on: dt.date = MADE_ON) -> PlanWorkbook:
    """What the reader gives back for a template of ``plan`` made on ``made_on``: the plan,
    with the 作成日 of the header block among its contacts (issue 15), and a budget item
    typed as one of the list's labels read as that item (職員の増員に要する人件費 → staff)."""
    contacts = dataclasses.replace(plan.contacts, made_on=made_on.isoformat())
    budget = tuple(
        dataclasses.replace(line, item=BUDGET_ITEM_CODES.get(line.item, line.item))
        for line in plan.budget
    )
    return dataclasses.replace(plan, contacts=contacts, budget=budget)


MONTHS = plan_months(load_rules().at(AS_OF))
SETTINGS = ReadSettings.at(AS_OF)
COUNT_FIELDS = WORKBOOK_COUNTS


def lg_code(code5: str) -> str:
    return code5 + str(check_digit(code5))


def sample_plan(code: str = "131016", name: str = "千代田区") -> PlanWorkbook:
    """A small, plausible plan: counts vary by month so that a misplaced row shows."""
    n = len(MONTHS)
    counts = {
        "issuance": tuple(1000 + 10 * i for i in range(n)),
        "dedicated_counters": tuple(2 + i % 3 for i in range(n)),
        "combined_counters": (1,) * n,
        "offsite_counters": tuple(i % 2 for i in range(n)),
        "weekend_days": (5,) * n,
        "staff": tuple(6 + i % 4 for i in range(n)),
        "terminals": tuple(3 + i % 3 for i in range(n)),
    }
    profile = Profile(code, name, 66680, 15000, 40.0, 10.0, 6, 12_000_000, 1, 1, 3, 2)
    budget = (
        BudgetLine(2020, "staff", 1_200_000),
        BudgetLine(2021, "統合端末借上料", 600_000),
        BudgetLine(2022, "臨時窓口会場使用料", 300_000),
    )
    return PlanWorkbook(profile, MONTHS, counts, budget)


def sample_promotion() -> MunicipalPromotion:
    """A full promotion section (issue 8) that raises none of R3.2, R3.3, R3.4, R2.4."""
    return MunicipalPromotion(
        qr_mailing_forms=20_000,
        qr_mailing_months=("2020-12", "2021-02"),
        offsite_events=(Event("2021-01", 3, 40, True), Event("2021-05", 2, 25, False)),
        insurance_support_method="交付時に窓口で案内し、端末で利用申込を支援",
        insurance_assist_share=0.6,
        evenings_per_month=4,
        evening_hours=2.5,
        konbini_offered=True,
        konbini_fee_counter_yen=300,
        konbini_fee_store_yen=200,
        konbini_reduction_from="2021-04-01",
    )


def sample_calendar() -> TemplateCalendar:
    return TemplateCalendar(
        open_weekdays=(20,) * len(MONTHS), required_weekend_days=(4,) * len(MONTHS)
    )


def write_sample(
    directory: Path, plan: PlanWorkbook | None = None, name: str | None = None
) -> Path:
    plan = plan or sample_plan()
    path = directory / (name or f"{plan.profile.lg_code}.xlsx")
    write_template(path, plan, sample_calendar(), as_of=AS_OF, made_on=MADE_ON)
    return path


def _table_cells(wb: Any, table_name: str) -> tuple[Any, dict[str, int], int, int]:
    """(worksheet, header -> column number, first data row, last row) of a table, by name."""
    for ws in wb.worksheets:
        if table_name in ws.tables:
            ref = ws.tables[table_name].ref
            (min_col, min_row, max_col, max_row) = openpyxl.utils.cell.range_boundaries(ref)
            headers = {
                without_unit(str(ws.cell(min_row, c).value)): c for c in range(min_col, max_col + 1)
            }
            return ws, headers, min_row + 1, max_row
    raise KeyError(table_name)


def fill(path: Path, plan: PlanWorkbook, *, out: Path | None = None) -> None:
    """Type ``plan`` into the workbook at ``path`` knowing only the table names and headers."""
    wb = openpyxl.load_workbook(path)
    ws, cols, first, last = _table_cells(wb, "monthly")
    headers = {
        "issuance": "交付枚数",
        "dedicated_counters": "専用窓口数",
        "combined_counters": "兼用窓口数",
        "offsite_counters": "臨時窓口数",
        "weekend_days": "土日交付日数",
        "staff": "職員数",
        "terminals": "統合端末台数",
    }
    for r in range(first, last + 1):
        month = ws.cell(r, cols["月"]).value
        i = plan.months.index(month)
        for name, header in headers.items():
            ws.cell(r, cols[header]).value = plan.counts[name][i]
    ws, cols, first, last = _table_cells(wb, "profile")
    labels = {
        "団体コード": plan.profile.lg_code,
        "団体名": plan.profile.name,
        "住基人口": plan.profile.population,
        "累計交付枚数": plan.profile.cumulative_issued,
        "専用窓口1日平均交付枚数": plan.profile.dedicated_daily_per_counter,
        "兼用窓口1日平均交付枚数": plan.profile.combined_daily_per_counter,
        "庁舎内最大窓口数": plan.profile.office_max_counters,
        "概算交付見込額": plan.profile.estimated_grant_yen,
        "現在の専用窓口数": plan.profile.dedicated_counters_now,
        "現在の兼用窓口数": plan.profile.combined_counters_now,
        "現在の職員数": plan.profile.staff_now,
        "現在の統合端末台数": plan.profile.terminals_now,
        "現在の1日平均交付枚数": plan.profile.recent_daily_issuance,
    }
    for r in range(first, last + 1):
        value = labels[ws.cell(r, cols["項目"]).value]
        cell = ws.cell(r, cols["値"])
        if isinstance(value, str):
            set_excel_text(cell, value)
        else:
            cell.value = value
    _fill_promotion(wb, plan.promotion)
    ws, cols, first, last = _table_cells(wb, "budget")
    assert len(plan.budget) <= last - first + 1, "the template has too few budget rows"
    for i, r in enumerate(range(first, last + 1)):
        cells = [ws.cell(r, cols[h]) for h in ("年度", "項目", "金額")]
        if i < len(plan.budget):
            line = plan.budget[i]
            cells[0].value = line.fiscal_year
            set_excel_text(cells[1], line.item)
            cells[2].value = line.yen
        else:
            for cell in cells:
                cell.value = None
    wb.save(out or path)


# The promotion section's items as a clerk reads them (docs/excel.md), and how they are typed.
PROMOTION_LABELS = {
    "QRコード付き申請書の送付枚数": "qr_mailing_forms",
    "送付月": "qr_mailing_months",
    "健康保険証利用申込の支援方法": "insurance_support_method",
    "支援する住民の割合": "insurance_assist_share",
    "夜間開庁の回数（月）": "evenings_per_month",
    "夜間延長時間": "evening_hours",
    "コンビニ交付の実施": "konbini_offered",
    "窓口手数料": "konbini_fee_counter_yen",
    "コンビニ手数料": "konbini_fee_store_yen",
    "引下げ開始日": "konbini_reduction_from",
}


def _typed(value: Any) -> Any:
    """A value as a clerk types it: はい/いいえ, months joined by ';', a date as a date."""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, tuple):
        return ";".join(value) or None
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return dt.date.fromisoformat(value)
    return value


def _fill_promotion(wb: Any, promo: MunicipalPromotion) -> None:
    """Type the promotion section into the tables ``promotion`` and ``events``, knowing only
    their names and headers; cells of what was not given are cleared."""
    ws, cols, first, last = _table_cells(wb, "promotion")
    for r in range(first, last + 1):
        value = _typed(getattr(promo, PROMOTION_LABELS[ws.cell(r, cols["項目"]).value]))
        cell = ws.cell(r, cols["値"])
        if isinstance(value, str):
            set_excel_text(cell, value)
        else:
            cell.value = value
    ws, cols, first, last = _table_cells(wb, "events")
    events = promo.offsite_events
    assert len(events) <= last - first + 1, "the template has too few event rows"
    headers = {
        "月": "month",
        "日数": "days",
        "1日当たり申請見込": "applications_per_day",
        "感染対策": "infection_control",
    }
    for i, r in enumerate(range(first, last + 1)):
        for header, name in headers.items():
            cell = ws.cell(r, cols[header])
            value = _typed(getattr(events[i], name)) if i < len(events) else None
            if isinstance(value, str):
                set_excel_text(cell, value)
            else:
                cell.value = value


def edit(path: Path, changes: Mapping[tuple[str, str], Any], *, out: Path | None = None) -> Path:
    """Set cells ``{(sheet, "C14"): value}`` and save (to ``out`` if given); a table's name
    stands for the sheet it sits on (``"monthly"`` for 月別計画)."""
    wb = openpyxl.load_workbook(path)
    for (sheet, ref), value in changes.items():
        wb[sheet_title(sheet)][ref].value = value
    target = out or path
    wb.save(target)
    return target


def encrypted_office_file(path: Path) -> Path:
    """A compound file laid out as Office stores a password-protected workbook.

    Version 3, 512-byte sectors: sector 0 the FAT, sector 1 the directory (Root Entry,
    EncryptionInfo, EncryptedPackage), then the two streams (4,096 bytes each, so that they
    live in ordinary sectors, not the mini stream).
    """
    sector = 512
    end_of_chain, fat_sect, free = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    info, package = b"\x04\x00\x04\x00" + b"\x00" * 4092, bytes(range(256)) * 16
    info_start, package_start = 2, 2 + len(info) // sector
    n_sectors = package_start + len(package) // sector
    fat = [fat_sect, end_of_chain]
    for start, size in ((info_start, len(info)), (package_start, len(package))):
        count = size // sector
        fat += [start + k + 1 for k in range(count - 1)] + [end_of_chain]
    fat += [free] * (sector // 4 - len(fat))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIII", 0, 1, 1, 0, 0x1000, end_of_chain, 0, end_of_chain)
        + struct.pack("<I", 0)  # number of DIFAT sectors
        + struct.pack("<I", 0)  # first DIFAT slot: the FAT is sector 0
        + struct.pack("<I", free) * 108
    )
    assert len(header) == sector

    def entry(
        name: str, kind: int, start: int, size: int, child: int = free, right: int = free
    ) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", free, right, child)
            + b"\x00" * 16
            + b"\x00" * 4
            + b"\x00" * 16
            + struct.pack("<IQ", start, size)
        )

    directory = (
        entry("Root Entry", 5, end_of_chain, 0, child=1)
        + entry("EncryptionInfo", 2, info_start, len(info), right=2)
        + entry("EncryptedPackage", 2, package_start, len(package))
        + b"\x00" * 128
    )
    assert len(directory) == sector
    body = header + struct.pack(f"<{sector // 4}I", *fat) + directory + info + package
    assert len(body) == sector * (n_sectors + 1)
    path.write_bytes(body)
    return path


def zip_with(path: Path, members: Mapping[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path
