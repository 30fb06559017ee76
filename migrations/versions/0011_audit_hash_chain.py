"""The audit trail becomes a hash chain, and TRUNCATE of it is refused on PostgreSQL.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

Reviewed by hand: the append-only triggers now let each event be sealed once (its chain
position and hash set where they were empty, nothing else changed); the events already on the
trail are sealed here, oldest first.

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

APPEND_ONLY_MESSAGE = "audit_events is append-only"
GENESIS = "0" * 64
# Everything but the seal itself must stay as it was.
CONTENT_COLUMNS = ("id", "occurred_at", "actor_id", "action", "case_id", "subject_type",
                   "subject_id", "ip_address", "details")


def _postgresql_guard():
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND OLD.chain_hash IS NULL AND NEW.chain_hash IS NOT NULL
               AND (to_jsonb(NEW) - 'chain_hash' - 'chain_position')
                   = (to_jsonb(OLD) - 'chain_hash' - 'chain_position') THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}';
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION audit_events_no_truncate() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}: TRUNCATE is refused';
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_no_truncate()"
    )


def _sqlite_guard():
    unchanged = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in CONTENT_COLUMNS)
    op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
    op.execute(
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
        f"WHEN NOT (OLD.chain_hash IS NULL AND NEW.chain_hash IS NOT NULL AND {unchanged}) "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    )


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_position', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('chain_hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_chain_position'), ['chain_position'], unique=True)
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    op.execute(sa.text("INSERT INTO audit_chain_head (id, position, hash) VALUES (1, 0, :genesis)")
               .bindparams(genesis=GENESIS))
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _postgresql_guard()
    else:
        _sqlite_guard()
    # Sealed as this revision did, with plain SHA-256; 0027 re-seals them with the key.
    from ecdop.audit.chain import UNKEYED, seal_unsealed_events

    session = Session(bind=op.get_bind())
    seal_unsealed_events(session, UNKEYED)
    session.flush()


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_no_truncate()")
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
    op.drop_table('audit_chain_head')
    if dialect == "sqlite":
        # Dropping columns rebuilds the table on SQLite, and drops its triggers with it.
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_chain_position'))
        batch_op.drop_column('chain_hash')
        batch_op.drop_column('chain_position')
    if dialect == "sqlite":
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{operation.lower()} BEFORE {operation} "
                f"ON audit_events BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
