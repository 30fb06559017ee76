"""The final post-mortem report's deadline: 12 weeks after the post-mortem, chased every 4
weeks once overdue (each area may set its own), the coordinators reminded; met when the
report comes."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from ecdop.deadlines.models import DeadlineState
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.extensions import db
from tests.deadline_helpers import deadline, reminder_keys, sweep_on
from tests.factories import demo_area, triaged_case
from tests.helpers import page_text
from tests.integration.documents.test_post_mortem_and_inquest import NEEDED
from tests.unit.documents.test_content_checks import pdf_with_active_content

COORDINATOR = "coordinator@demo.test"
REPORT = DeadlineKind.POST_MORTEM_REPORT


@pytest.fixture
def coordinator(app, demo, make_browser):
    return make_browser(COORDINATOR)


def awaiting_report(coordinator):
    case = triaged_case()
    assert coordinator.submit(f"/cases/{case.id}/post-mortem", NEEDED).status_code == 302
    return case


def sweep_every_day(app, clock, first: date, last: date) -> None:
    day = first
    while day <= last:
        sweep_on(app, clock, day)
        day += timedelta(days=1)


def test_the_final_report_is_due_12_weeks_after_the_post_mortem_and_chased_every_4(
    app, clock, coordinator
):
    case = awaiting_report(coordinator)
    owed = deadline(case, REPORT)
    # Performed on 19 November 2026: due 12 weeks later.
    assert (owed.state, owed.starts_on, owed.due_on) == (
        DeadlineState.OPEN, date(2026, 11, 19), date(2027, 2, 11))  # fmt: skip
    assert owed.owed_by_user_id is None and owed.owed_by_id is None  # the coordinators'

    sweep_every_day(app, clock, date(2026, 11, 20), date(2027, 4, 9))
    keys = reminder_keys(deadline(case, REPORT))
    assert len(keys) == len(set(keys)), "a step was sent twice"
    chased = [step for step, email in keys if step.startswith("overdue") and email == COORDINATOR]
    # Overdue from 12 February 2027: then 4 weeks on, and 4 weeks after that, not weekly.
    assert chased == ["overdue", "overdue-week-1", "overdue-week-2"]
    assert ("before-5", COORDINATOR) in keys and ("before-1", COORDINATOR) in keys
    assert [step for step, _email in keys].count("escalation") >= 1

    coordinator.login(COORDINATOR)
    tasks = coordinator.get("/tasks").get_data(as_text=True)
    assert REPORT.label in tasks and f'href="/cases/{case.id}"' in tasks


def test_the_report_arriving_meets_the_deadline_and_stops_the_reminders(app, clock, coordinator):
    case = awaiting_report(coordinator)
    upload = {"kind": "final_post_mortem", "received_on": ["20", "11", "2026"],
              "file": (io.BytesIO(pdf_with_active_content()), "report.pdf")}  # fmt: skip
    coordinator.submit(f"/cases/{case.id}/documents/new", upload,
                       content_type="multipart/form-data")  # fmt: skip
    db.session.expire_all()
    assert deadline(case, REPORT).state is DeadlineState.MET
    sweep_every_day(app, clock, date(2027, 2, 5), date(2027, 2, 20))
    assert reminder_keys(deadline(case, REPORT)) == []


def test_an_area_sets_its_own_timescale_and_pace_for_the_report(app, demo, coordinator,
                                                                make_browser):  # fmt: skip
    case = awaiting_report(coordinator)
    admin = make_browser("admin@demo.test")
    path = f"/admin/areas/{demo_area().id}/deadlines/{REPORT.value}"
    assert "chased every 4 weeks once overdue" in page_text(admin.get(path))
    refused = admin.submit(path, {"amount": "10", "unit": "weeks", "chase_every_weeks": "0"})
    assert refused.status_code == 400 and "from 1 to 52" in page_text(refused)
    moved = admin.submit(path, {"amount": "10", "unit": "weeks", "chase_every_weeks": "2"})
    assert moved.status_code == 302
    db.session.expire_all()
    owed = deadline(case, REPORT)
    # Counted from the post-mortem, not from the notification.
    assert (owed.due_on, owed.chase_every_days) == (date(2027, 1, 28), 14)
    area_page = page_text(admin.get(f"/admin/areas/{demo_area().id}"))
    assert "10 weeks after the post-mortem; chased every 2 weeks once overdue" in area_page
