"""Expensive outputs made once per test run and shared by every xdist worker (issue 12 item 6).

A national plan from the real statistics takes seconds and several modules read the same one;
each worker would otherwise make its own. The first worker that asks makes it under a file
lock in the run's base temporary folder (shared by the workers); the others wait and read it.
The folder is the run's own (pytest's temporary folders), so nothing outlives the run and a
change to the code is always seen. Readers must not write into a shared folder.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import pickle
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kofuplan.adapters.plan_csv import write_plan
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.services.planning import PlanRun, run_plan
from tests.cli_runner import run_cli


def run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's base temporary folder: the workers' common parent under xdist."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if re.fullmatch(r"popen-gw\d+", base.name) else base


def once_per_run(
    tmp_path_factory: pytest.TempPathFactory, key: str, make: Callable[[Path], None]
) -> Path:
    """The folder ``make`` filled for ``key``, made by the first worker that asks."""
    root = run_root(tmp_path_factory) / "once"
    root.mkdir(exist_ok=True)
    folder, done = root / key, root / f"{key}.done"
    with (root / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


def plan_once(tmp_path_factory: pytest.TempPathFactory, *args: str) -> Path:
    """The output folder of ``kofuplan plan *args --out FOLDER``, made once per run."""
    key = "plan-" + hashlib.sha256("\0".join(args).encode()).hexdigest()[:16]

    def make(out: Path) -> None:
        result = run_cli("plan", *args, "--out", str(out))
        assert result.exit_code == 0, result.output

    return once_per_run(tmp_path_factory, key, make)


def national_run(
    tmp_path_factory: pytest.TempPathFactory, long_stats: Path, as_of: dt.date, method: str
) -> PlanRun:
    """``run_plan`` on the real statistics at ``as_of`` with ``method``, made once per run
    (the national ``optimal`` plan takes the better part of a minute) and read back from a
    pickle by every module that needs it, in any worker."""
    key = f"run-{as_of.isoformat()}-{method}"

    def make(folder: Path) -> None:
        run = run_plan(StatsFiles(long_stats), as_of, method=method)
        (folder / "run.pickle").write_bytes(pickle.dumps(run, pickle.HIGHEST_PROTOCOL))

    folder = once_per_run(tmp_path_factory, key, make)
    run = pickle.loads((folder / "run.pickle").read_bytes())
    assert isinstance(run, PlanRun)
    return run


def national_plan_folder(
    tmp_path_factory: pytest.TempPathFactory, long_stats: Path, as_of: dt.date, method: str
) -> Path:
    """The folder ``kofuplan plan --method METHOD`` writes, from the shared national run:
    ``write_plan`` is what the command calls after ``run_plan`` (adapters/cli/plan_cmd.py).
    The command itself runs on the real data in ``plan_once`` (the default method)."""
    run = national_run(tmp_path_factory, long_stats, as_of, method)

    def make(out: Path) -> None:
        write_plan(out, run.plan, run.params, as_of.isoformat(), sample=False)

    return once_per_run(tmp_path_factory, f"plan-{as_of.isoformat()}-{method}", make)
