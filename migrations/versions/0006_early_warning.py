"""Early warning: each area's warning rules, the emerging patterns they raise and the cases
behind them; the notifier's circumstances type and the case's provisional category.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21

Reviewed by hand: enums are plain strings, timestamps are timezone-aware; notifications made
before this revision get "not_known" as their circumstances type.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('warning_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('infants_only', sa.Boolean(), nullable=False),
    sa.Column('min_deaths', sa.Integer(), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('min_deaths BETWEEN 2 AND 100', name=op.f('ck_warning_rules_min_deaths_range')),
    sa.CheckConstraint('window_days BETWEEN 1 AND 366', name=op.f('ck_warning_rules_window_days_range')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_warning_rules_area_id_areas')),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_warning_rules_changed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warning_rules'))
    )
    with op.batch_alter_table('warning_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_warning_rules_area_id'), ['area_id'], unique=False)

    op.create_table('emerging_patterns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('deaths', sa.Integer(), nullable=False),
    sa.Column('expected', sa.Float(), nullable=True),
    sa.Column('upper_limit', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_emerging_patterns_area_id_areas')),
    sa.ForeignKeyConstraint(['rule_id'], ['warning_rules.id'], name=op.f('fk_emerging_patterns_rule_id_warning_rules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emerging_patterns'))
    )
    with op.batch_alter_table('emerging_patterns', schema=None) as batch_op:
        batch_op.create_index('ix_emerging_patterns_area_id_raised_on', ['area_id', 'raised_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_emerging_patterns_rule_id'), ['rule_id'], unique=False)

    op.create_table('emerging_pattern_cases',
    sa.Column('pattern_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_emerging_pattern_cases_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pattern_id'], ['emerging_patterns.id'], name=op.f('fk_emerging_pattern_cases_pattern_id_emerging_patterns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pattern_id', 'case_id', name=op.f('pk_emerging_pattern_cases'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provisional_category', sa.String(length=40), nullable=True))

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('circumstances_type', sa.String(length=40), nullable=False, server_default='not_known'))



def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('circumstances_type')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('provisional_category')

    op.drop_table('emerging_pattern_cases')
    with op.batch_alter_table('emerging_patterns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_emerging_patterns_rule_id'))
        batch_op.drop_index('ix_emerging_patterns_area_id_raised_on')

    op.drop_table('emerging_patterns')
    with op.batch_alter_table('warning_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_warning_rules_area_id'))

    op.drop_table('warning_rules')
