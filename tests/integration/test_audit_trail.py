"""The audit trail is append-only, in the ORM and in the database itself."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.audit.services import record_event
from ecdop.extensions import db


@pytest.fixture
def audit_event(database):
    event = record_event(AuditAction.AREA_CREATED, details={"code": "X"})
    db.session.commit()
    return event


def test_the_orm_refuses_to_change_an_event(audit_event):
    audit_event.details = {"code": "Y"}
    with pytest.raises(PermissionError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_the_orm_refuses_to_delete_an_event(audit_event):
    db.session.delete(audit_event)
    with pytest.raises(PermissionError, match="append-only"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEvent).values(ip_address="10.0.0.1"),
        delete(AuditEvent),
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_direct_changes(audit_event, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(statement)
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent.ip_address)) is None


def test_raw_sql_cannot_rewrite_history_either(audit_event):
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("UPDATE audit_events SET actor_id = NULL"))
    db.session.rollback()
