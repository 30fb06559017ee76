"""Organisations work with named review areas.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

Reviewed by hand: each organisation starts with the areas it already works in, namely those of
its people, of the requests for information and panel actions given to it, and of the
notifications it sent, so
that nobody loses what they do today.

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation_areas',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_organisation_areas_area_id_areas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_areas_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'area_id', name=op.f('pk_organisation_areas'))
    )
    op.execute(
        """
        INSERT INTO organisation_areas (organisation_id, area_id)
        SELECT users.organisation_id, user_areas.area_id
          FROM users JOIN user_areas ON user_areas.user_id = users.id
        UNION
        SELECT reporting_requests.organisation_id, cases.area_id
          FROM reporting_requests JOIN cases ON cases.id = reporting_requests.case_id
        UNION
        SELECT panel_actions.organisation_id, cases.area_id
          FROM panel_actions JOIN cases ON cases.id = panel_actions.case_id
        UNION
        SELECT notifications.organisation_id, notifications.area_id FROM notifications
        """
    )


def downgrade():
    op.drop_table('organisation_areas')
