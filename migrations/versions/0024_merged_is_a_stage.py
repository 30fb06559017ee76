"""Merged is the stage machine's terminal stage: a case merged into the same child's case is at
stage "merged", and a check holds the pointer and the stage together.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

CHECK = "ck_cases_merged_at_merged_stage"


def upgrade():
    # Only a case still at "notified" could be merged: that stage is what it leaves.
    op.execute(sa.text("UPDATE cases SET stage = 'merged' WHERE merged_into_id IS NOT NULL"))
    with op.batch_alter_table("cases") as batch_op:
        batch_op.create_check_constraint(op.f(CHECK), "merged_into_id IS NULL OR stage = 'merged'")


def downgrade():
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_constraint(op.f(CHECK), type_="check")
    op.execute(sa.text("UPDATE cases SET stage = 'notified' WHERE stage = 'merged'"))
