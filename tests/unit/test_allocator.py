"""Issue 16 (cost per municipality-month flat from 1× to 100× the nation): a planning process
keeps the memory its arrays free for reuse, so a national re-plan does not take every page
fresh from the kernel again on each call (kofuplan.adapters.allocator)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kofuplan.adapters import allocator

# Allocate and free a national re-plan's worth of (1,741 × 30) float arrays, five times over,
# and count the page faults of the last four rounds.
_PROBE = """
import resource, sys
import numpy as np
if sys.argv[1] == "keep":
    from kofuplan.adapters.allocator import keep_freed_memory
    assert keep_freed_memory()
shape = (1741 * int(sys.argv[2]), 30)
def round_():
    arrays = [np.ones(shape) for _ in range(40 if sys.argv[2] == "1" else 4)]
    return sum(float(a[0, 0]) for a in arrays)
round_()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(4):
    round_()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str, factor: int = 1) -> int:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, mode, str(factor)],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.split()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_issue16_freed_arrays_are_reused_without_page_faults() -> None:
    kept = _faults("keep")
    # 4 rounds × 40 arrays × 102 pages each would be ~16,000 faults if every page came fresh.
    assert kept < 200, kept
    # And the default allocator does take them fresh (what the setting is for): if glibc
    # ever stops doing so, this module is no longer needed.
    assert _faults("default") > 10 * max(kept, 100)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_issue16_arrays_of_a_plan_100x_the_nation_are_reused_too() -> None:
    """Arrays of a plan 100× the nation's (~42 MB each, above glibc's largest mapping
    threshold) are reused as well, so the cost per municipality-month stays flat."""
    kept = _faults("keep", 100)
    # 4 rounds × 4 arrays × ~10,000 pages each would be ~160,000 faults (or ~300 with huge
    # pages) if they came fresh.
    assert kept < 100, kept
    assert _faults("default", 100) > 2 * max(kept, 100)


def test_issue16_keep_freed_memory_is_idempotent() -> None:
    first = allocator.keep_freed_memory()
    assert allocator.keep_freed_memory() == first
