"""The outbox sends urgent mail first, claims messages for one sender at a time, and can hold
messages restored from a backup.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06

Reviewed by hand. Messages already queued get their priority from what their key says they
are: alerts of deaths, emerging patterns and account messages first; reminders and digests
last.

"""
from alembic import op
import sqlalchemy as sa

import ecdop.foundation.db


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

UNSENT = sa.text("status IN ('queued', 'failing')")
URGENT_KEYS = ('notification:', 'emerging-pattern:', 'password-reset:', 'account-locked:',
               'second-factor-reset:', 'invitation:', 'api-token-issued:')
REMINDER_KEYS = ('deadline:', 'digest:')


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('priority', sa.Integer(), nullable=False, server_default='5')
        )
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column('claimed_until', ecdop.foundation.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column('held_at', ecdop.foundation.db.UTCDateTime(timezone=True), nullable=True)
        )
    for priority, prefixes in ((0, URGENT_KEYS), (9, REMINDER_KEYS)):
        for prefix in prefixes:
            op.execute(
                sa.text('UPDATE outbox_messages SET priority = :p WHERE dedupe_key LIKE :k')
                .bindparams(p=priority, k=f'{prefix}%')
            )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('priority', server_default=None)
        batch_op.create_index('ix_outbox_messages_unsent_priority_id', ['priority', 'id'],
                              unique=False, sqlite_where=UNSENT, postgresql_where=UNSENT)


def downgrade():
    op.execute("UPDATE outbox_messages SET status = 'queued' WHERE status = 'held'")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_unsent_priority_id',
                            sqlite_where=UNSENT, postgresql_where=UNSENT)
        batch_op.drop_column('held_at')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('priority')
