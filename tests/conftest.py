"""Shared fixtures. The real statistics live in ../shared/data and are never copied here:
a test that needs them fails (not skips) when they are missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# No property test has a deadline (STYLE: the machine is shared; a slow example is not a bug).
settings.register_profile("kofuplan", deadline=None)
settings.load_profile("kofuplan")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data" / "mynumbercard"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED_DATA / "municipalities_long_2020_2023.csv").is_file():
        pytest.fail(f"the real statistics are missing: expected them under {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def long_stats(shared_data: Path) -> Path:
    return shared_data / "municipalities_long_2020_2023.csv"
