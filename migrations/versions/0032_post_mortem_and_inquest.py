"""What a review waits for outside the agencies: the case's post-mortem and its inquest, and
the documents kept with the case (their content in chunks of its own table).

Revision ID: 0032
Revises: 0031
"""

import sqlalchemy as sa
from alembic import op

import ecdop.foundation.db

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

UTC = ecdop.foundation.db.UTCDateTime(timezone=True)


def _common(table: str):
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f(f"fk_{table}_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f(f"fk_{table}_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("case_id", name=op.f(f"uq_{table}_case_id")),
    ]


def upgrade():
    op.create_table(
        "post_mortems",
        *_common("post_mortems"),
        sa.Column("needed", sa.String(length=40), nullable=False),
        sa.Column("ordered_by", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("performed_on", sa.Date(), nullable=True),
        sa.Column("provisional_cause_received_on", sa.Date(), nullable=True),
        sa.Column("provisional_cause", sa.Text(), nullable=False),
        sa.Column("final_report_received_on", sa.Date(), nullable=True),
    )
    op.create_table(
        "inquests",
        *_common("inquests"),
        sa.Column("coroner_area", sa.String(length=160), nullable=False),
        sa.Column("coroner_reference", sa.String(length=80), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("expected_on", sa.Date(), nullable=True),
        sa.Column("concluded_on", sa.Date(), nullable=True),
        sa.Column("conclusion", sa.String(length=40), nullable=True),
        sa.Column("prevention_of_future_deaths_report", sa.Boolean(), nullable=False),
        sa.Column("report_sent_to", sa.Text(), nullable=False),
    )


    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("removed", sa.JSON(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", UTC, nullable=False),
        sa.Column("withdrawn_at", UTC, nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_documents_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_documents_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    op.create_index(op.f("ix_documents_case_id"), "documents", ["case_id"])
    op.create_table(
        "document_chunks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_document_chunks_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_chunks")),
        sa.UniqueConstraint(
            "document_id", "position", name=op.f("uq_document_chunks_document_id_position")
        ),
    )
    op.create_index(op.f("ix_document_chunks_document_id"), "document_chunks", ["document_id"])


def downgrade():
    op.drop_index(op.f("ix_document_chunks_document_id"), table_name="document_chunks")
    op.drop_table("document_chunks")
    op.drop_index(op.f("ix_documents_case_id"), table_name="documents")
    op.drop_table("documents")
    op.drop_table("inquests")
    op.drop_table("post_mortems")
