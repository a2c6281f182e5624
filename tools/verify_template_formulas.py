"""Evaluate the plan workbook's formulas and compare them with the engine (issue 5).

The template's formulas (capacity, cumulative, coverage and the R6.1 judgements) are meant to
agree with ``kofuplan.domain.capacity`` and the checks. openpyxl does not evaluate formulas,
so this developer tool uses pycel, which is not a project dependency:

    uv run --with pycel python tools/verify_template_formulas.py [--stats PATH] [--pref 13]
        [--profiles PATH]   # a profile CSV with evenings_per_month/evening_hours checks R8.3

It writes the prefecture's templates from the engine's plan, evaluates every month's
formulas, compares them with plan_monthly.csv's columns, then breaks each check in turn and
expects its formula to show ×. Exit status 1 on any disagreement.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

from pycel import ExcelCompiler  # type: ignore[import-not-found]

from kofuplan.adapters.excel.sheet_layout import CALC_FIRST_COL, CALC_HEADERS, MONTHLY_FIRST_ROW
from kofuplan.adapters.excel.template import write_template
from kofuplan.adapters.plan_csv import plan_columns
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.services.excel_plans import template_contents
from kofuplan.services.planning import run_plan

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_STATS = ROOT.parent / "shared/data/mynumbercard/municipalities_long_2020_2023.csv"
AS_OF = dt.date(2020, 10, 1)


def column(header: str) -> str:
    j = next(k for k, (h, _) in enumerate(CALC_HEADERS) if h == header)
    return chr(ord("A") + CALC_FIRST_COL + j - 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--stats", type=Path, default=DEFAULT_STATS)
    ap.add_argument("--pref", default="13")
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument(
        "--profiles", type=Path, default=None, help="profile CSV, e.g. with evening opening (R8.3)"
    )
    args = ap.parse_args()
    run = run_plan(StatsFiles(args.stats), AS_OF, args.profiles)
    codes = [c for c in map(str, run.plan.profiles.lg_code.tolist()) if c[:2] == args.pref]
    codes = codes[: args.limit]
    engine = plan_columns(run.plan)
    index = {
        (c, m): k for k, (c, m) in enumerate(zip(engine["lg_code"], engine["month"], strict=True))
    }
    cap, cum, cov = column("交付能力"), column("累計交付枚数"), column("交付率")
    judgements = [column(h) for h in ("判定:交付能力", "判定:庁舎内窓口", "判定:土日交付")]
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for plan, calendar in template_contents(run, codes):
            path = Path(tmp) / f"{plan.profile.lg_code}.xlsx"
            write_template(path, plan, calendar, as_of=AS_OF)
            xl = ExcelCompiler(filename=str(path))
            for i, month in enumerate(plan.months):
                r = MONTHLY_FIRST_ROW + i
                k = index[(plan.profile.lg_code, month)]
                got = (xl.evaluate(f"月別計画!{cap}{r}"), xl.evaluate(f"月別計画!{cum}{r}"))
                want = (int(engine["capacity"][k]), int(engine["cumulative_issued"][k]))
                coverage = float(xl.evaluate(f"月別計画!{cov}{r}")) * 100
                marks = [xl.evaluate(f"月別計画!{c}{r}") for c in judgements]
                if (
                    got != want
                    or abs(coverage - float(engine["coverage_pct"][k])) > 0.006
                    or any(m != "○" for m in marks)
                ):
                    bad += 1
                    print(f"{plan.profile.lg_code} {month}: formulas {got} {coverage:.2f} {marks}")
                    print(f"    engine {want} {engine['coverage_pct'][k]}")
            # Break each check in the first month and expect ×.
            r = MONTHLY_FIRST_ROW
            for c in judgements:
                xl.evaluate(f"月別計画!{c}{r}")
            xl.set_value(f"月別計画!D{r}", 0)
            xl.set_value(f"月別計画!E{r}", 0)
            xl.set_value(f"月別計画!G{r}", 0)
            broken = [xl.evaluate(f"月別計画!{c}{r}") for c in judgements]
            xl.set_value(f"月別計画!D{r}", 500)  # 500 dedicated counters, none off-site
            xl.set_value(f"月別計画!F{r}", 0)
            broken[1] = xl.evaluate(f"月別計画!{judgements[1]}{r}")
            if not all(str(b).startswith("×") for b in broken):
                bad += 1
                print(f"{plan.profile.lg_code}: broken checks still show {broken}")
            print(f"{plan.profile.lg_code}: {len(plan.months)} months checked")
    print("formulas agree with the engine" if bad == 0 else f"{bad} disagreement(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
