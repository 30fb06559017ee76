"""The family's part in the review: the key worker and the support offered, the parents and
carers with how to reach them, the contact log, the family's questions, and the deadlines a
key worker answers for, and the letters sent.

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

UTC = ecdop.foundation.db.UTCDateTime(timezone=True)


def _timestamps():
    return [
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
    ]


def upgrade():
    op.create_table(
        "family_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("key_worker_id", sa.Integer(), nullable=True),
        sa.Column("key_worker_assigned_at", UTC, nullable=True),
        sa.Column("first_key_worker_at", UTC, nullable=True),
        sa.Column("support_offered", sa.String(length=40), nullable=False),
        sa.Column("support_offered_by", sa.String(length=200), nullable=False),
        sa.Column("support_taken_up", sa.String(length=40), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_family_records_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["key_worker_id"], ["users.id"], name=op.f("fk_family_records_key_worker_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_records")),
        sa.UniqueConstraint("case_id", name=op.f("uq_family_records_case_id")),
    )
    op.create_index(op.f("ix_family_records_key_worker_id"), "family_records", ["key_worker_id"])

    op.create_table(
        "family_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("relationship_to_child", sa.String(length=40), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("preferred_method", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=80), nullable=False),
        sa.Column("interpreter_needed", sa.Boolean(), nullable=False),
        sa.Column("accessible_formats", sa.JSON(), nullable=False),
        sa.Column("do_not_contact", sa.Boolean(), nullable=False),
        sa.Column("do_not_contact_reason", sa.Text(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_family_contacts_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_contacts")),
    )
    op.create_index(op.f("ix_family_contacts_case_id"), "family_contacts", ["case_id"])

    op.create_table(
        "family_contact_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("contacted_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("made_by", sa.String(length=120), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("told_about_review", sa.Boolean(), nullable=False),
        sa.Column("leaflet_given", sa.Boolean(), nullable=False),
        sa.Column("invited_to_contribute", sa.Boolean(), nullable=False),
        sa.Column("outcome_shared", sa.Boolean(), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_family_contact_log_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["family_contacts.id"],
            name=op.f("fk_family_contact_log_contact_id_family_contacts"),
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"], ["family_contact_log.id"],
            name=op.f("fk_family_contact_log_corrects_id_family_contact_log"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_family_contact_log_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_contact_log")),
    )
    op.create_index(op.f("ix_family_contact_log_case_id"), "family_contact_log", ["case_id"])
    op.create_index(op.f("ix_family_contact_log_contact_id"), "family_contact_log", ["contact_id"])

    op.create_table(
        "family_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=True),
        sa.Column("asked_on", sa.Date(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("goes_to", sa.String(length=40), nullable=False),
        sa.Column("answerer", sa.String(length=200), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answer_given_on", sa.Date(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_family_questions_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["asked_by_id"], ["family_contacts.id"],
            name=op.f("fk_family_questions_asked_by_id_family_contacts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_questions")),
    )
    op.create_index(op.f("ix_family_questions_case_id"), "family_questions", ["case_id"])

    op.create_table(
        "family_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("log_entry_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("made_by_id", sa.Integer(), nullable=False),
        sa.Column("made_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_family_letters_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["family_contacts.id"],
            name=op.f("fk_family_letters_contact_id_family_contacts"),
        ),
        sa.ForeignKeyConstraint(
            ["log_entry_id"], ["family_contact_log.id"],
            name=op.f("fk_family_letters_log_entry_id_family_contact_log"),
        ),
        sa.ForeignKeyConstraint(
            ["made_by_id"], ["users.id"], name=op.f("fk_family_letters_made_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_letters")),
        sa.UniqueConstraint("log_entry_id", name=op.f("uq_family_letters_log_entry_id")),
    )
    op.create_index(op.f("ix_family_letters_case_id"), "family_letters", ["case_id"])
    op.create_index(op.f("ix_family_letters_contact_id"), "family_letters", ["contact_id"])

    # The panel's analysis says whether the family's questions were answered, and what it learnt.
    with op.batch_alter_table("panel_analyses") as batch_op:
        batch_op.add_column(sa.Column("family_questions_answered", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("family_learning", sa.Text(), nullable=False, server_default=""))

    # The family's deadlines are answered for by a person, the key worker.
    with op.batch_alter_table("deadlines") as batch_op:
        batch_op.add_column(sa.Column("owed_by_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_deadlines_owed_by_user_id_users"), "users", ["owed_by_user_id"], ["id"]
        )
        batch_op.create_index(op.f("ix_deadlines_owed_by_user_id"), ["owed_by_user_id"])


def downgrade():
    with op.batch_alter_table("panel_analyses") as batch_op:
        batch_op.drop_column("family_learning")
        batch_op.drop_column("family_questions_answered")
    with op.batch_alter_table("deadlines") as batch_op:
        batch_op.drop_index(op.f("ix_deadlines_owed_by_user_id"))
        batch_op.drop_constraint(op.f("fk_deadlines_owed_by_user_id_users"), type_="foreignkey")
        batch_op.drop_column("owed_by_user_id")
    op.drop_index(op.f("ix_family_letters_contact_id"), table_name="family_letters")
    op.drop_index(op.f("ix_family_letters_case_id"), table_name="family_letters")
    op.drop_table("family_letters")
    op.drop_index(op.f("ix_family_questions_case_id"), table_name="family_questions")
    op.drop_table("family_questions")
    op.drop_index(op.f("ix_family_contact_log_contact_id"), table_name="family_contact_log")
    op.drop_index(op.f("ix_family_contact_log_case_id"), table_name="family_contact_log")
    op.drop_table("family_contact_log")
    op.drop_index(op.f("ix_family_contacts_case_id"), table_name="family_contacts")
    op.drop_table("family_contacts")
    op.drop_index(op.f("ix_family_records_key_worker_id"), table_name="family_records")
    op.drop_table("family_records")
