"""Every form's error summary lists the problems in the order of the page, and each link moves
focus into its field: a date's link goes to its Day box, as GOV.UK's does."""

from __future__ import annotations

from ecdop.deadlines.rules import DeadlineKind
from tests.deadline_helpers import deadline
from tests.factories import (
    form_data,
    on_agenda,
    organisation,
    panel_meeting,
    ready_for_panel_case,
    requested_reports,
    triaged_case,
)
from tests.helpers import assert_error_summary_follows_the_page
from tests.panel_helpers import analysis_form, with_action

BAD_DATE = ["31", "2", "2026"]


def test_the_notification_form(make_browser):
    police = make_browser("police@demo.test")
    data = form_data(given_names="", date_of_birth=BAD_DATE, date_of_death=["", "", ""],
                     notifier_name="")  # fmt: skip
    response = police.submit("/notifications/new", data)
    targets = assert_error_summary_follows_the_page(response)
    assert targets[:3] == ["given_names", "date_of_birth-day", "date_of_death-day"]


def test_the_reporting_form(make_browser):
    case = triaged_case()
    [request] = requested_reports(case, "Demo Surgery")
    gp = make_browser("gp@demo.test")
    response = gp.submit(f"/requests/{request.id}", {
        "version": str(request.version_id), "first_contact_on": BAD_DATE,
        "last_contact_on": ["1", "13", "2026"], "submit": "Submit",
    })  # fmt: skip
    assert response.status_code == 400
    targets = assert_error_summary_follows_the_page(response)
    assert targets == ["first_contact_on-day", "last_contact_on-day"]


def test_the_joint_agency_response(coordinator):
    case = triaged_case()
    response = coordinator.submit(f"/cases/{case.id}/joint-agency-response", {
        "started_on": BAD_DATE, "joint_home_visit": "yes", "home_visit_on": ["", "", ""],
        "information_sharing_meeting_on": ["", "", ""], "summary": "", "decisions": "",
        "version": "",
    })  # fmt: skip
    assert response.status_code == 400
    targets = assert_error_summary_follows_the_page(response)
    assert targets[0] == "started_on-day" and targets[-1] in ("summary", "decisions")


def test_the_child_death_review_meeting(coordinator):
    case = triaged_case()
    response = coordinator.submit(f"/cases/{case.id}/child-death-review-meeting", {
        "held_on": BAD_DATE, "summary": "", "decisions": "", "version": "",
    })  # fmt: skip
    assert response.status_code == 400
    assert assert_error_summary_follows_the_page(response)[0] == "held_on-day"


def test_the_meeting_form(coordinator):
    response = coordinator.submit(
        "/meetings/new",
        {"held_on": BAD_DATE, "starts_at": "", "venue": "", "panel_type": "general"},
    )
    assert response.status_code == 400
    targets = assert_error_summary_follows_the_page(response)
    assert targets[:3] == ["held_on-day", "starts_at", "venue"]


def test_the_due_date_form(coordinator):
    case = triaged_case()
    jar = deadline(case, DeadlineKind.JAR_MEETING)
    response = coordinator.submit(f"/deadlines/{jar.id}/due-date", {
        "due_on": BAD_DATE, "reason": "", "version": str(jar.version_id),
    })  # fmt: skip
    assert response.status_code == 400
    assert assert_error_summary_follows_the_page(response)[0] == "due_on-day"


def test_the_analysis_form(demo, make_browser):
    case = ready_for_panel_case()
    item = on_agenda(panel_meeting(), case)
    surgery = organisation("Demo Surgery").id
    data = with_action(analysis_form(category="", learning_points=""), surgery,
                       "Recall children", (31, 2, 2027))  # fmt: skip
    response = make_browser("chair@demo.test").submit(f"/agenda-items/{item.id}/analysis", data)
    assert response.status_code == 400
    targets = assert_error_summary_follows_the_page(response)
    assert targets[0] == "category" and "actions-0-due_on-day" in targets
