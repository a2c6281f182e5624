"""Reads a plan in the ``plan_monthly.csv`` format, possibly written by hand.

Only an unreadable file is an error here (not UTF-8 CSV, or a required column missing): the
message names the file, and the line or column. Every problem inside the cells is left to
:func:`kofuplan.domain.plan_form.read_plan_form`, which reports it as an R1.2 finding.
"""

from __future__ import annotations

import csv
from pathlib import Path

from kofuplan.domain.plan_form import REQUIRED_COLUMNS, PlanRow
from kofuplan.errors import InputError


def read_plan_header(path: Path) -> list[str]:
    """The header of a CSV file, or an InputError naming the file."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [c.strip() for c in next(csv.reader(handle), [])]
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}:1: not a UTF-8 CSV file ({exc})") from None


def is_plan_file(path: Path) -> bool:
    """Whether a CSV file looks like a plan (has an lg_code and a month column)."""
    try:
        header = read_plan_header(path)
    except InputError:
        return False
    return "lg_code" in header and "month" in header


def read_plan_rows(path: Path) -> list[PlanRow]:
    """Every non-blank row of the plan, with its line number and its cells as text."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror}") from None
    rows: list[PlanRow] = []
    line = 1
    with handle:
        reader = csv.reader(handle)
        try:
            header = [c.strip() for c in next(reader, [])]
            if not header or header == [""]:
                raise InputError(f"{path}: the file is empty")
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise InputError(
                    f"{path}:1: missing required column(s) {', '.join(missing)}; "
                    f"a plan needs {', '.join(REQUIRED_COLUMNS)}"
                )
            dupes = sorted({c for c in header if c and header.count(c) > 1})
            if dupes:
                raise InputError(f"{path}:1: column(s) given twice: {', '.join(dupes)}")
            for record in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in record):
                    continue
                # A short row leaves its last cells blank, which the form check reports.
                cells = {
                    name: (record[k] if k < len(record) else "") for k, name in enumerate(header)
                }
                rows.append(PlanRow(line, cells))
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}:{line + 1}: not UTF-8 text ({exc.reason})") from None
        except csv.Error as exc:
            raise InputError(f"{path}:{line + 1}: malformed CSV ({exc})") from None
    return rows
