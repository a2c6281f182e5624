"""Erlang C benchmark: kofuplan's vectorized fewest counters against pyworkforce's ErlangC.

Run: ``uv run python bench/bench_erlang.py [CASES] [SEED]``

Both tools answer the same question for the same cases, side by side in one process: the
fewest servers (counters) with which the share of arrivals answered within the target time
reaches the service level, with occupancy at most the cap. The script reports:

- throughput of each tool (cases per second) and their ratio (target: kofuplan ≥ 20×);
- how many cases kofuplan's count is lower / equal / higher than pyworkforce's;
- that each of kofuplan's counts is the true minimum: it meets both targets and one counter
  fewer fails one of them (checked with the closed-form figures at n and n − 1).

Thread counts of numerical libraries are left as the environment sets them (for example
OPENBLAS_NUM_THREADS); this benchmark uses only element-wise numpy, which is single-threaded.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from pyworkforce.queuing import ErlangC

from kofuplan.domain.queueing import fewest_counters, queue_figures

REPEATS = 3


def make_cases(count: int, seed: int) -> dict[str, np.ndarray]:
    """Municipal-scale cases: from a village's single counter to a city hall's busiest hour."""
    rng = np.random.default_rng(seed)
    return {
        "per_hour": rng.uniform(1.0, 240.0, count),
        "service_minutes": rng.uniform(3.0, 20.0, count),
        "within_minutes": rng.uniform(0.5, 45.0, count),
        "service_level": rng.uniform(0.5, 0.98, count),
        "max_occupancy": rng.uniform(0.7, 1.0, count),
    }


def run_ours(c: dict[str, np.ndarray]) -> tuple[np.ndarray, float]:
    start = time.perf_counter()
    fig = fewest_counters(
        c["per_hour"],
        c["service_minutes"],
        c["within_minutes"],
        c["service_level"],
        c["max_occupancy"],
    )
    return fig.counters, time.perf_counter() - start


def run_pyworkforce(c: dict[str, np.ndarray]) -> tuple[np.ndarray, float]:
    rows = zip(
        c["per_hour"].tolist(),
        c["service_minutes"].tolist(),
        c["within_minutes"].tolist(),
        c["service_level"].tolist(),
        c["max_occupancy"].tolist(),
        strict=True,
    )
    out = []
    start = time.perf_counter()
    for per_hour, aht, asa, level, occupancy in rows:
        erlang = ErlangC(transactions=per_hour, aht=aht, asa=asa, interval=60)
        out.append(
            erlang.required_positions(service_level=level, max_occupancy=occupancy)["raw_positions"]
        )
    return np.asarray(out, dtype=np.int64), time.perf_counter() - start


def true_minimum(c: dict[str, np.ndarray], counters: np.ndarray) -> tuple[int, int]:
    """(cases meeting both targets at n, cases where n − 1 also meets them: must be 0)."""

    def meets(n: np.ndarray) -> np.ndarray:
        fig = queue_figures(c["per_hour"], c["service_minutes"], n, c["within_minutes"])
        ok_occupancy = fig.offered_load_erlangs <= c["max_occupancy"] * n
        return (fig.service_level >= c["service_level"]) & ok_occupancy & (n > 0)

    return int(meets(counters).sum()), int(meets(np.maximum(counters - 1, 0)).sum())


def main(argv: list[str]) -> None:
    count = int(argv[1]) if len(argv) > 1 else 100_000
    seed = int(argv[2]) if len(argv) > 2 else 20201027
    cases = make_cases(count, seed)
    run_ours({k: v[:100] for k, v in cases.items()})  # warm-up: import and first-call costs
    # Best of three runs each, interleaved, so that a neighbour's load on a shared machine
    # penalises neither tool more than the other.
    runs = [(run_ours(cases), run_pyworkforce(cases)) for _ in range(REPEATS)]
    ours, theirs = runs[0][0][0], runs[0][1][0]
    ours_seconds = min(r[0][1] for r in runs)
    their_seconds = min(r[1][1] for r in runs)
    met, one_fewer_met = true_minimum(cases, ours)
    lower = int((ours < theirs).sum())
    equal = int((ours == theirs).sum())
    higher = int((ours > theirs).sum())
    print(f"Erlang C fewest counters: {count:,} cases (seed {seed})")
    print(f"  (best of {REPEATS} interleaved runs each)")
    print(f"  kofuplan     {ours_seconds:8.3f} s  {count / ours_seconds:12,.0f} cases/s")
    print(f"  pyworkforce  {their_seconds:8.3f} s  {count / their_seconds:12,.0f} cases/s")
    ratio = their_seconds / ours_seconds
    print(f"  throughput ratio kofuplan / pyworkforce: {ratio:,.1f}x (target >= 20x)")
    print(f"  kofuplan lower than pyworkforce: {lower:,}  equal: {equal:,}  higher: {higher:,}")
    print(f"  kofuplan meets the targets in {met:,} of {count:,} cases;"
          f" one counter fewer would also meet them in {one_fewer_met:,} (must be 0)")  # fmt: skip
    if lower:
        over = (theirs - ours)[ours < theirs]
        print(
            f"  where pyworkforce staffs more, it adds {over.mean():.2f} counters"
            f" on average (max {over.max()})"
        )
    if higher or one_fewer_met or met != count:
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv)
