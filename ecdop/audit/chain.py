"""The audit trail as a keyed hash chain: each event carries HMAC-SHA-256 over its own content
and the hash of the event before it, so that changing, removing or reordering any event breaks
the chain from that event on. The key (``ECDOP_AUDIT_KEY``) lives in the environment of
ecdop's processes and never in the database: whoever owns the database can disable its
triggers and edit the trail, but cannot compute the hashes that would hide it. Each event
names the key that sealed it, so that a new key continues the chain and earlier events still
verify with the key they were sealed with (``ECDOP_AUDIT_EARLIER_KEYS``).

Cutting off the end of the trail and moving the head back needs no key: the daily checkpoint
(``audit.checkpoints``), held outside the database, is what catches that.

Events are sealed at commit, not when written: the commit takes the chain's head row (a row
lock on PostgreSQL, the write lock on SQLite), gives each event of its own, and any committed
one still unsealed, the next position, and moves the head on. The lock is held only from there
to the end of the commit, so requests do not queue behind one another's pages.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, event, func, select, update
from sqlalchemy.orm import Session, scoped_session

from ecdop.audit.models import AuditChainHead, AuditEvent
from ecdop.foundation.db import table_of

GENESIS = "0" * 64
HEAD_ID = 1
SEALS = "audit_events_to_seal"
VERIFY_BATCH = 5000

_events = table_of(AuditEvent)
_CONTENT = (
    _events.c.id, _events.c.occurred_at, _events.c.actor_id, _events.c.action, _events.c.case_id,
    _events.c.subject_type, _events.c.subject_id, _events.c.ip_address, _events.c.details,
)  # fmt: skip


@dataclass(frozen=True)
class ChainKey:
    """A key that seals events. ``id`` is stored with each event; the secret never is."""

    id: str | None
    secret: bytes | None

    def seal(self, previous: str, position: int, row) -> str:
        content = [
            position, row.id, row.occurred_at.isoformat(), row.actor_id, str(row.action),
            row.case_id, row.subject_type, row.subject_id, row.ip_address, row.details,
        ]  # fmt: skip
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
        if self.secret is None:
            return hashlib.sha256(f"{previous}:{canonical}".encode()).hexdigest()
        message = f"{previous}:{self.id}:{canonical}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


# The plain SHA-256 of the versions before the chain was keyed: only the migrations that made
# and then re-keyed the chain use it, and no verification of today's trail accepts it.
UNKEYED = ChainKey(id=None, secret=None)


def chain_key(secret: str) -> ChainKey:
    """A key from its secret; its id is a fingerprint that tells keys apart and gives nothing
    away about the secret."""
    fingerprint = hashlib.sha256(f"ecdop audit key:{secret}".encode()).hexdigest()[:12]
    return ChainKey(id=fingerprint, secret=secret.encode())


def sealing_key() -> ChainKey:
    """The key new events are sealed with: ECDOP_AUDIT_KEY."""
    return chain_key(current_app.config["AUDIT_KEY"])


def known_keys() -> dict[str | None, ChainKey]:
    """Every key this server can verify with: today's and the earlier ones, by id."""
    secrets = [current_app.config["AUDIT_KEY"], *current_app.config["AUDIT_EARLIER_KEYS"]]
    return {key.id: key for key in map(chain_key, secrets)}


def _note_new_events(session: Session, flush_context) -> None:
    if any(isinstance(record, AuditEvent) for record in session.new):
        session.info[SEALS] = True


def _forget_new_events(session: Session, *args) -> None:
    session.info.pop(SEALS, None)


def _seal_before_commit(session: Session) -> None:
    session.flush()  # every event of this transaction is in the table before it is sealed
    if session.info.pop(SEALS, False):
        seal_unsealed_events(session)


def seal_unsealed_events(session: Session, key: ChainKey | None = None) -> int:
    """Chain every event this transaction can see that has no place yet; how many."""
    key = key or sealing_key()
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
        previous = key.seal(previous, position, row)
        seals.append({"event_id": row.id, "position": position, "hash": previous})
    if seals:
        _write_seals(connection, seals, key)
        connection.execute(
            update(AuditChainHead)
            .where(AuditChainHead.id == HEAD_ID)
            .values(position=position, hash=previous)
        )
    return len(seals)


