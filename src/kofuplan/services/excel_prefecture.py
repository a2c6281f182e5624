"""Use case: a prefecture's submission workbook from a directory of plans (R7.1).

The directory holds ``plan_monthly.csv`` (the plan contract), and optionally ``profiles.csv``
(today's counters, staff and office, and the promotion section), ``municipalities.csv``
(names, population) and ``findings.csv`` (the checks' results), as ``excel read`` writes
them; ``kofuplan plan`` followed by ``kofuplan check`` gives the same files but for names,
today's figures and promotion sections.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kofuplan.adapters.excel.prefecture import (
    CHECK_TITLES,
    MISSING,
    RETURNED,
    SUBMITTED,
    MunicipalityRow,
    PrefectureBook,
    RosterEntry,
    with_contacts,
)
from kofuplan.adapters.excel.reader import file_lg_code
from kofuplan.adapters.plan_reader import read_plan_rows
from kofuplan.adapters.promotion_fields import promotion_from_cells
from kofuplan.adapters.safe_text import looks_like_formula
from kofuplan.adapters.stats_csv import read_stats
from kofuplan.domain.bounds import check_count
from kofuplan.domain.findings import FINDING_COLUMNS, Finding
from kofuplan.domain.plan_form import Cell
from kofuplan.domain.promotion import MunicipalPromotion
from kofuplan.errors import InputError
from kofuplan.parameters import load_rules

UNKNOWN = -1  # a figure profiles.csv does not give

PLAN_NEEDS = (
    "lg_code",
    "month",
    "issuance",
    "dedicated_counters",
    "combined_counters",
    "capacity",
    "staff",
)


def _rows(path: Path, needs: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in needs if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
            return list(reader)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: not a UTF-8 CSV file ({exc})") from None


def _int(row: Mapping[str, Cell], col: str, where: str) -> int:
    value = row.get(col)
    if isinstance(value, int):
        ceiling = int(load_rules().at(dt.date.today())["bounds.count_ceiling"])
        return check_count(value, where, col, ceiling)
    raise InputError(f"{where}: {col} must be a whole number, got {value!r}")


Members = Sequence[tuple[str, str]]  # (団体コード, 団体名) of the prefecture's municipalities


def prefecture_members(stats_path: Path, as_of: dt.date, pref_code: str) -> tuple[str, Members]:
    """The prefecture's name and every municipality of it, from the statistics."""
    stats = read_stats(stats_path, as_of)
    mine = [i for i, p in enumerate(stats.pref_code.tolist()) if str(p) == pref_code]
    if not mine:
        raise InputError(f"{stats_path}: no municipality of prefecture {pref_code}")
    names = stats.name.tolist()
    codes = stats.lg_code.tolist()
    return str(stats.pref_name[mine[0]]), [(str(codes[i]), str(names[i])) for i in mine]


def _returned(plans_dir: Path, pref_code: str) -> dict[str, str]:
    """団体コード -> the first problem, for the workbooks `excel read` rejected (the code from
    the file name; a rejected file cannot be trusted for more)."""
    path = plans_dir / "rejected.csv"
    if not path.is_file():
        return {}
    out: dict[str, str] = {}
    for row in _rows(path, ("file",)):
        if row.get("status", "差戻し") not in ("差戻し", "rejected"):
            continue
        code = file_lg_code(Path(row["file"]).name)
        if code is not None and code[:2] == pref_code and code not in out:
            out[code] = _unquote(row.get("problem", ""))
    return out


def _roster(
    codes: Sequence[str],
    names: Sequence[str],
    returned: Mapping[str, str],
    members: Members | None,
) -> tuple[tuple[RosterEntry, ...], dict[str, str]]:
    """Every municipality with its status, and the names to show (the statistics' names)."""
    read = dict(zip(codes, names, strict=True))
    if members is None:
        entries = [RosterEntry(c, n, SUBMITTED) for c, n in read.items()]
        entries += [
            RosterEntry(c, "", RETURNED, why) for c, why in returned.items() if c not in read
        ]
        return tuple(sorted(entries, key=lambda e: e.lg_code)), read
    known = dict(members)
    entries = []
    for code, name in members:
        if code in read:
            note = ""
            if read[code] and read[code] != name:
                note = f"ブックの団体名「{read[code]}」は統計の団体名と異なります"
            entries.append(RosterEntry(code, name, SUBMITTED, note))
        elif code in returned:
            entries.append(RosterEntry(code, name, RETURNED, returned[code]))
        else:
            entries.append(RosterEntry(code, name, MISSING))
    for code, name in read.items():
        if code not in known:
            entries.append(RosterEntry(code, name, SUBMITTED, "統計にない団体コードです"))
    shown = {c: known.get(c, n) for c, n in read.items()}
    return tuple(sorted(entries, key=lambda e: e.lg_code)), shown


