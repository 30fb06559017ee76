"""A deadline let go says why; closed cases settle the deadlines they still had open.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

Reviewed by hand: a case closed before this revision may still have open deadlines (the
national database not yet told, say) that sat overdue in My tasks for ever. They are let go
here with the same reason closing now gives. Panel actions are followed up after closure, so
their deadlines stay as they are.

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

CLOSED_BEFORE_MET = "The case was closed before this was done"


def upgrade():
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('let_go_reason', sa.String(length=300), nullable=True))
    deadlines = sa.table(
        'deadlines',
        sa.column('state', sa.String), sa.column('let_go_reason', sa.String),
        sa.column('case_id', sa.Integer), sa.column('panel_action_id', sa.Integer),
    )
    cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('stage', sa.String))
    closed = sa.select(cases.c.id).where(cases.c.stage == 'closed')
    op.execute(
        deadlines.update()
        .where(deadlines.c.state == 'open', deadlines.c.panel_action_id.is_(None),
               deadlines.c.case_id.in_(closed))
        .values(state='not_needed', let_go_reason=CLOSED_BEFORE_MET)
    )


def downgrade():
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_column('let_go_reason')
