"""Calibrate the default plan's additions on what municipalities really submitted (issue 11).

Runs on the shared statistics::

    uv run --frozen python tools/calibrate_staffing.py [--data ../shared/data/mynumbercard]
        [--presetup 90 80 75 70] [--dedicated 52]

For each candidate ``capacity.presetup_cards_per_staff_day`` (cards one back-office staff sets
up a weekday) and ``capacity.dedicated_daily_per_counter``, it makes the default ``level`` plan
at 2020-10-01 with every other rule as written, and prints the national counters and staff it
adds (at the end and at the peak, as ``summary.json`` reports them) against the Diet answer of
February 2021 (about 1,690 counters and 4,991 staff added by March 2023), with the
municipalities whose recruiting would have to start before the plan (R2.3; must be 0).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.domain.aggregate import national_aims
from kofuplan.domain.capacity import NO_RECRUIT
from kofuplan.domain.plan import make_plan
from kofuplan.services.planning import load_profiles, plan_calendar, rules_at

AS_OF = dt.date(2020, 10, 1)
SUBMITTED_COUNTERS, SUBMITTED_STAFF = 1_690, 4_991


class Override(Mapping[str, Any]):
    """The rules of a snapshot with some values replaced (and its day kept)."""

    def __init__(self, base: Any, changes: Mapping[str, Any]) -> None:
        self.base, self.changes, self.day = base, changes, base.day

    def __getitem__(self, key: str) -> Any:
        return self.changes[key] if key in self.changes else self.base[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.base)

    def __len__(self) -> int:
        return len(self.base)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/mynumbercard"))
    ap.add_argument("--presetup", type=float, nargs="+", default=[90, 80, 75, 70, 65])
    ap.add_argument("--dedicated", type=float, nargs="+", default=None)
    args = ap.parse_args()
    base = rules_at(AS_OF)
    dedicated = args.dedicated or [float(base["capacity.dedicated_daily_per_counter"])]
    stats = args.data / "municipalities_long_2020_2023.csv"
    print("presetup dedicated | counters end (vs 1,690) peak | staff end (vs 4,991) peak | R2.3")
    for ded in dedicated:
        for pre in args.presetup:
            params = Override(
                base,
                {
                    "capacity.presetup_cards_per_staff_day": pre,
                    "capacity.dedicated_daily_per_counter": ded,
                },
            )
            profiles = load_profiles(StatsFiles(stats), AS_OF, params)  # type: ignore[arg-type]
            plan = make_plan(profiles, plan_calendar(params, AS_OF), params, "level")  # type: ignore[arg-type]
            a = national_aims(plan, params)
            rs = plan.capacity.recruit_start_index
            late = int(((rs != NO_RECRUIT) & (rs < 0)).any(axis=1).sum())
            print(
                f"{pre:8.0f} {ded:9.0f} | {a.counters_added_by_end:5d} "
                f"({a.counters_added_by_end / SUBMITTED_COUNTERS - 1:+.1%}) "
                f"{a.counters_added_at_peak:5d} | {a.staff_added_by_end:5d} "
                f"({a.staff_added_by_end / SUBMITTED_STAFF - 1:+.1%}) "
                f"{a.staff_added_at_peak:5d} | {late}",
                flush=True,
            )


if __name__ == "__main__":
    main()