def build_prefecture_book(
    plans_dir: Path,
    pref_code: str,
    made_on: dt.date,
    members: tuple[str, Members] | None = None,
) -> PrefectureBook:
    """The prefecture's workbook from a folder of plans; ``members`` (the prefecture's name and
    municipalities from the statistics) lists every municipality, 提出済, 未提出 or 差戻し, and
    checks the names against the statistics."""
    plan_path = plans_dir / "plan_monthly.csv"
    by_code: dict[str, dict[str, dict[str, int]]] = {}
    for plan_row in read_plan_rows(plan_path, PLAN_NEEDS):  # the one plan reader
        cells = plan_row.cells
        code = str(cells["lg_code"]).strip()
        if code[:2] != pref_code:
            continue
        where = f"{plan_path.name}:{plan_row.line}"
        values = {c: _int(cells, c, where) for c in PLAN_NEEDS if c not in ("lg_code", "month")}
        by_code.setdefault(code, {})[str(cells["month"]).strip()] = values
    if not by_code:
        raise InputError(f"{plan_path}: no municipality of prefecture {pref_code}")
    codes = sorted(by_code)
    months = tuple(sorted(by_code[codes[0]]))
    for code in codes:
        if tuple(sorted(by_code[code])) != months:
            raise InputError(
                f"{plan_path}: {code} does not have the months {months[0]}…{months[-1]}"
            )

    def grid(col: str) -> np.ndarray[Any, np.dtype[np.int64]]:
        return np.array([[by_code[c][m][col] for m in months] for c in codes], dtype=np.int64)

    profiles = _profiles(plans_dir / "profiles.csv")
    for code, row in _profiles(plans_dir / "municipalities.csv").items():
        profiles.setdefault(code, {}).update(row)
    names = [_unquote(profiles.get(c, {}).get("name", "")) for c in codes]
    roster, shown = _roster(
        codes, names, _returned(plans_dir, pref_code), members[1] if members else None
    )
    names = [shown[c] for c in codes]
    # who made each plan read (担当課・担当者・連絡先・作成日 from municipalities.csv)
    roster = tuple(
        with_contacts(e, profiles.get(e.lg_code, {})) if e.status == SUBMITTED else e
        for e in roster
    )
    promotions = _promotions(plans_dir / "profiles.csv", set(codes))

    def given(col: str) -> np.ndarray[Any, np.dtype[np.int64]]:
        values = []
        for c in codes:
            raw = (profiles.get(c, {}).get(col) or "").strip()
            if raw and not raw.isdigit():
                raise InputError(f"{plans_dir / 'profiles.csv'}: {c}: {col} must be a whole number")
            values.append(int(raw) if raw else UNKNOWN)
        return np.array(values, dtype=np.int64)

    dedicated, combined, staff = (
        grid("dedicated_counters"),
        grid("combined_counters"),
        grid("staff"),
    )
    counters = dedicated + combined
    now_counters = given("dedicated_counters") + given("combined_counters")
    have_now = (given("dedicated_counters") != UNKNOWN) & (given("staff") != UNKNOWN)
    # Without today's figures, what the plan adds is measured from its first month.
    base_counters = np.where(have_now, now_counters, counters[:, 0])
    base_staff = np.where(have_now, given("staff"), staff[:, 0])
    findings = _findings(plans_dir / "findings.csv", set(codes))
    if findings is None:
        raise InputError(
            f"{plans_dir}: no findings.csv: `kofuplan excel read` writes one, or run "
            f"`kofuplan check --plan {plan_path} … --out {plans_dir / 'findings.csv'}`"
        )
    issuance = grid("issuance")
    rows = tuple(
        MunicipalityRow(
            lg_code=code,
            name=names[i],
            issuance=tuple(int(v) for v in issuance[i]),
            counters_added=int(counters[i, -1] - base_counters[i]),
            staff_added=int(staff[i, -1] - base_staff[i]),
            failures={
                k: sum(1 for f in findings if f.lg_code == code and f.code == k)
                for k in CHECK_TITLES
            },
            promotion=promotions.get(code, MunicipalPromotion()),
        )
        for i, code in enumerate(codes)
    )
    note = (
        "各団体の現在（令和2年9月末）の窓口数・職員数との差"
        if bool(have_now.all())
        else "現在の窓口数・職員数が無い団体は計画初月との差"
    )
    return PrefectureBook(
        pref_code=pref_code,
        months=months,
        rows=rows,
        findings=tuple(sorted(findings, key=lambda f: (f.lg_code, f.month or "", f.code))),
        monthly_capacity=tuple(int(v) for v in grid("capacity").sum(axis=0)),
        monthly_counters=tuple(int(v) for v in counters.sum(axis=0)),
        monthly_staff=tuple(int(v) for v in staff.sum(axis=0)),
        baseline_note=note,
        made_on=made_on,
        pref_name=members[0] if members else "",
        roster=roster,
    )


def _profiles(path: Path) -> dict[str, dict[str, str]]:
    if not path.is_file():
        return {}
    return {r["lg_code"].strip(): r for r in _rows(path, ("lg_code",))}


def _promotions(path: Path, codes: set[str]) -> dict[str, MunicipalPromotion]:
    """Each municipality's promotion section (R2.4, R3.2–R3.4, R8.3) from the promotion
    columns of profiles.csv; none when the file or the columns are absent."""
    if not path.is_file():
        return {}
    out = {}
    for line, row in enumerate(_rows(path, ("lg_code",)), start=2):
        code = row["lg_code"].strip()
        if code in codes:
            out[code] = promotion_from_cells(row, f"{path.name}:{line}")
    return out


def _findings(path: Path, codes: set[str]) -> list[Finding] | None:
    if not path.is_file():
        return None
    out = []
    for line, r in enumerate(_rows(path, FINDING_COLUMNS), start=2):
        if r["lg_code"] not in codes:
            continue
        severity = r["severity"]
        if severity not in ("error", "warning", "info"):
            raise InputError(f"{path.name}:{line}: severity {severity!r} is not error/warning/info")
        try:
            value = float(r["value"]) if r["value"] else None
            threshold = float(r["threshold"]) if r["threshold"] else None
        except ValueError:
            raise InputError(f"{path.name}:{line}: value/threshold must be numbers") from None
        out.append(
            Finding(r["lg_code"], r["month"] or None, r["code"], severity,  # type: ignore[arg-type]
                    value, threshold, _unquote(r["message"]))
        )  # fmt: skip
    return out


def _unquote(text: str) -> str:
    """Undo :func:`kofuplan.adapters.safe_text.csv_text`."""
    return text[1:] if text.startswith("'") and looks_like_formula(text[1:]) else text
