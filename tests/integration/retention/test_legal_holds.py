"""Legal holds: a coordinator keeps a case whole for an inquest, a criminal case, a complaint
or a subject access request; the hold is reviewed every year (a deadline that reminds) and
lifted with a reason; the timeline keeps each step."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ecdop.deadlines.models import DeadlineState
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.extensions import db
from ecdop.retention.models import LegalHold
from tests.deadline_helpers import deadline, move_to, reminder_keys, sweep_on
from tests.factories import triaged_case
from tests.helpers import error_summary_targets, page_text

COORDINATOR = "coordinator@demo.test"
REVIEW = DeadlineKind.LEGAL_HOLD_REVIEW


@pytest.fixture
def coordinator(app, demo, make_browser):
    return make_browser(COORDINATOR)


def held(coordinator, case, reason="inquest", details="Coroner's ref INQ-26-0114"):
    return coordinator.submit(f"/cases/{case.id}/legal-hold",
                              {"reason": reason, "details": details})  # fmt: skip


def test_a_hold_is_placed_reviewed_every_year_and_lifted(app, clock, coordinator):
    case = triaged_case()
    assert "Not on legal hold" in page_text(coordinator.get(f"/cases/{case.id}"))
    assert held(coordinator, case).status_code == 302
    page = page_text(coordinator.get(f"/cases/{case.id}"))
    assert "On legal hold since 20 November 2026: an inquest" in page
    owed = deadline(case, REVIEW)
    assert (owed.state, owed.due_on) == (DeadlineState.OPEN, date(2027, 11, 20))

    # A year on, the coordinators are reminded, once each step.
    day = date(2027, 11, 10)
    while day <= date(2027, 11, 24):
        sweep_on(app, clock, day)
        sweep_on(app, clock, day)
        day += timedelta(days=1)
    keys = reminder_keys(deadline(case, REVIEW))
    assert len(keys) == len(set(keys))
    assert ("before-5", COORDINATOR) in keys and ("overdue", COORDINATOR) in keys

    # Reviewed: due again a year from the review.
    move_to(clock, date(2027, 11, 25))
    coordinator.login(COORDINATOR)
    hold = db.session.scalar(select(LegalHold))
    reviewed = coordinator.submit(f"/cases/{case.id}/legal-hold/review",
                                  {"version": str(hold.version_id)},
                                  form_page=f"/cases/{case.id}/legal-hold")  # fmt: skip
    assert reviewed.status_code == 302
    db.session.expire_all()
    assert deadline(case, REVIEW).due_on == date(2028, 11, 25)

    refused = coordinator.submit(f"/cases/{case.id}/legal-hold/lift", {"because": " "},
                                 form_page=f"/cases/{case.id}/legal-hold")  # fmt: skip
    assert refused.status_code == 400 and error_summary_targets(refused) == ["because"]
    lifted = coordinator.submit(f"/cases/{case.id}/legal-hold/lift",
                                {"because": "The inquest concluded"},
                                form_page=f"/cases/{case.id}/legal-hold")  # fmt: skip
    assert lifted.status_code == 302
    db.session.expire_all()
    assert deadline(case, REVIEW).state is DeadlineState.NOT_NEEDED
    assert db.session.scalar(select(LegalHold)).lifted_on == date(2027, 11, 25)
    timeline = page_text(coordinator.get(f"/cases/{case.id}/timeline"))
    for entry in ("Put on legal hold: An inquest", "Legal hold reviewed and kept: An inquest",
                  "Legal hold lifted (An inquest)"):  # fmt: skip
        assert entry in timeline
    assert "INQ-26-0114" not in timeline  # the details stay with the hold, not the trail


def test_a_hold_needs_its_reason_and_only_one_stands_at_a_time(coordinator):
    case = triaged_case()
    refused = held(coordinator, case, reason="")
    assert refused.status_code == 400 and error_summary_targets(refused) == ["reason"]
    other = held(coordinator, case, reason="other", details="")
    assert other.status_code == 400 and error_summary_targets(other) == ["details"]
    assert db.session.scalar(select(LegalHold)) is None
    assert held(coordinator, case).status_code == 302
    assert held(coordinator, case, reason="complaint").status_code == 200  # shown, not placed
    assert len(db.session.scalars(select(LegalHold)).all()) == 1


@pytest.mark.parametrize("email", ["gp@demo.test", "panel@demo.test", "board@demo.test",
                                   "keyworker@demo.test", "admin@demo.test"])  # fmt: skip
def test_only_coordinators_hold_cases(app, demo, make_browser, email):
    case = triaged_case()
    browser = make_browser(email)
    assert browser.get(f"/cases/{case.id}/legal-hold").status_code == 403
