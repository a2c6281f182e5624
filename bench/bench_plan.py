"""National re-plan: time, growth to 100× the nation, and the whole CLI run.

Peer: the same plan made one municipality at a time, as the per-municipality spreadsheet
workflow recomputes it (each workbook on its own). Both run side by side in this process.
Run: `uv run python bench/bench_plan.py [--stats PATH]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from kofuplan.domain.plan import make_plan
from kofuplan.domain.profiles import Profiles
from kofuplan.services.planning import load_profiles, plan_calendar, rules_at

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_STATS = ROOT.parent / "shared/data/mynumbercard/municipalities_long_2020_2023.csv"
AS_OF = dt.date(2020, 10, 1)


def best_of(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return min(times)


def scaled(p: Profiles, factor: int) -> Profiles:
    """The nation repeated ``factor`` times (generated municipalities, same mix)."""
    return p.take(np.tile(np.arange(len(p)), factor))


def bench_method(nation: Profiles, calendar: Any, params: Any, method: str, months: int) -> None:
    engine = best_of(lambda: make_plan(nation, calendar, params, method), 7)
    one_by_one = best_of(
        lambda: [
            make_plan(nation.take(np.array([i])), calendar, params, method)
            for i in range(len(nation))
        ],
        1,
    )
    print(
        f"[{method}] national re-plan: {engine * 1e3:.1f} ms (target ≤ 50 ms); "
        f"one municipality at a time: {one_by_one * 1e3:.0f} ms; "
        f"ratio {one_by_one / engine:.0f}×"
    )
    per_cell = []
    for factor in (1, 10, 100):
        p = scaled(nation, factor)
        t = best_of(lambda p=p: make_plan(p, calendar, params, method), 3)
        ns = t / (len(p) * months) * 1e9
        per_cell.append(ns)
        print(
            f"[{method}]   {factor:>3}× nation ({len(p):,} municipalities): "
            f"{t * 1e3:8.1f} ms, {ns:6.0f} ns per municipality-month"
        )
    print(
        f"[{method}]   growth of cost per municipality-month 1× → 100×: "
        f"{per_cell[-1] / per_cell[0]:.2f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stats", type=Path, default=DEFAULT_STATS)
    args = parser.parse_args()
    params = rules_at(AS_OF)
    calendar = plan_calendar(params, AS_OF)
    nation = load_profiles(args.stats, AS_OF, None, params)
    months = len(calendar.months)
    print(f"municipalities: {len(nation)}, months: {months}")

    for method in ("level", "delivery"):
        bench_method(nation, calendar, params, method, months)

    with tempfile.TemporaryDirectory() as tmp:
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "kofuplan",
                    "plan",
                    "--stats",
                    str(args.stats),
                    "--as-of",
                    "2020-10-01",
                    "--out",
                    tmp,
                ],
                check=True,
            )
            runs.append(time.perf_counter() - t)
        print(
            f"whole CLI run (read 62,676 rows, plan, write 52,230 rows): "
            f"median {statistics.median(runs):.2f} s (target ≤ 2 s)"
        )


if __name__ == "__main__":
    main()
