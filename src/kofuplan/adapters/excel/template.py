"""Write one municipality's plan workbook (openpyxl).

Sheets 月別計画, 基本情報, 経費, 申請推進 and 出張申請受付 hold the Excel tables ``monthly``,
``profile``, ``budget``, ``promotion`` and ``events`` (the reader finds them by table name);
記入例 shows a filled example and 説明 explains every field. Every sheet is print-ready
(:mod:`.form`). Inputs are unlocked and validated (whole
numbers ≥ 0; the promotion items by kind); everything else is protected. Beside the
``monthly`` table, formulas show capacity, coverage and the result of each R6.1 check as the
clerk types. The layout is documented in docs/excel.md.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, NamedStyle, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from kofuplan.adapters.excel.form import (
    header_block,
    print_ready,
    prompt,
    protect,
)
from kofuplan.adapters.excel.guide_sheets import write_example, write_help
from kofuplan.adapters.excel.layout import (
    BUDGET_FIELDS,
    BUDGET_ITEM_LABELS,
    BUDGET_TABLE,
    EVENTS_TABLE,
    EXAMPLE_SHEET,
    HELP_SHEET,
    MONTHLY_COUNTS,
    MONTHLY_FIELDS,
    MONTHLY_TABLE,
    PROFILE_FIELDS,
    PROFILE_HEADERS,
    PROFILE_TABLE,
    PROMOTION_ITEMS,
    PROMOTION_TABLE,
    RENEWAL,
    RENEWAL_WORDING,
    column_header,
    sheet_title,
)
from kofuplan.adapters.excel.promotion_sheet import promotion_cell, write_events, write_promotion
from kofuplan.adapters.excel.sheet_layout import (
    BAD_FILL,
    BOLD,
    CALC_FIRST_COL,
    CALC_HEADERS,
    FIRST_ROW,
    HEADER_ROW,
    INPUT_FILL,
    MONTHLY_FIRST_COL,
    MONTHLY_FIRST_ROW,
    MONTHLY_HEADER_ROW,
    NG,
    NUMBER,
    OK,
    REMARKS_COL,
    SHRINK,
    WRAP_TOP,
    calc_header,
    monthly_headers,
    monthly_widths,
)
from kofuplan.adapters.output import write_file
from kofuplan.adapters.safe_text import set_excel_text
from kofuplan.domain.rule_values import CapacityRules, ExcelRules, PlanRules
from kofuplan.domain.wareki import reiwa_fiscal_year, reiwa_month
from kofuplan.domain.workbook import PlanWorkbook, Profile, TemplateCalendar
from kofuplan.parameters import Snapshot, load_rules


def _profile_cell(name: str) -> str:
    """Absolute reference to a profile value, for formulas on other sheets."""
    index = next(i for i, f in enumerate(PROFILE_FIELDS) if f.name == name)
    return f"'{sheet_title(PROFILE_TABLE)}'!$B${FIRST_ROW + index}"


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


def _whole_number_validation(
    ws: Worksheet, ref: str, *, rate: bool = False, title: str = "入力", text: str = ""
) -> None:
    dv = DataValidation(
        type="decimal" if rate else "whole",
        operator="greaterThan" if rate else "greaterThanOrEqual",
        formula1="0",
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="入力エラー",
        error="0より大きい数を入力してください。" if rate else "0以上の整数を入力してください。",
    )
    how = "0より大きい数（小数可）" if rate else "0以上の整数"
    ws.add_data_validation(prompt(dv, title, f"{text}{how}を入力してください。"))
    dv.add(ref)


_HEADINGS = {
    PROFILE_TABLE: "団体の基本情報",
    BUDGET_TABLE: "交付事務に要する経費の見込額",
    PROMOTION_TABLE: "申請受付等の推進",
    EVENTS_TABLE: "出張申請受付（商業施設等）",
}


def sheet_heading(table: str, p: Profile) -> str:
    """The title (A1) of a table's sheet: what it is, for which municipality."""
    return f"{_HEADINGS[table]} {p.name}（{p.lg_code}）"


def _title(ws: Worksheet, title: str, note: str) -> None:
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = note


