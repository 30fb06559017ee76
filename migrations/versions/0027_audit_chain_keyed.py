"""The audit chain is keyed: HMAC-SHA-256 with ECDOP_AUDIT_KEY, a secret the database never
holds, and each event names the key that sealed it.

Revision ID: 0027
Revises: 0026

Reviewed by hand: the trail as it stands is checked against its plain SHA-256 chain first,
and the migration stops if it does not match (a trail that was already rewritten must not be
blessed with the key). Then every event is sealed again, oldest first, with the key; the
append-only guard is lifted for that alone, inside this transaction.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from ecdop.audit.chain import GENESIS, UNKEYED, seal_unsealed_events, sealing_key, verify_chain

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

APPEND_ONLY_MESSAGE = "audit_events is append-only"
CONTENT_COLUMNS = (
    "id",
    "occurred_at",
    "actor_id",
    "action",
    "case_id",
    "subject_type",
    "subject_id",
    "ip_address",
    "details",
)


def _postgresql_guard(sealed_columns: str) -> None:
    """Each event may be sealed once: its seal columns set where the hash was empty."""
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND OLD.chain_hash IS NULL AND NEW.chain_hash IS NOT NULL
               AND (to_jsonb(NEW) {sealed_columns}) = (to_jsonb(OLD) {sealed_columns}) THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}';
        END;
        $$ LANGUAGE plpgsql
        """
    )


def _sqlite_update_guard() -> None:
    unchanged = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in CONTENT_COLUMNS)
    op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
    op.execute(
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
        f"WHEN NOT (OLD.chain_hash IS NULL AND NEW.chain_hash IS NOT NULL AND {unchanged}) "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    )


def _unseal_every_event(seal_columns: tuple[str, ...]) -> None:
    """Only here, as the owner, in this transaction: the guard is off while seals are cleared."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
    cleared = ", ".join(f"{column} = NULL" for column in seal_columns)
    op.execute(f"UPDATE audit_events SET {cleared}")
    op.execute(
        sa.text("UPDATE audit_chain_head SET position = 0, hash = :genesis").bindparams(
            genesis=GENESIS
        )
    )
    if postgresql:
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
    else:
        _sqlite_update_guard()


def _refuse_a_broken_trail(session: Session, keys) -> None:
    verdict = verify_chain(session, keys)
    if not verdict.intact:
        raise RuntimeError(
            f"The audit trail does not match at audit event {verdict.broken_at}: "
            f"{verdict.problem}. Not re-sealing it; find out what happened first."
        )


def upgrade():
    session = Session(bind=op.get_bind())
    _refuse_a_broken_trail(session, {None: UNKEYED})
    op.add_column("audit_events", sa.Column("chain_key_id", sa.String(length=16), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_guard("- 'chain_hash' - 'chain_position' - 'chain_key_id'")
    _unseal_every_event(("chain_position", "chain_hash", "chain_key_id"))
    seal_unsealed_events(session, sealing_key())
    session.flush()


def downgrade():
    session = Session(bind=op.get_bind())
    key = sealing_key()
    _refuse_a_broken_trail(session, {key.id: key})
    _unseal_every_event(("chain_position", "chain_hash", "chain_key_id"))
    if op.get_bind().dialect.name == "postgresql":
        op.drop_column("audit_events", "chain_key_id")
        _postgresql_guard("- 'chain_hash' - 'chain_position'")
    else:
        # Dropping a column rebuilds the table on SQLite, and drops its triggers with it.
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
        with op.batch_alter_table("audit_events") as batch_op:
            batch_op.drop_column("chain_key_id")
        _sqlite_update_guard()
        op.execute(
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        )
    seal_unsealed_events(session, UNKEYED)
    session.flush()
