"""Read filled plan workbooks: container checks, then the tables by name, then the cells."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kofuplan.adapters.excel.container import Limits, check_container
from kofuplan.adapters.excel.errors import WorkbookError
from kofuplan.adapters.excel.layout import PROMOTION_TABLES, TABLES
from kofuplan.adapters.excel.model import PlanWorkbook
from kofuplan.adapters.excel.parse import parse_plan_workbook
from kofuplan.adapters.excel.tables import RawTable, read_tables_calamine
from kofuplan.domain.snapshots import month_range
from kofuplan.parameters import Snapshot, load_rules

TableSource = Callable[[Path, str, Iterable[str]], Mapping[str, RawTable]]


def plan_months(rules: Snapshot) -> tuple[str, ...]:
    """Every month of the plan period, YYYY-MM (2020-10 … 2023-03)."""
    return tuple(month_range(str(rules["plan.period_start"]), str(rules["plan.period_end"])))


@dataclass(frozen=True)
class ReadSettings:
    limits: Limits
    months: tuple[str, ...]

    @classmethod
    def at(cls, day: dt.date) -> ReadSettings:
        rules = load_rules().at(day)
        return cls(Limits.from_rules(rules), plan_months(rules))


def read_plan_workbook(
    path: Path, settings: ReadSettings, *, source: TableSource = read_tables_calamine
) -> PlanWorkbook:
    """One workbook's contents, or :class:`WorkbookError` naming the file, sheet and cell."""
    label = path.name
    check_container(path, label, settings.limits)
    tables = source(path, label, (*TABLES, *PROMOTION_TABLES))
    return parse_plan_workbook(
        label,
        tables,
        settings.months,
        max_budget_rows=settings.limits.max_budget_rows,
        max_event_rows=settings.limits.max_event_rows,
    )


@dataclass(frozen=True)
class ReadOutcome:
    path: Path
    plan: PlanWorkbook | None
    error: WorkbookError | None


def read_many(
    paths: Sequence[Path], settings: ReadSettings, *, source: TableSource = read_tables_calamine
) -> Iterator[ReadOutcome]:
    """Each file's outcome in turn; a bad file never stops the others."""
    for path in paths:
        try:
            yield ReadOutcome(path, read_plan_workbook(path, settings, source=source), None)
        except WorkbookError as exc:
            yield ReadOutcome(path, None, exc)
