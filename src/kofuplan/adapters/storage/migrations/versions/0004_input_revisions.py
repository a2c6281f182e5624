"""input_revisions: the municipality's own inputs and promotion section, with history

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "input_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lg_code", sa.String(length=6), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("base_revision_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["base_revision_id"], ["input_revisions.id"]),
        sa.ForeignKeyConstraint(["lg_code"], ["municipalities.lg_code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lg_code", "seq", name="uq_input_revisions_lg_code_seq"),
    )
    with op.batch_alter_table("input_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_input_revisions_lg_code"), ["lg_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("input_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_input_revisions_lg_code"))
    op.drop_table("input_revisions")
