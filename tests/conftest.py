"""Shared fixtures. The real statistics live in ../shared/data and are never copied here:
a test that needs them fails (not skips) when they are missing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tests.postgres_support import drop_own_database

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
