"""The cheapest plan: the national solve time, and HiGHS at gap 0 side by side.

Run: ``uv run python -m bench.bench_optimal [SAMPLE] [SEED]``

Inputs: the real statistics at 2020-10-01 (``../shared/data/mynumbercard/``), 1,741
municipalities × 30 months, no municipal profiles.

- The national re-plan with ``--method optimal`` (``make_plan``, the dynamic programme for
  every municipality), after one untimed run: min and median of RUNS, with CPU time.
- Peer: HiGHS (scipy.optimize.milp) on the same programme in its set-up formulation
  (``kofuplan.domain.optimal_milp.solve_milp_setups``) at gap 0, on SAMPLE municipalities drawn
  at random (seed SEED), with a time limit each; the time per municipality of each side. Same
  answer: where HiGHS proves its optimum, the costs are equal; where its limit stops it, the
  programme's cost lies between HiGHS's bound and its best plan.
- For context, each method's national cost at the optimiser's prices (``capacity_cost``).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time

import numpy as np

from bench.report import STATS, Row, load_average, record, repeat
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.domain.optimal import capacity_cost, settings_of, solve_setting
from kofuplan.domain.optimal_milp import solve_milp_setups
from kofuplan.domain.plan import make_plan
from kofuplan.services.planning import load_profiles, plan_calendar, rules_at

AS_OF = dt.date(2020, 10, 1)
RUNS = 3
HIGHS_TIME_LIMIT_SECONDS = 20.0


def main(argv: list[str]) -> None:
    sample = int(argv[1]) if len(argv) > 1 else 12
    seed = int(argv[2]) if len(argv) > 2 else 20201027
    if not STATS.is_file():
        sys.exit(f"the real statistics are missing: expected {STATS}")
    params = rules_at(AS_OF)
    calendar = plan_calendar(params, AS_OF)
    nation = load_profiles(StatsFiles(STATS), AS_OF, params)
    n = len(nation)
    print(f"inputs: {STATS.name} at {AS_OF}: {n:,} municipalities × {len(calendar.months)} months")
    print(f"peer: HiGHS at gap 0 on {sample} random municipalities (seed {seed})")
    rows: list[Row] = []

    national = repeat(lambda: make_plan(nation, calendar, params, "optimal"), RUNS)
    met, judged_on = national.judged(20.0)
    rows.append(
        Row(
            what=f"national re-plan, --method optimal, {n:,} municipalities (min/median of {RUNS})",
            ours=national.text("s"),
            peer="—",
            ratio="—",
            goal=f"≤ 20 s, judged on {judged_on}",
            met=met,
            same_answer="—",
            load=load_average(),
        )
    )
    plans = {m: make_plan(nation, calendar, params, m) for m in ("level", "delivery", "optimal")}
    for m, plan in plans.items():
        cost = capacity_cost(plan.capacity, plan.profiles, params).sum()
        print(f"  {m:9s} national cost at the optimiser's prices {cost / 1e8:9.2f} 億円")

    supply = plans["delivery"].issuance  # the cards arrive as `delivery` has them
    chosen = np.sort(np.random.default_rng(seed).choice(n, size=min(sample, n), replace=False))
    profiles = nation.take(chosen)
    ours_seconds: list[float] = []
    highs_seconds: list[float] = []
    proven = agree = 0
    for code, s in zip(
        profiles.lg_code, settings_of(supply[chosen], profiles, calendar, params), strict=True
    ):
        solve_setting(s)  # warm, as HiGHS's first call below is not
        start = time.perf_counter()
        ours = solve_setting(s)
        ours_seconds.append(time.perf_counter() - start)
        start = time.perf_counter()
        highs = solve_milp_setups(s, time_limit=HIGHS_TIME_LIMIT_SECONDS)
        highs_seconds.append(time.perf_counter() - start)
        exact = ours.cost_yen + s.late_yen * float(ours.late_cards.sum())
        tolerance = 1e-6 * max(exact, 1.0)
        if highs.status == 0:
            proven += 1
            ok = abs(highs.objective_yen - exact) <= tolerance
        else:
            ok = highs.dual_bound_yen - tolerance <= exact <= highs.objective_yen + tolerance
        agree += int(ok)
        print(
            f"  {code}: ours {ours_seconds[-1] * 1e3:7.1f} ms, HiGHS {highs_seconds[-1]:6.2f} s "
            f"({'proven' if highs.status == 0 else 'time limit'}), costs agree: {ok}"
        )
    k = len(chosen)
    same = agree == k
    ours_per = statistics.median(ours_seconds)
    highs_per = statistics.median(highs_seconds)
    ratio = highs_per / ours_per
    rows.append(
        Row(
            what=f"optimum of one municipality, {k} random (seed {seed}), median time each",
            ours=f"dynamic programme: {ours_per * 1e3:.1f} ms (max {max(ours_seconds) * 1e3:.0f})",
            peer=f"HiGHS gap 0: {highs_per:.2f} s (max {max(highs_seconds):.1f}; proven "
            f"{proven} of {k}, limit {HIGHS_TIME_LIMIT_SECONDS:g} s)",
            ratio=f"{ratio:,.0f}× (medians)",
            goal="≥ 100× HiGHS, same optimum",
            met=ratio >= 100 and same,
            same_answer="yes" if same else "no",
            load=load_average(),
        )
    )
    record("bench_optimal", rows)
    if not same:
        sys.exit("the programme and HiGHS disagree")


if __name__ == "__main__":
    main(sys.argv)
