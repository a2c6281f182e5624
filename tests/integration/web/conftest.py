from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kofuplan.adapters.storage.db import Database
from tests.web_support import fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    db = fresh_database(request.param, tmp_path)
    yield db
    db.dispose()
