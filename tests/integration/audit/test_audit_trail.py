"""The audit trail is append-only, in the ORM and in the database itself."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.audit.services import record_event
from ecdop.foundation.extensions import db
from tests.conftest import using_postgres
from tests.helpers import audit_events


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
    return audit_events(action)


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
    reviews = chair.get(f"/meetings/{meeting.id}/reviews").get_data(as_text=True)
    # The page says which meeting's reviews it shows (issue 16's page titles).
    assert "<title>Analyses and sign-off: General panel meeting, 20 November 2026 – ecdop" in (
        reviews
    )
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
    assert listed.details == {"shown": 1, "of": 1, "page": 1, "show": "all"}


class TestHashChain:
    def run_verify(self, app):
        return app.test_cli_runner().invoke(args=["audit", "verify"])

    def test_every_event_is_sealed_at_commit_and_the_demo_verifies(self, app, make_browser):
        make_browser("coordinator@demo.test").get("/cases")
        rows = db.session.execute(
            select(AuditEvent.chain_position, AuditEvent.chain_hash).order_by(AuditEvent.id)
        ).all()
        assert rows and [p for p, _h in rows] == list(range(1, len(rows) + 1))
        assert all(h and len(h) == 64 for _p, h in rows)
        result = self.run_verify(app)
        assert result.exit_code == 0, result.output
        assert f"intact: {len(rows):,} events" in result.output

    def test_an_event_altered_in_the_database_is_named(self, app, make_browser):
        make_browser("coordinator@demo.test").get("/cases")
        target = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[3]
        _bypassing_the_guard(
            "UPDATE audit_events SET ip_address = '203.0.113.66' WHERE id = :id", id=target.id
        )
        result = self.run_verify(app)
        assert result.exit_code == 1
        assert f"does not match at audit event {target.id}" in result.output
        assert "3 events before it are intact" in result.output

    def test_a_removed_event_is_found(self, app, make_browser):
        make_browser("coordinator@demo.test").get("/cases")
        ids = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
        _bypassing_the_guard("DELETE FROM audit_events WHERE id = :id", id=ids[2])
        result = self.run_verify(app)
        assert result.exit_code == 1 and f"audit event {ids[3]}" in result.output
        assert "events were removed before it" in result.output

    def test_cutting_off_the_end_of_the_trail_is_found(self, app, make_browser):
        make_browser("coordinator@demo.test").get("/cases")
        last = db.session.scalar(select(db.func.max(AuditEvent.id)))
        _bypassing_the_guard("DELETE FROM audit_events WHERE id = :id", id=last)
        result = self.run_verify(app)
        assert result.exit_code == 1 and "removed from the end" in result.output

    def test_two_sessions_committing_in_turn_keep_one_chain(self, app, demo):
        """Each continues the chain from the other's head, whatever order they wrote in."""
        from sqlalchemy.orm import Session

        first, second = Session(db.engine), Session(db.engine)
        first.add(AuditEvent(action=AuditAction.AREA_CREATED, details={"n": 1}))
        first.flush()
        second.add(AuditEvent(action=AuditAction.AREA_CREATED, details={"n": 2}))
        first.commit()
        second.commit()
        first.close()
        second.close()
        assert self.run_verify(app).exit_code == 0


