"""Panel meetings have a start time and a venue (a room and address, or a video link).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06

Reviewed by hand: meetings scheduled before this revision keep no time (shown as the date
alone) and an empty venue, which the coordinator can see is missing.

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('panel_meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_at', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('venue', sa.String(length=300), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('panel_meetings', schema=None) as batch_op:
        batch_op.drop_column('venue')
        batch_op.drop_column('starts_at')
