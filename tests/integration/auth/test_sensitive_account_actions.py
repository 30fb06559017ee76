"""Sensitive account actions ask the person to confirm who they are first: their password and
a fresh code, within the last five minutes of the session. A stolen session can neither guess
the password nor give itself a second factor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.auth.models import KnownBrowser, RecoveryCode
from ecdop.foundation.extensions import db
from tests.accounts import (
    OWN_PASSWORD,
    code_now,
    confirm_identity,
    first_sign_in,
    real_account,
)
from tests.factories import user
from tests.helpers import page_text

EMAIL = "pat.quinn@council.example"
NEW_PASSWORD = "meadow-trumpet-glacier-9"
CONFIRM = "/account/confirm-its-you"
# The endpoints that need a recent confirmation, and what asks for them.
SENSITIVE = {
    "account.change_password",
    "account.recovery_codes",
    "admin.reset_second_factor",
    "admin.new_api_token",
}


def events(action: AuditAction) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


@pytest.fixture
def signed_in(make_browser, clock):
    """A real account, signed in with its own password and code; half a minute later, so that
    the next code is a fresh one."""
    real_account(EMAIL)
    browser = make_browser()
    secret, _codes = first_sign_in(browser, EMAIL)
    clock.shift(timedelta(seconds=30))
    return browser, secret


def failures_counted() -> int:
    """Wrong answers counted against the account, or against the browser that gave them
    (a browser that signed in before keeps its own allowance)."""
    account = user(EMAIL)
    browsers = db.session.scalars(select(KnownBrowser).where(KnownBrowser.user_id == account.id))
    return account.failed_sign_ins + sum(browser.failed_sign_ins for browser in browsers)


def recovery_code_hashes() -> set[str]:
    return set(db.session.scalars(select(RecoveryCode.code_hash)))


def test_every_sensitive_account_action_is_declared_as_one(app):
    declared = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "needs_recent_confirmation", False)
    }
    assert declared == SENSITIVE


def test_a_stolen_session_cannot_guess_the_password(signed_in):
    browser, _secret = signed_in
    assert browser.get("/account/password").headers["Location"] == (
        f"{CONFIRM}?next=/account/password"
    )
    for guess in range(4):
        refused = confirm_identity(browser, password=f"guess-number-{guess}", code="000000")
        assert refused.status_code == 400
        assert "Your password is not right" in page_text(refused)
    assert failures_counted() == 4
    last = confirm_identity(browser, password="guess-number-5", code="000000")
    assert last.headers["Location"] == "/login"
    assert events(AuditAction.IDENTITY_CONFIRMATION_FAILED) == 5
    # The session's browser signed in before, so the lock is its own (see test_guessing_…).
    assert events(AuditAction.KNOWN_BROWSER_LOCKED) == 1
    # The session that guessed is over; the right password now meets the lock.
    assert browser.get("/account").headers["Location"].startswith("/login")


def test_a_wrong_code_counts_and_is_refused_at_its_field(signed_in):
    browser, _secret = signed_in
    refused = confirm_identity(browser, password=OWN_PASSWORD, code="123456")
    assert refused.status_code == 400
    assert "The security code is not right" in page_text(refused)
    assert 'href="#code"' in refused.get_data(as_text=True)
    assert failures_counted() == 1
    assert events(AuditAction.SECOND_FACTOR_FAILED) == 1


def test_new_recovery_codes_need_the_password_and_a_fresh_code(signed_in, clock):
    browser, secret = signed_in
    before = recovery_code_hashes()
    token = browser.csrf_token("/account")
    # A CSRF token alone, as a stolen session has, reissues nothing.
    stolen = browser.post("/account/recovery-codes", data={"csrf_token": token})
    assert stolen.headers["Location"] == f"{CONFIRM}?next=/account/recovery-codes"
    assert recovery_code_hashes() == before
    assert events(AuditAction.RECOVERY_CODES_REISSUED) == 0

    confirmed = confirm_identity(browser, password=OWN_PASSWORD, code=code_now(secret))
    assert confirmed.headers["Location"] == "/account"
    assert events(AuditAction.IDENTITY_CONFIRMED) == 1
    issued = browser.submit("/account/recovery-codes", {})
    assert issued.status_code == 200 and "recovery codes" in page_text(issued).lower()
    assert recovery_code_hashes().isdisjoint(before)

    # Five minutes on, the confirmation has run out.
    clock.shift(timedelta(minutes=5))
    assert browser.get("/account/recovery-codes").headers["Location"].startswith(CONFIRM)


def test_a_confirmation_goes_back_to_where_the_person_was_going(signed_in):
    browser, secret = signed_in
    response = browser.submit(
        f"{CONFIRM}?next=/account/password", {"password": OWN_PASSWORD, "code": code_now(secret)}
    )
    assert response.headers["Location"] == "/account/password"
    changed = browser.submit(
        "/account/password", {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert changed.headers["Location"] == "/account"
    assert user(EMAIL).check_password(NEW_PASSWORD)


def test_a_confirmation_never_sends_the_person_elsewhere(signed_in):
    browser, secret = signed_in
    response = browser.submit(
        f"{CONFIRM}?next=//evil.example/", {"password": OWN_PASSWORD, "code": code_now(secret)}
    )
    assert response.headers["Location"] == "/account"


def test_a_confirmation_is_good_for_its_own_session_only(signed_in, make_browser, clock):
    browser, secret = signed_in
    confirm_identity(browser, password=OWN_PASSWORD, code=code_now(secret))
    clock.shift(timedelta(seconds=30))
    other = make_browser()
    other.submit("/login", {"email": EMAIL, "password": OWN_PASSWORD})
    other.submit("/sign-in/code", {"code": code_now(secret)})
    assert other.get("/account/password").headers["Location"].startswith(CONFIRM)


def test_an_administrator_confirms_before_resetting_a_second_factor(admin, make_browser):
    real_account(EMAIL)
    first_sign_in(make_browser(), EMAIL)
    path = f"/admin/users/{user(EMAIL).id}/reset-second-factor"
    token = admin.csrf_token("/admin/users")
    refused = admin.post(path, data={"csrf_token": token})
    assert refused.headers["Location"] == f"{CONFIRM}?next={path}"
    assert user(EMAIL).totp_secret is not None
    # A demo account has no second factor: its password alone confirms it.
    assert confirm_identity(admin, password="not-the-password").status_code == 400
    confirm_identity(admin, password=admin.password)
    assert admin.submit(path, {}).status_code == 302
    assert user(EMAIL).totp_secret is None


def test_an_administrator_confirms_before_issuing_an_api_token(admin):
    assert admin.get("/admin/api-tokens/new").headers["Location"].startswith(CONFIRM)
    confirm_identity(admin, password=admin.password)
    assert admin.get("/admin/api-tokens/new").status_code == 200


def test_a_session_cookie_taken_to_another_browser_locks_the_account(signed_in, make_browser, app):
    """Without the owner's browser cookie, the guesses count against the account itself."""
    owners, _secret = signed_in
    thief = make_browser()
    cookie = app.config["SESSION_COOKIE_NAME"]
    thief.client.set_cookie(cookie, owners.client.get_cookie(cookie).value)
    assert thief.get("/account").status_code == 200
    for guess in range(5):
        confirm_identity(thief, password=f"guess-number-{guess}", code="000000")
    assert user(EMAIL).locked_until is not None
    assert events(AuditAction.ACCOUNT_LOCKED) == 1
    assert thief.get("/account").headers["Location"].startswith("/login")
