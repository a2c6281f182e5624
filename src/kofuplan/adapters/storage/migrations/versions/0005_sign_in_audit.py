"""sign_in_events (audit log and throttle), users' forced password change, explanations
carried by a hand-in, stored summaries for the national and prefecture pages

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sign_in_events", schema=None) as batch_op:
        batch_op.create_index("ix_sign_in_events_login_address", ["login", "address", "at"])
        batch_op.create_index("ix_sign_in_events_address", ["address", "at"])
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("review_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("explanations", sa.JSON(), nullable=True))
    op.create_table(
        "summaries",
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("computed_version", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("scope"),
    )


def downgrade() -> None:
    op.drop_table("summaries")
    with op.batch_alter_table("review_events", schema=None) as batch_op:
        batch_op.drop_column("explanations")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("password_changed_at")
        batch_op.drop_column("must_change_password")
    with op.batch_alter_table("sign_in_events", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_events_address")
        batch_op.drop_index("ix_sign_in_events_login_address")
    op.drop_table("sign_in_events")
