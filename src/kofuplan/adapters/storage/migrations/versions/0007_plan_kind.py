"""plan_revisions: the plan's kind (issuance / renewal, issue 17); the unique sequence per
municipality becomes one per municipality and kind, so the renewal plan has a history of its own

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_revisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(16), server_default="issuance", nullable=False)
        )
        batch_op.drop_constraint("uq_plan_revisions_lg_code_seq", type_="unique")
        batch_op.create_unique_constraint(
            "uq_plan_revisions_lg_code_kind_seq", ["lg_code", "kind", "seq"]
        )


def downgrade() -> None:
    # Renewal revisions have no place in the older schema: they go with the column.
    op.execute(
        "DELETE FROM findings WHERE revision_id IN "
        "(SELECT id FROM plan_revisions WHERE kind <> 'issuance')"
    )
    op.execute("DELETE FROM plan_revisions WHERE kind <> 'issuance'")
    with op.batch_alter_table("plan_revisions", schema=None) as batch_op:
        batch_op.drop_constraint("uq_plan_revisions_lg_code_kind_seq", type_="unique")
        batch_op.create_unique_constraint("uq_plan_revisions_lg_code_seq", ["lg_code", "seq"])
        batch_op.drop_column("kind")
