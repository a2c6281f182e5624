"""A nation is planned in blocks of municipalities, copied into the whole plan as each is made:
the figures are those of one pass over everyone (R1.1, R2.0: every municipality's plan)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kofuplan.adapters.sample_stats import write_sample_stats
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.domain import plan as plan_module
from kofuplan.services.planning import run_plan


def _leaves(x: Any, path: str = "") -> dict[str, Any]:
    if isinstance(x, np.ndarray):
        return {path: x}
    if isinstance(x, dict):
        return {k2: v2 for k, v in x.items() for k2, v2 in _leaves(v, f"{path}.{k}").items()}
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {
            k2: v2
            for f in dataclasses.fields(x)
            for k2, v2 in _leaves(getattr(x, f.name), f"{path}.{f.name}").items()
        }
    return {path: x}


@pytest.mark.parametrize("method", ["level", "delivery"])
def test_R1_1_plan_in_blocks_equals_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    as_of = dt.date(2020, 10, 1)
    stats = write_sample_stats(tmp_path / "stats.csv", as_of)
    whole = run_plan(StatsFiles(stats), as_of, method=method).plan
    n = len(whole.profiles)
    monkeypatch.setattr(plan_module, "BLOCK", max(1, n // 3 - 1))  # uneven blocks, a short last
    blocked = run_plan(StatsFiles(stats), as_of, method=method).plan
    assert blocked.profiles is not None and len(blocked.profiles) == n
    one, other = _leaves(whole), _leaves(blocked)
    assert one.keys() == other.keys()
    for key, value in one.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(other[key], value, err_msg=key)
        else:
            assert other[key] == value, key
    assert whole.waits is not None and blocked.waits is not None
    np.testing.assert_array_equal(
        blocked.waits.weekday.worst_hour_wait_minutes, whole.waits.weekday.worst_hour_wait_minutes
    )
