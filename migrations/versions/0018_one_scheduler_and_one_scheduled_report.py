"""The scheduler's heartbeat, and one scheduled board report per period and set of areas.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06

Reviewed by hand. Scheduled reports already archived are keyed by their areas; where two
schedulers once made the same report twice, the first keeps the key and the repeat stays in
the archive, unkeyed, as reports are never deleted.

"""
from collections import defaultdict

from alembic import op
import sqlalchemy as sa

import ecdop.foundation.db


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scheduler_heartbeats',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('node', sa.String(length=200), nullable=False),
        sa.Column('leading_since', ecdop.foundation.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('beat_at', ecdop.foundation.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduler_heartbeats')),
    )
    with op.batch_alter_table('board_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scheduled_areas', sa.String(length=200), nullable=True))
    _key_scheduled_reports(op.get_bind())
    with op.batch_alter_table('board_reports', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f('uq_board_reports_kind'), ['kind', 'period_code', 'scheduled_areas']
        )


def _key_scheduled_reports(connection):
    areas = defaultdict(list)
    for report_id, area_id in connection.execute(
        sa.text('SELECT report_id, area_id FROM board_report_areas')
    ):
        areas[report_id].append(area_id)
    seen = set()
    reports = connection.execute(sa.text(
        "SELECT id, kind, period_code FROM board_reports WHERE origin = 'schedule' ORDER BY id"
    )).all()
    for report_id, kind, period_code in reports:
        key = ','.join(str(area_id) for area_id in sorted(areas[report_id]))
        if (kind, period_code, key) in seen:
            continue
        seen.add((kind, period_code, key))
        connection.execute(
            sa.text('UPDATE board_reports SET scheduled_areas = :key WHERE id = :id'),
            {'key': key, 'id': report_id},
        )


def downgrade():
    with op.batch_alter_table('board_reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_board_reports_kind'), type_='unique')
        batch_op.drop_column('scheduled_areas')
    op.drop_table('scheduler_heartbeats')
