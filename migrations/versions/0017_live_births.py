"""Live births by area and year: the denominator of rates of deaths under 28 days and under
one year.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06

Reviewed by hand: a new table, loaded with `import-live-births`.

"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'live_births',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('births', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('births >= 0', name=op.f('ck_live_births_births_not_negative')),
        sa.ForeignKeyConstraint(['area_id'], ['areas.id'],
                                name=op.f('fk_live_births_area_id_areas')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_live_births')),
        sa.UniqueConstraint('area_id', 'year', name=op.f('uq_live_births_area_id')),
    )


def downgrade():
    op.drop_table('live_births')
