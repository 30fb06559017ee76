"""/readyz for load balancers and monitoring: ready only while the database answers, its
migrations are current and the scheduler beats; it says so and nothing more. The outbox page
tells the administrator when the scheduler has stopped."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.scheduler.heartbeat import record_heartbeat
from tests.helpers import page_text
from tests.integration.app.test_database_down import database_unreachable

ADMIN = "admin@demo.test"


def beat(minutes_ago: float = 0) -> None:
    record_heartbeat("scheduler-host:4242", utc_now() - timedelta(hours=2))
    db.session.flush()
    db.session.execute(
        text("UPDATE scheduler_heartbeats SET beat_at = :at"),
        {"at": utc_now() - timedelta(minutes=minutes_ago)},
    )
    db.session.commit()


def test_ready_when_the_database_answers_migrations_are_current_and_the_scheduler_beats(
    client,
):
    beat(minutes_ago=1)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready"}
    assert "Set-Cookie" not in response.headers


def test_not_ready_without_a_scheduler_or_with_one_silent_for_five_minutes(client, clock):
    assert client.get("/readyz").status_code == 503
    beat(minutes_ago=0)
    assert client.get("/readyz").status_code == 200
    clock.shift(timedelta(minutes=5, seconds=1))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "not ready"}  # what is wrong goes to the log only


def test_not_ready_while_migrations_are_pending(client, caplog):
    beat()
    current = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    db.session.execute(text("UPDATE alembic_version SET version_num = '0017'"))
    db.session.commit()
    try:
        assert client.get("/readyz").status_code == 503
        assert "migrations (0017) are not current" in caplog.text
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
        db.session.commit()
    assert client.get("/readyz").status_code == 200


def test_not_ready_with_the_database_unreachable(app, client):
    beat()
    db.session.remove()
    with database_unreachable(app):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "not ready"}


def test_the_outbox_page_shows_the_heartbeat_and_warns_when_it_stops(make_browser, clock):
    admin = make_browser(ADMIN)
    assert "No scheduler has ever checked in" in page_text(admin.get("/admin/outbox"))
    beat(minutes_ago=2)
    text_now = page_text(admin.get("/admin/outbox"))
    assert "The scheduler, which sends mail and reminders, last checked in" in text_now
    assert "scheduler-host:4242" in text_now
    clock.shift(timedelta(minutes=4))
    warning = page_text(admin.get("/admin/outbox"))
    assert "more than 5 minutes ago: no mail or reminders are being sent" in warning
