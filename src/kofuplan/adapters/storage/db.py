"""Engine and migrations. ``KOFUPLAN_DATABASE_URL`` picks the database; without it a SQLite
file in WAL mode in the working folder, so `kofuplan serve` needs nothing set up."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from kofuplan.adapters.storage import summary_store

if TYPE_CHECKING:
    from kofuplan.adapters.storage.repository import SqlUnitOfWork

DEFAULT_SQLITE_FILE = "kofuplan.sqlite3"
MIGRATIONS = Path(__file__).with_name("migrations")


def database_url(explicit: str | None = None) -> str:
    if explicit:
        return explicit
    env = os.environ.get("KOFUPLAN_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{Path.cwd() / DEFAULT_SQLITE_FILE}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # Requests run in a thread pool, so the connection crosses threads; the busy timeout
        # lets concurrent writers wait for the lock instead of failing at once.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cur = dbapi_connection.cursor()
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=40)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (what `kofuplan db init` runs)."""
    from alembic import command  # only when migrating: a second of the server's start-up
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


class Database:
    """An engine with its session factory."""

    def __init__(self, url: str | None = None) -> None:
        self.url = database_url(url)
        self.engine = make_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Called with the stale summaries' scopes after a commit that changed what they sum.
        self.summary_listeners = summary_store.watch(self.sessions)

    @property
    def key(self) -> str:
        return self.url

    def unit_of_work(self) -> SqlUnitOfWork:
        """A unit of work over a new session (``kofuplan.services.ports.UnitOfWork``)."""
        from kofuplan.adapters.storage.repository import SqlUnitOfWork

        return SqlUnitOfWork(self.sessions)

    def init(self) -> None:
        migrate(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as s:
            yield s

    def dispose(self) -> None:
        self.engine.dispose()
