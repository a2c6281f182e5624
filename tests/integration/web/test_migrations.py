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


def test_I17_3_migration_0007_keeps_the_plans_as_issuance_plans(database: Database) -> None:
    """Upgrading a database of 0006 keeps every stored plan revision as the issuance plan and
    lets a renewal revision take the same sequence number beside it; downgrading removes the
    renewal revisions only."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from kofuplan.adapters.storage.db import MIGRATIONS

    def to(target: str, down: bool = False) -> None:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with database.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(cfg, target)

    to("0006")
    with database.engine.begin() as c:
        c.execute(text("INSERT INTO prefectures (code, name) VALUES ('01', '北海道')"))
        c.execute(
            text(
                "INSERT INTO municipalities (lg_code, pref_code, name, population, "
                "cards_issued_baseline, baseline_date) "
                "VALUES ('011002', '01', '札幌市', 100, 10, '2020-10-01')"
            )
        )
        c.execute(
            text(
                "INSERT INTO plan_revisions (lg_code, seq, reason, content, created_at) "
                "VALUES ('011002', 1, '', '[]', '2020-10-01 00:00:00')"
            )
        )
    to("head")
    with database.engine.begin() as c:
        assert c.execute(text("SELECT kind, seq FROM plan_revisions")).all() == [("issuance", 1)]
        c.execute(
            text(
                "INSERT INTO plan_revisions (lg_code, kind, seq, reason, content, created_at) "
                "VALUES ('011002', 'renewal', 1, '', '[]', '2020-10-01 00:00:00')"
            )
        )
    to("0006", down=True)
    with database.engine.begin() as c:
        assert c.execute(text("SELECT seq FROM plan_revisions")).all() == [(1,)]
    to("head")
