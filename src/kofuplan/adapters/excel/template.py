"""Write one municipality's plan workbook (openpyxl).

Sheets ``monthly``, ``profile``, ``budget``, ``promotion`` and ``events`` each hold the Excel
table of that name; ``説明`` explains every field. Inputs are unlocked and validated (whole
numbers ≥ 0; the promotion items by kind); everything else is protected. Beside the
``monthly`` table, formulas show capacity, coverage and the result of each R6.1 check as the
clerk types. The layout is documented in docs/excel.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from kofuplan.adapters.excel.layout import (
    BUDGET_FIELDS,
    BUDGET_ITEM_LABELS,
    BUDGET_TABLE,
    EVENT_FIELDS,
    EVENTS_TABLE,
    HELP_SHEET,
    MONTHLY_COUNTS,
    MONTHLY_FIELDS,
    MONTHLY_TABLE,
    PROFILE_FIELDS,
    PROFILE_HEADERS,
    PROFILE_TABLE,
    PROMOTION_ITEMS,
    PROMOTION_TABLE,
)
from kofuplan.adapters.excel.model import PlanWorkbook, TemplateCalendar
from kofuplan.adapters.excel.promotion_sheet import promotion_cell, write_events, write_promotion
from kofuplan.adapters.output import write_file
from kofuplan.adapters.safe_text import set_excel_text
from kofuplan.domain.wareki import reiwa_fiscal_year, reiwa_month
from kofuplan.parameters import Snapshot, load_rules

HEADER_ROW = 3  # tables start on row 3 under a title and a note
FIRST_ROW = HEADER_ROW + 1
NUMBER = "#,##0"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: type here
BAD_FILL = PatternFill("solid", fgColor="F4CCCC")
BOLD = Font(bold=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")  # one object: built once, not per cell
OK, NG = "○", "×"
# The monthly table spans B:I (column A carries the 令和 label); calculations start after a gap.
MONTHLY_FIRST_COL = 2
CALC_FIRST_COL = MONTHLY_FIRST_COL + len(MONTHLY_FIELDS) + 1
CALC_HEADERS = (
    ("平日開庁日数", "その月の平日（祝日・年末年始を除く）の開庁日数。暦から計算済み。"),
    ("必要土日日数", "毎週土日のいずれかを開庁するのに必要な土日の日数（R2.1）。"),
    ("開庁日数", "平日開庁日数＋土日交付日数。"),
    (
        "夜間開庁日換算",
        "夜間開庁（R8.3）を開庁日に換算した日数: promotion表の夜間開庁の回数×夜間延長時間"
        "÷1日の窓口時間（小数第2位まで）。",
    ),
    ("兼用窓口係数", "兼用窓口のカード交付能力に掛ける月別係数（3・4月は繁忙期で低い）。"),
    (
        "交付能力",
        "（専用窓口数×専用窓口1日平均＋兼用窓口数×兼用窓口1日平均×係数）"
        "×（開庁日数＋夜間開庁日換算）。",
    ),
    ("累計交付枚数", "令和2年9月末の累計交付枚数＋その月までの交付枚数の合計。"),
    ("交付率", "累計交付枚数÷住基人口。"),
    ("判定:交付能力", "R6.1-2: 交付能力が交付枚数以上なら ○。"),
    ("判定:庁舎内窓口", "R6.1-3: 庁舎内の窓口（専用−臨時＋兼用）が庁舎内最大窓口数以下なら ○。"),
    ("判定:土日交付", "R6.1-4: 土日交付日数が必要土日日数以上なら ○。"),
)


def _profile_cell(name: str) -> str:
    """Absolute reference to a profile value, for formulas on other sheets."""
    index = next(i for i, f in enumerate(PROFILE_FIELDS) if f.name == name)
    return f"{PROFILE_TABLE}!$B${FIRST_ROW + index}"


def _style_table(ws: Worksheet, name: str, ref: str) -> None:
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)


def _unlock(cell: Any) -> None:
    cell.protection = Protection(locked=False)
    cell.fill = INPUT_FILL


# One named style for the many count inputs: a single style lookup per cell instead of three
# (writing a workbook takes a third less time).
INPUT_COUNT = "入力（整数）"


def _input_count_style() -> NamedStyle:
    # A named style binds to one workbook, so each workbook gets its own.
    return NamedStyle(
        name=INPUT_COUNT, number_format=NUMBER, fill=INPUT_FILL, protection=Protection(locked=False)
    )


def _whole_number_validation(ws: Worksheet, ref: str, *, rate: bool = False) -> None:
    dv = DataValidation(
        type="decimal" if rate else "whole",
        operator="greaterThan" if rate else "greaterThanOrEqual",
        formula1="0",
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="入力エラー",
        error="0より大きい数を入力してください。" if rate else "0以上の整数を入力してください。",
    )
    ws.add_data_validation(dv)
    dv.add(ref)


def _title(ws: Worksheet, title: str, note: str) -> None:
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = note


def _write_monthly(
    ws: Worksheet, plan: PlanWorkbook, calendar: TemplateCalendar, rules: Snapshot, share_of: float
) -> None:
    p = plan.profile
    _title(
        ws,
        f"マイナンバーカード交付円滑化計画（月別） {p.name}（{p.lg_code}）",
        "黄色のセルに入力してください。右側の判定は入力に応じて自動で計算されます。",
    )
    ws.cell(HEADER_ROW, 1, "月（令和）").font = BOLD
    for j, f in enumerate(MONTHLY_FIELDS):
        ws.cell(HEADER_ROW, MONTHLY_FIRST_COL + j, f.header)
    for j, (header, _) in enumerate(CALC_HEADERS):
        ws.cell(HEADER_ROW, CALC_FIRST_COL + j, header).font = BOLD
    col = {f.name: get_column_letter(MONTHLY_FIRST_COL + j) for j, f in enumerate(MONTHLY_FIELDS)}
    calc = {h: get_column_letter(CALC_FIRST_COL + j) for j, (h, _) in enumerate(CALC_HEADERS)}
    shares = calendar.combined_share or tuple(
        float(rules["capacity.combined_card_share_by_month"][int(m[5:7])]) for m in plan.months
    )
    last = FIRST_ROW + len(plan.months) - 1
    # As the engine counts evening opening (kofuplan.domain.promotion.evening_day_equivalents,
    # rounded to hundredths in capacity); N() reads a blank or a typo as no evenings.
    evening_days = (
        f"=ROUND(N({promotion_cell('evenings_per_month', FIRST_ROW)})"
        f"*N({promotion_cell('evening_hours', FIRST_ROW)})"
        f"/{float(rules['capacity.counter_hours_per_day']):g},2)"
    )
    for i, month in enumerate(plan.months):
        r = FIRST_ROW + i
        ws.cell(r, 1, reiwa_month(month))
        set_excel_text(ws.cell(r, MONTHLY_FIRST_COL), month)
        for j, f in enumerate(MONTHLY_COUNTS, start=1):
            ws.cell(r, MONTHLY_FIRST_COL + j, plan.counts[f.name][i]).style = INPUT_COUNT
        c = {k: f"{v}{r}" for k, v in col.items()}
        k = {h: f"{v}{r}" for h, v in calc.items()}
        ws[k["平日開庁日数"]] = calendar.open_weekdays[i]
        ws[k["必要土日日数"]] = calendar.required_weekend_days[i]
        ws[k["開庁日数"]] = f"={k['平日開庁日数']}+{c['weekend_days']}"
        ws[k["夜間開庁日換算"]] = evening_days
        ws[k["兼用窓口係数"]] = shares[i]
        # As the engine computes it: the seasonal combined rate kept to hundredths, whole
        # cards rounded down (kofuplan.domain.capacity.capacity_of).
        combined_rate = (
            f"ROUND({_profile_cell('combined_daily_per_counter')}*{k['兼用窓口係数']},2)"
        )
        ws[k["交付能力"]] = (
            f"=INT(({c['dedicated_counters']}*{_profile_cell('dedicated_daily_per_counter')}"
            f"+{c['combined_counters']}*{combined_rate})*({k['開庁日数']}+{k['夜間開庁日換算']})"
            "+0.000001)"
        )
        ws[k["累計交付枚数"]] = (
            f"={_profile_cell('cumulative_issued')}+SUM({col['issuance']}${FIRST_ROW}:{c['issuance']})"
        )
        pop = _profile_cell("population")
        ws[k["交付率"]] = f"=IF({pop}>0,{k['累計交付枚数']}/{pop},0)"
        ws[k["判定:交付能力"]] = f'=IF({k["交付能力"]}>={c["issuance"]},"{OK}","{NG} 能力不足")'
        in_office = f"{c['dedicated_counters']}-{c['offsite_counters']}+{c['combined_counters']}"
        too_many_offsite = f"{c['offsite_counters']}>{c['dedicated_counters']}"
        ws[k["判定:庁舎内窓口"]] = (
            f'=IF({too_many_offsite},"{NG} 臨時窓口数が専用窓口数を超過",'
            f'IF({in_office}<={_profile_cell("office_max_counters")},"{OK}","{NG} 臨時窓口が必要"))'
        )
        ws[k["判定:土日交付"]] = (
            f'=IF({c["weekend_days"]}>={k["必要土日日数"]},"{OK}","{NG} 土日交付日数不足")'
        )
        for h in ("交付能力", "累計交付枚数"):
            ws[k[h]].number_format = NUMBER
        ws[k["交付率"]].number_format = "0.0%"
        ws[k["兼用窓口係数"]].number_format = "0.00"
        ws[k["夜間開庁日換算"]].number_format = "0.00"
    first_col = get_column_letter(MONTHLY_FIRST_COL)
    last_col = get_column_letter(MONTHLY_FIRST_COL + len(MONTHLY_FIELDS) - 1)
    _style_table(ws, MONTHLY_TABLE, f"{first_col}{HEADER_ROW}:{last_col}{last}")
    _whole_number_validation(
        ws, f"{get_column_letter(MONTHLY_FIRST_COL + 1)}{FIRST_ROW}:{last_col}{last}"
    )
    # The plan as a whole (R6.1-1): a blank row below the table, so it is never absorbed.
    total = last + 2
    ws.cell(total, 1, "合計").font = BOLD
    issuance = col["issuance"]
    ws[f"{issuance}{total}"] = f"=SUM({issuance}{FIRST_ROW}:{issuance}{last})"
    ws[f"{issuance}{total}"].number_format = NUMBER
    target = f"{_profile_cell('population')}*{share_of}"
    ws.cell(total + 1, 1, "判定:令和5年3月末の累計（R6.1-1）").font = BOLD
    ws.cell(
        total + 1, MONTHLY_FIRST_COL + 1
    ).value = f'=IF({calc["累計交付枚数"]}{last}>={target},"{OK}","{NG} 住基人口に未到達")'
    checks = f"{calc['判定:交付能力']}{FIRST_ROW}:{calc['判定:土日交付']}{last}"
    ws.conditional_formatting.add(
        checks,
        FormulaRule(formula=[f'LEFT({calc["判定:交付能力"]}{FIRST_ROW},1)="{NG}"'], fill=BAD_FILL),
    )
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions[first_col].width = 10
    for j in range(1, len(MONTHLY_FIELDS)):
        ws.column_dimensions[get_column_letter(MONTHLY_FIRST_COL + j)].width = 13
    for j, (h, _) in enumerate(CALC_HEADERS):
        ws.column_dimensions[get_column_letter(CALC_FIRST_COL + j)].width = (
            18 if "判定" in h else 13
        )
    ws.freeze_panes = ws.cell(FIRST_ROW, MONTHLY_FIRST_COL + 1)
    ws.protection.sheet = True


# Profile values that come from the statistics or identify the file stay locked.
_LOCKED_PROFILE = frozenset(
    {"lg_code", "name", "population", "cumulative_issued", "recent_daily_issuance"}
)


def _write_profile(ws: Worksheet, plan: PlanWorkbook) -> None:
    p = plan.profile
    _title(
        ws,
        f"団体の基本情報 {p.name}（{p.lg_code}）",
        "黄色のセルは団体の実績・見込みで修正できます。",
    )
    ws.cell(HEADER_ROW, 1, PROFILE_HEADERS[0])
    ws.cell(HEADER_ROW, 2, PROFILE_HEADERS[1])
    ws.cell(HEADER_ROW, 3, "説明").font = BOLD
    for i, f in enumerate(PROFILE_FIELDS):
        r = FIRST_ROW + i
        ws.cell(r, 1, f.header)
        value = getattr(p, f.name)
        cell = ws.cell(r, 2)
        if isinstance(value, str):
            set_excel_text(cell, value)
        else:
            cell.value = value
            cell.number_format = {"rate": "General", "pace": "#,##0.00"}.get(f.kind, NUMBER)
        if f.name not in _LOCKED_PROFILE:
            _unlock(cell)
            _whole_number_validation(ws, cell.coordinate, rate=f.kind == "rate")
        ws.cell(r, 3, f.explanation)
    _style_table(ws, PROFILE_TABLE, f"A{HEADER_ROW}:B{FIRST_ROW + len(PROFILE_FIELDS) - 1}")
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 70
    ws.protection.sheet = True


def _write_budget(ws: Worksheet, plan: PlanWorkbook, spare_rows: int) -> None:
    p = plan.profile
    _title(
        ws,
        f"交付事務に要する経費の見込額 {p.name}（{p.lg_code}）",
        "空いている行に項目を追加できます。",
    )
    for j, f in enumerate(BUDGET_FIELDS, start=1):
        ws.cell(HEADER_ROW, j, f.header)
    rows = len(plan.budget) + spare_rows
    for i in range(rows):
        r = FIRST_ROW + i
        cells = [ws.cell(r, j) for j in (1, 2, 3)]
        if i < len(plan.budget):
            line = plan.budget[i]
            set_excel_text(cells[0], reiwa_fiscal_year(line.fiscal_year))
            set_excel_text(cells[1], BUDGET_ITEM_LABELS.get(line.item, line.item))
            cells[2].value = line.yen
        cells[2].number_format = NUMBER
        for cell in cells:
            _unlock(cell)
    last = FIRST_ROW + max(rows, 1) - 1
    _style_table(ws, BUDGET_TABLE, f"A{HEADER_ROW}:C{last}")
    _whole_number_validation(ws, f"C{FIRST_ROW}:C{last}")
    summary = last + 2
    ws.cell(summary, 1, "経費合計").font = BOLD
    ws.cell(summary, 3, f"=SUM(C{FIRST_ROW}:C{last})").number_format = NUMBER
    ws.cell(summary + 1, 1, "概算交付見込額").font = BOLD
    ws.cell(summary + 1, 3, f"={_profile_cell('estimated_grant_yen')}").number_format = NUMBER
    ws.cell(summary + 2, 1, "不足額（R5.1）").font = BOLD
    ws.cell(summary + 2, 3, f"=MAX(0,C{summary}-C{summary + 1})").number_format = NUMBER
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["C"].width = 16
    ws.protection.sheet = True


def _write_promotion(
    ws: Worksheet, events_ws: Worksheet, plan: PlanWorkbook, rules: Snapshot
) -> None:
    p = plan.profile
    _title(
        ws,
        f"申請受付等の推進 {p.name}（{p.lg_code}）",
        "黄色のセルに入力してください。空欄は「計画なし・未記入」として扱います。",
    )
    ref, _ = write_promotion(ws, plan.promotion, plan.months, first_row=FIRST_ROW, unlock=_unlock)
    _style_table(ws, PROMOTION_TABLE, ref)
    ws.protection.sheet = True
    _title(
        events_ws,
        f"出張申請受付（商業施設等） {p.name}（{p.lg_code}）",
        "1行に1回（月ごと）。空いている行に追加できます。空行は読み飛ばします。",
    )
    ref = write_events(
        events_ws,
        plan.promotion.offsite_events,
        plan.months,
        first_row=FIRST_ROW,
        spare_rows=int(rules["excel.spare_event_rows"]),
        unlock=_unlock,
    )
    _style_table(events_ws, EVENTS_TABLE, ref)
    events_ws.protection.sheet = True


def _write_help(ws: Worksheet) -> None:
    ws["A1"] = "記入要領"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (
        "黄色のセルが入力欄です。表の名前（monthly・profile・budget・promotion・events）と"
        "見出しは変更しないでください。システムは表の名前と見出しでデータを読み取ります。"
    )
    rows: list[tuple[str, str, str]] = [("表", "見出し", "説明")]
    rows += [(MONTHLY_TABLE, f.header, f.explanation) for f in MONTHLY_FIELDS]
    rows += [(f"{MONTHLY_TABLE}（計算）", h, text) for h, text in CALC_HEADERS]
    rows += [(PROFILE_TABLE, f.header, f.explanation) for f in PROFILE_FIELDS]
    rows += [(BUDGET_TABLE, f.header, f.explanation) for f in BUDGET_FIELDS]
    rows += [(PROMOTION_TABLE, f.header, f.explanation) for f in PROMOTION_ITEMS]
    rows += [(EVENTS_TABLE, f.header, f.explanation) for f in EVENT_FIELDS]
    for i, row in enumerate(rows):
        for j, text in enumerate(row, start=1):
            cell = ws.cell(HEADER_ROW + i, j, text)
            cell.alignment = WRAP_TOP
            if i == 0:
                cell.font = BOLD
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 26
    ws.column_dimensions["C"].width = 80
    ws.protection.sheet = True


def build_workbook(
    plan: PlanWorkbook, calendar: TemplateCalendar, *, as_of: dt.date, spare_budget_rows: int = 5
) -> Workbook:
    """The workbook for one municipality, in memory."""
    rules = load_rules().at(as_of)
    wb = Workbook()
    wb.add_named_style(_input_count_style())
    monthly = wb.active
    assert monthly is not None
    monthly.title = MONTHLY_TABLE
    _write_monthly(monthly, plan, calendar, rules, float(rules["plan.target_share_of_population"]))
    _write_profile(wb.create_sheet(PROFILE_TABLE), plan)
    _write_budget(wb.create_sheet(BUDGET_TABLE), plan, spare_budget_rows)
    _write_promotion(wb.create_sheet(PROMOTION_TABLE), wb.create_sheet(EVENTS_TABLE), plan, rules)
    _write_help(wb.create_sheet(HELP_SHEET))
    return wb


def write_template(
    path: Path, plan: PlanWorkbook, calendar: TemplateCalendar, *, as_of: dt.date
) -> None:
    """Write the workbook to ``path`` atomically: a reader never sees half a file."""
    write_file(path, template_content(plan, calendar, as_of=as_of))


def template_content(
    plan: PlanWorkbook, calendar: TemplateCalendar, *, as_of: dt.date
) -> Callable[[Path], None]:
    """The workbook as content for :func:`kofuplan.adapters.output.write_files`: built only
    when written, so a prefecture's workbooks are never all in memory at once."""
    return lambda tmp: build_workbook(plan, calendar, as_of=as_of).save(tmp)