def _write_seals(connection, seals: list[dict], key: ChainKey) -> None:
    values: dict[str, object] = {
        "chain_position": bindparam("position"),
        "chain_hash": bindparam("hash"),
    }
    if key.id is not None:  # the unkeyed chain's migration ran before events named a key
        values["chain_key_id"] = key.id
    connection.execute(
        update(_events)
        .where(_events.c.id == bindparam("event_id"), _events.c.chain_hash.is_(None))
        .values(**values),
        seals,
    )


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
class Checkpoint:
    """The chain's head as it was at a moment, kept outside the database."""

    position: int
    hash: str
    taken_at: str

    def as_json(self) -> str:
        fields = {"position": self.position, "hash": self.hash, "taken_at": self.taken_at}
        return json.dumps(fields, separators=(",", ":"))


@dataclass(frozen=True)
class Verdict:
    checked: int
    unsealed: int
    broken_at: int | None = None  # the id of the first event that does not match
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None and not self.problem


def _sealed_in_order(session: Session | scoped_session, *, with_key_ids: bool) -> Iterator:
    columns = [*_CONTENT, _events.c.chain_position, _events.c.chain_hash]
    if with_key_ids:
        columns.append(_events.c.chain_key_id)
    last = 0
    while True:
        batch = session.execute(
            select(*columns)
            .where(_events.c.chain_position > last)
            .order_by(_events.c.chain_position)
            .limit(VERIFY_BATCH)
        ).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].chain_position


def verify_chain(
    session: Session | scoped_session,
    keys: dict[str | None, ChainKey] | None = None,
    checkpoints: Collection[Checkpoint] = (),
) -> Verdict:
    """Walk the chain from its start: the first event whose hash does not follow, was sealed
    by a key this server does not hold, or differs from a checkpoint, or a gap in the
    positions, is named; so is a head that the last event does not reach, or that falls short
    of a checkpoint."""
    keys = known_keys() if keys is None else keys
    legacy = None in keys  # the unkeyed chain, before events named their key
    at_position = {checkpoint.position: checkpoint for checkpoint in checkpoints}
    previous, expected, checked = GENESIS, 0, 0
    for row in _sealed_in_order(session, with_key_ids=not legacy):
        expected += 1
        if problem := _problem_with(row, expected, previous, keys, legacy, at_position):
            return Verdict(checked, 0, row.id, problem)
        previous, checked = row.chain_hash, checked + 1
    if beyond := [c for c in checkpoints if c.position > expected]:
        return Verdict(checked, 0, None, f"the chain ends at {expected}, but the checkpoint of "
                       f"{beyond[0].taken_at} saw {beyond[0].position}: events were removed "
                       "from the end")  # fmt: skip
    head = session.execute(
        select(AuditChainHead.position, AuditChainHead.hash).where(AuditChainHead.id == HEAD_ID)
    ).one()
    unsealed = (
        session.scalar(
            select(func.count()).select_from(_events).where(_events.c.chain_position.is_(None))
        )
        or 0
    )
    if (head.position, head.hash) != (expected, previous):
        return Verdict(checked, unsealed, None, f"the chain ends at {expected}, but its head "
                       f"says {head.position}: events were removed from the end")  # fmt: skip
    return Verdict(checked, unsealed)


def _problem_with(row, expected: int, previous: str, keys, legacy: bool, at_position) -> str:
    if row.chain_position != expected:
        return (f"positions jump from {expected - 1} to {row.chain_position}: events were "
                "removed before it")  # fmt: skip
    key = keys.get(None if legacy else row.chain_key_id)
    if key is None:
        return _unknown_key(row.chain_key_id)
    if not hmac.compare_digest(key.seal(previous, expected, row), row.chain_hash):
        return "its content or its place does not match its hash"
    checkpoint = at_position.get(expected)
    if checkpoint is not None and not hmac.compare_digest(checkpoint.hash, row.chain_hash):
        return f"it differs from the checkpoint of {checkpoint.taken_at}: the trail was rewritten"
    return ""


def _unknown_key(key_id: str | None) -> str:
    if key_id is None:
        return "it names no key: its hash was not made by ecdop's key"
    return (
        f"it was sealed with key {key_id}, which this server does not hold "
        "(an earlier key belongs in ECDOP_AUDIT_EARLIER_KEYS)"
    )


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
