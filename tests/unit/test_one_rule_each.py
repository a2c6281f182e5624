"""Issue 12, "one rule each": a helper that is a rule (the month range, the era date, the check
set, the plan CSV reader, the promotion section's validator) is defined once in the package; a
second definition of the same name fails here, as ``grep`` would show it."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import kofuplan

ROOT = Path(kofuplan.__file__).parent

ONE_EACH = {
    "month_range": "domain/snapshots.py",
    "add_months": "domain/snapshots.py",
    "reiwa_date": "domain/wareki.py",
    "reiwa_month": "domain/wareki.py",
    "check_plan": "domain/checks.py",
    "read_plan_rows": "adapters/plan_reader.py",
    "read_plan_form": "domain/plan_form.py",
    "holidays_between": "domain/holidays.py",
    "prefecture_book": "domain/prefecture_book.py",
    # The promotion section's one validator (item 5); the adapters only convert.
    "promotion_value": "domain/promotion_input.py",
    "event_value": "domain/promotion_input.py",
    "kind_value": "domain/promotion_input.py",
    # The summaries' scopes (``nation``, ``pref:13``): one spelling for the use cases, the SQL
    # store and the in-memory store.
    "pref_scope": "services/ports.py",
}


def _definitions() -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in ONE_EACH:
                found[node.name].append(str(path.relative_to(ROOT)))
    return found


def test_issue_12_each_rule_helper_is_defined_once_where_it_belongs() -> None:
    found = _definitions()
    assert {name: found.get(name, []) for name in ONE_EACH} == {
        name: [where] for name, where in ONE_EACH.items()
    }


def test_issue_12_the_summary_scopes_are_spelt_in_one_place() -> None:
    """``NATION = "nation"`` and the ``pref:`` prefix only in services/ports.py."""
    spelt: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                (
                    isinstance(node, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "NATION" for t in node.targets)
                )
                or (isinstance(node, ast.Constant) and node.value in ("pref:", "nation"))
                or (
                    isinstance(node, ast.JoinedStr)
                    and node.values
                    and isinstance(node.values[0], ast.Constant)
                    and str(node.values[0].value).startswith("pref:")
                )
            ):
                spelt.append(str(path.relative_to(ROOT)))
    assert sorted(set(spelt)) == ["services/ports.py"]