def _write_monthly(
    ws: Worksheet,
    plan: PlanWorkbook,
    calendar: TemplateCalendar,
    rules: Snapshot,
    share_of: float,
    made_on: dt.date,
) -> None:
    p = plan.profile
    header_block(
        ws,
        title="マイナンバーカード交付円滑化計画（月別）",
        pref_name=p.pref_name,
        name=p.name,
        lg_code=p.lg_code,
        made_on=made_on,
        note="黄色のセルに入力してください（記入例シート参照）。右側の判定は入力に応じて自動で"
        "計算されます。",
        unlock=_unlock,
    )
    top, first = MONTHLY_HEADER_ROW, MONTHLY_FIRST_ROW
    monthly_headers(ws, top)
    for j, (header, _) in enumerate(CALC_HEADERS):
        cell = ws.cell(top, CALC_FIRST_COL + j, calc_header(header))
        cell.font = BOLD
        cell.alignment = WRAP_TOP
    ws.row_dimensions[top].height = 30
    col = {f.name: get_column_letter(MONTHLY_FIRST_COL + j) for j, f in enumerate(MONTHLY_FIELDS)}
    calc = {h: get_column_letter(CALC_FIRST_COL + j) for j, (h, _) in enumerate(CALC_HEADERS)}
    capacity = CapacityRules.from_rules(rules)
    shares = calendar.combined_share or tuple(
        capacity.combined_card_share_by_month[int(m[5:7])] for m in plan.months
    )
    last = first + len(plan.months) - 1
    # As the engine counts evening opening (kofuplan.domain.promotion.evening_day_equivalents,
    # rounded to hundredths in capacity); N() reads a blank or a typo as no evenings.
    evening_days = (
        f"=ROUND(N({promotion_cell('evenings_per_month', FIRST_ROW)})"
        f"*N({promotion_cell('evening_hours', FIRST_ROW)})"
        f"/{capacity.counter_hours_per_day:g},2)"
    )
    remarks = get_column_letter(REMARKS_COL)
    for i, month in enumerate(plan.months):
        r = first + i
        ws.cell(r, 1, reiwa_month(month))
        set_excel_text(ws.cell(r, MONTHLY_FIRST_COL), month)
        for j, f in enumerate(MONTHLY_COUNTS, start=1):
            ws.cell(r, MONTHLY_FIRST_COL + j, plan.counts[f.name][i]).style = INPUT_COUNT
        _unlock(ws[f"{remarks}{r}"])
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
            f"={_profile_cell('cumulative_issued')}+SUM({col['issuance']}${first}:{c['issuance']})"
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
        for h in ("判定:交付能力", "判定:庁舎内窓口", "判定:土日交付"):
            ws[k[h]].alignment = SHRINK
    first_col = get_column_letter(MONTHLY_FIRST_COL)
    last_col = get_column_letter(MONTHLY_FIRST_COL + len(MONTHLY_FIELDS) - 1)
    _style_table(ws, MONTHLY_TABLE, f"{first_col}{top}:{remarks}{last}")
    _whole_number_validation(
        ws,
        f"{get_column_letter(MONTHLY_FIRST_COL + 1)}{first}:{last_col}{last}",
        title="月別計画",
        text="その月の枚数・窓口数・日数・人数・台数を、",
    )
    # The plan as a whole (R6.1-1): a blank row below the table, so it is never absorbed.
    total = last + 2
    ws.cell(total, 1, "合計").font = BOLD
    issuance = col["issuance"]
    ws[f"{issuance}{total}"] = f"=SUM({issuance}{first}:{issuance}{last})"
    ws[f"{issuance}{total}"].number_format = NUMBER
    target = f"{_profile_cell('population')}*{share_of}"
    ws.cell(total + 1, 1, "判定（R6.1-1）").font = BOLD
    ws.cell(
        total + 1, MONTHLY_FIRST_COL + 1
    ).value = f'=IF({calc["累計交付枚数"]}{last}>={target},"{OK}","{NG} 住基人口に未到達")'
    ws.cell(
        total + 1, MONTHLY_FIRST_COL + 2, "令和5年3月末の累計交付枚数が住基人口のほぼ全員に届くか"
    )
    checks = f"{calc['判定:交付能力']}{first}:{calc['判定:土日交付']}{last}"
    ws.conditional_formatting.add(
        checks,
        FormulaRule(formula=[f'LEFT({calc["判定:交付能力"]}{first},1)="{NG}"'], fill=BAD_FILL),
    )
    monthly_widths(ws, calc=True)
    ws.freeze_panes = ws.cell(first, MONTHLY_FIRST_COL + 1)
    last_calc = get_column_letter(CALC_FIRST_COL + len(CALC_HEADERS) - 1)
    print_ready(
        ws,
        title_rows=(top, top),
        area=f"A1:{last_calc}{total + 1}",
        footer="月別計画",
    )
    protect(ws)


