"""The audit trail as a hash chain: each event carries SHA-256 over its own content and the
hash of the event before it, so that changing, removing or reordering any event, or cutting
off the end of the trail, breaks the chain from that event on.

Events are sealed at commit, not when written: the commit takes the chain's head row (a row
lock on PostgreSQL, the write lock on SQLite), gives each event of its own, and any committed
one still unsealed, the next position, and moves the head on. The lock is held only from there
to the end of the commit, so requests do not queue behind one another's pages.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import bindparam, event, func, select, update
from sqlalchemy.orm import Session

from ecdop.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
HEAD_ID = 1
SEALS = "audit_events_to_seal"
VERIFY_BATCH = 5000

_events = AuditEvent.__table__
_CONTENT = (
    _events.c.id, _events.c.occurred_at, _events.c.actor_id, _events.c.action, _events.c.case_id,
    _events.c.subject_type, _events.c.subject_id, _events.c.ip_address, _events.c.details,
)  # fmt: skip


def event_hash(previous: str, position: int, row) -> str:
    """SHA-256 over the previous hash, the position and the event as stored."""
    content = [
        position, row.id, row.occurred_at.isoformat(), row.actor_id, str(row.action),
        row.case_id, row.subject_type, row.subject_id, row.ip_address, row.details,
    ]  # fmt: skip
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous}:{canonical}".encode()).hexdigest()


def _note_new_events(session: Session, flush_context) -> None:
    if any(isinstance(record, AuditEvent) for record in session.new):
        session.info[SEALS] = True


def _forget_new_events(session: Session, *args) -> None:
    session.info.pop(SEALS, None)


def _seal_before_commit(session: Session) -> None:
    session.flush()  # every event of this transaction is in the table before it is sealed
    if session.info.pop(SEALS, False):
        seal_unsealed_events(session)


def seal_unsealed_events(session: Session) -> int:
    """Chain every event this transaction can see that has no place yet; how many."""
    connection = session.connection()
    # An update that changes nothing takes the head's lock and reads it in one statement.
    position, previous = connection.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(id=HEAD_ID)
        .returning(AuditChainHead.position, AuditChainHead.hash)
    ).one()
    rows = connection.execute(
        select(*_CONTENT).where(_events.c.chain_position.is_(None)).order_by(_events.c.id)
    ).all()
    seals = []
    for row in rows:
        position += 1
        previous = event_hash(previous, position, row)
        seals.append({"event_id": row.id, "position": position, "hash": previous})
    if seals:
        connection.execute(
            update(_events)
            .where(_events.c.id == bindparam("event_id"), _events.c.chain_hash.is_(None))
            .values(chain_position=bindparam("position"), chain_hash=bindparam("hash")),
            seals,
        )
        connection.execute(
            update(AuditChainHead)
            .where(AuditChainHead.id == HEAD_ID)
            .values(position=position, hash=previous)
        )
    return len(seals)


def seal_at_every_commit() -> None:
    """Registered by create_app: every ORM session seals the events it wrote as it commits."""
    for name, listener in (
        ("after_flush", _note_new_events),
        ("before_commit", _seal_before_commit),
        ("after_rollback", _forget_new_events),
        ("after_soft_rollback", _forget_new_events),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


@dataclass(frozen=True)
class Verdict:
    checked: int
    unsealed: int
    broken_at: int | None = None  # the id of the first event that does not match
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None and not self.problem


def _sealed_in_order(session: Session) -> Iterator:
    last = 0
    while True:
        batch = session.execute(
            select(*_CONTENT, _events.c.chain_position, _events.c.chain_hash)
            .where(_events.c.chain_position > last)
            .order_by(_events.c.chain_position)
            .limit(VERIFY_BATCH)
        ).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].chain_position


def verify_chain(session: Session) -> Verdict:
    """Walk the chain from its start: the first event whose hash does not follow, or a gap in
    the positions, is named; so is a head that the last event does not reach."""
    previous, expected, checked = GENESIS, 0, 0
    for row in _sealed_in_order(session):
        expected += 1
        if row.chain_position != expected:
            return Verdict(checked, 0, row.id, f"positions jump from {expected - 1} to "
                           f"{row.chain_position}: events were removed before it")  # fmt: skip
        if event_hash(previous, expected, row) != row.chain_hash:
            return Verdict(checked, 0, row.id, "its content or its place does not match its hash")
        previous, checked = row.chain_hash, checked + 1
    head = session.execute(
        select(AuditChainHead.position, AuditChainHead.hash).where(AuditChainHead.id == HEAD_ID)
    ).one()
    unsealed = session.scalar(
        select(func.count()).select_from(_events).where(_events.c.chain_position.is_(None))
    )
    if (head.position, head.hash) != (expected, previous):
        return Verdict(checked, unsealed, None, f"the chain ends at {expected}, but its head "
                       f"says {head.position}: events were removed from the end")  # fmt: skip
    return Verdict(checked, unsealed)


def _refuse_changes_to_audit_events(session: Session, flush_context, instances) -> None:
    """The ORM half of append-only; the database half is a trigger in the migrations."""
    for record in (*session.dirty, *session.deleted):
        if isinstance(record, AuditEvent) and (
            record in session.deleted or session.is_modified(record)
        ):
            raise PermissionError("Audit events are append-only")


def protect_audit_trail() -> None:
    """Refuse ORM changes to audit events in every session, and seal each commit's events
    into the hash chain (called by create_app)."""
    if not event.contains(Session, "before_flush", _refuse_changes_to_audit_events):
        event.listen(Session, "before_flush", _refuse_changes_to_audit_events)
    seal_at_every_commit()
