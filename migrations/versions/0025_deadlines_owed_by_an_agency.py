"""Each deadline a request or a panel action owes names the agency that answers for it, so that
deadlines are read without the tables of the records that owe them.

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_deadlines_owed_by_id_organisations"
INDEX = "ix_deadlines_owed_by_id"


def upgrade():
    with op.batch_alter_table("deadlines") as batch_op:
        batch_op.add_column(sa.Column("owed_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f(FOREIGN_KEY), "organisations", ["owed_by_id"], ["id"])
    op.create_index(op.f(INDEX), "deadlines", ["owed_by_id"], unique=False)
    op.execute(sa.text(
        "UPDATE deadlines SET owed_by_id = (SELECT reporting_requests.organisation_id "
        "FROM reporting_requests WHERE reporting_requests.id = deadlines.reporting_request_id) "
        "WHERE reporting_request_id IS NOT NULL"
    ))
    op.execute(sa.text(
        "UPDATE deadlines SET owed_by_id = (SELECT panel_actions.organisation_id "
        "FROM panel_actions WHERE panel_actions.id = deadlines.panel_action_id) "
        "WHERE panel_action_id IS NOT NULL"
    ))


def downgrade():
    op.drop_index(op.f(INDEX), table_name="deadlines")
    with op.batch_alter_table("deadlines") as batch_op:
        batch_op.drop_constraint(op.f(FOREIGN_KEY), type_="foreignkey")
        batch_op.drop_column("owed_by_id")
