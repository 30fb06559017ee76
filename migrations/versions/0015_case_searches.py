"""Case-list searches kept for half an hour under a random id, so their results have an
address with no name or NHS number in it.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

Reviewed by hand: a new table; rows older than half an hour are deleted as new ones come.

"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_searches',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('query', sa.String(length=100), nullable=False),
        sa.Column('stage', sa.String(length=40), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_case_searches_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_searches')),
    )
    with op.batch_alter_table('case_searches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_searches_created_at'), ['created_at'],
                              unique=False)


def downgrade():
    op.drop_table('case_searches')
