"""Each case's family has a key worker: the record of who it is now, and since when.

Revision ID: 0031
Revises: 0030
"""

import sqlalchemy as sa
from alembic import op

import ecdop.foundation.db

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "family_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("key_worker_id", sa.Integer(), nullable=True),
        sa.Column("key_worker_assigned_at", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_family_records_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["key_worker_id"], ["users.id"], name=op.f("fk_family_records_key_worker_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_records")),
        sa.UniqueConstraint("case_id", name=op.f("uq_family_records_case_id")),
    )
    op.create_index(op.f("ix_family_records_key_worker_id"), "family_records", ["key_worker_id"])


def downgrade():
    op.drop_index(op.f("ix_family_records_key_worker_id"), table_name="family_records")
    op.drop_table("family_records")
