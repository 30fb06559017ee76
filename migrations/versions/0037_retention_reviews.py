"""De-identification: each month's retention review and its items, the reasons given for an
action kept beside the audit trail rather than in it, and the figures a de-identified case
keeps for the board (its deprivation decile, and days from the death).

Revision ID: 0037
Revises: 0036
"""

import sqlalchemy as sa
from alembic import op

import ecdop.foundation.db

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "retention_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "listed",
                "put_forward",
                "approved",
                "done",
                name="reviewstate",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("put_forward_by_id", sa.Integer(), nullable=True),
        sa.Column("put_forward_at", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_retention_reviews_approved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_retention_reviews_area_id_areas")
        ),
        sa.ForeignKeyConstraint(
            ["put_forward_by_id"],
            ["users.id"],
            name=op.f("fk_retention_reviews_put_forward_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_reviews")),
    )
    with op.batch_alter_table("retention_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retention_reviews_area_id"), ["area_id"], unique=False)

    op.create_table(
        "retention_review_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "case", "family", "documents", name="retaineddata", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_at", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("skipped_because", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_retention_review_items_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["retention_reviews.id"],
            name=op.f("fk_retention_review_items_review_id_retention_reviews"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_review_items")),
        sa.UniqueConstraint(
            "review_id", "case_id", "kind", name=op.f("uq_retention_review_items_review_id")
        ),
    )
    with op.batch_alter_table("retention_review_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retention_review_items_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_retention_review_items_review_id"), ["review_id"], unique=False
        )

    op.create_table(
        "audit_event_reasons",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_audit_event_reasons_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["audit_events.id"],
            name=op.f("fk_audit_event_reasons_event_id_audit_events"),
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_audit_event_reasons")),
    )
    with op.batch_alter_table("audit_event_reasons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_event_reasons_case_id"), ["case_id"], unique=False
        )

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "deidentified_at", ecdop.foundation.db.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("deprivation_decile", sa.Integer(), nullable=True))

    with op.batch_alter_table("inquests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("days_from_death_to_conclusion", sa.Integer(), nullable=True))

    with op.batch_alter_table("panel_analyses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("days_from_death", sa.Integer(), nullable=True))

    with op.batch_alter_table("post_mortems", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("days_from_death_to_final_report", sa.Integer(), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("post_mortems", schema=None) as batch_op:
        batch_op.drop_column("days_from_death_to_final_report")

    with op.batch_alter_table("panel_analyses", schema=None) as batch_op:
        batch_op.drop_column("days_from_death")

    with op.batch_alter_table("inquests", schema=None) as batch_op:
        batch_op.drop_column("days_from_death_to_conclusion")

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("deprivation_decile")
        batch_op.drop_column("deidentified_at")

    with op.batch_alter_table("audit_event_reasons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_reasons_case_id"))

    op.drop_table("audit_event_reasons")
    with op.batch_alter_table("retention_review_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_review_items_review_id"))
        batch_op.drop_index(batch_op.f("ix_retention_review_items_case_id"))

    op.drop_table("retention_review_items")
    with op.batch_alter_table("retention_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_reviews_area_id"))

    op.drop_table("retention_reviews")
