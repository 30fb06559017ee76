"""Sessions are records on the server: they end at sign-out, after 30 idle minutes, 12 hours
after sign-in, and whenever the person's credentials or access change."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.auth.models import Role, SessionEnd, UserSession
from ecdop.foundation.extensions import db
from tests.accounts import OWN_PASSWORD, code_now, confirm_identity, first_sign_in, real_account
from tests.conftest import DEMO_PASSWORD
from tests.factories import demo_area, organisation, user
from tests.helpers import Browser, page_text


def cookie_of(browser) -> str:
    return browser.client.get_cookie("session").value


def replay(make_browser, cookie: str):
    other = make_browser()
    other.client.set_cookie("session", cookie)
    return other


def test_a_cookie_replayed_after_sign_out_opens_nothing(make_browser):
    coordinator = make_browser("coordinator@demo.test")
    stolen = cookie_of(coordinator)
    assert replay(make_browser, stolen).get("/cases").status_code == 200
    coordinator.submit("/logout", {}, form_page="/dashboard")
    assert replay(make_browser, stolen).get("/cases").headers["Location"].startswith("/login")
    record = db.session.scalar(select(UserSession).where(UserSession.signed_in))
    assert record.end_reason is SessionEnd.SIGNED_OUT


def test_a_session_idle_for_31_minutes_has_ended(make_browser, clock):
    coordinator = make_browser("coordinator@demo.test")
    clock.shift(timedelta(minutes=29))
    assert coordinator.get("/cases").status_code == 200  # a request: idle time starts again
    clock.shift(timedelta(minutes=29))
    assert coordinator.get("/cases").status_code == 200
    clock.shift(timedelta(minutes=31))
    assert coordinator.get("/cases").headers["Location"].startswith("/login")
    record = db.session.scalar(select(UserSession).where(UserSession.signed_in))
    assert record.end_reason is SessionEnd.IDLE


def test_a_12_hour_session_has_ended_however_busy(make_browser, clock):
    coordinator = make_browser("coordinator@demo.test")
    for _ in range(12 * 4 - 1):
        clock.shift(timedelta(minutes=15))
        assert coordinator.get("/cases").status_code == 200
    clock.shift(timedelta(minutes=15))
    assert coordinator.get("/cases").headers["Location"].startswith("/login")
    record = db.session.scalar(select(UserSession).where(UserSession.signed_in))
    assert record.end_reason is SessionEnd.EXPIRED


def test_a_flash_message_does_not_extend_the_session(make_browser, clock):
    coordinator = make_browser("coordinator@demo.test")
    for _ in range(24):
        clock.shift(timedelta(minutes=29))
        # Signing out of other sessions sets a flash message, as many pages do.
        response = coordinator.submit(
            "/account/sessions/end-others", {}, form_page="/account/sessions"
        )
        assert response.status_code == 302
    clock.shift(timedelta(minutes=29))  # 12 hours and 5 minutes after signing in
    assert coordinator.get("/cases").headers["Location"].startswith("/login")


def test_the_timeout_warning_keeps_the_session_alive(make_browser, clock):
    coordinator = make_browser("coordinator@demo.test")
    page = coordinator.get("/cases").get_data(as_text=True)
    assert 'data-idle-seconds="1800"' in page and "ecdop-timeout-warning" in page
    token = coordinator.csrf_token("/cases")
    clock.shift(timedelta(minutes=28))
    answer = coordinator.post("/account/keep-alive", data={"csrf_token": token})
    assert answer.get_json() == {"signed_in": True, "idle_seconds": 1800}
    clock.shift(timedelta(minutes=29))  # 57 minutes since the page, 29 since "Stay signed in"
    assert coordinator.get("/cases").status_code == 200


def test_after_a_password_change_the_other_browser_is_signed_out(make_browser, demo, clock):
    email = "pat.quinn@council.example"
    real_account(email)
    laptop = make_browser()
    secret, _codes = first_sign_in(laptop, email)
    clock.shift(timedelta(seconds=30))
    desktop = make_browser()
    desktop.submit("/login", {"email": email, "password": OWN_PASSWORD})
    desktop.submit("/sign-in/code", {"code": code_now(secret)})
    assert desktop.get("/dashboard").status_code == 200
    new_password = "meadow-trumpet-glacier-9"
    clock.shift(timedelta(seconds=30))
    confirm_identity(laptop, password=OWN_PASSWORD, code=code_now(secret))
    response = laptop.submit(
        "/account/password", {"password": new_password, "confirm_password": new_password}
    )
    assert response.status_code == 302
    assert laptop.get("/dashboard").status_code == 200
    assert desktop.get("/dashboard").headers["Location"].startswith("/login")


def test_changing_a_password_needs_the_current_one(make_browser):
    coordinator = make_browser("coordinator@demo.test")
    assert (
        coordinator.get("/account/password")
        .headers["Location"]
        .startswith("/account/confirm-its-you")
    )
    refused = confirm_identity(coordinator, password="not-my-password")
    assert refused.status_code == 400
    assert "Your password is not right" in page_text(refused)
    assert (
        coordinator.get("/account/password")
        .headers["Location"]
        .startswith("/account/confirm-its-you")
    )


def test_your_sessions_lists_them_and_ends_one_or_all(make_browser):
    first = make_browser("coordinator@demo.test")
    second = make_browser("coordinator@demo.test")
    third = make_browser("coordinator@demo.test")
    page = page_text(first.get("/account/sessions"))
    assert page.count("Sign out the session started") == 3 and "This browser" in page
    ids = db.session.scalars(
        select(UserSession.id).where(UserSession.signed_in).order_by(UserSession.id)
    ).all()
    first.submit(f"/account/sessions/{ids[1]}/end", {}, form_page="/account/sessions")
    assert second.get("/cases").status_code == 302 and third.get("/cases").status_code == 200
    first.submit("/account/sessions/end-others", {}, form_page="/account/sessions")
    assert third.get("/cases").status_code == 302 and first.get("/cases").status_code == 200
    ended = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.action.in_([AuditAction.SESSION_ENDED, AuditAction.SESSIONS_ENDED])
        )
    ).all()
    assert sorted(ended) == [AuditAction.SESSION_ENDED, AuditAction.SESSIONS_ENDED]


def test_one_person_cannot_end_anothers_session(make_browser):
    panel = make_browser("panel@demo.test")
    make_browser("coordinator@demo.test")
    theirs = db.session.scalar(
        select(UserSession.id).where(
            UserSession.user_id == user("coordinator@demo.test").id,
            UserSession.signed_in,
            UserSession.ended_at.is_(None),
        )
    )
    panel.submit(f"/account/sessions/{theirs}/end", {}, form_page="/account/sessions")
    assert db.session.get(UserSession, theirs).ended_at is None


def test_an_administrator_ends_every_session_of_a_user(make_browser):
    coordinator = make_browser("coordinator@demo.test")
    admin = make_browser("admin@demo.test")
    account = user("coordinator@demo.test")
    assert "Signed-in sessions 1" in page_text(admin.get(f"/admin/users/{account.id}"))
    admin.submit(f"/admin/users/{account.id}/end-sessions", {}, form_page="/admin/users")
    assert coordinator.get("/cases").status_code == 302


def test_a_role_area_or_deactivation_change_ends_the_persons_sessions(make_browser):
    from ecdop.auth.services import create_area

    browsers = [make_browser("coordinator@demo.test") for _ in range(3)]
    account = user("coordinator@demo.test")
    account.role = Role.PANEL_MEMBER
    db.session.commit()
    assert browsers[0].get("/meetings").status_code == 302
    account.role = Role.COORDINATOR
    db.session.commit()
    browser = make_browser("coordinator@demo.test")
    account.areas.append(create_area("NORTH", "North"))
    db.session.commit()
    assert browser.get("/cases").status_code == 302
    browser = make_browser("coordinator@demo.test")
    account.organisation.active = False
    db.session.commit()
    assert browser.get("/cases").status_code == 302
    reasons = db.session.scalars(select(UserSession.end_reason)).all()
    assert SessionEnd.ACCESS_CHANGED in reasons and SessionEnd.DEACTIVATED in reasons
    assert demo_area() in account.areas


def test_a_change_of_organisation_ends_the_persons_sessions(make_browser, admin):
    """A new organisation changes what the person sees (its requests, its notifications)."""
    gp = make_browser("gp@demo.test")
    account = user("gp@demo.test")
    school = organisation("Demo Primary School")
    form = admin.get(f"/admin/users/{account.id}/change").get_data(as_text=True)
    assert "Demo Primary School" in form
    changed = admin.submit(
        f"/admin/users/{account.id}/change",
        {"full_name": account.full_name, "role": account.role.value,
         "organisation_id": str(school.id), "area_ids": [str(demo_area().id)]},
    )  # fmt: skip
    assert changed.status_code == 302
    assert user("gp@demo.test").organisation == school
    assert gp.get("/requests").headers["Location"].startswith("/login")
    ended = db.session.scalars(
        select(UserSession.end_reason).where(
            UserSession.user_id == account.id, UserSession.signed_in
        )
    ).all()
    assert ended == [SessionEnd.ACCESS_CHANGED]


def test_a_change_of_an_organisations_areas_ends_its_peoples_sessions(make_browser):
    from ecdop.auth.services import create_area

    gp = make_browser("gp@demo.test")
    police = make_browser("police@demo.test")
    surgery = organisation("Demo Surgery")
    surgery.areas.append(create_area("NORTH", "North"))
    db.session.commit()
    assert gp.get("/requests").headers["Location"].startswith("/login")
    assert police.get("/notifications/").status_code == 200  # another organisation


def test_the_session_id_and_csrf_token_are_new_at_every_sign_in(make_browser):
    from tests.helpers import CSRF_FIELD

    browser = make_browser()
    before = CSRF_FIELD.search(browser.get("/login").get_data(as_text=True)).group(1)
    browser.login("coordinator@demo.test")
    after = CSRF_FIELD.search(browser.get("/account").get_data(as_text=True)).group(1)
    assert before != after
    first_cookie = cookie_of(browser)
    browser.submit("/logout", {}, form_page="/dashboard")
    browser.login("coordinator@demo.test")
    assert cookie_of(browser) != first_cookie
    tokens = db.session.scalars(select(UserSession.token_hash).where(UserSession.signed_in)).all()
    assert len(set(tokens)) == len(tokens) == 2


def test_a_timeout_is_audited(make_browser, clock):
    from ecdop.audit.models import AuditEvent as Event

    coordinator = make_browser("coordinator@demo.test")
    clock.shift(timedelta(minutes=31))
    coordinator.get("/cases")
    [ended] = db.session.scalars(
        select(Event).where(Event.action == AuditAction.SESSION_ENDED)
    ).all()
    assert ended.details == {"reason": "idle"}
    assert ended.actor_id == user("coordinator@demo.test").id and ended.chain_hash


def test_records_of_long_ended_sessions_are_forgotten(app, make_browser, clock):
    from ecdop.jobs import run_job

    make_browser("coordinator@demo.test").submit("/logout", {}, form_page="/dashboard")
    idle = make_browser("coordinator@demo.test")
    clock.shift(timedelta(minutes=31))
    idle.get("/cases")  # ended for being idle
    clock.shift(timedelta(days=91))
    make_browser("coordinator@demo.test").submit("/logout", {}, form_page="/dashboard")
    assert run_job(app, "forget-ended-sessions") == 4  # the two sign-ins of 91 days ago
    remaining = db.session.scalars(select(UserSession.end_reason).order_by(UserSession.id)).all()
    assert remaining == [SessionEnd.SIGN_IN_FINISHED, SessionEnd.SIGNED_OUT]


CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def test_your_sessions_names_each_browser_as_people_do(app, demo):
    for user_agent in (CHROME_ON_WINDOWS, SAFARI_ON_IPHONE, "curl/8.5.0"):
        browser = Browser(app.test_client(), DEMO_PASSWORD)
        browser.client.environ_base["HTTP_USER_AGENT"] = user_agent
        browser.login("coordinator@demo.test")
    page = page_text(browser.get("/account/sessions"))
    assert "Chrome on Windows" in page and "Mobile Safari on iOS" in page
    assert "curl" in page
    assert "Mozilla/5.0" not in page and "AppleWebKit" not in page
