"""The key offered at enrolment is kept with the person, not the sign-in, so that it stays the
same until enrolment is finished: an app set up before a sign-in timed out still works.

Revision ID: 0030
Revises: 0029
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("totp_secret_offered", sa.String(length=64), nullable=True))
    # A half-finished enrolment's key moves to its person; the newest sign-in's, if several.
    op.execute(
        """
        UPDATE users SET totp_secret_offered = (
            SELECT pending_totp_secret FROM user_sessions
            WHERE user_sessions.user_id = users.id AND pending_totp_secret IS NOT NULL
            ORDER BY user_sessions.id DESC LIMIT 1
        )
        WHERE totp_secret IS NULL
        """
    )
    with op.batch_alter_table("user_sessions") as batch_op:
        batch_op.drop_column("pending_totp_secret")


def downgrade():
    with op.batch_alter_table("user_sessions") as batch_op:
        batch_op.add_column(sa.Column("pending_totp_secret", sa.String(length=64), nullable=True))
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("totp_secret_offered")
