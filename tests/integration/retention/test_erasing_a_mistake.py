"""Erasing a notification sent in error: a coordinator asks, a second person confirms. What it
said goes; a case made only from it is withdrawn and de-identified; the notifier's
organisation is told by e-mail; the trail keeps the record of the erasure, never the child."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ecdop.cases.models import Case
from ecdop.cases.states import Stage
from ecdop.foundation.extensions import db
from ecdop.jobs import run_job
from ecdop.mail.models import OutboxMessage
from ecdop.notifications.models import Notification
from ecdop.retention.models import NotificationErasure
from tests.factories import notify, triaged_case
from tests.helpers import audit_events, page_text
from tests.integration.retention.test_deidentification import database_dump

pytestmark = pytest.mark.slow

COORDINATOR, ADMIN = "coordinator@demo.test", "admin@demo.test"
TEST_CHILD = dict(
    given_names="Testerella", family_name="Notarealchild", nhs_number=None,
    address="1 Nowhere Close\nDemoton", circumstances="Testerella: a test.",
)  # fmt: skip


def ask(browser, case_id: int, notification_id: int, reason: str = "test"):
    return browser.submit(f"/cases/{case_id}/erasure",
                          {"notification": str(notification_id), "reason": reason})  # fmt: skip


def decide(browser, erasure: NotificationErasure, what: str):
    return browser.submit(f"/erasures/{erasure.id}/{what}", {"version": str(erasure.version_id)},
                          form_page=f"/erasures/{erasure.id}")  # fmt: skip


def test_a_test_notification_is_erased_with_its_case_once_a_second_person_confirms(
    app, demo, make_browser, smtp_sink
):
    notification, outcome = notify(**TEST_CHILD)
    case = outcome.case
    coordinator, admin = make_browser(COORDINATOR), make_browser(ADMIN)
    search = coordinator.submit("/cases", {"query": "Notarealchild"})
    assert "1 case matching your search" in page_text(coordinator.get(search.headers["Location"]))

    # Bad input is refused at its fields, and nothing is stored.
    refused = coordinator.submit(f"/cases/{case.id}/erasure", {})
    assert refused.status_code == 400
    assert "Choose the notification sent in error" in page_text(refused)
    assert "Choose why it was sent in error" in page_text(refused)
    for made_up in ({"notification": "99999", "reason": "test"},
                    {"notification": str(notification.id), "reason": "bored"}):  # fmt: skip
        assert coordinator.submit(f"/cases/{case.id}/erasure", made_up).status_code == 400
    assert db.session.scalar(select(NotificationErasure)) is None

    assert ask(coordinator, case.id, notification.id).status_code == 302
    erasure = db.session.scalar(select(NotificationErasure))
    assert "confirm or cancel it" in page_text(coordinator.get(f"/cases/{case.id}"))

    # The one who asked cannot confirm it too.
    decide(coordinator, erasure, "confirm")
    db.session.refresh(erasure)
    assert erasure.waiting
    assert "must confirm it" in page_text(coordinator.get(f"/erasures/{erasure.id}"))

    assert decide(admin, erasure, "confirm").status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.stage is Stage.WITHDRAWN and case.deidentified_at is not None
    assert db.session.get(Notification, notification.id).erased_at is not None

    dump = database_dump().casefold()
    assert "testerella" not in dump and "notarealchild" not in dump and "nowhere close" not in dump
    search = coordinator.submit("/cases", {"query": "Notarealchild"})
    assert "No cases matching your search" in page_text(coordinator.get(search.headers["Location"]))
    shown = page_text(coordinator.get(f"/cases/{case.id}"))
    assert "Erased as sent in error" in shown and "Testerella" not in shown
    timeline = page_text(coordinator.get(f"/cases/{case.id}/timeline"))
    assert "Erasure of a notification sent in error asked for: It was a test" in timeline
    assert "Notification sent in error erased: It was a test" in timeline
    assert [e.actor.email for e in audit_events("erasure_confirmed")] == [ADMIN]

    run_job(app, "deliver-outbox")
    told = smtp_sink.subjects_to("police@demo.test")
    assert "A notification from your organisation was erased as sent in error" in told
    [message] = [m for m in smtp_sink.messages if m["To"] == "police@demo.test"
                 and "erased" in m["Subject"]]  # fmt: skip
    assert "Testerella" not in message.get_content()
    police = make_browser("police@demo.test")
    assert "Erased as sent in error" in page_text(police.get("/notifications/"))
    assert police.get(f"/notifications/{notification.id}").status_code == 404


def test_a_notification_of_the_wrong_child_is_erased_and_the_case_goes_on(app, demo, make_browser):
    case = triaged_case()
    # Another child's name with this child's NHS number: it joined this child's case.
    wrong, outcome = notify(given_names="Wrongname")
    assert outcome.case.id == case.id
    coordinator, admin = make_browser(COORDINATOR), make_browser(ADMIN)
    assert ask(coordinator, case.id, wrong.id, "wrong_child").status_code == 302
    erasure = db.session.scalar(select(NotificationErasure))
    assert decide(admin, erasure, "confirm").status_code == 302
    db.session.expire_all()
    kept = db.session.get(Case, case.id)
    assert kept.stage is Stage.INFORMATION_GATHERING and kept.deidentified_at is None
    assert kept.given_names == "Amelia Rose"
    assert db.session.get(Notification, wrong.id).given_names == ""
    assert "wrongname" not in database_dump().casefold()


def test_cancelled_nothing_is_erased(app, demo, make_browser):
    notification, outcome = notify(**TEST_CHILD)
    coordinator = make_browser(COORDINATOR)
    ask(coordinator, outcome.case.id, notification.id, "not_a_death")
    erasure = db.session.scalar(select(NotificationErasure))
    assert decide(coordinator, erasure, "cancel").status_code == 302
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).given_names == "Testerella"
    assert "Erasure of a notification not confirmed" in page_text(
        coordinator.get(f"/cases/{outcome.case.id}/timeline")
    )


def test_a_transferred_cases_erasure_is_decided_in_the_area_that_has_it(app, demo, make_browser):
    """The case lives where the child lived, not where it was notified: its coordinators ask,
    hear of it and confirm."""
    from ecdop.auth.models import Role
    from ecdop.auth.services import create_area, create_user
    from ecdop.cases.services import transfer_case
    from tests.conftest import DEMO_PASSWORD
    from tests.factories import user

    notification, outcome = notify(**TEST_CHILD)
    other = create_area("OTHER", "Other Partnership")
    council = user(COORDINATOR).organisation
    council.areas.append(other)
    for name in ("first", "second"):
        create_user(email=f"{name}.other@demo.test", full_name=f"{name.title()} Coordinator",
                    role=Role.COORDINATOR, organisation=council, areas=[other],
                    password=DEMO_PASSWORD)  # fmt: skip
    transfer_case(outcome.case, other)
    db.session.commit()
    first, second = make_browser("first.other@demo.test"), make_browser("second.other@demo.test")
    assert ask(first, outcome.case.id, notification.id).status_code == 302
    erasure = db.session.scalar(select(NotificationErasure))
    told = [m.recipient_email for m in db.session.scalars(select(OutboxMessage))
            if "waits for your confirmation" in m.subject]  # fmt: skip
    assert told == ["second.other@demo.test"]
    assert make_browser(COORDINATOR).get(f"/erasures/{erasure.id}").status_code == 404
    assert decide(second, erasure, "confirm").status_code == 302
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).erased_at is not None
