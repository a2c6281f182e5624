"""The test PostgreSQL: one database per test process (issue 12 item 6).

Tests run in parallel (pytest-xdist workers, and other checkouts' runs on the same server), and
a PostgreSQL test empties its database's schema first. So no two processes share a database:
each process creates its own beside ``KOFUPLAN_TEST_POSTGRES_URL``'s (named ``…_pid<pid>``,
the role needs CREATEDB, as .ci/services.sh grants), empties only that one, and drops it when
its session ends. Databases left by a process that died are dropped by the next run.
"""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import create_engine, make_url, text

POSTGRES_ENV = "KOFUPLAN_TEST_POSTGRES_URL"

_own: str | None = None  # this process's database URL, once created


def postgres_url() -> str | None:
    """This process's own test database, or None locally without PostgreSQL; on CI
    (CI=true) a missing PostgreSQL is a failure."""
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return _own_database(url)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{POSTGRES_ENV} is not set on CI: .ci/services.sh should have set it")
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _own_database(url: str) -> str:
    global _own
    if _own is None:
        given = make_url(url)
        base = given.database or "kofuplan_test"
        name = f"{base}_pid{os.getpid()}"
        stale = re.compile(rf"{re.escape(base)}_pid(\d+)")
        admin = create_engine(given, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            for (old,) in c.execute(text("SELECT datname FROM pg_database")):
                found = stale.fullmatch(old)
                if found and (old == name or not _alive(int(found[1]))):
                    c.execute(text(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)'))
            c.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        _own = given.set(database=name).render_as_string(hide_password=False)
    return _own


def drop_own_database() -> None:
    """Drop this process's database, if it made one (pytest_sessionfinish, tests/conftest.py)."""
    global _own
    if _own is None:
        return
    own, _own = make_url(_own), None
    admin = create_engine(make_url(os.environ[POSTGRES_ENV]), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)'))
    admin.dispose()
