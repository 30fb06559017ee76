"""Areas whose early-warning rules a job checks within a minute, instead of the request that
notified or triaged a death.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06

Reviewed by hand: a new table, empty at first (the daily check covers anything missed).

"""
from alembic import op
import sqlalchemy as sa

import ecdop.foundation.db


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'areas_to_watch',
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('asked_at', ecdop.foundation.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['area_id'], ['areas.id'],
                                name=op.f('fk_areas_to_watch_area_id_areas')),
        sa.PrimaryKeyConstraint('area_id', name=op.f('pk_areas_to_watch')),
    )


def downgrade():
    op.drop_table('areas_to_watch')
