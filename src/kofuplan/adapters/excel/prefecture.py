"""Write a prefecture's submission workbook (R7.1): a row per municipality with its monthly
counts, what it adds by March 2023 and the check results; the findings with their advice;
a summary. Numbers carry thousands separators, headers are frozen, widths are set."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kofuplan.adapters.excel.form import print_ready
from kofuplan.adapters.output import write_file
from kofuplan.adapters.safe_text import set_excel_text
from kofuplan.domain.prefecture_book import (
    CHECK_TITLES,
    MISSING,
    RETURNED,
    SUBMITTED,
    PrefectureBook,
)
from kofuplan.domain.promotion import MunicipalPromotion, has_promotion_section, rollup
from kofuplan.domain.wareki import reiwa_date, reiwa_month

NUMBER = "#,##0"
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
BAD_FILL = PatternFill("solid", fgColor="F4CCCC")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
SHRINK = Alignment(shrink_to_fit=True)
SEVERITY_JA = {"error": "要修正", "warning": "要確認", "info": "参考"}


STATUS_FILL = {
    MISSING: PatternFill("solid", fgColor="FFF2CC"),
    RETURNED: PatternFill("solid", fgColor="F4CCCC"),
}


def _header(ws: Worksheet, row: int, titles: Sequence[str]) -> None:
    for j, title in enumerate(titles, start=1):
        cell = ws.cell(row, j, title)
        cell.font = BOLD
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width


def _plans_sheet(ws: Worksheet, book: PrefectureBook) -> None:
    months = [reiwa_month(m) for m in book.months]
    last = reiwa_month(book.months[-1])
    titles = [
        "団体コード",
        "団体名",
        *months,
        "合計",
        f"窓口の増加({last})",
        f"職員の増加({last})",
        *CHECK_TITLES.values(),
    ]
    _header(ws, 1, titles)
    m = len(book.months)
    for i, row in enumerate(book.rows, start=2):
        set_excel_text(ws.cell(i, 1), row.lg_code)
        set_excel_text(ws.cell(i, 2), row.name)
        values = [*row.issuance, sum(row.issuance), row.counters_added, row.staff_added]
        for j, v in enumerate(values, start=3):
            ws.cell(i, j, v).number_format = NUMBER
        for j, code in enumerate(CHECK_TITLES, start=3 + len(values)):
            n = row.failures.get(code, 0)
            cell = ws.cell(i, j, "○" if n == 0 else f"× {n}件")
            if n:
                cell.fill = BAD_FILL
    total = len(book.rows) + 2
    ws.cell(total, 2, "合計").font = BOLD
    sums = [sum(r.issuance[k] for r in book.rows) for k in range(m)]
    sums += [sum(sums), sum(r.counters_added for r in book.rows)]
    sums += [sum(r.staff_added for r in book.rows)]
    for j, v in enumerate(sums, start=3):
        cell = ws.cell(total, j, v)
        cell.number_format = NUMBER
        cell.font = BOLD
    for j, code in enumerate(CHECK_TITLES, start=3 + m + 3):
        passing = sum(1 for r in book.rows if r.failures.get(code, 0) == 0)
        ws.cell(total, j, f"適合 {passing}/{len(book.rows)}").font = BOLD
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = "C2"
    _widths(ws, [10, 14, *([11] * m), 13, 12, 12, *([14] * len(CHECK_TITLES))])
    for r in range(2, total + 1):
        ws.cell(r, 2).alignment = SHRINK
    last_col = get_column_letter(len(titles))
    print_ready(ws, title_rows=(1, 1), area=f"A1:{last_col}{total}", footer="計画一覧")


def _findings_sheet(ws: Worksheet, book: PrefectureBook) -> None:
    names = {r.lg_code: r.name for r in book.rows}
    _header(ws, 1, ["団体コード", "団体名", "月", "区分", "重要度", "値", "基準", "助言"])
    for i, f in enumerate(book.findings, start=2):
        set_excel_text(ws.cell(i, 1), f.lg_code)
        set_excel_text(ws.cell(i, 2), names.get(f.lg_code, ""))
        ws.cell(i, 3, reiwa_month(f.month) if f.month else "計画全体")
        ws.cell(i, 4, f.code)
        ws.cell(i, 5, SEVERITY_JA.get(f.severity, f.severity))
        for j, v in ((6, f.value), (7, f.threshold)):
            ws.cell(i, j, v).number_format = NUMBER
        cell = ws.cell(i, 8)
        set_excel_text(cell, f.message)
        cell.alignment = WRAP_TOP
        ws.cell(i, 2).alignment = SHRINK
    ws.freeze_panes = "A2"
    _widths(ws, [10, 14, 12, 9, 8, 12, 12, 70])
    last = max(len(book.findings) + 1, 2)
    print_ready(ws, title_rows=(1, 1), area=f"A1:H{last}", footer="指摘事項")


def _summary_sheet(ws: Worksheet, book: PrefectureBook) -> None:
    ws["A1"] = f"マイナンバーカード交付円滑化計画 集計 {_pref_label(book)}"
    ws["A1"].font = Font(bold=True, size=14)
    total = sum(sum(r.issuance) for r in book.rows)
    status = [e.status for e in book.roster]
    facts: list[tuple[str, object]] = [
        ("作成日", reiwa_date(book.made_on)),
        ("団体数", len(book.rows)),
        ("管内の団体数（統計）", len(book.roster)),
        ("提出済", status.count(SUBMITTED)),
        ("未提出", status.count(MISSING)),
        ("差戻し", status.count(RETURNED)),
        ("計画期間の交付枚数合計", total),
        (
            f"窓口の増加({reiwa_month(book.months[-1])}まで)",
            sum(r.counters_added for r in book.rows),
        ),
        (f"職員の増加({reiwa_month(book.months[-1])}まで)", sum(r.staff_added for r in book.rows)),
        ("増加の基準", book.baseline_note),
        ("指摘事項の件数", len(book.findings)),
    ]
    for code, title in CHECK_TITLES.items():
        passing = sum(1 for r in book.rows if r.failures.get(code, 0) == 0)
        facts.append((f"{title} 適合団体数", passing))
    facts += promotion_facts(book)
    for i, (label, value) in enumerate(facts, start=3):
        ws.cell(i, 1, label).font = BOLD
        cell = ws.cell(i, 2, value)
        if isinstance(value, int):
            cell.number_format = NUMBER
    top = len(facts) + 5
    _header(ws, top, ["月", "交付枚数", "交付能力", "窓口数", "職員数"])
    for k, month in enumerate(book.months):
        r = top + 1 + k
        ws.cell(r, 1, reiwa_month(month))
        values = (
            sum(row.issuance[k] for row in book.rows),
            book.monthly_capacity[k],
            book.monthly_counters[k],
            book.monthly_staff[k],
        )
        for j, v in enumerate(values, start=2):
            ws.cell(r, j, v).number_format = NUMBER
    ws.freeze_panes = ws.cell(top + 1, 1)
    _widths(ws, [46, 24, 16, 12, 12])
    for r in range(3, len(facts) + 3):
        ws.cell(r, 2).alignment = SHRINK
    print_ready(ws, title_rows=(1, 1), area=f"A1:E{top + len(book.months)}", footer="集計")


def promotion_facts(book: PrefectureBook) -> list[tuple[str, object]]:
    """The prefecture's rollup of the promotion sections: forms mailed, events and the
    convenience-store fee reductions (R2.4: the Ministry's survey)."""
    promotions = {r.lg_code: r.promotion for r in book.rows}
    total = rollup([r.lg_code for r in book.rows], promotions)
    return [
        ("申請推進の記載がある団体数", sum(has_promotion_section(p) for p in promotions.values())),
        ("QRコード付き申請書の送付枚数（R3.2）", total.forms_mailed),
        ("出張申請受付の回数（R3.3）", total.events),
        ("出張申請受付の日数（R3.3）", total.event_days),
        ("コンビニ交付の実施団体数（R2.4）", total.konbini_offered),
        ("コンビニ交付手数料の引下げ団体数（R2.4）", total.konbini_reduced),
    ]


PROMOTION_TITLES = (
    "団体コード",
    "団体名",
    "QRコード付き申請書の送付枚数",
    "送付月",
    "出張申請受付（回）",
    "出張申請受付（日）",
    "うち感染対策あり（回）",
    "出張申請見込（件）",
    "健康保険証利用申込の支援方法",
    "支援する住民の割合",
    "夜間開庁（回/月）",
    "夜間延長時間",
    "コンビニ交付",
    "窓口手数料（円）",
    "コンビニ手数料（円）",
    "引下げ額（円）",
    "引下げ開始日",
)


def _promotion_values(p: MunicipalPromotion) -> list[object]:
    """One municipality's row of 申請推進; None (a blank cell) where nothing was given."""
    if not has_promotion_section(p):
        return [None] * (len(PROMOTION_TITLES) - 2)
    events = p.offsite_events
    return [
        p.qr_mailing_forms,
        "、".join(reiwa_month(m) for m in p.qr_mailing_months) or None,
        len(events),
        sum(e.days for e in events),
        sum(1 for e in events if e.infection_control),
        sum(e.days * e.applications_per_day for e in events),
        p.insurance_support_method,
        p.insurance_assist_share,
        p.evenings_per_month,
        p.evening_hours,
        {None: None, True: "実施", False: "未実施"}[p.konbini_offered],
        p.konbini_fee_counter_yen,
        p.konbini_fee_store_yen,
        p.konbini_reduction_yen,
        dt.date.fromisoformat(p.konbini_reduction_from) if p.konbini_reduction_from else None,
    ]


# Shares as percentages, hours to the quarter (2.5 hours must not print as 3).
FORMATS = {
    PROMOTION_TITLES.index("支援する住民の割合") + 1: "0.0%",
    PROMOTION_TITLES.index("夜間延長時間") + 1: "0.0#",
}
SUMMED = (
    "QRコード付き申請書の送付枚数",
    "出張申請受付（回）",
    "出張申請受付（日）",
    "うち感染対策あり（回）",
    "出張申請見込（件）",
)


def _promotion_sheet(ws: Worksheet, book: PrefectureBook) -> None:
    """申請推進: a row per municipality's promotion section, and the prefecture's totals."""
    _header(ws, 1, PROMOTION_TITLES)
    rows = [_promotion_values(r.promotion) for r in book.rows]
    for i, (row, values) in enumerate(zip(book.rows, rows, strict=True), start=2):
        set_excel_text(ws.cell(i, 1), row.lg_code)
        set_excel_text(ws.cell(i, 2), row.name)
        for j, value in enumerate(values, start=3):
            cell = ws.cell(i, j)
            if isinstance(value, str):
                set_excel_text(cell, value)
            elif isinstance(value, dt.date):
                set_excel_text(cell, reiwa_date(value))
            elif value is not None:
                cell.value = value
                cell.number_format = FORMATS.get(j, NUMBER)
    total = len(book.rows) + 2
    ws.cell(total, 2, "合計").font = BOLD
    for title in SUMMED:
        j = PROMOTION_TITLES.index(title) + 1
        cell = ws.cell(total, j, sum(x for v in rows if isinstance(x := v[j - 3], int)))
        cell.number_format = NUMBER
        cell.font = BOLD
    facts = dict(promotion_facts(book))
    offered = facts["コンビニ交付の実施団体数（R2.4）"]
    reduced = facts["コンビニ交付手数料の引下げ団体数（R2.4）"]
    ws.cell(total, PROMOTION_TITLES.index("コンビニ交付") + 1, f"実施 {offered}").font = BOLD
    ws.cell(total, PROMOTION_TITLES.index("引下げ額（円）") + 1, f"引下げ {reduced}").font = BOLD
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = "C2"
    _widths(ws, [10, 14, 14, 24, 10, 10, 10, 12, 30, 10, 10, 10, 10, 10, 10, 10, 16])
    for r in range(2, total + 1):
        for j in (2, 4, 9):
            ws.cell(r, j).alignment = SHRINK
    last_col = get_column_letter(len(PROMOTION_TITLES))
    print_ready(ws, title_rows=(1, 1), area=f"A1:{last_col}{total}", footer="申請推進")


def _pref_label(book: PrefectureBook) -> str:
    return book.pref_name or f"（都道府県 {book.pref_code}）"


def _status_sheet(ws: Worksheet, book: PrefectureBook) -> None:
    """提出状況: every municipality of the prefecture, 提出済, 未提出 or 差戻し, and why."""
    ws["A1"] = f"マイナンバーカード交付円滑化計画 提出状況 {_pref_label(book)}"
    ws["A1"].font = Font(bold=True, size=14)
    status = [e.status for e in book.roster]
    ws["A2"] = (
        f"作成日 {reiwa_date(book.made_on)}　管内 {len(book.roster)} 団体: "
        f"{SUBMITTED} {status.count(SUBMITTED)}、{MISSING} {status.count(MISSING)}、"
        f"{RETURNED} {status.count(RETURNED)}"
    )
    _header(
        ws, 3, ["団体コード", "団体名", "状況", "備考", "担当課・担当者", "電話・メール", "作成日"]
    )
    for i, e in enumerate(book.roster, start=4):
        set_excel_text(ws.cell(i, 1), e.lg_code)
        set_excel_text(ws.cell(i, 2), e.name)
        ws.cell(i, 2).alignment = SHRINK
        cell = ws.cell(i, 3, e.status)
        if e.status in STATUS_FILL:
            cell.fill = STATUS_FILL[e.status]
        note = ws.cell(i, 4)
        set_excel_text(note, e.note)
        note.alignment = WRAP_TOP
        for j, text in enumerate((e.contact, e.reach), start=5):
            set_excel_text(ws.cell(i, j), text)
            ws.cell(i, j).alignment = WRAP_TOP
        if e.made_on:
            try:
                ws.cell(i, 7, reiwa_date(dt.date.fromisoformat(e.made_on)))
            except ValueError:  # an edited municipalities.csv: shown as it is
                set_excel_text(ws.cell(i, 7), e.made_on)
            ws.cell(i, 7).alignment = SHRINK
    ws.freeze_panes = "A4"
    _widths(ws, [10, 16, 8, 60, 22, 30, 15])
    last = max(len(book.roster) + 3, 4)
    print_ready(ws, title_rows=(3, 3), area=f"A1:G{last}", footer="提出状況")


def write_prefecture_workbook(path: Path, book: PrefectureBook) -> None:
    write_file(path, _workbook(book).save)


def prefecture_workbook_bytes(book: PrefectureBook) -> bytes:
    """The same workbook in memory (the service's download)."""
    out = io.BytesIO()
    _workbook(book).save(out)
    return out.getvalue()


def _workbook(book: PrefectureBook) -> Workbook:
    wb = Workbook()
    status = wb.active
    assert status is not None
    status.title = "提出状況"
    _status_sheet(status, book)
    _plans_sheet(wb.create_sheet("計画一覧"), book)
    _promotion_sheet(wb.create_sheet("申請推進"), book)
    _findings_sheet(wb.create_sheet("指摘事項"), book)
    _summary_sheet(wb.create_sheet("集計"), book)
    return wb
