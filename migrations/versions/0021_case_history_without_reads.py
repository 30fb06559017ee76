"""An index of each case's history without its reads, so that the timeline never scans the
reads, however many there are.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06

Reviewed by hand. The predicate is written out, as the model writes it, so that the query's
own predicate matches it. On a large trail, building the index blocks writes to the audit
trail while it runs: upgrade in a quiet hour.

"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

NOT_A_READ = sa.text(
    "action NOT IN ('case_viewed', 'case_list_searched', 'case_timeline_viewed', "
    "'notification_viewed', 'receipt_downloaded', 'report_viewed', 'requests_listed', "
    "'panel_pack_downloaded', 'panel_actions_listed')"
)


def upgrade():
    op.create_index('ix_audit_events_case_history', 'audit_events',
                    ['case_id', 'occurred_at', 'id'], unique=False,
                    postgresql_where=NOT_A_READ, sqlite_where=NOT_A_READ)


def downgrade():
    op.drop_index('ix_audit_events_case_history', table_name='audit_events')
