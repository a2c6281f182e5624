"""Collects the follow-up scenario cases: every ``*.yaml`` file in this folder is one case.

A case needs no Python. Its keys (see ``behind.yaml`` for a full example):

- ``name``, ``requirement`` (R6.2, R8.1 …), ``month`` (YYYY-MM);
- ``municipalities``: a list, each with ``lg_code`` (quoted), ``type`` (市, 町, 特別区 …),
  ``population`` (``previous_population`` defaults to it), the plan's ``planned_cumulative``,
  ``planned_issuance`` and ``required_weekend_days`` for the month, the actual ``cumulative``
  at the month end and ``previous_cumulative`` at the previous month end, and optionally
  ``survey:`` values (cards_in_stock, median_days_to_issue, weekend_days_opened …);
- ``survey_columns``: the optional columns the actuals carry (by default those any
  municipality gives a value for); a municipality that omits one has a blank cell;
- ``rules``: optional overrides of dated parameters, holding for every date;
- ``expect``: lg_code → the finding codes expected, in any order (unlisted: none);
- ``skipped``: optional, the codes that must be reported as skipped;
- ``message_contains``: optional, lg_code → texts its findings' messages must contain.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from kofuplan.domain.actuals import Actuals
from kofuplan.domain.planned import PlannedMonths
from kofuplan.domain.snapshots import add_months
from kofuplan.parameters import RuleBook, load_rules
from kofuplan.services.followup import run_followup

HERE = Path(__file__).parent


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml" and file_path.parent == HERE:
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        spec = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        if not isinstance(spec, dict):
            raise CaseError(f"{self.path.name}: a case is a mapping (name, month, …)")
        label = f"{spec.get('requirement', 'R?')} {spec.get('name', self.path.stem)}"
        yield CaseItem.from_parent(self, name=label, spec=spec)


class CaseError(Exception):
    pass


class CaseItem(pytest.Item):
    def __init__(self, *, spec: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec

    def runtest(self) -> None:
        run_case(self.spec, self.path.name)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, self.name


def _rules(overrides: dict[str, Any]) -> RuleBook:
    book = load_rules()
    if not overrides:
        return book
    params = dict(book.parameters)
    for key, value in overrides.items():
        params[key] = dataclasses.replace(book.parameter(key), values=((dt.date.min, value),))
    return RuleBook(params)


def run_case(spec: dict[str, Any], where: str) -> None:
    month = str(spec["month"])
    previous = add_months(month, -1)
    munis = spec["municipalities"]
    codes = tuple(str(m["lg_code"]) for m in munis)
    columns = spec.get("survey_columns") or sorted({k for m in munis for k in m.get("survey", {})})
    survey = {
        c: np.array([[np.nan, float(m.get("survey", {}).get(c, np.nan))] for m in munis])
        for c in columns
    }

    def pair(now: str, before: str) -> np.ndarray:
        return np.array([[m.get(before, m[now]), m[now]] for m in munis], dtype=np.int64)

    actuals = Actuals(
        lg_codes=codes,
        pref_codes=tuple(c[:2] for c in codes),
        names=tuple(str(m.get("name", "")) for m in munis),
        types=tuple(str(m["type"]) for m in munis),
        months=(previous, month),
        snapshot_dates=("", ""),
        cards=pair("cumulative", "previous_cumulative"),
        population=pair("population", "previous_population"),
        population_reference_dates=("", ""),
        survey=survey,
    )

    def col(name: str) -> np.ndarray:
        return np.array([[int(m[name])] for m in munis], dtype=np.int64)

    plan = PlannedMonths(
        lg_codes=codes,
        months=(month,),
        issuance=col("planned_issuance"),
        cumulative_issued=col("planned_cumulative"),
        required_weekend_days=col("required_weekend_days"),
    )
    f = run_followup(plan, actuals, [month], _rules(spec.get("rules") or {}))
    expect = {str(k): sorted(v or []) for k, v in (spec.get("expect") or {}).items()}
    problems = []
    for i, code in enumerate(codes):
        got = sorted(f.result.codes_at(i, 0))
        want = expect.get(code, [])
        if got != want:
            problems.append(f"{code}: expected {want}, got {got}")
    if "skipped" in spec:
        got_skipped = sorted(s.code for s in f.result.skipped)
        if got_skipped != sorted(spec["skipped"]):
            problems.append(f"skipped: expected {sorted(spec['skipped'])}, got {got_skipped}")
    findings = f.result.findings(0)
    for code, texts in (spec.get("message_contains") or {}).items():
        messages = " / ".join(x.message for x in findings if x.lg_code == str(code))
        problems += [f"{code}: message lacks {t!r}: {messages}" for t in texts if t not in messages]
    if problems:
        raise CaseError(f"{where}: {spec.get('name')}\n  " + "\n  ".join(problems))
