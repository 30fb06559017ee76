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


def _events(action) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_refused_attempt_on_a_record_is_audited_without_the_query_string(make_browser):
    from tests.factories import triaged_case, user

    case = triaged_case()
    board = make_browser("board@demo.test")
    assert board.get(f"/cases/{case.id}?q=Testchild").status_code == 403
    gp = make_browser("gp@demo.test")
    assert gp.get("/requests/999999?name=Amelia").status_code == 404
    refused = _events(AuditAction.ACCESS_REFUSED)
    assert [(e.actor.email, e.details["status"], e.details["route"], e.details["path"])
            for e in refused] == [
        ("board@demo.test", 403, "/cases/<int:case_id>", f"/cases/{case.id}"),
        ("gp@demo.test", 404, "/requests/<int:request_id>", "/requests/999999"),
    ]  # fmt: skip
    assert all("Testchild" not in str(e.details) and "Amelia" not in str(e.details)
               for e in refused)  # fmt: skip
    assert refused[0].ip_address == "127.0.0.1" and user("board@demo.test").id


def test_an_address_that_matches_no_route_is_not_a_refusal(make_browser):
    make_browser("coordinator@demo.test").get("/no-such-page")
    assert _events(AuditAction.ACCESS_REFUSED) == []


def test_the_case_list_and_dashboard_are_audited(make_browser):
    from tests.factories import triaged_case

    triaged_case()
    coordinator = make_browser("coordinator@demo.test")
    coordinator.get("/cases?stage=information_gathering&page=1")
    coordinator.get("/dashboard")
    [listed] = _events(AuditAction.CASE_LIST_VIEWED)
    assert listed.details == {"page": 1, "stage": "information_gathering", "results": 1}
    assert len(_events(AuditAction.DASHBOARD_VIEWED)) == 1


def test_the_meeting_reviews_and_analysis_pages_are_audited_per_case(make_browser):
    from tests.factories import on_agenda, panel_meeting, ready_for_panel_case

    case = ready_for_panel_case()
    meeting = panel_meeting()
    item = on_agenda(meeting, case)
    make_browser("coordinator@demo.test").get(f"/meetings/{meeting.id}")
    chair = make_browser("chair@demo.test")
    chair.get(f"/meetings/{meeting.id}/reviews")
    chair.get(f"/agenda-items/{item.id}/analysis")
    for action in (AuditAction.PANEL_MEETING_VIEWED, AuditAction.PANEL_REVIEWS_VIEWED):
        [event] = _events(action)
        assert event.case_id == case.id and event.subject_id == meeting.id
    [viewed] = [e for e in _events(AuditAction.CASE_VIEWED) if e.actor.email == "chair@demo.test"]
    assert viewed.case_id == case.id


def test_the_notifiers_list_is_audited(make_browser):
    from tests.factories import notify

    notify()
    make_browser("police@demo.test").get("/notifications/")
    [listed] = _events(AuditAction.NOTIFICATIONS_LISTED)
    assert listed.details == {"shown": 1}
