"""Erasing a notification sent in error: the two people's request and confirmation, kept as
the record that something was erased, and the notification's mark that it was.

Revision ID: 0038
Revises: 0037
"""

import sqlalchemy as sa
from alembic import op

import ecdop.foundation.db

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification_erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column(
            "reason",
            sa.Enum(
                "wrong_child",
                "not_a_death",
                "test",
                name="erasurereason",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("asked_by_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asked_by_id"], ["users.id"], name=op.f("fk_notification_erasures_asked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"],
            ["users.id"],
            name=op.f("fk_notification_erasures_cancelled_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_notification_erasures_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_notification_erasures_confirmed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_notification_erasures_notification_id_notifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_erasures")),
    )
    with op.batch_alter_table("notification_erasures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notification_erasures_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notification_erasures_notification_id"),
            ["notification_id"],
            unique=False,
        )

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("erased_at", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("erased_at")

    with op.batch_alter_table("notification_erasures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_erasures_notification_id"))
        batch_op.drop_index(batch_op.f("ix_notification_erasures_case_id"))

    op.drop_table("notification_erasures")
