"""With the database unreachable, people get the service's own page and systems problem+json,
both made without touching the database; load balancers can still ask whether the process is
up."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from ecdop.foundation.extensions import db
from tests.api_helpers import NOTIFICATIONS, notification_json, token_for
from tests.conftest import using_postgres
from tests.helpers import page_text


@contextmanager
def database_unreachable(app):
    """Every new connection is refused, as when the server is down or the network is cut."""
    with app.app_context():
        engine = db.engine

    def refuse(dialect, connection_record, cargs, cparams):
        raise OperationalError("connect", {}, ConnectionRefusedError("the database is down"))

    engine.dispose()
    event.listen(engine, "do_connect", refuse)
    try:
        yield
    finally:
        event.remove(engine, "do_connect", refuse)
        engine.dispose()


def test_a_signed_in_page_is_ecdops_own_503_page(app, make_browser):
    coordinator = make_browser("coordinator@demo.test")
    db.session.remove()
    with database_unreachable(app):
        response = coordinator.get("/cases")
    assert response.status_code == 503
    text = page_text(response)
    assert "Sorry, the service is unavailable" in text
    assert "Accessibility statement" in text  # the service's own page, with its footer
    assert response.headers["Retry-After"] == "60"
    assert "Content-Security-Policy" in response.headers


def test_a_public_page_and_a_failing_form_get_the_same_page(app, make_browser, client):
    db.session.remove()
    with database_unreachable(app):
        login = client.post("/login", data={"email": "x@demo.test", "password": "y"})
    assert login.status_code == 400  # CSRF refuses the form before the database is needed
    assert "Internal Server Error" not in login.get_data(as_text=True)


def test_the_api_answers_problem_json(app, demo, client):
    token = token_for("police@demo.test")
    db.session.commit()
    db.session.remove()
    with database_unreachable(app):
        response = client.post(
            NOTIFICATIONS, json=notification_json(), headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 503


def test_healthz_answers_without_the_database(app, client):
    db.session.remove()
    with database_unreachable(app):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


@pytest.mark.skipif(using_postgres(), reason="SQLite's own write lock, held from outside")
def test_a_write_that_waits_too_long_is_told_to_try_again_soon(app, demo, client, monkeypatch):
    """A lock that times out is not "cannot reach its database": the service is busy."""
    import sqlite3

    import ecdop.foundation.db

    token = token_for("police@demo.test")
    coordinator = make_browser_for(app, "coordinator@demo.test")
    db.session.remove()
    monkeypatch.setattr(ecdop.foundation.db, "SQLITE_BUSY_TIMEOUT_SECONDS", 0.1)
    with app.app_context():
        db.engine.dispose()  # new connections take the short timeout
        path = db.engine.url.database
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, mid-transaction
    try:
        answer = client.post(NOTIFICATIONS, json=notification_json(),
                             headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        page = coordinator.get("/cases")
    finally:
        holder.rollback()
        holder.close()
    assert answer.status_code == 503 and answer.json["code"] == "busy"
    assert answer.json["detail"] == "ecdop is busy. Nothing was stored. Try again in a few seconds."
    assert answer.headers["Retry-After"] == "5"
    assert page.status_code == 503 and "Sorry, the service is busy" in page_text(page)
    assert page.headers["Retry-After"] == "5"
    with app.app_context():
        db.engine.dispose()


def make_browser_for(app, email):
    from tests.conftest import DEMO_PASSWORD
    from tests.helpers import Browser

    browser = Browser(app.test_client(), DEMO_PASSWORD)
    browser.login(email)
    return browser


def test_a_lock_or_deadlock_is_busy_and_a_refused_connection_is_not():
    import sqlite3

    from psycopg import errors as psycopg_errors

    from ecdop.errors import is_busy

    def failure(orig):
        return OperationalError("SELECT 1", {}, orig)

    assert is_busy(failure(sqlite3.OperationalError("database is locked")))
    assert is_busy(failure(psycopg_errors.DeadlockDetected("deadlock detected")))
    assert is_busy(failure(psycopg_errors.LockNotAvailable("could not obtain lock")))
    assert not is_busy(failure(sqlite3.OperationalError("unable to open database file")))
    assert not is_busy(failure(ConnectionRefusedError("the database is down")))
