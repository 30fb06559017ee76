"""A document whose content was erased under its area's retention rule says when: its record
stays, its content is gone.

Revision ID: 0039
Revises: 0038
"""

import sqlalchemy as sa
from alembic import op

import ecdop.foundation.db

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("erased_at", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
