"""Reading the 1,741 plan workbooks that come back: python-calamine against openpyxl.

Peer: the same reading done with openpyxl in read-only mode (``read_only=True,
data_only=True``), the way a prefecture would script it without kofuplan. Both sides run the
same container checks and the same cell parsing; only the library that finds the tables and
reads the cells differs. The results must be identical, including the error messages of the
few broken files mixed in. Generating the workbooks is not timed.

Inputs: one filled plan workbook per municipality of the real statistics at 2020-10-01
(1,741), as `kofuplan excel template --pref all` writes them (stamped, seconds for all), every
100th with two bad cells.

Run: `uv run python -m bench.bench_excel_read [--stats PATH] [--count N]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import posixpath
import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.cell import range_boundaries

from bench.report import Row, Timing, judged_ratio, load_average, record
from kofuplan.adapters.excel import ReadSettings, read_many
from kofuplan.adapters.excel.errors import WorkbookError
from kofuplan.adapters.excel.layout import HEADER_BLOCK, HEADER_BLOCK_SIZE, MONTHLY_TABLE
from kofuplan.adapters.excel.reader import ReadOutcome
from kofuplan.adapters.excel.stamp import TemplateStamper
from kofuplan.adapters.excel.tables import RawTable, read_tables_calamine
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.services.excel_plans import template_contents
from kofuplan.services.planning import run_plan

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_STATS = ROOT.parent / "shared/data/mynumbercard/municipalities_long_2020_2023.csv"
AS_OF = dt.date(2020, 10, 1)
NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
# Every BROKEN_EVERY-th workbook gets a bad cell, so that errors are compared too.
BROKEN_EVERY = 100


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", name + ".rels")
    if rels_path not in zf.namelist():
        return {}
    root = ET.fromstring(zf.read(rels_path))
    out = {}
    for r in root.findall("rel:Relationship", NS):
        target = r.get("Target", "")
        # Targets are relative to the part's folder, or absolute from the package root.
        full = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        out[r.get("Id", "")] = posixpath.normpath(full)
    return out


def _table_locations(zf: zipfile.ZipFile) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """Table name -> (sheet name, ref, column names), from the workbook's XML parts
    (openpyxl's read-only mode does not load tables)."""
    # the zip the container check opened, as ours is given it
    workbook = ET.fromstring(zf.read("xl/workbook.xml"))
    sheet_parts = _rels(zf, "xl/workbook.xml")
    out: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for sheet in workbook.findall("m:sheets/m:sheet", NS):
        part = sheet_parts.get(sheet.get(f"{{{NS['r']}}}id", ""), "")
        for target in _rels(zf, part).values():
            if not target.startswith("xl/tables/"):
                continue
            table = ET.fromstring(zf.read(target))
            columns = tuple(
                c.get("name", "") for c in table.findall("m:tableColumns/m:tableColumn", NS)
            )
            out[table.get("displayName") or table.get("name", "")] = (
                sheet.get("name", ""),
                table.get("ref", ""),
                columns,
            )
    return out


def read_tables_openpyxl(
    path: Path, label: str, names: Iterable[str], container: zipfile.ZipFile | None = None
) -> dict[str, RawTable]:
    try:
        if container is None:
            with zipfile.ZipFile(path) as zf:
                where = _table_locations(zf)
        else:
            where = _table_locations(container)
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise WorkbookError([f"{label}: a damaged workbook that cannot be read ({exc})"]) from None
    try:
        out: dict[str, RawTable] = {}
        for name in names:
            if name not in where:
                continue
            sheet, ref, columns = where[name]
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            rows = wb[sheet].iter_rows(
                min_row=min_row + 1, max_row=max_row, min_col=min_col, max_col=max_col,
                values_only=True,
            )  # fmt: skip
            out[name] = RawTable(
                name=name,
                sheet=sheet,
                header_row=min_row - 1,
                first_col=min_col - 1,
                headers=columns,
                rows=tuple(tuple(r) for r in rows),
            )
        if HEADER_BLOCK in names and MONTHLY_TABLE in out:  # the same cells ours reads
            sheet = out[MONTHLY_TABLE].sheet
            n_rows, n_cols = HEADER_BLOCK_SIZE
            block = wb[sheet].iter_rows(
                min_row=1, max_row=n_rows, min_col=1, max_col=n_cols, values_only=True
            )
            out[HEADER_BLOCK] = RawTable(HEADER_BLOCK, sheet, -1, 0, (), tuple(map(tuple, block)))
        return out
    finally:
        wb.close()


def generate(stats: Path, directory: Path, count: int) -> list[Path]:
    """The templates as `excel template --pref all` writes them (stamped: seconds, not
    minutes), a few of them broken."""
    run = run_plan(StatsFiles(stats), AS_OF)
    codes = [str(c) for c in run.plan.profiles.lg_code.tolist()][:count]
    paths = []
    stamper = TemplateStamper(as_of=AS_OF, made_on=AS_OF)
    for k, (plan, calendar) in enumerate(template_contents(run, codes)):
        path = directory / f"{plan.profile.lg_code}.xlsx"
        path.write_bytes(stamper.workbook_bytes(plan, calendar))
        if k % BROKEN_EVERY == BROKEN_EVERY - 1:
            wb = openpyxl.load_workbook(path)
            wb["月別計画"]["C14"] = "1,2O0"
            wb["月別計画"]["H20"] = -2
            wb.save(path)
        paths.append(path)
    return paths


def timed(
    paths: Sequence[Path], settings: ReadSettings, source: Any
) -> tuple[float, float, list[ReadOutcome]]:
    """Wall and CPU seconds (the CPU time is what a busy machine inflates least)."""
    gc.collect()  # garbage left by the generation must not be collected on either side's clock
    start, cpu = time.perf_counter(), time.process_time()
    outcomes = list(read_many(paths, settings, source=source))
    return time.perf_counter() - start, time.process_time() - cpu, outcomes


def compare(
    paths: Sequence[Path], settings: ReadSettings, rounds: int
) -> tuple[Timing, Timing, list[ReadOutcome], list[ReadOutcome]]:
    """``rounds`` runs for each side, the sides alternating so that a busy machine slows
    both alike; a warm-up first, so that neither pays for first-call set-up."""
    for source in (read_tables_calamine, read_tables_openpyxl):
        list(read_many(paths[:20], settings, source=source))
    fast: list[tuple[float, float]] = []
    slow: list[tuple[float, float]] = []
    ours: list[ReadOutcome] = []
    theirs: list[ReadOutcome] = []
    for _ in range(rounds):
        t, c, ours = timed(paths, settings, read_tables_calamine)
        fast.append((t, c))
        t, c, theirs = timed(paths, settings, read_tables_openpyxl)
        slow.append((t, c))

    def timing(runs: list[tuple[float, float]]) -> Timing:
        return Timing(tuple(t for t, _ in runs), tuple(c for _, c in runs))

    return timing(fast), timing(slow), ours, theirs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--stats", type=Path, default=DEFAULT_STATS)
    ap.add_argument("--count", type=int, default=1741)
    ap.add_argument("--rounds", type=int, default=3, help="runs per side (min and median)")
    args = ap.parse_args()
    if not args.stats.is_file():
        sys.exit(f"statistics not found: {args.stats}")
    settings = ReadSettings.at(AS_OF)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        paths = generate(args.stats, Path(tmp), args.count)
        took = time.perf_counter() - t
        print(f"inputs: {len(paths):,} filled workbooks of the real statistics at {AS_OF}, "
              f"written in {took:.1f} s (not timed)")  # fmt: skip
        print("peer: openpyxl read-only (the way a prefecture would script it)")
        fast, slow, ours, theirs = compare(paths, settings, args.rounds)
    same = [(o.path, o.plan, o.error and o.error.problems) for o in ours] == [
        (o.path, o.plan, o.error and o.error.problems) for o in theirs
    ]
    bad = sum(o.error is not None for o in ours)
    n = len(paths)
    broken = n // BROKEN_EVERY
    if bad != broken:
        print(f"expected {broken} broken workbooks, {bad} were rejected")
        same = False
    print(f"same results: {same}: {n - bad:,} workbooks read, {bad} rejected with the same errors")
    ratio = slow.median / fast.median
    cpu_ratio = statistics.median(slow.cpu) / statistics.median(fast.cpu)
    # Both sides are single-threaded and CPU-bound: on a busy machine, judged on CPU time.
    judged, judged_on = judged_ratio(fast, slow)
    record(
        "bench_excel_read",
        [
            Row(
                what=f"read {n:,} filled plan workbooks, {bad} broken "
                f"(best/median of {args.rounds}, alternating)",
                ours=f"python-calamine: {fast.text('s')}",
                peer=f"openpyxl read-only: {slow.text('s')}",
                ratio=f"{ratio:.1f}× (medians; CPU {cpu_ratio:.1f}×)",
                goal=f"≥ 10× openpyxl, judged on {judged_on}",
                met=judged >= 10 and same,
                same_answer="yes" if same else "no",
                load=load_average(),
            )
        ],
    )
    if not same:
        sys.exit("calamine and openpyxl read different results")


if __name__ == "__main__":
    main()
