"""Write many plan workbooks fast: lay the workbook out once with openpyxl, then stamp each
municipality's values into the saved XML.

openpyxl spends ~0.2 s laying out and serialising one workbook; 1,741 of them took minutes.
Everything but the municipality's own values (styles, formulas, validations, print set-up,
the 記入例 and 説明 sheets) is the same in every workbook of a run. So a skeleton is built
once per *shape* (the calendar, how many budget lines and events, which promotion items are
given): the workbook of the first municipality of that shape, with a token in each of its
variable cells. Each workbook is then the skeleton's XML with every token replaced by the
municipality's value, written as openpyxl would write it (inline strings, numbers, dates as
serial numbers).

:func:`variable_cells` lists those cells; the tests compare every cell, style, validation and
print setting of a stamped workbook with :func:`build_workbook`'s, so the two cannot drift.
A municipality whose text looks like a formula, or holds characters XML cannot carry, is
written by openpyxl itself (the slow path): it is rare, and openpyxl's escaping is the rule.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.compat.strings import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from kofuplan.adapters.excel.layout import (
    BUDGET_ITEM_LABELS,
    BUDGET_TABLE,
    EVENT_FIELDS,
    EVENTS_TABLE,
    MONTHLY_COUNTS,
    MONTHLY_TABLE,
    PROFILE_FIELDS,
    PROFILE_TABLE,
    PROMOTION_ITEMS,
    PROMOTION_TABLE,
    sheet_title,
)
from kofuplan.adapters.excel.promotion_sheet import shown_value
from kofuplan.adapters.excel.sheet_layout import FIRST_ROW, MONTHLY_FIRST_COL, MONTHLY_FIRST_ROW
from kofuplan.adapters.excel.template import build_workbook, sheet_heading
from kofuplan.adapters.safe_text import looks_like_formula
from kofuplan.domain.wareki import reiwa_date, reiwa_fiscal_year
from kofuplan.domain.workbook import PlanWorkbook, TemplateCalendar

Cells = dict[str, dict[str, Any]]  # sheet title -> {"C7": value}
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: never in a municipality's data
_TOKEN_CELL = re.compile(
    r'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr"><is><t>'
    + _OPEN
    + r"(\d+)"
    + _CLOSE
    + r"</t></is></c>"
)


def variable_cells(plan: PlanWorkbook, made_on: dt.date) -> Cells:
    """Every cell whose value is the municipality's own, with that value as the workbook
    holds it (None: blank), by sheet and cell, as :func:`build_workbook` places them."""
    p = plan.profile
    monthly: dict[str, Any] = {
        "B2": p.pref_name or None,
        "D2": p.name or None,
        "F2": p.lg_code,
        "H2": reiwa_date(made_on),
    }
    for i in range(len(plan.months)):
        for j, f in enumerate(MONTHLY_COUNTS, start=1):
            col = get_column_letter(MONTHLY_FIRST_COL + j)
            monthly[f"{col}{MONTHLY_FIRST_ROW + i}"] = plan.counts[f.name][i]
    profile: dict[str, Any] = {"A1": sheet_heading(PROFILE_TABLE, p)}
    for i, f in enumerate(PROFILE_FIELDS):
        profile[f"B{FIRST_ROW + i}"] = getattr(p, f.name)
    budget: dict[str, Any] = {"A1": sheet_heading(BUDGET_TABLE, p)}
    for i, line in enumerate(plan.budget):
        r = FIRST_ROW + i
        budget[f"A{r}"] = reiwa_fiscal_year(line.fiscal_year)
        budget[f"B{r}"] = BUDGET_ITEM_LABELS.get(line.item, line.item)
        budget[f"C{r}"] = line.yen
    promotion: dict[str, Any] = {"A1": sheet_heading(PROMOTION_TABLE, p)}
    for i, f in enumerate(PROMOTION_ITEMS):
        promotion[f"B{FIRST_ROW + i}"] = shown_value(f, getattr(plan.promotion, f.name))
    events: dict[str, Any] = {"A1": sheet_heading(EVENTS_TABLE, p)}
    for i, event in enumerate(plan.promotion.offsite_events):
        for j, f in enumerate(EVENT_FIELDS, start=1):
            events[f"{get_column_letter(j)}{FIRST_ROW + i}"] = shown_value(
                f, getattr(event, f.name)
            )
    return {
        sheet_title(MONTHLY_TABLE): monthly,
        sheet_title(PROFILE_TABLE): profile,
        sheet_title(BUDGET_TABLE): budget,
        sheet_title(PROMOTION_TABLE): promotion,
        sheet_title(EVENTS_TABLE): events,
    }


def _shape(plan: PlanWorkbook, calendar: TemplateCalendar) -> tuple[Any, ...]:
    """What the skeleton depends on besides the values themselves."""
    given = tuple(getattr(plan.promotion, f.name) in (None, "", ()) for f in PROMOTION_ITEMS)
    return (
        plan.kind,
        plan.months,
        calendar,
        len(plan.budget),
        len(plan.promotion.offsite_events),
        given,
        not plan.profile.pref_name,
        not plan.profile.name,
    )


def _plain(cells: Cells) -> bool:
    """True when every text is one the stamp writes exactly as openpyxl would."""
    for values in cells.values():
        for value in values.values():
            if isinstance(value, str) and (
                looks_like_formula(value)
                or ILLEGAL_CHARACTERS_RE.search(value)
                or _OPEN in value
                or _CLOSE in value
            ):
                return False
    return True


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell_xml(ref: str, style: str, value: Any) -> str:
    if value is None or value == "":
        return f'<c r="{ref}"{style} />'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):  # as openpyxl writes numbers: 16 significant digits
        return f'<c r="{ref}"{style} t="n"><v>{safe_string(value)}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}"{style} t="n"><v>{safe_string(to_excel(value))}</v></c>'
    text = str(value)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


@dataclass
class _Skeleton:
    parts: dict[str, bytes]  # zip members that hold no token
    # per member with tokens: fragments of XML and (slot, cell, style) between them
    stamped: dict[str, list[str | tuple[str, str, str, str]]]

    def render(self, cells: Cells) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in self.parts.items():
                zf.writestr(name, data)
            for name, pieces in self.stamped.items():
                chunks = []
                for piece in pieces:
                    if isinstance(piece, str):
                        chunks.append(piece)
                    else:
                        sheet, ref, style, _ = piece
                        chunks.append(_cell_xml(ref, style, cells[sheet][ref]))
                zf.writestr(name, "".join(chunks))
        return out.getvalue()


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet title -> its worksheet part, from workbook.xml and its relationships."""
    workbook = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    targets = dict(re.findall(r'Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets.update({rid: t for t, rid in re.findall(r'Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
    out = {}
    for name, rid in re.findall(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"', workbook):
        target = targets[rid].lstrip("/")
        out[name] = target if target.startswith("xl/") else "xl/" + target
    return out


def _skeleton(
    plan: PlanWorkbook, calendar: TemplateCalendar, *, as_of: dt.date, made_on: dt.date
) -> _Skeleton:
    wb = build_workbook(plan, calendar, as_of=as_of, made_on=made_on)
    cells = variable_cells(plan, made_on)
    slots: dict[int, tuple[str, str]] = {}
    for sheet, values in cells.items():
        ws = wb[sheet]
        for ref in values:
            k = len(slots)
            slots[k] = (sheet, ref)
            ws[ref].value = f"{_OPEN}{k}{_CLOSE}"
    raw = io.BytesIO()
    wb.save(raw)
    with zipfile.ZipFile(raw) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    by_part = {part: sheet for sheet, part in _sheet_parts(parts).items()}
    stamped: dict[str, list[str | tuple[str, str, str, str]]] = {}
    seen: set[int] = set()
    for part, sheet in by_part.items():
        if sheet not in cells:
            continue
        xml = parts.pop(part).decode()
        pieces: list[str | tuple[str, str, str, str]] = []
        at = 0
        for m in _TOKEN_CELL.finditer(xml):
            k = int(m.group(3))
            where = slots[k]
            if where != (sheet, m.group(1)):
                raise AssertionError(f"stamp: token {k} of {where} found at {sheet}!{m.group(1)}")
            pieces += [xml[at : m.start()], (sheet, m.group(1), m.group(2), "")]
            seen.add(k)
            at = m.end()
        pieces.append(xml[at:])
        if _OPEN in xml[at:] or any(_OPEN in p for p in pieces if isinstance(p, str)):
            raise AssertionError(f"stamp: a token of {sheet} is not a whole cell")
        stamped[part] = pieces
    if seen != set(slots):
        raise AssertionError("stamp: some variable cells were not found in the saved XML")
    return _Skeleton(parts, stamped)


class TemplateStamper:
    """Workbooks for many municipalities of one run, as :func:`build_workbook` would write
    them, at a fraction of the time (one skeleton per shape; see the module's docstring)."""

    def __init__(self, *, as_of: dt.date, made_on: dt.date) -> None:
        self.as_of = as_of
        self.made_on = made_on
        self._skeletons: dict[tuple[Any, ...], _Skeleton] = {}
        self.slow = 0  # workbooks openpyxl wrote itself

    def workbook_bytes(self, plan: PlanWorkbook, calendar: TemplateCalendar) -> bytes:
        cells = variable_cells(plan, self.made_on)
        if not _plain(cells):
            self.slow += 1
            out = io.BytesIO()
            build_workbook(plan, calendar, as_of=self.as_of, made_on=self.made_on).save(out)
            return out.getvalue()
        key = _shape(plan, calendar)
        skeleton = self._skeletons.get(key)
        if skeleton is None:
            skeleton = _skeleton(plan, calendar, as_of=self.as_of, made_on=self.made_on)
            self._skeletons[key] = skeleton
        return skeleton.render(cells)


def stamp_all(
    contents: Sequence[tuple[PlanWorkbook, TemplateCalendar]], *, as_of: dt.date, made_on: dt.date
) -> list[bytes]:
    """Every workbook of ``contents``, in order (for tests and small runs)."""
    stamper = TemplateStamper(as_of=as_of, made_on=made_on)
    return [stamper.workbook_bytes(plan, calendar) for plan, calendar in contents]