# Profile values that come from the statistics or identify the file stay locked.
_LOCKED_PROFILE = frozenset(
    {"lg_code", "name", "population", "cumulative_issued", "recent_daily_issuance"}
)


def _write_profile(ws: Worksheet, plan: PlanWorkbook) -> None:
    p = plan.profile
    _title(
        ws,
        sheet_heading(PROFILE_TABLE, p),
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
            _whole_number_validation(
                ws, cell.coordinate, rate=f.kind == "rate", title=f.header[:32]
            )
        ws.cell(r, 3, f.explanation).alignment = WRAP_TOP
    _style_table(ws, PROFILE_TABLE, f"A{HEADER_ROW}:B{FIRST_ROW + len(PROFILE_FIELDS) - 1}")
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 70
    last = FIRST_ROW + len(PROFILE_FIELDS) - 1
    print_ready(ws, title_rows=(HEADER_ROW, HEADER_ROW), area=f"A1:C{last}", footer="基本情報")
    protect(ws)


def _write_budget(ws: Worksheet, plan: PlanWorkbook, spare_rows: int) -> None:
    p = plan.profile
    _title(
        ws,
        sheet_heading(BUDGET_TABLE, p),
        "空いている行に項目を追加できます。右の合計は自動で計算されます。",
    )
    for j, f in enumerate(BUDGET_FIELDS, start=1):
        ws.cell(HEADER_ROW, j, column_header(f.header, f.name))
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
    _whole_number_validation(
        ws, f"C{FIRST_ROW}:C{last}", title="金額", text="経費の見込額（円）を、"
    )
    # The totals sit to the right of the table, so rows added below it stay the table's.
    totals = (
        ("経費合計（円）", f"=SUM(C{FIRST_ROW}:C{last})"),
        ("概算交付見込額（円）", f"={_profile_cell('estimated_grant_yen')}"),
        ("不足額（R5.1、円）", f"=MAX(0,F{HEADER_ROW}-F{HEADER_ROW + 1})"),
    )
    for i, (label, formula) in enumerate(totals):
        ws.cell(HEADER_ROW + i, 5, label).font = BOLD
        ws.cell(HEADER_ROW + i, 6, formula).number_format = NUMBER
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["C"].width = 16
    ws.column_dimensions["D"].width = 3
    ws.column_dimensions["E"].width = 22
    ws.column_dimensions["F"].width = 16
    print_ready(ws, title_rows=(HEADER_ROW, HEADER_ROW), area=f"A1:F{last}", footer="経費")
    protect(ws)


def _write_promotion(
    ws: Worksheet, events_ws: Worksheet, plan: PlanWorkbook, rules: Snapshot
) -> None:
    p = plan.profile
    _title(
        ws,
        sheet_heading(PROMOTION_TABLE, p),
        "黄色のセルに入力してください。空欄は「計画なし・未記入」として扱います。",
    )
    ref, _ = write_promotion(ws, plan.promotion, plan.months, first_row=FIRST_ROW, unlock=_unlock)
    _style_table(ws, PROMOTION_TABLE, ref)
    for r in range(FIRST_ROW, FIRST_ROW + len(PROMOTION_ITEMS)):
        ws.cell(r, 3).alignment = WRAP_TOP
    last = FIRST_ROW + len(PROMOTION_ITEMS) - 1
    print_ready(ws, title_rows=(HEADER_ROW, HEADER_ROW), area=f"A1:C{last}", footer="申請推進")
    protect(ws)
    _title(
        events_ws,
        sheet_heading(EVENTS_TABLE, p),
        "1行に1回（月ごと）。空いている行に追加できます。空行は読み飛ばします。",
    )
    ref = write_events(
        events_ws,
        plan.promotion.offsite_events,
        plan.months,
        first_row=FIRST_ROW,
        spare_rows=ExcelRules.from_rules(rules).spare_event_rows,
        unlock=_unlock,
    )
    _style_table(events_ws, EVENTS_TABLE, ref)
    print_ready(
        events_ws,
        title_rows=(HEADER_ROW, HEADER_ROW),
        area=ref.replace("A3", "A1"),
        footer="出張申請受付",
    )
    protect(events_ws)


def build_workbook(
    plan: PlanWorkbook,
    calendar: TemplateCalendar,
    *,
    as_of: dt.date,
    spare_budget_rows: int = 5,
    made_on: dt.date | None = None,
) -> Workbook:
    """The workbook for one municipality, in memory. ``made_on`` (作成日) is today unless
    given."""
    rules = load_rules().at(as_of)
    day = made_on or dt.date.today()
    wb = Workbook()
    wb.add_named_style(_input_count_style())
    monthly = wb.active
    assert monthly is not None
    monthly.title = sheet_title(MONTHLY_TABLE)
    share_of = PlanRules.from_rules(rules).target_share_of_population
    _write_monthly(monthly, plan, calendar, rules, share_of, day)
    _write_profile(wb.create_sheet(sheet_title(PROFILE_TABLE)), plan)
    _write_budget(wb.create_sheet(sheet_title(BUDGET_TABLE)), plan, spare_budget_rows)
    _write_promotion(
        wb.create_sheet(sheet_title(PROMOTION_TABLE)),
        wb.create_sheet(sheet_title(EVENTS_TABLE)),
        plan,
        rules,
    )
    write_example(wb.create_sheet(EXAMPLE_SHEET), plan.months, day)
    write_help(wb.create_sheet(HELP_SHEET))
    if plan.kind == RENEWAL:
        _renewal_wording(wb)
    return wb


def _renewal_wording(wb: Workbook) -> None:
    """The renewal workbook (issue 17): 更新 for 交付 in the monthly form's titles and headers
    (with its unit: 「更新件数（件）」), on 月別計画, 記入例 and the 月別計画 rows of 説明; the
    基本情報 items keep their names (the 2020 baseline). The issuance target (R6.1-1: the
    cumulative count against the population) does not apply to renewals and is left out."""
    monthly = wb[sheet_title(MONTHLY_TABLE)]
    cells = [c for ws in (monthly, wb[EXAMPLE_SHEET]) for row in ws.iter_rows() for c in row]
    cells += [c for row in wb[HELP_SHEET].iter_rows() if row[0].value == monthly.title for c in row]
    for cell in cells:
        value = cell.value
        if not isinstance(value, str) or value.startswith("="):
            continue
        text, unit = value, ""
        if value.endswith("）") and "（" in value and value not in RENEWAL_WORDING:
            cut = value.rindex("（")
            text, unit = value[:cut], value[cut:]
        if text in RENEWAL_WORDING:
            cell.value = RENEWAL_WORDING[text] + ("（件）" if unit == "（枚）" else unit)
    for row in monthly.iter_rows():
        if row[0].value == "判定（R6.1-1）":
            for cell in row:
                cell.value = None


def write_template(
    path: Path,
    plan: PlanWorkbook,
    calendar: TemplateCalendar,
    *,
    as_of: dt.date,
    made_on: dt.date | None = None,
) -> None:
    """Write the workbook to ``path`` atomically: a reader never sees half a file."""
    write_file(path, template_content(plan, calendar, as_of=as_of, made_on=made_on))


def template_content(
    plan: PlanWorkbook,
    calendar: TemplateCalendar,
    *,
    as_of: dt.date,
    made_on: dt.date | None = None,
) -> Callable[[Path], None]:
    """The workbook as content for :func:`kofuplan.adapters.output.write_files`: built only
    when written, so a prefecture's workbooks are never all in memory at once."""
    return lambda tmp: build_workbook(plan, calendar, as_of=as_of, made_on=made_on).save(tmp)


def workbook_bytes(plan: PlanWorkbook, calendar: TemplateCalendar, as_of: dt.date) -> bytes:
    """The template workbook in memory (the service's download)."""
    out = io.BytesIO()
    build_workbook(plan, calendar, as_of=as_of).save(out)
    return out.getvalue()
