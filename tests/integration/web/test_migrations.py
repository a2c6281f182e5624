"""Issue 6 §1: the committed Alembic migrations build exactly the tables the models describe,
on SQLite and PostgreSQL, and running them again changes nothing."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from kofuplan.adapters.storage.db import Database
from kofuplan.adapters.storage.models import Base


def test_R6_migrations_match_the_models(database: Database) -> None:
    database.init()
    database.init()  # idempotent: already at head
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []
        tables = set(inspect(connection).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
