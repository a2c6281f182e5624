"""Read filled plan workbooks: container checks, then the tables by name, then the cells."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kofuplan.adapters.excel.container import Limits, open_container
from kofuplan.adapters.excel.errors import WorkbookError
from kofuplan.adapters.excel.layout import HEADER_BLOCK, PROMOTION_TABLES, TABLES
from kofuplan.adapters.excel.parse import parse_plan_workbook
from kofuplan.adapters.excel.tables import RawTable, read_tables_calamine
from kofuplan.domain.renewal import RenewalRules
from kofuplan.domain.rule_values import PlanRules
from kofuplan.domain.snapshots import month_range
from kofuplan.domain.workbook import PlanWorkbook
from kofuplan.parameters import Snapshot, load_rules

# (file, its label, the tables wanted, the checked .xlsx/.ods zip or None) -> tables found
TableSource = Callable[[Path, str, Iterable[str], zipfile.ZipFile | None], Mapping[str, RawTable]]


def plan_months(rules: Snapshot) -> tuple[str, ...]:
    """Every month of the plan period, YYYY-MM (2020-10 … 2023-03)."""
    plan = PlanRules.from_rules(rules)
    return tuple(month_range(plan.period_start, plan.period_end))


def renewal_months(rules: Snapshot) -> tuple[str, ...]:
    """Every month of the renewal plan's period (issue 17: 2025-04 … 2031-03)."""
    period = RenewalRules.from_rules(rules)
    return tuple(month_range(period.period_start, period.period_end))


@dataclass(frozen=True)
class ReadSettings:
    limits: Limits
    months: tuple[str, ...]
    # The months of a renewal plan's workbook (issue 17); none where only issuance plans are
    # taken (the service's plan page), so that a renewal workbook is refused, not misread.
    renewal_months: tuple[str, ...] = ()

    @classmethod
    def at(cls, day: dt.date, *, renewal: bool = False) -> ReadSettings:
        """The limits and months at ``day``; with ``renewal``, renewal workbooks over the
        whole renewal period too (`excel read` narrows it to the months from --as-of)."""
        rules = load_rules().at(day)
        renewals = renewal_months(rules) if renewal else ()
        return cls(Limits.from_rules(rules), plan_months(rules), renewals)


def read_plan_workbook(
    path: Path, settings: ReadSettings, *, source: TableSource = read_tables_calamine
) -> PlanWorkbook:
    """One workbook's contents, or :class:`WorkbookError` naming the file, sheet and cell."""
    label = path.name
    with open_container(path, label, settings.limits) as zf:
        tables = source(path, label, (*TABLES, *PROMOTION_TABLES, HEADER_BLOCK), zf)
    return parse_plan_workbook(
        label,
        tables,
        settings.months,
        max_budget_rows=settings.limits.max_budget_rows,
        max_event_rows=settings.limits.max_event_rows,
        renewal_months=settings.renewal_months,
    )


@dataclass(frozen=True)
class ReadOutcome:
    """What became of one file: read (``plan``), rejected (``error``) or ignored (``ignored``,
    the reason in Japanese and English); ``warnings`` for a file read with a remark."""

    path: Path
    plan: PlanWorkbook | None
    error: WorkbookError | None
    ignored: tuple[str, str] | None = None
    warnings: tuple[tuple[str, str], ...] = ()


# What a spreadsheet may be called (any case); python-calamine reads all of them.
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_FILE_CODE = re.compile(r"^(\d{6})(?!\d)")


def file_lg_code(name: str) -> str | None:
    """The 団体コード a file name starts with (``131016.xlsx``, ``131016_千代田区.xlsx``)."""
    match = _FILE_CODE.match(name)
    return match.group(1) if match else None


