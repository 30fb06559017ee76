"""Each deployment's own text for the footer's pages (accessibility statement, privacy notice,
cookies, help).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06

Reviewed by hand: a new table; until an administrator writes a page, ecdop's default shows.

"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'site_page_texts',
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'],
                                name=op.f('fk_site_page_texts_changed_by_id_users')),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_site_page_texts')),
    )


def downgrade():
    op.drop_table('site_page_texts')
