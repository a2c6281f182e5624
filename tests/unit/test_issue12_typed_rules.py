"""Typed rules (issue 12 item 3): one frozen dataclass per rules file, built from the dated
YAML at a day, and no rule looked up by its string key anywhere else in ``src``.

A rule is read as ``CapacityRules.from_rules(params).staff_per_dedicated_counter``: a field
mistyped is an error of strict mypy, and a key mistyped inside a ``from_rules`` fails the first
test below (each class reads exactly the keys of its file)."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

import kofuplan
from kofuplan.domain.demand import DemandRules
from kofuplan.domain.plan_form import PlanBounds
from kofuplan.domain.renewal import RenewalRules
from kofuplan.domain.rule_values import (
    ActualsRules,
    CalendarRules,
    CampaignsRules,
    CapacityRules,
    CheckRules,
    CoreCitiesRules,
    CostRules,
    ExcelRules,
    FocusRules,
    FollowupRules,
    NationalRules,
    OptimalRules,
    PlanRules,
    PromotionRules,
    RiskRules,
    StaffingRules,
)
from kofuplan.domain.waits import QueueingParameters
from kofuplan.errors import RuleError
from kofuplan.parameters import load_rules

ROOT = Path(kofuplan.__file__).parent
BOOK = load_rules()

FILE_CLASSES: dict[str, Any] = {
    "actuals": ActualsRules,
    "bounds": PlanBounds,
    "calendar": CalendarRules,
    "campaigns": CampaignsRules,
    "capacity": CapacityRules,
    "checks": CheckRules,
    "core_cities": CoreCitiesRules,
    "costs": CostRules,
    "demand": DemandRules,
    "excel": ExcelRules,
    "focus": FocusRules,
    "followup": FollowupRules,
    "national": NationalRules,
    "optimal": OptimalRules,
    "plan": PlanRules,
    "promotion": PromotionRules,
    "queueing": QueueingParameters,
    "renewal": RenewalRules,
    "risk": RiskRules,
    "staffing": StaffingRules,
}

# Modules still looking rules up by their keys. The list may only shrink: a listed module that
# no longer does fails too.
NOT_YET: set[str] = set()


class _Recorder(Mapping[str, Any]):
    def __init__(self, snapshot: Mapping[str, Any]) -> None:
        self.snapshot = snapshot
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return self.snapshot[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.snapshot)

    def __len__(self) -> int:
        return len(self.snapshot)


def _stems() -> set[str]:
    return {p.file.removesuffix(".yaml") for p in BOOK.parameters.values()}


def test_issue12_every_rules_file_has_one_frozen_class_that_reads_each_of_its_keys() -> None:
    assert set(FILE_CLASSES) == _stems()
    for day in (dt.date(2020, 10, 1), dt.date(2021, 4, 1), dt.date(2025, 4, 1)):
        for stem, cls in FILE_CLASSES.items():
            recorder = _Recorder(BOOK.at(day))
            typed = cls.from_rules(recorder)
            assert dataclasses.is_dataclass(typed) and cls.__dataclass_params__.frozen, stem
            keys = {k for k, p in BOOK.parameters.items() if p.file == f"{stem}.yaml"}
            assert recorder.read == keys, stem


def test_issue12_a_typed_rule_follows_its_dated_value() -> None:
    """Built at a day: a rule with a revision gives the value of that day."""
    assert RenewalRules.from_rules(BOOK.at(dt.date(2022, 3, 31))).majority_age == 20
    assert RenewalRules.from_rules(BOOK.at(dt.date(2022, 4, 1))).majority_age == 18
    before = CampaignsRules.from_rules(BOOK.at(dt.date(2020, 10, 1))).national_non_holders
    after = CampaignsRules.from_rules(BOOK.at(dt.date(2021, 4, 1))).national_non_holders
    assert after < before


def test_issue12_a_missing_or_unknown_key_is_a_rule_error_naming_it() -> None:
    snapshot = dict(BOOK.at(dt.date(2020, 10, 1)))
    del snapshot["staffing.transfer_share"]
    with pytest.raises(KeyError, match=r"staffing\.transfer_share"):
        StaffingRules.from_rules(snapshot)
    with pytest.raises(RuleError, match=r"staffing\.no_such_rule"):
        BOOK.at(dt.date(2020, 10, 1))["staffing.no_such_rule"]


def _key_literal(node: ast.AST, keys: set[str], stems: set[str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if node.value in keys else None
    if isinstance(node, ast.JoinedStr) and node.values:
        head = node.values[0]
        if isinstance(head, ast.Constant) and isinstance(head.value, str):
            stem = head.value.split(".", 1)[0]
            if "." in head.value and stem in stems:
                return head.value + "…"
    return None


def string_key_lookups(path: Path) -> list[str]:
    """``x["capacity.name"]``, ``x[f"capacity.{name}"]``, ``x.get("capacity.name")`` and
    ``book.parameter("capacity.name")`` in one module (assignments to a key are not lookups:
    the renewal plan names the rules it overrides, and its summary lists them)."""
    keys, stems = set(BOOK.parameters), _stems()
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            key = _key_literal(node.slice, keys, stems)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "parameter", "source", "pop")
            and node.args
        ):
            key = _key_literal(node.args[0], keys, stems)
        else:
            continue
        if key is not None:
            found.append((node.lineno, key))
    return [f"{line}: {key}" for line, key in sorted(found)]


def test_issue12_no_rule_is_looked_up_by_its_string_key_in_src() -> None:
    found: dict[str, list[str]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if lookups := string_key_lookups(path):
            found[str(path.relative_to(ROOT))] = lookups
    new = {module: lines for module, lines in found.items() if module not in NOT_YET}
    assert new == {}, "read the rule through its file's class (domain/rule_values.py)"
    assert sorted(NOT_YET - set(found)) == []  # done: take it off the list


def test_issue12_the_lookup_finder_sees_each_form(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text(
        "def f(p, name):\n"
        '    a = p["capacity.terminals_per_counter"]\n'
        '    b = p[f"costs.{name}"]\n'
        '    c = p.get("plan.period_end")\n'
        '    d = p.parameter("renewal.majority_age")\n'
        '    p["plan.period_start"] = 1  # an override, not a lookup\n'
        '    return p["plan.csv"], a, b, c, d\n',
        encoding="utf-8",
    )
    found = [line.split(": ", 1)[1] for line in string_key_lookups(module)]
    assert found == [
        "capacity.terminals_per_counter",
        "costs.…",
        "plan.period_end",
        "renewal.majority_age",
    ]
