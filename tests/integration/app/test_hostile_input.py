"""Input an attacker would send: none of it gives a 500, and none of it is stored as sent."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.foundation.extensions import db
from ecdop.foundation.forms import one_line, strip
from tests.factories import user
from tests.helpers import page_text


@pytest.mark.parametrize(
    "next_", ["/cases\x07", "/cases%0d%0aSet-Cookie:%20x=1", "/cases\x7f", "/ca ses", "/\u2028x"]
)
def test_a_next_address_with_control_characters_goes_home(browser, next_):
    response = browser.submit(
        f"/login?next={next_}",
        {"email": "coordinator@demo.test", "password": "correct-horse-battery"},
        form_page="/login",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_long_forwarded_address_is_stored_cut_down(app, browser, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_PROXY_COUNT", 1)
    from werkzeug.middleware.proxy_fix import ProxyFix

    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1))
    forged = "9" * 5000
    response = browser.submit(
        "/login",
        {"email": "nobody@demo.test", "password": "not-the-password"},
        headers={"X-Forwarded-For": forged},
    )
    assert response.status_code == 400
    [failure] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.LOGIN_FAILED)
    ).all()
    assert failure.ip_address == "9" * 45


def test_a_forwarded_address_is_believed_only_as_far_as_the_trusted_proxies(app, browser):
    # No proxy is trusted in the test configuration: the header is the client's own claim.
    browser.submit(
        "/login",
        {"email": "nobody@demo.test", "password": "not-the-password"},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    failure = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == AuditAction.LOGIN_FAILED)
    )
    assert failure.ip_address == "127.0.0.1"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Amelia\u202eesoR", "AmeliaesoR"),  # right-to-left override
        ("Ame\u200blia", "Amelia"),  # zero-width space
        ("\ufeffAmelia\u2066 Rose\u2069", "Amelia Rose"),
        ("Amelia\r\nBcc: someone@example.org", "Amelia Bcc: someone@example.org"),
        ("Amelia\u2028Rose", "Amelia Rose"),
    ],
)
def test_names_lose_bidirectional_zero_width_and_line_break_characters(typed, stored):
    assert one_line(typed) == stored


def test_longer_text_keeps_its_lines_but_not_bidirectional_overrides():
    assert strip("Found at home.\nTaken to hospital\u202e.") == "Found at home.\nTaken to hospital."


def test_a_name_typed_with_a_line_break_stays_on_one_line_in_the_email(make_browser, demo):
    from ecdop.mail.models import OutboxMessage
    from tests.factories import organisation

    coordinator = make_browser("coordinator@demo.test")
    surgery = organisation("Demo Surgery")
    response = coordinator.submit(
        f"/agencies/{surgery.id}/invite",
        {
            "full_name": "Jo\nSubject: Urgent",
            "email": "jo@surgery.example",
            "area_id": str(user("coordinator@demo.test").areas[0].id),
        },
    )
    assert response.status_code == 302, page_text(response)
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient_email == "jo@surgery.example")
    )
    assert "Dear Jo Subject: Urgent," in message.body.splitlines()


def test_multi_line_values_keep_their_lines_without_an_indent(make_browser):
    """An address typed on two lines reads as two lines, the second not pushed right."""
    from tests.factories import notify

    notification, _outcome = notify()
    html = make_browser("police@demo.test").get(f"/notifications/{notification.id}")
    html = html.get_data(as_text=True)
    assert "1 Example Street<br>Exampletown" in html
    assert "\n      Exampletown" not in html
