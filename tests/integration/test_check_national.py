"""Issue 3, done when: the national plan from the real data at 2020-10-01 has no error
findings, and each alteration of a copy of it yields exactly the findings of that alteration,
at the right lg_code and month (R6.1-1 … R6.1-4). The four alterations share one copy, each in
municipalities of its own (one national check, not four: issue 12 item 6)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from kofuplan.domain.capacity import capacity_of
from tests.cli_runner import run_cli
from tests.once import plan_once

Rows = list[dict[str, str]]
Key = tuple[str, str, str]


@pytest.fixture(scope="module")
def national(long_stats: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Rows]:
    # made once per run, shared with every module that reads the same plan (tests/once.py)
    out = plan_once(tmp_path_factory, "--stats", str(long_stats), "--as-of", "2020-10-01")
    with (out / "plan_monthly.csv").open(encoding="utf-8-sig") as f:
        return out / "plan_monthly.csv", list(csv.DictReader(f))


def check(plan: Path, long_stats: Path, out: Path) -> list[dict[str, str]]:
    result = run_cli(
        "check",
        "--plan",
        str(plan),
        "--stats",
        str(long_stats),
        "--as-of",
        "2020-10-01",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def baseline_csv(
    national: tuple[Path, Rows], long_stats: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("check") / "findings.csv"
    check(national[0], long_stats, out)
    return out


@pytest.fixture(scope="module")
def baseline(baseline_csv: Path) -> list[dict[str, str]]:
    with baseline_csv.open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_R6_1_national_engine_plan_has_no_error_findings(
    baseline: list[dict[str, str]], baseline_csv: Path, national: tuple[Path, Rows]
) -> None:
    assert [f for f in baseline if f["severity"] == "error"] == []
    # Issue 11: the default plan recruits nobody before it starts, so the check finds no R2.3.
    assert {f["code"] for f in baseline} <= {"R5.1"}
    summary = json.loads(baseline_csv.with_name("findings.summary.json").read_text("utf-8"))
    assert summary["municipalities_checked"] == 1741
    prefs = summary["prefectures"]
    assert len(prefs) == 47 and sum(p["municipalities"] for p in prefs.values()) == 1741
    assert all(p["without_errors"] == p["municipalities"] for p in prefs.values())
    assert all(p["passing"]["R6.1-2"] == p["municipalities"] for p in prefs.values())
    # R8.4: the nation's summed plan against 3.3 million cards a month.
    nat = summary["national"]
    monthly: dict[str, int] = {}
    for r in national[1]:
        monthly[r["month"]] = monthly.get(r["month"], 0) + int(r["issuance"])
    assert nat["monthly_issuance"] == monthly
    assert nat["months_at_aim"] == [m for m, x in monthly.items() if x >= 3_300_000]


def _pick(
    rows: Rows, ok: Callable[[dict[str, str]], bool], count: int, seed: int, taken: set[str]
) -> list[int]:
    """``count`` rows that qualify, from different municipalities none of which is in
    ``taken`` (another alteration's), chosen by a seeded draw; their codes join ``taken``."""
    candidates = [k for k, r in enumerate(rows) if ok(r)]
    rng = np.random.default_rng(seed)
    picks: list[int] = []
    for k in rng.permutation(candidates).tolist():
        if rows[k]["lg_code"] not in taken:
            picks.append(int(k))
            taken.add(rows[k]["lg_code"])
        if len(picks) == count:
            break
    assert len(picks) == count
    return picks


def _keys(findings: list[dict[str, str]], severity: str) -> set[Key]:
    return {(f["lg_code"], f["month"], f["code"]) for f in findings if f["severity"] == severity}


def _capacity(r: dict[str, str], open_days: int) -> int:
    one = np.ones((1, 1))
    return int(
        capacity_of(
            (one * int(r["dedicated_counters"])).astype(np.int64),
            one * float(r["dedicated_daily_per_counter"]),
            (one * int(r["combined_counters"])).astype(np.int64),
            one * float(r["combined_daily_per_counter"]),
            (one * open_days).astype(np.int64),
        )[0, 0]
    )


def _fewer_counters(r: dict[str, str]) -> dict[str, str]:
    r["dedicated_counters"] = str(int(r["dedicated_counters"]) - 1)
    return r


def _weekend_slack(r: dict[str, str]) -> bool:
    # One open day fewer still issues the month's count, so R6.1-4 is the only finding.
    return _capacity(r, int(r["open_days"]) - 1) >= int(r["issuance"])


def _fewer_weekends(r: dict[str, str]) -> dict[str, str]:
    r["weekend_days"] = str(int(r["required_weekend_days"]) - 1)
    return r


def _cut(r: dict[str, str]) -> dict[str, str]:
    r["issuance"] = str(int(r["issuance"]) // 2)
    return r


def _no_offsite(r: dict[str, str]) -> dict[str, str]:
    r["offsite_counters"] = "0"
    return r


Change = Callable[[dict[str, str]], dict[str, str]]
# Each alteration: (which rows qualify, how many, the draw's seed, the change).
ALTERATIONS: dict[str, tuple[Callable[[dict[str, str]], bool], int, int, Change]] = {
    "R6.1-2": (lambda r: int(r["dedicated_counters"]) > 0, 6, 1, _fewer_counters),
    "R6.1-4": (_weekend_slack, 6, 2, _fewer_weekends),
    "R6.1-1": (lambda r: int(r["issuance"]) >= 10, 5, 3, _cut),
    "R6.1-3": (lambda r: int(r["offsite_counters"]) > 0, 5, 4, _no_offsite),
}


@dataclass(frozen=True)
class Altered:
    """One copy of the national plan with every alteration, each in municipalities of its
    own, checked once (one national `kofuplan check` instead of one per alteration: issue 12
    item 6). Each alteration's findings are read in its own municipalities, and no error may
    appear anywhere else."""

    picks: dict[str, list[int]]
    after: list[dict[str, str]]

    def touched(self, rows: Rows, code: str) -> set[str]:
        return {rows[k]["lg_code"] for k in self.picks[code]}


@pytest.fixture(scope="module")
def altered(
    national: tuple[Path, Rows], long_stats: Path, tmp_path_factory: pytest.TempPathFactory
) -> Altered:
    _, rows = national
    taken: set[str] = set()
    picks = {
        code: _pick(rows, ok, count, seed, taken)
        for code, (ok, count, seed, _) in ALTERATIONS.items()
    }
    change = {k: ALTERATIONS[code][3] for code, ks in picks.items() for k in ks}
    out = [change[k](dict(r)) if k in change else r for k, r in enumerate(rows)]
    folder = tmp_path_factory.mktemp("altered")
    with (folder / "plan.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    return Altered(picks, check(folder / "plan.csv", long_stats, folder / "f.csv"))


def _assert_exactly(
    altered: Altered, before: list[dict[str, str]], rows: Rows, code: str, expected: set[Key]
) -> list[dict[str, str]]:
    """The errors in this alteration's municipalities are exactly ``expected``; no error
    outside the altered municipalities; the warnings of the municipalities not altered stay
    as they were. Returns the findings in this alteration's municipalities."""
    after = altered.after
    mine = altered.touched(rows, code)
    assert {k for k in _keys(after, "error") if k[0] in mine} == expected
    every = set().union(*(altered.touched(rows, c) for c in ALTERATIONS))
    assert {k for k in _keys(after, "error") if k[0] not in every} == set()
    untouched_after = {k for k in _keys(after, "warning") if k[0] not in every}
    untouched_before = {k for k in _keys(before, "warning") if k[0] not in every}
    assert untouched_after == untouched_before
    return [f for f in after if f["lg_code"] in mine]


def test_R6_1_2_fewer_counters_in_some_months(
    national: tuple[Path, Rows], baseline: list[dict[str, str]], altered: Altered
) -> None:
    _, rows = national
    picks = altered.picks["R6.1-2"]
    expected = {(rows[k]["lg_code"], rows[k]["month"], "R6.1-2") for k in picks}
    after = _assert_exactly(altered, baseline, rows, "R6.1-2", expected)
    for f in after:
        if f["code"] == "R6.1-2":
            r = next(rows[k] for k in picks if rows[k]["lg_code"] == f["lg_code"])
            assert f["threshold"] == r["issuance"]
            assert int(f["value"]) < int(r["issuance"])
            assert "あと1窓口" in f["message"]


def test_R6_1_4_weekend_days_below_requirement(
    national: tuple[Path, Rows], baseline: list[dict[str, str]], altered: Altered
) -> None:
    _, rows = national
    picks = altered.picks["R6.1-4"]
    expected = {(rows[k]["lg_code"], rows[k]["month"], "R6.1-4") for k in picks}
    after = _assert_exactly(altered, baseline, rows, "R6.1-4", expected)
    by_cell = {(f["lg_code"], f["month"]): f for f in after if f["code"] == "R6.1-4"}
    for k in picks:
        f = by_cell[(rows[k]["lg_code"], rows[k]["month"])]
        assert (int(f["value"]), int(f["threshold"])) == (
            int(rows[k]["required_weekend_days"]) - 1,
            int(rows[k]["required_weekend_days"]),
        )


def test_R6_1_1_counts_cut_so_the_total_falls_short(
    national: tuple[Path, Rows], baseline: list[dict[str, str]], altered: Altered
) -> None:
    _, rows = national
    picks = altered.picks["R6.1-1"]
    expected = {(rows[k]["lg_code"], "", "R6.1-1") for k in picks}
    after = _assert_exactly(altered, baseline, rows, "R6.1-1", expected)
    last = {r["lg_code"]: int(r["cumulative_issued"]) for r in rows if r["month"] == "2023-03"}
    for f in after:
        if f["code"] == "R6.1-1":
            k = next(k for k in picks if rows[k]["lg_code"] == f["lg_code"])
            removed = int(rows[k]["issuance"]) - int(rows[k]["issuance"]) // 2
            assert int(f["value"]) == last[f["lg_code"]] - removed
            assert int(f["threshold"]) == last[f["lg_code"]]  # the population, reached in full


def test_R6_1_3_counters_above_the_office_with_no_offsite(
    national: tuple[Path, Rows], baseline: list[dict[str, str]], altered: Altered
) -> None:
    _, rows = national
    picks = altered.picks["R6.1-3"]
    expected = {(rows[k]["lg_code"], rows[k]["month"], "R6.1-3") for k in picks}
    after = _assert_exactly(altered, baseline, rows, "R6.1-3", expected)
    by_cell = {(f["lg_code"], f["month"]): f for f in after if f["code"] == "R6.1-3"}
    for k in picks:
        r = rows[k]
        f = by_cell[(r["lg_code"], r["month"])]
        counters = int(r["dedicated_counters"]) + int(r["combined_counters"])
        assert int(f["value"]) == counters
        assert int(f["threshold"]) == counters - int(r["offsite_counters"])