class TestTheDatabaseOwnerCannotRewriteTheTrail:
    """What an attacker who owns the database did: turn off the guard, delete one event, edit
    another, seal every event again with ecdop's own function and move the head on. Without
    ECDOP_AUDIT_KEY, which the database never holds, the seals cannot be made to match."""

    def rewrite_the_trail(self, key) -> None:
        from sqlalchemy.orm import Session

        from ecdop.audit.chain import GENESIS, seal_unsealed_events

        ids = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
        with db.engine.begin() as connection:
            _turn_off_the_guard(connection)
            connection.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[2]})
            connection.execute(
                text("UPDATE audit_events SET ip_address = '203.0.113.66' WHERE id = :id"),
                {"id": ids[4]},
            )
            connection.execute(text(
                "UPDATE audit_events SET chain_position = NULL, chain_hash = NULL, "
                "chain_key_id = NULL"
            ))  # fmt: skip
            connection.execute(
                text("UPDATE audit_chain_head SET position = 0, hash = :genesis"),
                {"genesis": GENESIS},
            )
            seal_unsealed_events(Session(bind=connection), key)

    @pytest.mark.parametrize(
        ("attackers_key", "found"),
        [
            ("unkeyed", "names no key"),
            ("their own", "which this server does not hold"),
            ("their own, under ecdop's key id", "does not match its hash"),
        ],
    )
    def test_a_rewritten_trail_fails_verification(self, app, make_browser, attackers_key, found):
        from ecdop.audit.chain import UNKEYED, ChainKey, chain_key

        make_browser("coordinator@demo.test").get("/cases")
        with app.app_context():
            ours = chain_key(app.config["AUDIT_KEY"])
        key = {
            "unkeyed": UNKEYED,
            "their own": chain_key("a key the attacker made up for this"),
            "their own, under ecdop's key id": ChainKey(ours.id, b"a guess at the key"),
        }[attackers_key]
        self.rewrite_the_trail(key)
        result = app.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code == 1, result.output
        first = db.session.scalar(select(db.func.min(AuditEvent.id)))
        assert f"does not match at audit event {first}" in result.output
        assert found in result.output

    def test_cutting_off_the_newest_events_is_caught_by_a_checkpoint(
        self, app, make_browser, tmp_path
    ):
        from ecdop.audit.chain import HEAD_ID
        from ecdop.audit.checkpoints import send_checkpoint
        from ecdop.audit.models import AuditChainHead

        make_browser("coordinator@demo.test").get("/cases")
        before = db.session.execute(
            select(AuditEvent.chain_position, AuditEvent.chain_hash)
            .order_by(AuditEvent.chain_position.desc())
            .offset(2)
        ).first()
        checkpoint = send_checkpoint()
        db.session.commit()
        kept = tmp_path / "checkpoints.log"
        kept.write_text(f"INFO ecdop.audit.checkpoints: audit checkpoint {checkpoint.as_json()}\n")
        with db.engine.begin() as connection:
            _turn_off_the_guard(connection)
            connection.execute(
                text("DELETE FROM audit_events WHERE chain_position > :p"), {"p": before[0]}
            )
            connection.execute(
                text("UPDATE audit_chain_head SET position = :p, hash = :h WHERE id = :id"),
                {"p": before[0], "h": before[1], "id": HEAD_ID},
            )
        assert db.session.get(AuditChainHead, HEAD_ID) is not None
        # Without the checkpoint the shortened chain is whole; with it, the cut shows.
        assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
        result = app.test_cli_runner().invoke(args=["audit", "verify", "--checkpoint", str(kept)])
        assert result.exit_code == 1, result.output
        assert f"the checkpoint of {checkpoint.taken_at} saw {checkpoint.position}" in (
            result.output
        )

    def test_a_trail_that_passes_its_checkpoints_says_so(self, app, make_browser, tmp_path):
        from ecdop.audit.checkpoints import send_checkpoint

        make_browser("coordinator@demo.test").get("/cases")
        kept = tmp_path / "checkpoint.txt"
        kept.write_text(send_checkpoint().as_json())
        db.session.commit()
        make_browser("coordinator@demo.test").get("/cases")
        result = app.test_cli_runner().invoke(args=["audit", "verify", "--checkpoint", str(kept)])
        assert result.exit_code == 0, result.output
        assert "passes through all 1 checkpoints" in result.output

    def test_a_file_with_no_checkpoint_is_refused(self, app, demo, tmp_path):
        empty = tmp_path / "notes.txt"
        empty.write_text("nothing to see here\n")
        result = app.test_cli_runner().invoke(args=["audit", "verify", "--checkpoint", str(empty)])
        assert result.exit_code == 1 and "holds no audit checkpoint" in result.output


