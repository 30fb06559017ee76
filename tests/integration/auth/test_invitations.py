"""An agency with nobody in ecdop: its contact is invited by e-mail and makes an account with a
single-use link that expires."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ecdop.auth.models import Invitation, Role, User
from ecdop.foundation.extensions import db
from ecdop.mail.models import OutboxMessage
from tests.factories import organisation
from tests.helpers import Browser, page_text

PASSWORD = "a-good-long-password"


def invite(coordinator, email="sw@council.test"):
    council = organisation("Demo Council")
    path = f"/agencies/{council.id}/invite"
    return coordinator.submit(path, {"full_name": "Sol Worker", "email": email, "area_id": "1"})


def link_in_outbox(email="sw@council.test") -> str:
    message = db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.recipient_email == email)
        .order_by(OutboxMessage.id.desc())
    )
    return re.search(r"http://localhost(/invitations/\S+)", message.body).group(1)


def accept(browser, path, **fields):
    data = {
        "full_name": "Sol Worker",
        "job_title": "Social worker",
        "password": PASSWORD,
        "confirm_password": PASSWORD,
        **fields,
    }
    return browser.submit(path, data)


def users_named(email) -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(User.email == email))


def set_up_authenticator(browser) -> None:
    from tests.accounts import AUTHENTICATOR_KEY, code_now

    page = browser.get("/sign-in/authenticator").get_data(as_text=True)
    secret = "".join(AUTHENTICATOR_KEY.search(page).group(1).split())
    assert browser.submit("/sign-in/authenticator", {"code": code_now(secret)}).status_code == 200


def test_the_contact_creates_an_agency_reporter_account_once(coordinator, browser):
    assert invite(coordinator).status_code == 302
    message = db.session.scalar(select(OutboxMessage))
    assert message.recipient_user_id is None and message.subject == "Create your ecdop account"
    path = link_in_outbox()
    assert db.session.scalar(select(Invitation.token_hash)) not in path  # only a hash is kept

    response = accept(browser, path)
    assert response.headers["Location"] == "/sign-in/authenticator"
    user = db.session.scalar(select(User).where(User.email == "sw@council.test"))
    assert user.role is Role.AGENCY_REPORTER and user.organisation.name == "Demo Council"
    assert not user.must_change_password  # the contact chose it
    # The second factor comes before any request for information.
    assert browser.get("/requests").headers["Location"].startswith("/login")
    set_up_authenticator(browser)
    assert page_text(browser.get("/requests")).startswith("Requests for information")

    again = Browser(browser.client.application.test_client(), "").get(path)
    assert again.status_code == 410
    assert "already been used" in page_text(again)
    assert users_named("sw@council.test") == 1


def test_an_expired_link_is_refused_and_creates_nothing(coordinator, browser, clock):
    invite(coordinator)
    path = link_in_outbox()
    clock.shift(timedelta(days=7, seconds=1))
    response = browser.get(path)
    assert response.status_code == 410
    assert "This invitation link has expired. Ask your CDOP coordinator" in page_text(response)
    assert users_named("sw@council.test") == 0


def test_a_newer_invitation_replaces_the_older_link(coordinator, browser):
    invite(coordinator)
    first = link_in_outbox()
    invite(coordinator)
    second = link_in_outbox()
    assert first != second
    assert browser.get(first).status_code == 410
    assert browser.get(second).status_code == 200


def test_an_unknown_link_is_not_found(browser):
    response = browser.get("/invitations/not-a-real-token")
    assert response.status_code == 404
    assert "This invitation link is not valid" in page_text(response)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "short", "confirm_password": "short"}, "Password must be 12 characters"),
        ({"confirm_password": "something-else-entirely"}, "The passwords do not match"),
        ({"full_name": ""}, "Enter your full name"),
    ],
)
def test_bad_account_details_store_nothing_and_keep_the_link(coordinator, browser, fields, message):
    invite(coordinator)
    path = link_in_outbox()
    response = accept(browser, path, **fields)
    assert response.status_code == 400 and message in page_text(response)
    assert users_named("sw@council.test") == 0
    assert db.session.scalar(select(Invitation.accepted_at)) is None
    assert accept(browser, path).status_code == 302


def test_someone_who_already_has_an_account_is_not_invited(coordinator):
    response = invite(coordinator, email="gp@demo.test")
    assert response.status_code == 400
    assert "Someone with this email address already has an account" in page_text(response)
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_agencies_with_nobody_are_marked_beside_their_box_and_lead_on_to_an_invitation(
    coordinator,
):
    from tests.factories import organisation, triaged_case

    case = triaged_case()
    text = page_text(coordinator.get(f"/cases/{case.id}/reports/new"))
    assert "Demo Council (Children's social care): nobody there uses ecdop yet" in text
    assert "Demo Surgery (GP practice): nobody" not in text  # gp@demo.test answers for it
    council, surgery = organisation("Demo Council"), organisation("Demo Surgery")
    sent = coordinator.submit(
        f"/cases/{case.id}/reports/new",
        {"organisation_ids": [str(council.id), str(surgery.id)],
         "due_on": ["18", "12", "2026"]},
    )  # fmt: skip
    assert sent.status_code == 302
    assert sent.headers["Location"].startswith(f"/agencies/{council.id}/invite?next=")
    invite_page = page_text(coordinator.get(sent.headers["Location"]))
    assert "Nobody at Demo Council uses ecdop yet: invite a contact" in invite_page
