"""A session records when its person last confirmed who they are (password and a fresh code),
so that sensitive account actions can ask for it again.

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

from ecdop.foundation.db import UTCDateTime

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_sessions") as batch_op:
        batch_op.add_column(sa.Column("identity_confirmed_at", UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("user_sessions") as batch_op:
        batch_op.drop_column("identity_confirmed_at")
