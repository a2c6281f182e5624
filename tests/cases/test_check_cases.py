"""Collects the YAML scenario cases under ``tests/cases/checks/`` (R6.1, R1.2, R2.3, R5.1).

A case is a plan and the findings it must raise, exactly; adding one needs no Python. See
``tests/cases/checks/README.md`` for the format.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from kofuplan.domain.plan_form import PlanRow
from tests.checks_harness import engine_rows, profiles_of, run, setting

CASES = sorted((Path(__file__).parent / "checks").glob("*.yaml"))


def _rows_every_month(spec: dict[str, Any], codes: list[str], calendar: Any) -> list[PlanRow]:
    rows: list[PlanRow] = []
    for code in codes:
        for j, month in enumerate(calendar.months):
            cells = {"lg_code": code, "month": month}
            for k, v in spec.items():
                if v == "required":  # the month's R2.1 minimum
                    v = int(calendar.required_weekend_days[j])
                cells[k] = str(v)
            rows.append(PlanRow(len(rows) + 2, cells))
    return rows


def _apply(rows: list[PlanRow], plan: dict[str, Any]) -> list[PlanRow]:
    for change in plan.get("set", []):
        change = dict(change)
        lg, month = change.pop("lg_code", None), change.pop("month", None)
        delta = change.pop("add", {})
        out = []
        for r in rows:
            if (lg is None or r.cells["lg_code"] == str(lg)) and (
                month is None or r.cells["month"] == str(month)
            ):
                cells = {**r.cells, **{k: str(v) for k, v in change.items()}}
                for k, d in delta.items():
                    cells[k] = str(int(cells[k]) + int(d))
                out.append(PlanRow(r.line, cells))
            else:
                out.append(r)
        rows = out
    for gone in plan.get("drop", []):
        rows = [
            r
            for r in rows
            if not (
                r.cells["lg_code"] == str(gone["lg_code"])
                and r.cells["month"] == str(gone["month"])
            )
        ]
    for extra in plan.get("add_rows", []):
        rows.append(PlanRow(len(rows) + 2, {k: str(v) for k, v in extra.items()}))
    return rows


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    as_of = dt.date.fromisoformat(str(case.get("as_of", "2020-10-01")))
    params, calendar = setting(as_of)
    munis = case["municipalities"]
    for m in munis:
        m["lg_code"] = str(m["lg_code"])
    profiles = profiles_of(munis, params)
    plan = case["plan"]
    if plan.get("from", "engine") == "engine":
        rows = engine_rows(profiles, calendar, params, plan.get("method", "level"))
    else:
        rows = _rows_every_month(plan["every_month"], [m["lg_code"] for m in munis], calendar)
    rows = _apply(rows, plan)
    findings = run(rows, profiles, calendar, params, as_of).findings

    expected = case.get("expected") or []
    got_keys = sorted((f.lg_code, f.month or "", f.code) for f in findings)
    want_keys = sorted(
        (str(e["lg_code"]), str(e.get("month") or ""), str(e["code"])) for e in expected
    )
    assert got_keys == want_keys, f"{case['name']}: got {got_keys}, expected {want_keys}"
    got = {(f.lg_code, f.month or "", f.code): f for f in findings}
    want = {(str(e["lg_code"]), str(e.get("month") or ""), str(e["code"])): e for e in expected}
    for key, e in want.items():
        f = got[key]
        for field in ("value", "threshold", "severity"):
            if field in e:
                assert getattr(f, field) == e[field], f"{case['name']}: {key} {field}"
        for text in e.get("message_contains", []):
            assert text in f.message, f"{case['name']}: {key} message {f.message!r}"
