"""municipalities: the recent issuance pace at the baseline

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 15:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recent_increase", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("recent_days", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.drop_column("recent_days")
        batch_op.drop_column("recent_increase")
