"""Excel adapter: the municipality's plan workbook (template and reader) and the prefecture's
submission workbook. Layout: docs/excel.md."""

from kofuplan.adapters.excel.errors import WorkbookError
from kofuplan.adapters.excel.model import BudgetLine, MonthCalendar, PlanWorkbook, Profile
from kofuplan.adapters.excel.reader import ReadSettings, read_many, read_plan_workbook

__all__ = [
    "BudgetLine",
    "MonthCalendar",
    "PlanWorkbook",
    "Profile",
    "ReadSettings",
    "WorkbookError",
    "read_many",
    "read_plan_workbook",
]
