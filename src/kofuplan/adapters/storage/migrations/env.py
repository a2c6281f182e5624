"""Alembic environment: run with a connection handed over by ``kofuplan.adapters.storage.db``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from kofuplan.adapters.storage.models import Base

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    raise RuntimeError("run migrations through `kofuplan db init`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
