"""A notification keeps a digest of what was sent, by whom and to which area, so that the
same form sent twice in a few minutes is recognised and not notified twice.

Revision ID: 0029
Revises: 0028
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

INDEX = "ix_notifications_submitted_by_id_submission_digest"


def upgrade():
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.add_column(sa.Column("submission_digest", sa.String(length=64), nullable=True))
    op.create_index(INDEX, "notifications", ["submitted_by_id", "submission_digest"])


def downgrade():
    op.drop_index(INDEX, table_name="notifications")
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_column("submission_digest")
