"""Every real account signs in with a password and an authenticator app; the demo's accounts,
in development only, with their password alone."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import unquote

from sqlalchemy import select

from ecdop.audit.models import AuditAction
from ecdop.auth.models import RecoveryCode, Role, UserSession
from ecdop.foundation.extensions import db
from tests.accounts import (
    AUTHENTICATOR_KEY,
    INITIAL_PASSWORD,
    OWN_PASSWORD,
    code_now,
    confirm_identity,
    first_sign_in,
    real_account,
)
from tests.factories import user
from tests.helpers import audit_events, page_text

EMAIL = "pat.quinn@council.example"


def actions_of(action):
    return audit_events(action)


def sign_in_with(browser, code: str, password: str = OWN_PASSWORD):
    browser.submit("/login", {"email": EMAIL, "password": password})
    return browser.submit("/sign-in/code", {"code": code})


def test_the_first_sign_in_takes_every_step_in_order(make_browser, demo):
    real_account(EMAIL)
    browser = make_browser()
    response = browser.submit("/login", {"email": EMAIL, "password": INITIAL_PASSWORD})
    assert response.headers["Location"] == "/sign-in/new-password"
    # Nothing else opens until every step is done.
    assert browser.get("/dashboard").headers["Location"].startswith("/login")
    secret, codes = first_sign_in(make_browser(), EMAIL)
    assert len(codes) == 10 and len(set(codes)) == 10
    account = user(EMAIL)
    assert account.totp_secret == secret and not account.must_change_password
    # Only hashes are kept.
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert len(actions_of(AuditAction.SECOND_FACTOR_ENROLLED)) == 1
    assert len(actions_of(AuditAction.PASSWORD_CHANGED)) == 1


def test_the_enrolment_page_shows_a_qr_code_as_inline_svg_and_the_key(make_browser, demo):
    real_account(EMAIL)
    browser = make_browser()
    browser.submit("/login", {"email": EMAIL, "password": INITIAL_PASSWORD})
    browser.submit(
        "/sign-in/new-password", {"password": OWN_PASSWORD, "confirm_password": OWN_PASSWORD}
    )
    page = browser.get("/sign-in/authenticator").get_data(as_text=True)
    assert "<svg" in page and "QR code for your authenticator app" in page
    assert 'id="authenticator-key"' in page
    wrong = browser.submit("/sign-in/authenticator", {"code": "000000"})
    assert wrong.status_code == 400 and "The security code is not right" in page_text(wrong)
    assert user(EMAIL).totp_secret is None


def test_a_weak_password_is_refused_with_the_reason(make_browser, demo):
    real_account(EMAIL)
    browser = make_browser()
    browser.submit("/login", {"email": EMAIL, "password": INITIAL_PASSWORD})
    for weak, reason in [
        ("password1234", "This is a very common password"),
        ("aaaaaaaaaaaa", "Repeats like"),
        ("quinn-harbour-2026", "must not contain your name or email address"),
        ("short", "12 characters or more"),
        (INITIAL_PASSWORD, "different from the old one"),
    ]:
        response = browser.submit(
            "/sign-in/new-password", {"password": weak, "confirm_password": weak}
        )
        assert response.status_code == 400, weak
        assert reason in page_text(response), weak
    assert user(EMAIL).must_change_password


def test_a_code_works_once_and_one_step_of_drift_is_allowed(make_browser, demo, clock):
    real_account(EMAIL)
    secret, _codes = first_sign_in(make_browser(), EMAIL)
    clock.shift(timedelta(seconds=60))
    # The phone's clock runs a step behind: still accepted, once.
    behind = code_now(secret, steps_ahead=-1)
    assert sign_in_with(make_browser(), behind).headers["Location"] == "/"
    replay = sign_in_with(make_browser(), behind)
    assert replay.status_code == 400 and "not right" in page_text(replay)
    # A step ahead is accepted too; after it, no earlier code works.
    assert sign_in_with(make_browser(), code_now(secret, steps_ahead=1)).status_code == 302
    assert sign_in_with(make_browser(), code_now(secret)).status_code == 400
    clock.shift(timedelta(seconds=180))
    assert sign_in_with(make_browser(), code_now(secret, steps_ahead=-2)).status_code == 400
    assert sign_in_with(make_browser(), code_now(secret, steps_ahead=2)).status_code == 400


def test_a_recovery_code_works_once(make_browser, demo, clock):
    real_account(EMAIL)
    _secret, codes = first_sign_in(make_browser(), EMAIL)
    assert sign_in_with(make_browser(), codes[3].upper()).status_code == 302
    again = sign_in_with(make_browser(), codes[3])
    assert again.status_code == 400
    [used] = actions_of(AuditAction.RECOVERY_CODE_USED)
    assert used.details == {"left": 9}


def test_an_administrator_resets_the_second_factor_and_the_person_enrols_again(
    make_browser, demo, smtp_sink
):
    from ecdop.mail.sender import deliver_outbox

    real_account(EMAIL)
    person = make_browser()
    first_sign_in(person, EMAIL)
    assert person.get("/dashboard").status_code == 200
    admin = make_browser("admin@demo.test")
    confirm_identity(admin, password=admin.password)
    account_id = user(EMAIL).id
    page = page_text(admin.get(f"/admin/users/{account_id}/reset-second-factor"))
    assert "Reset Pat Quinn's authenticator app?" in page
    response = admin.submit(f"/admin/users/{account_id}/reset-second-factor", {})
    assert response.status_code == 302
    assert user(EMAIL).totp_secret is None
    assert db.session.scalar(select(RecoveryCode.id)) is None
    assert person.get("/dashboard").status_code == 302  # signed out
    [reset] = actions_of(AuditAction.SECOND_FACTOR_RESET)
    assert reset.actor.email == "admin@demo.test" and reset.subject_id == account_id
    deliver_outbox()
    db.session.commit()
    assert "Your ecdop sign-in app has been reset" in smtp_sink.subjects_to(EMAIL)
    again = make_browser()
    assert (
        again.submit("/login", {"email": EMAIL, "password": OWN_PASSWORD}).headers["Location"]
        == "/sign-in/authenticator"
    )


def test_no_setting_spares_a_real_account_the_second_factor(app, make_browser, demo, monkeypatch):
    real_account(EMAIL)
    first_sign_in(make_browser(), EMAIL)
    # The demo's own accounts are spared only where demo data may exist: never in production.
    monkeypatch.setitem(app.config, "SEED_DEMO_ALLOWED", False)
    demo_browser = make_browser()
    response = demo_browser.submit(
        "/login", {"email": "coordinator@demo.test", "password": "correct-horse-battery"}
    )
    assert response.headers["Location"] in ("/sign-in/code", "/sign-in/new-password")
    monkeypatch.setitem(app.config, "SEED_DEMO_ALLOWED", True)
    response = make_browser().submit("/login", {"email": EMAIL, "password": OWN_PASSWORD})
    assert response.headers["Location"] == "/sign-in/code"


def test_a_half_finished_sign_in_expires(make_browser, demo, clock):
    real_account(EMAIL)
    browser = make_browser()
    browser.submit("/login", {"email": EMAIL, "password": INITIAL_PASSWORD})
    clock.shift(timedelta(minutes=11))
    assert browser.get("/sign-in/new-password").headers["Location"] == "/login"
    record = db.session.scalar(select(UserSession))
    assert record.end_reason.value == "sign_in_abandoned"


def test_an_invited_agency_contact_sets_up_the_app_after_choosing_a_password(make_browser, demo):
    # The link's token is only in the e-mail; make one the way the service does.
    import ecdop.auth.invitations as invitations
    from ecdop.auth.invitations import invite_agency_contact
    from tests.factories import demo_area, organisation

    tokens = []
    real_urlsafe = invitations.secrets.token_urlsafe
    invitations.secrets.token_urlsafe = lambda n: tokens.append(real_urlsafe(n)) or tokens[-1]
    try:
        invite_agency_contact(
            organisation=organisation("Demo Surgery"), full_name="Jo Evans",
            email="jo@surgery.example", area=demo_area(), invited_by=user("coordinator@demo.test"),
        )  # fmt: skip
        db.session.commit()
    finally:
        invitations.secrets.token_urlsafe = real_urlsafe
    browser = make_browser()
    response = browser.submit(
        f"/invitations/{tokens[0]}",
        {"full_name": "Jo Evans", "job_title": "Practice manager",
         "password": OWN_PASSWORD, "confirm_password": OWN_PASSWORD},
    )  # fmt: skip
    assert response.headers["Location"] == "/sign-in/authenticator"
    assert user("jo@surgery.example").role is Role.AGENCY_REPORTER


def test_the_authenticator_key_stays_the_same_until_enrolment_is_finished(make_browser, demo):
    real_account(EMAIL)
    browser = make_browser()
    browser.submit("/login", {"email": EMAIL, "password": INITIAL_PASSWORD})
    browser.submit(
        "/sign-in/new-password", {"password": OWN_PASSWORD, "confirm_password": OWN_PASSWORD}
    )

    # Sent straight away, before the page was ever read: the key it then shows must hold.
    first_answer = browser.submit("/sign-in/authenticator", {"code": "000000"})
    shown = key_shown(first_answer)
    assert key_shown(browser.get("/sign-in/authenticator")) == shown
    wrong = browser.submit("/sign-in/authenticator", {"code": "000000"})
    assert wrong.status_code == 400 and key_shown(wrong) == shown
    assert key_shown(browser.get("/sign-in/authenticator")) == shown
    done = browser.submit("/sign-in/authenticator", {"code": code_now(shown)})
    assert done.status_code == 200 and user(EMAIL).totp_secret == shown


def test_the_authenticator_key_holds_when_enrolment_resumes_in_a_new_sign_in(make_browser, demo):
    """Someone who scanned the key, then had to sign in again (the step timed out, or the
    browser closed), finds the same key, so the app they set up still works."""
    real_account(EMAIL)
    first = make_browser()
    first.submit("/login", {"email": EMAIL, "password": INITIAL_PASSWORD})
    first.submit(
        "/sign-in/new-password", {"password": OWN_PASSWORD, "confirm_password": OWN_PASSWORD}
    )
    scanned = key_shown(first.get("/sign-in/authenticator"))
    again = make_browser()
    again.submit("/login", {"email": EMAIL, "password": OWN_PASSWORD})
    assert key_shown(again.get("/sign-in/authenticator")) == scanned
    done = again.submit("/sign-in/authenticator", {"code": code_now(scanned)})
    assert done.status_code == 200 and user(EMAIL).totp_secret == scanned


def key_shown(response) -> str:
    html = response.get_data(as_text=True)
    return "".join(unescape(AUTHENTICATOR_KEY.search(html).group(1)).split())


def test_the_recovery_codes_page_offers_them_as_a_file_made_in_the_page(make_browser, demo):
    real_account(EMAIL)
    browser = make_browser()
    browser.submit("/login", {"email": EMAIL, "password": INITIAL_PASSWORD})
    browser.submit(
        "/sign-in/new-password", {"password": OWN_PASSWORD, "confirm_password": OWN_PASSWORD}
    )
    secret = key_shown(browser.get("/sign-in/authenticator"))
    shown = browser.submit("/sign-in/authenticator", {"code": code_now(secret)})
    html = shown.get_data(as_text=True)
    codes = re.findall(r"<li><code>([^<]+)</code></li>", html)
    link = re.search(r'href="data:text/plain;charset=utf-8,([^"]+)" download="([^"]+)"', html)
    assert link and link.group(2) == "ecdop-recovery-codes.txt"
    kept = unquote(unescape(link.group(1)))
    assert len(codes) == 10 and all(code in kept for code in codes) and EMAIL in kept
    assert shown.headers["Cache-Control"] == "no-store"
    assert 'data-module="ecdop-print"' in html
