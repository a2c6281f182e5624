"""Shared fixtures. The real statistics live in ../shared/data and are never copied here:
a test that needs them fails (not skips) when they are missing."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tests.postgres_support import drop_own_database

# Issue 12 item 6: pytest keeps the test modules it rewrites (for its assertion messages) in
# __pycache__ (git-ignored) only where bytecode may be written. This environment sets
# PYTHONDONTWRITEBYTECODE, so every run rewrote every test module again, in each worker (about
# half of the collection's time). Now the first run writes them and later runs read them back
# (pytest checks each against its source's modification time and size).
sys.dont_write_bytecode = False

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data" / "mynumbercard"

# Issue 12 item 6: no deadline and no "too slow" health check, so a busy machine (CI, or
# other work on the same cores) never fails a property test; tests that set their own
# settings keep these unless they name them.
settings.register_profile(
    "kofuplan", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("kofuplan")

ON_CI = os.environ.get("CI", "").lower() == "true"

# Issue 12 item 6, the order of work under pytest-xdist (``--dist loadscope``: a module's tests
# run in one worker). The modules that read the national plans made once per run
# (tests/once.py) form one unit of work, so they run one after another in one worker and no
# worker sits waiting for another's national optimum.
NATIONAL_PLANS = "tests/integration: the national plans at 2020-10-01 and 2021-04-01"
SHARED_UNITS = {
    "tests/integration/test_plan_staffable.py": NATIONAL_PLANS,
    "tests/integration/test_plan_national.py": NATIONAL_PLANS,
    "tests/integration/test_optimal_national.py": NATIONAL_PLANS,
}
# The units that take longest start first, so that none of them is left running alone at the
# end of the run; the rest keep their order. Measured per module (wall and CPU) over a whole
# run on 2 cores, 2026-12-02: every module over 30 s of a worker's time at load 10.
LONGEST_FIRST = (
    "tests/integration/test_plan_staffable.py",
    "tests/integration/test_plan_national.py",
    "tests/integration/test_optimal_national.py",
    "tests/integration/test_fuzz_cli.py",
    "tests/e2e/test_service_e2e.py",
    "tests/integration/web/test_service_lifecycle.py",
    "tests/unit/test_optimal_speed.py",
    "tests/integration/test_renewal_plan_real.py",
    "tests/e2e/test_browser.py",
    "tests/integration/test_excel_render.py",
    "tests/integration/test_followup_real_data.py",
    "tests/integration/web/test_cli.py",
    "tests/unit/test_excel_roundtrip.py",
    "tests/integration/web/test_api.py",
    "tests/integration/test_optimal_highs_real.py",
    "tests/integration/test_forecast_real_data.py",
    "tests/integration/test_queueing_simulation.py",
    "tests/unit/test_holidays.py",
    "tests/integration/test_replan_real_data.py",
    "tests/integration/test_check_national.py",
    "tests/integration/test_robust_cli.py",
    "tests/integration/test_renewals_real.py",
)


def _module(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest units first (a stable sort: within a module, pytest's order stays)."""
    rank = {module: i for i, module in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(_module(item.nodeid), len(rank)))


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadscope`` with the shared units above, in the collection's order."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return SHARED_UNITS.get(_module(nodeid)) or str(super()._split_scope(nodeid))

    config.option.loadscopereorder = False  # keep LONGEST_FIRST's order, not by test count
    return Scheduling(config, log)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """On CI (CI=true) a skipped test is a failure: a test that needs PostgreSQL, Chromium or
    LibreOffice must run there (.ci/services.sh installs them), never pass by being skipped."""
    report = yield
    if ON_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped on CI (CI=true), which must run every test: {reason}"
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    drop_own_database()  # each test process's own PostgreSQL database (tests/postgres_support.py)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED_DATA / "municipalities_long_2020_2023.csv").is_file():
        pytest.fail(f"the real statistics are missing: expected them under {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def long_stats(shared_data: Path) -> Path:
    return shared_data / "municipalities_long_2020_2023.csv"
