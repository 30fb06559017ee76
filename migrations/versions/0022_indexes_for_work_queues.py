"""Indexes for what the work queues filter and sort on.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06

Reviewed by hand. Plain indexes, created outside batch mode (no table is rebuilt on SQLite):
- an agency's requests by organisation, status and due date (replacing the index on
  organisation and status alone, which it covers);
- open deadlines by due date (My tasks, the overdue lists);
- open panel actions by due date (the tracker);
- a review area's cases by date of death (the case list's order);
- each case's stage changes by time (days in stage).

"""
from alembic import op


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

NEW = [
    ('ix_cases_area_id_date_of_death', 'cases', ['area_id', 'date_of_death']),
    ('ix_deadlines_state_due_on', 'deadlines', ['state', 'due_on']),
    ('ix_panel_actions_status_due_on', 'panel_actions', ['status', 'due_on']),
    ('ix_reporting_requests_organisation_id_status_due_on', 'reporting_requests',
     ['organisation_id', 'status', 'due_on']),
    ('ix_stage_changes_case_id_changed_at', 'stage_changes', ['case_id', 'changed_at']),
]


def upgrade():
    for name, table, columns in NEW:
        op.create_index(name, table, columns, unique=False)
    op.drop_index('ix_reporting_requests_organisation_id_status', table_name='reporting_requests')


def downgrade():
    op.create_index('ix_reporting_requests_organisation_id_status', 'reporting_requests',
                    ['organisation_id', 'status'], unique=False)
    for name, table, _columns in reversed(NEW):
        op.drop_index(name, table_name=table)
