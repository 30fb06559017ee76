"""Documents an agency attaches to its reporting form, the post-mortem's link to the
document that is its final report, and deadlines chased at their own pace (the final report,
every 4 weeks once overdue).

Revision ID: 0033
Revises: 0032
"""

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("deadlines") as batch:
        batch.add_column(
            sa.Column("chase_every_days", sa.Integer(), server_default="7", nullable=False)
        )
    with op.batch_alter_table("deadline_rules") as batch:
        batch.add_column(sa.Column("chase_every_weeks", sa.Integer(), nullable=True))
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("reporting_request_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_documents_reporting_request_id_reporting_requests"),
            "reporting_requests",
            ["reporting_request_id"],
            ["id"],
        )
        batch.create_index(
            op.f("ix_documents_reporting_request_id"), ["reporting_request_id"], unique=False
        )
    with op.batch_alter_table("post_mortems") as batch:
        batch.add_column(sa.Column("final_report_document_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_post_mortems_final_report_document_id_documents"),
            "documents",
            ["final_report_document_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("post_mortems") as batch:
        batch.drop_constraint(
            op.f("fk_post_mortems_final_report_document_id_documents"), type_="foreignkey"
        )
        batch.drop_column("final_report_document_id")
    with op.batch_alter_table("documents") as batch:
        batch.drop_index(op.f("ix_documents_reporting_request_id"))
        batch.drop_constraint(
            op.f("fk_documents_reporting_request_id_reporting_requests"), type_="foreignkey"
        )
        batch.drop_column("reporting_request_id")
    with op.batch_alter_table("deadline_rules") as batch:
        batch.drop_column("chase_every_weeks")
    with op.batch_alter_table("deadlines") as batch:
        batch.drop_column("chase_every_days")
