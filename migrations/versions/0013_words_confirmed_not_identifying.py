"""Words a coordinator confirmed are not identifiers in a case's panel text.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

Reviewed by hand: a new table, nothing to backfill.

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'words_not_identifying',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('text_key', sa.String(length=40), nullable=False),
        sa.Column('word', sa.String(length=200), nullable=False),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_words_not_identifying_case_id_cases')),
        sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'],
                                name=op.f('fk_words_not_identifying_confirmed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_words_not_identifying')),
        sa.UniqueConstraint('case_id', 'text_key', 'word',
                            name=op.f('uq_words_not_identifying_case_id')),
    )


def downgrade():
    op.drop_table('words_not_identifying')
