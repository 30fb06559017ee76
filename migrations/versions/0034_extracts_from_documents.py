"""What a coordinator writes from a document for the panel pack: documents never reach a pack
themselves.

Revision ID: 0034
Revises: 0033
"""

import sqlalchemy as sa
from alembic import op

import ecdop.foundation.db

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

UTC = ecdop.foundation.db.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "document_extracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("confirmed_at", UTC, nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_extracts_document_id_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_document_extracts_confirmed_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_extracts")),
        sa.UniqueConstraint("document_id", name=op.f("uq_document_extracts_document_id")),
    )


def downgrade():
    op.drop_table("document_extracts")
