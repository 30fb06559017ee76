"""Signing in and out: one generic message, safe redirects, every attempt audited."""

from __future__ import annotations

import pytest

from ecdop.audit.models import AuditAction
from ecdop.foundation.extensions import db
from tests.factories import user
from tests.helpers import audit_events, page_text

GENERIC = "Enter a correct email address and password"


def events(action):
    return audit_events(action)


def test_signing_in_takes_each_role_to_its_work(make_browser):
    assert make_browser("coordinator@demo.test").get("/").headers["Location"] == "/dashboard"
    assert make_browser("police@demo.test").get("/").headers["Location"] == "/notifications/"
    assert make_browser("admin@demo.test").get("/").headers["Location"] == "/admin/users"
    assert make_browser("panel@demo.test").get("/").headers["Location"] == "/meetings"
    assert make_browser("chair@demo.test").get("/").headers["Location"] == "/meetings"
    assert make_browser("board@demo.test").get("/").headers["Location"] == "/board-reports"


def test_a_successful_sign_in_is_audited(browser):
    browser.login("coordinator@demo.test")
    [event] = events(AuditAction.LOGIN_SUCCEEDED)
    assert event.actor.email == "coordinator@demo.test"
    assert event.ip_address == "127.0.0.1"
    assert user("coordinator@demo.test").last_login_at is not None


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("coordinator@demo.test", "wrong-password-123"),
        ("nobody@demo.test", "correct-horse-battery"),
        ("", ""),
        ("coordinator@demo.test\x00", "wrong\x00password"),
    ],
)
def test_any_failed_sign_in_gets_the_same_message(browser, email, password):
    response = browser.submit("/login", {"email": email, "password": password})
    assert response.status_code == 400
    text = page_text(response)
    assert "There is a problem" in text
    if email:
        assert GENERIC in text
        assert len(events(AuditAction.LOGIN_FAILED)) == 1
    assert "/dashboard" not in browser.get("/", follow_redirects=False).headers.get("Location", "")


def test_a_deactivated_user_cannot_sign_in_and_is_signed_out(make_browser):
    coordinator = make_browser("coordinator@demo.test")
    user("coordinator@demo.test").active = False
    db.session.commit()
    assert coordinator.get("/dashboard").status_code == 302
    response = make_browser().submit(
        "/login", {"email": "coordinator@demo.test", "password": "correct-horse-battery"}
    )
    assert GENERIC in page_text(response)


@pytest.mark.parametrize(
    ("next_", "lands_on"),
    [
        ("/cases", "/cases"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/phish", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_leads_to_our_own_pages(browser, next_, lands_on):
    response = browser.submit(
        f"/login?next={next_}",
        {"email": "coordinator@demo.test", "password": "correct-horse-battery"},
        form_page="/login",
    )
    assert response.headers["Location"] == lands_on


def test_signing_out(make_browser):
    coordinator = make_browser("coordinator@demo.test")
    response = coordinator.submit("/logout", {}, form_page="/dashboard")
    assert response.headers["Location"] == "/login"
    assert coordinator.get("/dashboard").status_code == 302
    assert len(events(AuditAction.LOGGED_OUT)) == 1


def test_signing_in_is_rate_limited(app, browser):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [
            browser.submit("/login", {"email": "x@demo.test", "password": "bad"}).status_code
            for _ in range(4)
        ]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
        from ecdop.foundation.extensions import limiter

        limiter.reset()
    assert statuses[-1] == 429
