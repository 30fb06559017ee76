"""Browsers a person has signed in with before keep their own allowance of wrong attempts, so
that guessing from elsewhere cannot keep the owner locked out (OWASP's device cookies).

Revision ID: 0028
Revises: 0027
"""

import sqlalchemy as sa
from alembic import op

import ecdop.foundation.db

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "known_browsers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_signed_in_at", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("first_failed_sign_in_at", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("locked_until", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_known_browsers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_browsers")),
        sa.UniqueConstraint("nonce_hash", name=op.f("uq_known_browsers_nonce_hash")),
    )
    op.create_index(op.f("ix_known_browsers_user_id"), "known_browsers", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_known_browsers_user_id"), table_name="known_browsers")
    op.drop_table("known_browsers")
