"""municipalities: the kind of municipality (特別区 / 指定都市 / 市 / 町 / 村), for the focus
designation's groups on the national page (issue 12)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 07:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("municipality_type", sa.String(8), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.drop_column("municipality_type")
