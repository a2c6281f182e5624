"""The cheapest plan: national solve time, cost saved, and the HiGHS MILP side by side.

Run: ``uv run python bench/bench_optimal.py [SAMPLE] [SEED] [SCALE]``

On the real statistics at 2020-10-01 (``../shared/data/mynumbercard/``) it reports:

- the time of a national re-plan with each method (level, delivery, optimal);
- the national cost of each method at the optimiser's prices (``capacity_cost``), and what
  optimal saves against level and delivery; how many level plans break the one-month rule
  (they issue cards before they arrive or keep them over a month), which optimal may not;
- side by side in one process, on SAMPLE municipalities drawn at random, the same programme
  solved by HiGHS (scipy.optimize.milp, mip_rel_gap from ``optimal.mip_rel_gap``, a time
  limit per municipality): its time, the gap it reaches, and the dynamic programme's exact
  optimum against HiGHS's incumbent and dual bound (the exact optimum lies between them);
- with SCALE > 1, the optimiser's time on a generated nation SCALE times as large (the nation's
  municipalities repeated), and its cost per municipality against the real nation's.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

from kofuplan.domain.optimal import (
    capacity_cost,
    optimal_schedule,
    settings_of,
    solve_setting,
)
from kofuplan.domain.optimal_milp import solve_milp
from kofuplan.services.planning import run_plan

STATS = Path(__file__).resolve().parents[1].parent / "shared/data/mynumbercard"
AS_OF = dt.date(2020, 10, 1)
HIGHS_TIME_LIMIT_SECONDS = 20.0


def main(argv: list[str]) -> None:
    sample = int(argv[1]) if len(argv) > 1 else 12
    seed = int(argv[2]) if len(argv) > 2 else 20201027
    scale = int(argv[3]) if len(argv) > 3 else 1
    stats = STATS / "municipalities_long_2020_2023.csv"
    if not stats.is_file():
        sys.exit(f"the real statistics are missing: expected {stats}")
    runs, seconds = {}, {}
    for method in ("level", "delivery", "optimal"):
        start = time.perf_counter()
        runs[method] = run_plan(stats, AS_OF, method=method)
        seconds[method] = time.perf_counter() - start
    params = runs["level"].params
    cost = {m: capacity_cost(r.plan.capacity, r.plan.profiles, params) for m, r in runs.items()}
    n = len(runs["level"].plan.profiles)
    supply = runs["delivery"].plan.issuance
    level = runs["level"].plan.issuance
    cum, arrived = np.cumsum(level, axis=1), np.cumsum(supply, axis=1)
    before = np.concatenate([np.zeros((n, 1)), arrived[:, :-1]], axis=1)
    level_breaks = int((~((cum <= arrived) & (cum >= before)).all(axis=1)).sum())

    print(f"National re-plan, {n:,} municipalities × 30 months, real data at {AS_OF}:")
    for m in runs:
        print(f"  {m:9s} {seconds[m]:7.2f} s   cost {cost[m].sum() / 1e8:9.2f} 億円")
    for other in ("level", "delivery"):
        saved = cost[other].sum() - cost["optimal"].sum()
        share = saved / cost[other].sum()
        print(f"  optimal saves {saved / 1e8:,.2f} 億円 ({share:.1%}) against {other}")
    dearer = int((cost["optimal"] > cost["delivery"] + 1e-6).sum())
    print(f"  municipalities where optimal costs more than delivery: {dearer}")
    print(
        f"  level plans that break the one-month rule (R8.1): {level_breaks:,} of {n:,};"
        f" optimal costs more than level in {int((cost['optimal'] > cost['level'] + 1e-6).sum())}"
    )

    gap = float(params["optimal.mip_rel_gap"])
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(n, size=min(sample, n), replace=False))
    profiles = runs["level"].plan.profiles.take(chosen)
    settings = settings_of(supply[chosen], profiles, runs["level"].plan.calendar, params)
    dp_seconds = highs_seconds = 0.0
    within, exact_inside, highs_worse = 0, 0, []
    for s in settings:
        start = time.perf_counter()
        ours = solve_setting(s)
        dp_seconds += time.perf_counter() - start
        start = time.perf_counter()
        theirs = solve_milp(s, mip_rel_gap=gap, time_limit=HIGHS_TIME_LIMIT_SECONDS)
        highs_seconds += time.perf_counter() - start
        exact = ours.cost_yen + s.late_yen * float(ours.late_cards.sum())
        within += int(theirs.status == 0)
        tolerance = 1e-6 * max(exact, 1.0)
        inside = theirs.dual_bound_yen - tolerance <= exact <= theirs.objective_yen + tolerance
        exact_inside += int(inside)
        highs_worse.append((theirs.objective_yen - exact) / max(exact, 1.0))
    k = len(settings)
    print(f"HiGHS MILP side by side on {k} random municipalities (seed {seed}):")
    print(
        f"  dynamic programme {dp_seconds:7.2f} s   HiGHS {highs_seconds:7.2f} s"
        f" (mip_rel_gap {gap}, time limit {HIGHS_TIME_LIMIT_SECONDS:g} s each)"
    )
    print(f"  speed ratio: {highs_seconds / dp_seconds:,.0f}x")
    print(
        f"  HiGHS reached the gap in {within} of {k}; national HiGHS time at this pace"
        f" ≈ {highs_seconds / k * n / 60:,.0f} min"
    )
    print(
        f"  exact optimum between HiGHS's bound and incumbent in {exact_inside} of {k};"
        f" HiGHS's plan dearer by {np.mean(highs_worse):.2%} on average"
        f" (max {np.max(highs_worse):.2%})"
    )

    if scale > 1:
        grown = np.tile(np.arange(n), scale)
        plan = runs["level"].plan
        start = time.perf_counter()
        optimal_schedule(supply[grown], plan.profiles.take(grown), plan.calendar, params)
        elapsed = time.perf_counter() - start
        per = elapsed / (n * scale) / (seconds["optimal"] / n)
        print(
            f"Optimiser on {scale}× the nation ({n * scale:,} municipalities): {elapsed:.1f} s;"
            f" time per municipality {per:.2f}× the national run's"
        )


if __name__ == "__main__":
    main(sys.argv)