def ignore_reason(path: Path) -> tuple[str, str] | None:
    """Why a file found in a folder is not read: shared-folder debris and other files."""
    name = path.name
    if name.startswith("~$"):
        return (
            "Excelが開いている間だけ作る一時ファイル（ロックファイル）のため読み込みません",
            "an Excel lock file (made while the workbook is open): ignored",
        )
    if name.startswith(".") or name.lower() in ("thumbs.db", "desktop.ini"):
        return ("隠しファイル・システムファイルのため読み込みません", "a hidden file: ignored")
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return (
            "表計算ファイル（.xlsx・.xls・.ods）ではないため読み込みません",
            "not a spreadsheet (.xlsx, .xls, .ods): ignored",
        )
    return None


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files named, and every file of the folders named (not their sub-folders), sorted."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if not f.is_dir()))
        else:
            out.append(p)
    return out


def read_many(
    paths: Sequence[Path], settings: ReadSettings, *, source: TableSource = read_tables_calamine
) -> Iterator[ReadOutcome]:
    """Each file's outcome in turn; a bad file never stops the others."""
    for path in paths:
        try:
            yield ReadOutcome(path, read_plan_workbook(path, settings, source=source), None)
        except WorkbookError as exc:
            yield ReadOutcome(path, None, exc)


def account_for(
    paths: Sequence[Path],
    settings: ReadSettings,
    *,
    source: TableSource = read_tables_calamine,
    on_file: Callable[[ReadOutcome], None] | None = None,
) -> list[ReadOutcome]:
    """Every file accounted for: read, rejected with its problems, or ignored with a reason.

    The municipality comes from the workbook; a file name starting with another 団体コード is
    a warning. Two files for one municipality are both rejected, each naming the other: which
    one is current is for the clerk to say, never for us to guess.
    """
    outcomes: list[ReadOutcome] = []
    for path in paths:
        reason = ignore_reason(path)
        if reason is not None:
            outcome = ReadOutcome(path, None, None, ignored=reason)
        else:
            outcome = next(read_many([path], settings, source=source))
        if outcome.plan is not None:
            outcome = _name_warning(outcome, outcome.plan.profile.lg_code)
        outcomes.append(outcome)
        if on_file is not None:
            on_file(outcome)
    by_code: dict[str, list[int]] = {}
    for i, o in enumerate(outcomes):
        if o.plan is not None:
            by_code.setdefault(o.plan.profile.lg_code, []).append(i)
    for code, indices in by_code.items():
        if len(indices) < 2:
            continue
        names = [outcomes[i].path.name for i in indices]
        for i in indices:
            o = outcomes[i]
            others = "、".join(n for n in names if n != o.path.name)
            error = WorkbookError(
                [
                    f"{o.path.name}: 団体コード {code} の計画が複数のファイルにあります"
                    f"（{'、'.join(names)}）。最新の1つだけを残し、ほかは削除してください"
                    f"（ほかのファイル: {others}）"
                ],
                [
                    f"{o.path.name}: 団体コード {code} is in more than one file "
                    f"({', '.join(names)}): keep only the current one"
                ],
            )
            outcomes[i] = ReadOutcome(o.path, None, error, warnings=o.warnings)
    return outcomes


def _name_warning(outcome: ReadOutcome, code: str) -> ReadOutcome:
    named = file_lg_code(outcome.path.name)
    if named is None or named == code:
        return outcome
    warning = (
        f"ファイル名の団体コード {named} がブックの団体コード {code} と異なります。"
        f"ブックの団体コード {code} として読み込みました",
        f"the file name says 団体コード {named} but the workbook is {code}; read as {code}",
    )
    return ReadOutcome(outcome.path, outcome.plan, None, warnings=(warning,))


def read_workbook_bytes(filename: str, data: bytes, as_of: dt.date) -> PlanWorkbook:
    """An uploaded workbook, read as a file at the rules of ``as_of`` (WorkbookError naming
    the sheet and cell of every problem)."""
    with tempfile.TemporaryDirectory(prefix="kofuplan-upload-") as tmp:
        path = Path(tmp) / (Path(filename or "upload.xlsx").name or "upload.xlsx")
        path.write_bytes(data)
        return read_plan_workbook(path, ReadSettings.at(as_of))
