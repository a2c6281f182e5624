"""A prefecture's submission workbook from a directory of plans (R7.1): the files read into
plain values and a :class:`PlanTable` (through the one plan reader), the workbook's contents
made by :func:`kofuplan.domain.prefecture_book.prefecture_book`.

The directory holds ``plan_monthly.csv`` (the plan contract), and optionally ``profiles.csv``
(today's counters, staff and office, and the promotion section), ``municipalities.csv``
(names, population) and ``findings.csv`` (the checks' results), as ``excel read`` writes
them; ``kofuplan plan`` followed by ``kofuplan check`` gives the same files but for names,
today's figures and promotion sections.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from kofuplan.adapters.excel.reader import file_lg_code
from kofuplan.adapters.input_bounds import input_bounds
from kofuplan.adapters.plan_reader import read_plan_rows
from kofuplan.adapters.promotion_fields import promotion_from_cells
from kofuplan.adapters.safe_text import looks_like_formula
from kofuplan.adapters.stats_csv import read_stats
from kofuplan.domain.findings import FINDING_COLUMNS, Finding
from kofuplan.domain.labels import field_label, field_labels
from kofuplan.domain.plan_form import plan_table_of
from kofuplan.domain.prefecture_book import (
    PLAN_NEEDS,
    UNKNOWN,
    Members,
    PrefectureBook,
    Today,
    prefecture_book,
)
from kofuplan.domain.promotion import MunicipalPromotion
from kofuplan.errors import InputError


def _rows(path: Path, needs: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in needs if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"{path}:1: 必要な列がありません: {field_labels(missing)}")
            return list(reader)
    except OSError as exc:
        raise InputError(f"{path}: 読み込めません（{exc.strerror}）") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: UTF-8 の CSV ファイルではありません（{exc}）") from None


def prefecture_members(stats_path: Path, as_of: dt.date, pref_code: str) -> tuple[str, Members]:
    """The prefecture's name and every municipality of it, from the statistics."""
    stats = read_stats(stats_path, as_of)
    mine = [i for i, p in enumerate(stats.pref_code.tolist()) if str(p) == pref_code]
    if not mine:
        raise InputError(f"{stats_path}: 都道府県 {pref_code} の市区町村がありません")
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
    rows = [  # the one plan reader; this prefecture's rows
        r
        for r in read_plan_rows(plan_path, ("lg_code", "month", *PLAN_NEEDS))
        if str(r.cells["lg_code"]).strip()[:2] == pref_code
    ]
    if not rows:
        raise InputError(f"{plan_path}: 都道府県コード {pref_code} の市区町村の行がありません")
    table = plan_table_of(rows, PLAN_NEEDS, input_bounds(), plan_path.name)
    codes = {str(c) for c in table.lg_code.tolist()}
    profiles = _profiles(plans_dir / "profiles.csv")
    for code, row in _profiles(plans_dir / "municipalities.csv").items():
        profiles.setdefault(code, {}).update(row)
    findings = _findings(plans_dir / "findings.csv", codes)
    if findings is None:
        raise InputError(
            f"{plans_dir}: 点検結果（findings.csv）がありません。"
            "先にブックを読み込むか、計画を点検してください"
        )

    def given(code: str, col: str) -> int:
        raw = (profiles.get(code, {}).get(col) or "").strip()
        if raw and not raw.isdigit():
            raise InputError(
                f"{plans_dir / 'profiles.csv'}: {code}: {field_label(col)} は0以上の整数で"
                f"書いてください（入力値「{raw[:40]}」）"
            )
        return int(raw) if raw else UNKNOWN

    return prefecture_book(
        table,
        pref_code,
        made_on,
        findings=findings,
        names={c: _unquote(profiles.get(c, {}).get("name", "")) for c in codes},
        today={
            c: Today(
                given(c, "dedicated_counters"), given(c, "combined_counters"), given(c, "staff")
            )
            for c in codes
        },
        promotions=_promotions(plans_dir / "profiles.csv", codes),
        returned=_returned(plans_dir, pref_code),
        members=members,
        contacts={c: profiles.get(c, {}) for c in codes},
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
