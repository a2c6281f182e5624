"""Writing the plan workbooks of every municipality: `excel template --pref all`.

Ours: one process, one plan of the nation, and the workbooks stamped from a layout made once
per shape (adapters/excel/stamp.py). Peer: the same workbooks laid out and saved by openpyxl
one by one (``build_workbook(...).save``), as the command did before and as a prefecture's
own script would. Both sides write the same municipalities to files, warmed alike, in
alternating rounds; every workbook of both sides is read back and must give the same plan.
The national plan is computed once, outside both clocks; the whole command (plan included)
is timed separately, as a user runs it.

Run: `uv run python bench/bench_excel_template.py [--stats PATH] [--peer-count N]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.report import Row, load_average, record
from kofuplan.adapters.excel.reader import ReadSettings, read_many
from kofuplan.adapters.excel.stamp import TemplateStamper
from kofuplan.adapters.excel.template import build_workbook
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.domain.workbook import PlanWorkbook, TemplateCalendar
from kofuplan.services.excel_plans import template_contents
from kofuplan.services.planning import run_plan

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_STATS = ROOT.parent / "shared/data/mynumbercard/municipalities_long_2020_2023.csv"
AS_OF = dt.date(2020, 10, 1)
Contents = Sequence[tuple[PlanWorkbook, TemplateCalendar]]


def ours(contents: Contents, directory: Path) -> float:
    gc.collect()
    start = time.perf_counter()
    stamper = TemplateStamper(as_of=AS_OF, made_on=AS_OF)
    for plan, calendar in contents:
        (directory / f"{plan.profile.lg_code}.xlsx").write_bytes(
            stamper.workbook_bytes(plan, calendar)
        )
    return time.perf_counter() - start


def peer(contents: Contents, directory: Path) -> float:
    gc.collect()
    start = time.perf_counter()
    for plan, calendar in contents:
        book = build_workbook(plan, calendar, as_of=AS_OF, made_on=AS_OF)
        book.save(directory / f"{plan.profile.lg_code}.xlsx")
    return time.perf_counter() - start


def read_back(directory: Path) -> list[tuple[str, object]]:
    paths = sorted(directory.glob("*.xlsx"))
    settings = ReadSettings.at(AS_OF)
    return [(o.path.name, o.plan) for o in read_many(paths, settings)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--stats", type=Path, default=DEFAULT_STATS)
    ap.add_argument("--peer-count", type=int, default=200, help="municipalities for the ratio")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    if not args.stats.is_file():
        sys.exit(f"statistics not found: {args.stats}")
    run = run_plan(StatsFiles(args.stats), AS_OF)
    codes = [str(c) for c in run.plan.profiles.lg_code.tolist()]
    contents = template_contents(run, codes)
    sample = contents[: args.peer_count]
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "ours", Path(tmp) / "peer"
        a.mkdir()
        b.mkdir()
        ours(sample[:10], a)  # warm both sides alike
        peer(sample[:10], b)
        fast = slow = float("inf")
        for _ in range(args.rounds):
            fast = min(fast, ours(sample, a))
            slow = min(slow, peer(sample, b))
        same = read_back(a) == read_back(b)
        assert same, "stamped and openpyxl workbooks read back differently"
        n = len(sample)
        print(f"{n} workbooks, both sides, read back identical: {same}")
        print(f"stamped   : {fast:6.2f} s ({fast / n * 1000:5.1f} ms/workbook)")
        print(f"openpyxl  : {slow:6.2f} s ({slow / n * 1000:5.1f} ms/workbook)")
        print(f"ratio     : {slow / fast:6.1f}× faster stamped")
        full = Path(tmp) / "all"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "kofuplan", "excel", "template", "--stats", str(args.stats),
             "--as-of", "2020-10-01", "--pref", "all", "--out-dir", str(full)],
            check=True,
        )  # fmt: skip
        full_took = time.perf_counter() - start
        written = len(list(full.glob("*.xlsx")))
        print(
            f"`excel template --pref all`: {written:,} workbooks in {full_took:.1f} s "
            "(target < 60 s)"
        )
        start = time.perf_counter()
        outcomes = list(read_many(sorted(full.glob("*.xlsx")), ReadSettings.at(AS_OF)))
        took = time.perf_counter() - start
        bad = sum(o.error is not None for o in outcomes)
        print(f"read back: {len(outcomes):,} workbooks in {took:.1f} s, {bad} rejected")
        assert written == len(codes) and bad == 0
    record(
        "bench_excel_template",
        [
            Row(
                what=f"write {n:,} plan workbooks (best of {args.rounds}, alternating)",
                ours=f"stamped: {fast:.2f} s ({fast / n * 1000:.1f} ms each)",
                peer=f"openpyxl, one by one: {slow:.2f} s ({slow / n * 1000:.1f} ms each)",
                ratio=f"{slow / fast:.1f}×",
                goal="every workbook reads back to the same plan",
                met=same,
                same_answer="yes" if same else "no",
                load=load_average(),
            ),
            Row(
                what=f"`excel template --pref all`: {written:,} workbooks, whole command",
                ours=f"{full_took:.1f} s",
                peer="—",
                ratio="—",
                goal="< 60 s",
                met=full_took < 60,
                same_answer="—",
                load=load_average(),
            ),
        ],
    )


if __name__ == "__main__":
    main()
