"""Guessing is stopped per account, from any address; a forgotten password is reset by a
single-use link that still needs the second factor."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.auth.models import PasswordReset, UserSession
from ecdop.foundation.extensions import db
from ecdop.mail.sender import deliver_outbox
from tests.accounts import OWN_PASSWORD, code_now, first_sign_in, real_account
from tests.factories import user
from tests.helpers import page_text

EMAIL = "pat.quinn@council.example"
NEW_PASSWORD = "meadow-trumpet-glacier-9"
LINK = re.compile(r"http://localhost(/reset-password/\S+)")


def wrong_password_from(make_browser, address: str, email: str = EMAIL):
    return make_browser().submit(
        "/login",
        {"email": email, "password": "not-the-password"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_six_wrong_passwords_from_six_addresses_lock_the_account(make_browser, demo, smtp_sink):
    real_account(EMAIL)
    first_sign_in(make_browser(), EMAIL)
    for n in range(5):
        wrong_password_from(make_browser, f"198.51.100.{n + 1}")
    assert user(EMAIL).locked_until is not None
    response = wrong_password_from(make_browser, "198.51.100.6")
    assert "Enter a correct email address and password" in page_text(response)
    # Even the right password waits out the lock, with the same message.
    right = make_browser().submit("/login", {"email": EMAIL, "password": OWN_PASSWORD})
    assert right.status_code == 400 and "Enter a correct" in page_text(right)
    [locked] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.ACCOUNT_LOCKED)
    ).all()
    assert locked.subject_id == user(EMAIL).id
    deliver_outbox()
    db.session.commit()
    assert smtp_sink.subjects_to(EMAIL) == ["Your ecdop account is locked for 15 minutes"]


def test_the_lock_lifts_after_15_minutes_and_old_failures_are_forgotten(make_browser, demo, clock):
    for n in range(4):
        wrong_password_from(make_browser, f"203.0.113.{n}", "coordinator@demo.test")
    clock.shift(timedelta(minutes=16))
    wrong_password_from(make_browser, "203.0.113.9", "coordinator@demo.test")
    assert user("coordinator@demo.test").locked_until is None  # a new window
    for n in range(4):
        wrong_password_from(make_browser, f"203.0.113.{n}", "coordinator@demo.test")
    assert user("coordinator@demo.test").locked_until is not None
    clock.shift(timedelta(minutes=15, seconds=1))
    make_browser("coordinator@demo.test")


def test_wrong_security_codes_lock_the_account_too(make_browser, demo, clock):
    real_account(EMAIL)
    first_sign_in(make_browser(), EMAIL)
    browser = make_browser()
    browser.submit("/login", {"email": EMAIL, "password": OWN_PASSWORD})
    for _ in range(4):
        assert browser.submit("/sign-in/code", {"code": "123456"}).status_code == 400
    last = browser.submit("/sign-in/code", {"code": "123456"})
    assert last.headers["Location"] == "/login"
    assert user(EMAIL).locked_until is not None
    # The half-finished sign-in is over.
    assert browser.get("/sign-in/code").headers["Location"] == "/login"


def test_an_unknown_address_answers_like_a_wrong_password(make_browser, demo):
    known = wrong_password_from(make_browser, "192.0.2.1", "coordinator@demo.test")
    unknown = wrong_password_from(make_browser, "192.0.2.1", "nobody@council.example")
    assert known.status_code == unknown.status_code == 400
    assert page_text(known) == page_text(unknown)


def _reset_link(smtp_sink) -> str:
    deliver_outbox()
    db.session.commit()
    [message] = [m for m in smtp_sink.messages if m["Subject"] == "Reset your ecdop password"]
    return LINK.search(message.get_content()).group(1)


def test_the_forgotten_password_journey(make_browser, demo, smtp_sink, clock):
    real_account(EMAIL)
    laptop = make_browser()
    secret, _codes = first_sign_in(laptop, EMAIL)
    browser = make_browser()
    sent = browser.submit("/forgotten-password", {"email": EMAIL.upper()})
    assert "If PAT.QUINN@COUNCIL.EXAMPLE has an ecdop account" in page_text(sent)
    path = _reset_link(smtp_sink)
    assert db.session.scalar(select(PasswordReset.token_hash)) not in path
    clock.shift(timedelta(seconds=30))
    no_code = browser.submit(path, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert no_code.status_code == 400
    assert "Enter the security code from your authenticator app" in page_text(no_code)
    done = browser.submit(
        path,
        {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD, "code": code_now(secret)},
    )
    assert done.headers["Location"] == "/login"
    assert user(EMAIL).check_password(NEW_PASSWORD)
    # Every session of the account has ended, and the link is spent.
    assert laptop.get("/dashboard").headers["Location"].startswith("/login")
    live = db.session.scalars(select(UserSession).where(UserSession.ended_at.is_(None))).all()
    assert [s for s in live if s.user_id == user(EMAIL).id] == []
    assert browser.get(path).status_code == 410
    clock.shift(timedelta(seconds=30))
    again = make_browser()
    again.submit("/login", {"email": EMAIL, "password": NEW_PASSWORD})
    assert again.submit("/sign-in/code", {"code": code_now(secret)}).status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_email(make_browser, demo, smtp_sink):
    real_account(EMAIL)
    known = make_browser().submit("/forgotten-password", {"email": EMAIL})
    unknown = make_browser().submit("/forgotten-password", {"email": "nobody@council.example"})
    assert page_text(known).replace(EMAIL, "X") == page_text(unknown).replace(
        "nobody@council.example", "X"
    )
    deliver_outbox()
    db.session.commit()
    assert smtp_sink.subjects_to("nobody@council.example") == []
    assert smtp_sink.subjects_to(EMAIL) == ["Reset your ecdop password"]


def test_a_reset_link_lasts_30_minutes_and_a_newer_one_replaces_it(
    make_browser, demo, smtp_sink, clock
):
    real_account(EMAIL)
    make_browser().submit("/forgotten-password", {"email": EMAIL})
    first = _reset_link(smtp_sink)
    smtp_sink.messages.clear()
    clock.shift(timedelta(minutes=3))
    make_browser().submit("/forgotten-password", {"email": EMAIL})
    second = _reset_link(smtp_sink)
    assert make_browser().get(first).status_code == 410
    assert make_browser().get(second).status_code == 200
    clock.shift(timedelta(minutes=31))
    expired = make_browser().get(second)
    assert expired.status_code == 410 and "expired" in page_text(expired)
    assert make_browser().get("/reset-password/not-a-real-token").status_code == 404


def test_asking_again_at_once_sends_no_second_email(make_browser, demo, smtp_sink):
    real_account(EMAIL)
    for _ in range(3):
        make_browser().submit("/forgotten-password", {"email": EMAIL})
    deliver_outbox()
    db.session.commit()
    assert smtp_sink.subjects_to(EMAIL) == ["Reset your ecdop password"]


def test_a_demo_account_resets_without_a_code(make_browser, demo, smtp_sink):
    make_browser().submit("/forgotten-password", {"email": "gp@demo.test"})
    deliver_outbox()
    db.session.commit()
    [message] = smtp_sink.messages
    path = LINK.search(message.get_content()).group(1)
    browser = make_browser()
    done = browser.submit(path, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done.headers["Location"] == "/login"
    assert browser.login("gp@demo.test", NEW_PASSWORD).status_code == 302


def test_a_hash_made_the_old_way_or_with_old_parameters_is_replaced_at_sign_in(
    app, make_browser, demo, monkeypatch
):
    from werkzeug.security import generate_password_hash

    account = user("coordinator@demo.test")
    account.password_hash = generate_password_hash("correct-horse-battery", method="scrypt")
    db.session.commit()
    make_browser("coordinator@demo.test")
    first = user("coordinator@demo.test").password_hash
    assert first.startswith("$argon2id$") and "m=8,t=1,p=1" in first
    monkeypatch.setitem(app.config, "PASSWORD_HASHING", {"time_cost": 2, "memory_cost": 16,
                                                         "parallelism": 1})  # fmt: skip
    make_browser("coordinator@demo.test")
    assert "m=16,t=2,p=1" in user("coordinator@demo.test").password_hash
    # A wrong password changes nothing.
    wrong_password_from(make_browser, "192.0.2.7", "coordinator@demo.test")
    assert "m=16,t=2,p=1" in user("coordinator@demo.test").password_hash


def test_a_finished_sign_in_starts_the_count_of_failures_again(make_browser, demo):
    for n in range(4):
        wrong_password_from(make_browser, f"198.51.100.{n}", "coordinator@demo.test")
    make_browser("coordinator@demo.test")
    assert user("coordinator@demo.test").failed_sign_ins == 0
    for n in range(4):
        wrong_password_from(make_browser, f"198.51.100.{n}", "coordinator@demo.test")
    assert user("coordinator@demo.test").locked_until is None


def test_someone_guessing_cannot_keep_the_owner_out_of_a_browser_they_signed_in_with(
    make_browser, demo, clock, smtp_sink
):
    """OWASP's device cookie: the owner's own browser keeps its allowance while the account is
    locked against every browser it does not know; the owner is still told."""
    real_account(EMAIL)
    secret, _codes = first_sign_in(owners := make_browser(), EMAIL)
    owners.submit("/logout", {}, form_page="/dashboard")
    for n in range(5):
        wrong_password_from(make_browser, f"198.51.100.{n + 1}")
    assert user(EMAIL).locked_until is not None
    stranger = make_browser().submit("/login", {"email": EMAIL, "password": OWN_PASSWORD})
    assert stranger.status_code == 400 and "Enter a correct" in page_text(stranger)

    clock.shift(timedelta(seconds=30))
    assert (
        owners.submit("/login", {"email": EMAIL, "password": OWN_PASSWORD}).headers["Location"]
        == "/sign-in/code"
    )
    assert owners.submit("/sign-in/code", {"code": code_now(secret)}).status_code == 302
    assert owners.get("/dashboard").status_code == 200
    deliver_outbox()
    db.session.commit()
    assert smtp_sink.subjects_to(EMAIL) == ["Your ecdop account is locked for 15 minutes"]


def test_a_known_browser_that_guesses_locks_only_itself(make_browser, demo):
    real_account(EMAIL)
    first_sign_in(known := make_browser(), EMAIL)
    known.submit("/logout", {}, form_page="/dashboard")
    for _ in range(5):
        known.submit("/login", {"email": EMAIL, "password": "not-the-password"})
    right = known.submit("/login", {"email": EMAIL, "password": OWN_PASSWORD})
    assert right.status_code == 400
    assert user(EMAIL).locked_until is None  # the account still lets other browsers try
    [locked] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.KNOWN_BROWSER_LOCKED)
    ).all()
    assert locked.subject_id == user(EMAIL).id
    elsewhere = make_browser().submit("/login", {"email": EMAIL, "password": OWN_PASSWORD})
    assert elsewhere.headers["Location"] == "/sign-in/code"


def test_a_forged_or_borrowed_browser_cookie_earns_no_allowance(make_browser, demo, app):
    """A cookie signed by someone else, or one from another account's browser, is unknown."""
    real_account(EMAIL)
    first_sign_in(make_browser(), EMAIL)
    name = app.config["KNOWN_BROWSER_COOKIE_NAME"]
    borrowed = make_browser("coordinator@demo.test").client.get_cookie(name).value
    for cookie in ("forged.value", borrowed):
        attacker = make_browser()
        attacker.client.set_cookie(name, cookie)
        for _ in range(5):
            attacker.submit("/login", {"email": EMAIL, "password": "not-the-password"})
        assert user(EMAIL).locked_until is not None
        user(EMAIL).locked_until = None
        db.session.commit()
