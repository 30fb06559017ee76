"""Deadlines on cases, per-area deadline rules, area leads, national database notification.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

Reviewed by hand: enums are plain strings, timestamps are timezone-aware.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deadline_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_deadline_rules_area_id_areas')),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_deadline_rules_changed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_rules')),
    sa.UniqueConstraint('area_id', 'kind', name=op.f('uq_deadline_rules_area_id'))
    )
    op.create_table('deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('reporting_request_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('due_on_set_by_hand', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=40), nullable=False),
    sa.Column('met_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_through', sa.Date(), nullable=False),
    sa.Column('next_reminder_on', sa.Date(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_deadlines_case_id_cases')),
    sa.ForeignKeyConstraint(['reporting_request_id'], ['reporting_requests.id'], name=op.f('fk_deadlines_reporting_request_id_reporting_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadlines')),
    sa.UniqueConstraint('reporting_request_id', name=op.f('uq_deadlines_reporting_request_id'))
    )
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadlines_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_deadlines_state_next_reminder_on', ['state', 'next_reminder_on'], unique=False)
        batch_op.create_index('uq_deadlines_case_id_kind_case_level', ['case_id', 'kind'], unique=True, sqlite_where=sa.text('reporting_request_id IS NULL'), postgresql_where=sa.text('reporting_request_id IS NULL'))

    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lead_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_areas_lead_id_users'), 'users', ['lead_id'], ['id'])

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('national_database_told_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('national_database_told_at')

    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_areas_lead_id_users'), type_='foreignkey')
        batch_op.drop_column('lead_id')

    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index('uq_deadlines_case_id_kind_case_level', sqlite_where=sa.text('reporting_request_id IS NULL'), postgresql_where=sa.text('reporting_request_id IS NULL'))
        batch_op.drop_index('ix_deadlines_state_next_reminder_on')
        batch_op.drop_index(batch_op.f('ix_deadlines_case_id'))

    op.drop_table('deadlines')
    op.drop_table('deadline_rules')
