"""Each area's retention rules, and an administrator's confirmation of them.

Revision ID: 0035
Revises: 0034
"""

import sqlalchemy as sa
from alembic import op

import ecdop.foundation.db

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

UTC = ecdop.foundation.db.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "retention_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_retention_rules_area_id_areas")),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_retention_rules_changed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_rules")),
        sa.UniqueConstraint("area_id", "kind", name=op.f("uq_retention_rules_area_id")),
    )
    op.create_table(
        "retention_confirmations",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_retention_confirmations_area_id_areas")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"], ["users.id"],
            name=op.f("fk_retention_confirmations_confirmed_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("area_id", name=op.f("pk_retention_confirmations")),
    )


def downgrade():
    op.drop_table("retention_confirmations")
    op.drop_table("retention_rules")
