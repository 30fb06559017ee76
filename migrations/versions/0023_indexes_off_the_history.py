"""Indexes that keep the dashboard, the case page and agency timeliness off the history.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06

Reviewed by hand. Plain and partial indexes, created outside batch mode:
- the possible duplicates waiting for a decision (the dashboard's first list), partial;
- the case list as it opens, the cases under way, in each of its orders (by date notified,
  date of death and reference), partial: a few thousand cases among the whole history;
- the cases flagged as possible duplicates of a case, and the cases merged into it (the case
  page and its timeline);
- deadlines by kind and due date (agency timeliness reads one year's requests).

"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

WAITING = "possible_duplicate_of_id IS NOT NULL AND merged_into_id IS NULL"
UNDER_WAY = ("stage IN ('notified', 'information_gathering', 'awaiting_cdrm', 'ready_for_panel', "
             "'scheduled_for_panel', 'panel_reviewed') AND merged_into_id IS NULL")
UNDER_WAY_ORDERS = ('created_at', 'date_of_death', 'reference')


def upgrade():
    op.create_index('ix_cases_area_id_created_at_possible_duplicate', 'cases',
                    ['area_id', 'created_at'], unique=False,
                    sqlite_where=sa.text(WAITING), postgresql_where=sa.text(WAITING))
    op.create_index('ix_cases_possible_duplicate_of_id', 'cases', ['possible_duplicate_of_id'],
                    unique=False)
    op.create_index('ix_cases_merged_into_id', 'cases', ['merged_into_id'], unique=False)
    op.create_index('ix_deadlines_kind_due_on', 'deadlines', ['kind', 'due_on'], unique=False)
    for column in UNDER_WAY_ORDERS:
        op.create_index(f'ix_cases_under_way_{column}', 'cases', ['area_id', column],
                        unique=False, sqlite_where=sa.text(UNDER_WAY),
                        postgresql_where=sa.text(UNDER_WAY))


def downgrade():
    for column in reversed(UNDER_WAY_ORDERS):
        op.drop_index(f'ix_cases_under_way_{column}', table_name='cases')
    op.drop_index('ix_deadlines_kind_due_on', table_name='deadlines')
    op.drop_index('ix_cases_merged_into_id', table_name='cases')
    op.drop_index('ix_cases_possible_duplicate_of_id', table_name='cases')
    op.drop_index('ix_cases_area_id_created_at_possible_duplicate', table_name='cases',
                  sqlite_where=sa.text(WAITING), postgresql_where=sa.text(WAITING))
