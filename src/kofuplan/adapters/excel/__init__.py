"""Excel adapter: the municipality's plan workbook (template and reader) and the prefecture's
submission workbook. Layout: docs/excel.md."""

from kofuplan.adapters.excel.errors import WorkbookError
from kofuplan.adapters.excel.reader import ReadSettings, read_many, read_plan_workbook
from kofuplan.domain.workbook import BudgetLine, PlanWorkbook, Profile, TemplateCalendar

__all__ = [
    "BudgetLine",
    "PlanWorkbook",
    "Profile",
    "ReadSettings",
    "TemplateCalendar",
    "WorkbookError",
    "read_many",
    "read_plan_workbook",
]
