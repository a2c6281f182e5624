"""Expensive outputs made once per test run and shared by every xdist worker (issue 12 item 6).

A national plan from the real statistics takes seconds and several modules read the same one;
each worker would otherwise make its own. The first worker that asks makes it under a file
lock in the run's base temporary folder (shared by the workers); the others wait and read it.
The folder is the run's own (pytest's temporary folders), so nothing outlives the run and a
change to the code is always seen. Readers must not write into a shared folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

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
