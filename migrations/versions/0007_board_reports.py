"""The archive of board reports and the areas each covers; each case's age band at death,
worked out for existing cases.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21

Reviewed by hand: enums are plain strings, timestamps are timezone-aware.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('board_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('period_code', sa.String(length=10), nullable=False),
    sa.Column('period_starts_on', sa.Date(), nullable=False),
    sa.Column('period_ends_on', sa.Date(), nullable=False),
    sa.Column('areas_label', sa.String(length=500), nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('generated_by_id', sa.Integer(), nullable=True),
    sa.Column('origin', sa.String(length=40), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('pdf_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['generated_by_id'], ['users.id'], name=op.f('fk_board_reports_generated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_reports'))
    )
    with op.batch_alter_table('board_reports', schema=None) as batch_op:
        batch_op.create_index('ix_board_reports_kind_period_code', ['kind', 'period_code'], unique=False)

    op.create_table('board_report_areas',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_board_report_areas_area_id_areas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['board_reports.id'], name=op.f('fk_board_report_areas_report_id_board_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', 'area_id', name=op.f('pk_board_report_areas'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('age_band', sa.String(length=10), nullable=True))
    _work_out_age_bands()
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.alter_column('age_band', existing_type=sa.String(length=10), nullable=False)



def _work_out_age_bands():
    """The band each existing case's child was in when they died (as the app works it out)."""
    from ecdop.foundation.vocabulary import age_band

    connection = op.get_bind()
    cases = sa.table('cases', sa.column('id'), sa.column('date_of_birth', sa.Date),
                     sa.column('date_of_death', sa.Date), sa.column('age_band'))
    rows = connection.execute(sa.select(cases.c.id, cases.c.date_of_birth, cases.c.date_of_death))
    for case_id, born, died in rows.all():
        connection.execute(
            cases.update().where(cases.c.id == case_id).values(age_band=age_band(born, died).value)
        )


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('age_band')

    op.drop_table('board_report_areas')
    with op.batch_alter_table('board_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_board_reports_kind_period_code')

    op.drop_table('board_reports')