def test_the_daily_checkpoint_goes_to_the_audit_mailbox_once_and_verifies(
    app, demo, smtp_sink, monkeypatch, tmp_path, caplog
):
    from ecdop.jobs import run_job
    from ecdop.mail.sender import deliver_outbox

    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_ADDRESS", "audit@ig.example.nhs.uk")
    with caplog.at_level("INFO", logger="ecdop.audit.checkpoints"):
        first = run_job(app, "audit-checkpoint")
        again = run_job(app, "audit-checkpoint")
    assert first.position == again.position > 0
    assert caplog.text.count(f"audit checkpoint {first.as_json()}") == 2  # logged at each run
    deliver_outbox()
    db.session.commit()
    [mail] = [m for m in smtp_sink.messages if m["To"] == "audit@ig.example.nhs.uk"]
    assert mail["Subject"] == f"ecdop audit checkpoint: position {first.position:,}"
    saved = tmp_path / "checkpoint.eml"
    saved.write_text(mail.get_content())
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--checkpoint", str(saved)])
    assert result.exit_code == 0, result.output


def _turn_off_the_guard(connection) -> None:
    """What the database's owner can do: the append-only triggers stop nobody who owns them."""
    if using_postgres():
        connection.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        connection.execute(text("DROP TRIGGER audit_events_no_update"))
        connection.execute(text("DROP TRIGGER audit_events_no_delete"))


def _bypassing_the_guard(sql: str, **values) -> None:
    """What someone with the database owner's rights could do, triggers and all."""
    with db.engine.begin() as connection:
        if using_postgres():
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text(sql), values)
        else:
            connection.execute(text("DROP TRIGGER audit_events_no_update"))
            connection.execute(text("DROP TRIGGER audit_events_no_delete"))
            connection.execute(text(sql), values)


@pytest.mark.skipif(not using_postgres(), reason="needs PostgreSQL: set ECDOP_TEST_DATABASE_URL")
def test_truncate_of_the_trail_is_refused_on_postgresql(audit_event):
    with pytest.raises(DatabaseError, match="TRUNCATE is refused"):
        db.session.execute(text("TRUNCATE audit_events CASCADE"))
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == 1


def _readme_role_sql() -> str:
    from pathlib import Path

    readme = (Path(__file__).parents[3] / "README.md").read_text()
    block = readme.split("<!-- least-privilege-role -->", 1)[1]
    return block.split("```sql", 1)[1].split("```", 1)[0]


@pytest.mark.skipif(not using_postgres(), reason="needs PostgreSQL: set ECDOP_TEST_DATABASE_URL")
def test_the_readmes_least_privilege_role_can_seal_but_not_rewrite_or_truncate(app, audit_event):
    """The README's role, made as it says: the app works with it, history does not bend."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ProgrammingError

    with db.engine.begin() as connection:
        if connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = 'ecdop_app'")):
            connection.execute(text("DROP OWNED BY ecdop_app"))
            connection.execute(text("DROP ROLE ecdop_app"))
        connection.execute(text(_readme_role_sql()))
    url = db.engine.url.set(username="ecdop_app", password=None)
    engine = create_engine(url)
    try:
        from sqlalchemy.orm import Session

        with Session(engine) as session:
            session.add(AuditEvent(action=AuditAction.AREA_CREATED, details={"as": "app"}))
            session.commit()  # inserted and sealed by the app's role
        for statement in ("TRUNCATE audit_events", "DELETE FROM audit_events",
                          "UPDATE audit_events SET ip_address = NULL",
                          "ALTER TABLE audit_events DISABLE TRIGGER ALL"):  # fmt: skip
            with engine.begin() as connection, pytest.raises(ProgrammingError):
                connection.execute(text(statement))
    finally:
        engine.dispose()
        with db.engine.begin() as connection:
            connection.execute(text("DROP OWNED BY ecdop_app"))
            connection.execute(text("DROP ROLE ecdop_app"))
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "2 events" in result.output
