"""Shared by the benchmarks: fair timing, and one results table (``bench/results.md``).

Each benchmark records its rows with :func:`record` (one JSON file per benchmark under
``bench/.results/``); ``python -m bench.report`` then writes ``bench/results.md``: one table of
what, ours, peer, ratio, goal, whether the goal is met and whether both sides gave the same
answer, with the machine's load average when each figure was taken (the machine is shared).

Timing rules: both sides are warmed alike (one untimed call each), then run alternately so a
neighbour's load penalises neither more; the min and the median of the runs are reported.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / ".results"
REPORT = ROOT / "bench" / "results.md"
STATS = ROOT.parent / "shared/data/mynumbercard/municipalities_long_2020_2023.csv"


@dataclass(frozen=True)
class Timing:
    runs: tuple[float, ...]  # wall clock
    cpu: tuple[float, ...] = ()  # CPU time of the same runs (user + system)

    @property
    def min(self) -> float:
        return min(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def text(self, unit: str = "s") -> str:
        scale = {"s": 1.0, "ms": 1e3}[unit]
        out = f"min {self.min * scale:,.3g} / median {self.median * scale:,.3g} {unit}"
        if self.cpu:
            cpu = statistics.median(self.cpu) * scale
            out += f" (CPU median {cpu:,.3g} {unit})"
        return out

    def judged(self, goal: float) -> tuple[bool, str]:
        """Whether the median meets a time goal set for a quiet machine, and on what.

        On a busy shared machine (load above half its cores) the wall clock mostly measures
        the neighbours' work; the run's own CPU time is then the closest figure to what a
        quiet machine would show, and the goal is judged on it, saying so."""
        if not self.cpu or quiet():
            return self.median <= goal, "wall"
        return statistics.median(self.cpu) <= goal, "CPU (machine busy)"


def quiet() -> bool:
    return os.getloadavg()[0] <= (os.cpu_count() or 1) / 2


def judged_ratio(ours: Timing, peer: Timing) -> tuple[float, str]:
    """How many times faster ours is than the peer (medians), and on what clock: the wall
    clock on a quiet machine, CPU time on a busy one, as :meth:`Timing.judged`."""
    if ours.cpu and peer.cpu and not quiet():
        return statistics.median(peer.cpu) / statistics.median(ours.cpu), "CPU (machine busy)"
    return peer.median / ours.median, "wall"


@dataclass(frozen=True)
class Row:
    what: str
    ours: str
    peer: str  # the peer's name and figure, or "—" for a goal without a peer
    ratio: str  # peer / ours (how many times faster), or the figure the goal is on
    goal: str
    met: bool
    same_answer: str  # "yes", "no", or "—" where there is nothing to compare
    load: str  # load average (1 min) when measured, and the machine's cores


def load_average() -> str:
    one, _, _ = os.getloadavg()
    return f"{one:.2f} on {os.cpu_count()} cores"


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def timed_both(fn: Callable[[], Any]) -> tuple[float, float]:
    """Wall and CPU time of one call; the CPU of any process it started and waited for
    (the optimum's pool of processes) counts too."""
    start, cpu = time.perf_counter(), time.process_time() + _children_cpu()
    fn()
    return time.perf_counter() - start, time.process_time() + _children_cpu() - cpu


def side_by_side(
    ours: Callable[[], Any], peer: Callable[[], Any], runs: int
) -> tuple[Timing, Timing]:
    """Both warmed alike, then alternating runs; CPU-bound work on one core each."""
    ours()
    peer()
    mine: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):
        mine.append(timed(ours))
        theirs.append(timed(peer))
    return Timing(tuple(mine)), Timing(tuple(theirs))


def repeat(fn: Callable[[], Any], runs: int, warm: bool = True) -> Timing:
    if warm:
        fn()
    both = [timed_both(fn) for _ in range(runs)]
    return Timing(tuple(w for w, _ in both), tuple(c for _, c in both))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_runs(argv: Sequence[str], runs: int, cwd: Path = ROOT) -> Timing:
    """Wall and CPU time of whole processes (start-up included), after one untimed run."""
    subprocess.run(argv, check=True, cwd=cwd, capture_output=True)
    wall, cpu = [], []
    for _ in range(runs):
        start, before = time.perf_counter(), _children_cpu()
        subprocess.run(argv, check=True, cwd=cwd, capture_output=True)
        wall.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - before)
    return Timing(tuple(wall), tuple(cpu))


def record(bench: str, rows: Sequence[Row]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"bench": bench, "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    payload["rows"] = [asdict(r) for r in rows]  # type: ignore[assignment]
    (RESULTS / f"{bench}.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    for r in rows:
        mark = "met" if r.met else "MISSED"
        print(f"  [{mark}] {r.what}: ours {r.ours}; peer {r.peer}; ratio {r.ratio}; goal {r.goal}")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_report() -> int:
    """bench/results.md from the recorded rows; exit status 1 if any goal is missed or any
    equality check failed."""
    files = sorted(RESULTS.glob("*.json"))
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m bench.report`) from the rows each benchmark records.",
        "Ratio: the peer's time over ours (how many times faster kofuplan is), unless the row",
        "says otherwise. Load: the 1-minute load average when the figure was taken; the",
        "machine is shared, so a high load slows both sides of a ratio alike but inflates",
        "absolute times.",
        "",
        "| what | ours | peer | ratio | goal | met | same answer | load |",
        "|---|---|---|---|---|---|---|---|",
    ]
    failed = False
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        for r in data["rows"]:
            failed |= not r["met"] or r["same_answer"] == "no"
            lines.append(
                "| "
                + " | ".join(
                    _cell(x)
                    for x in (
                        r["what"],
                        r["ours"],
                        r["peer"],
                        r["ratio"],
                        r["goal"],
                        "yes" if r["met"] else "**no**",
                        r["same_answer"],
                        r["load"],
                    )
                )
                + " |"
            )
    logs = sorted(RESULTS.glob("*.log"))
    silent = [p.stem for p in logs if not (RESULTS / f"{p.stem}.json").exists()]
    if silent:
        lines += ["", "Benchmarks that recorded no row (last lines of their output):", ""]
        for name in silent:
            tail = (RESULTS / f"{name}.log").read_text(encoding="utf-8").splitlines()[-4:]
            lines.append(f"- `{name}`: " + " / ".join(t.strip() for t in tail if t.strip()))
    timing = RESULTS / "make_bench_seconds.txt"
    if timing.exists():
        lines += ["", f"`make bench` took {timing.read_text(encoding='utf-8').strip()} s."]
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {REPORT}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(write_report())
