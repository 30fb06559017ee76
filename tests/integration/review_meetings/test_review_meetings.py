"""Recording the JAR and the CDRM: validation at the field, and no lost updates."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ecdop.foundation.extensions import db
from ecdop.review_meetings.models import ChildDeathReviewMeeting, JointAgencyResponse
from tests.factories import notify, triaged_case
from tests.helpers import (
    assert_every_error_is_summarised,
    error_summary_texts,
    form_values,
    page_text,
)


def jar_form(**overrides) -> dict:
    data = {
        "started_on": ["18", "11", "2026"],
        "joint_home_visit": "yes",
        "home_visit_on": ["18", "11", "2026"],
        "information_sharing_meeting_on": ["", "", ""],
        "attendees-0-role": "Detective Sergeant",
        "attendees-0-organisation": "Demo Constabulary",
        "attendees-1-role": "Consultant paediatrician",
        "attendees-1-organisation": "Demo Hospitals NHS Trust",
        "summary": "Joint home visit made with the family's agreement.",
        "decisions": "Information-sharing meeting next week.",
        "version": "",
    }
    data.update(overrides)
    return data


def test_recording_the_jar(coordinator):
    case = triaged_case()
    response = coordinator.submit(f"/cases/{case.id}/joint-agency-response", jar_form())
    assert response.status_code == 302
    jar = db.session.scalar(select(JointAgencyResponse))
    assert jar.joint_home_visit and jar.attendees == [
        {"role": "Detective Sergeant", "organisation": "Demo Constabulary"},
        {"role": "Consultant paediatrician", "organisation": "Demo Hospitals NHS Trust"},
    ]
    timeline = page_text(coordinator.get(f"/cases/{case.id}/timeline"))
    assert "Joint Agency Response recorded" in timeline


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"started_on": ["17", "11", "2026"]}, "Response started cannot be before the date of"),
        ({"started_on": ["21", "11", "2026"]}, "Response started must be today or in the past"),
        ({"started_on": ["", "11", "2026"]}, "must include a day"),
        ({"home_visit_on": ["", "", ""]}, "Enter the date of the joint home visit"),
        ({"attendees-0-role": "", "attendees-1-role": ""}, "Give the role of attendee 1"),
        ({"attendees-0-role": "", "attendees-0-organisation": "", "attendees-1-role": "",
          "attendees-1-organisation": ""}, "Add at least one attendee"),
        ({"summary": ""}, "Enter a summary"),
        ({"joint_home_visit": "perhaps"}, "choose from the options shown"),
    ],
)  # fmt: skip
def test_bad_input_is_named_and_nothing_is_stored(coordinator, overrides, message):
    case = triaged_case()
    response = coordinator.submit(f"/cases/{case.id}/joint-agency-response", jar_form(**overrides))
    assert response.status_code == 400
    assert message in " ".join(error_summary_texts(response))
    assert_every_error_is_summarised(response)
    assert db.session.scalar(select(JointAgencyResponse)) is None


def test_add_another_attendee_keeps_what_was_typed(coordinator):
    case = triaged_case()
    path = f"/cases/{case.id}/joint-agency-response"
    page = coordinator.get(path).get_data(as_text=True)
    assert page.count('name="attendees-') == 2  # one empty row: role and organisation
    typed = jar_form(summary="Kept as typed") | {"add_attendee": "1"}
    more = coordinator.submit(path, typed)
    assert more.status_code == 200
    drawn = form_values(more)
    assert drawn["summary"] == "Kept as typed"
    assert drawn["attendees-0-role"] == typed["attendees-0-role"]
    assert (
        sum(name.endswith("-role") for name in drawn)
        == len([k for k in typed if k.endswith("-role")]) + 1
    )
    assert db.session.scalar(select(JointAgencyResponse)) is None


def test_not_before_triage(coordinator):
    _n, outcome = notify()
    path = f"/cases/{outcome.case.id}/child-death-review-meeting"
    data = {"held_on": ["20", "11", "2026"], "attendees-0-role": "GP", "summary": "s",
            "decisions": "d", "version": ""}  # fmt: skip
    response = coordinator.submit(path, data)
    assert response.status_code == 400
    assert "only while the case is at Information gathering or Awaiting CDRM" in page_text(response)


def test_two_coordinators_saving_the_same_record(coordinator, make_browser):
    case = triaged_case()
    path = f"/cases/{case.id}/child-death-review-meeting"
    colleague = make_browser("coordinator@demo.test")
    base = {
        "held_on": ["20", "11", "2026"],
        "attendees-0-role": "GP",
        "attendees-0-organisation": "Demo Surgery",
        "decisions": "None",
        "version": "",
    }
    assert coordinator.submit(path, {**base, "summary": "Mine"}).status_code == 302
    response = colleague.submit(path, {**base, "summary": "Theirs"})  # from an empty form
    assert response.status_code == 409
    text = page_text(response)
    assert "Someone else changed this while you were working on it" in text
    assert "The version saved by someone else" in text and "Mine" in text
    assert ">Theirs</textarea>" in response.get_data(as_text=True)
    record = db.session.scalar(select(ChildDeathReviewMeeting))
    assert record.summary == "Mine"
    # The page now carries the current version: saving again is a deliberate overwrite.
    again = {**base, "summary": "Theirs", "version": str(record.version_id)}
    assert (
        colleague.post(path, data={**again, "csrf_token": _token(colleague, path)}).status_code
        == 302
    )


def _token(browser, path):
    return browser.csrf_token(path)


def test_opening_the_record_is_audited(coordinator):
    from ecdop.audit.models import AuditAction, AuditEvent

    case = triaged_case()
    coordinator.get(f"/cases/{case.id}/joint-agency-response")
    viewed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.CASE_VIEWED)
    ).all()
    assert [(event.case_id, event.actor.email) for event in viewed] == [
        (case.id, "coordinator@demo.test")
    ]


def test_every_impossible_date_is_named_at_its_own_field(coordinator):
    """Three wrong dates gave one message at the first, naming none of them."""
    case = triaged_case()
    response = coordinator.submit(
        f"/cases/{case.id}/joint-agency-response",
        jar_form(started_on=["17", "11", "2026"], home_visit_on=["1", "11", "2026"],
                 information_sharing_meeting_on=["25", "11", "2026"]),
    )  # fmt: skip
    assert response.status_code == 400
    listed = error_summary_texts(response)
    assert listed == [
        "The date the Joint Agency Response started cannot be before the date of death, "
        "18 November 2026",
        "The date of the joint home visit cannot be before the date of death, 18 November 2026",
        "The date of the information-sharing meeting must be today or in the past",
    ]
    assert db.session.scalar(select(JointAgencyResponse)) is None


def test_the_information_sharing_meeting_follows_the_start_of_the_response(coordinator):
    case = triaged_case()
    response = coordinator.submit(
        f"/cases/{case.id}/joint-agency-response",
        jar_form(started_on=["19", "11", "2026"], information_sharing_meeting_on=["18", "11",
                                                                                  "2026"]),
    )  # fmt: skip
    assert error_summary_texts(response) == [
        "The date of the information-sharing meeting cannot be before the date the Joint "
        "Agency Response started"
    ]


def test_a_meeting_in_the_future_is_refused(coordinator):
    case = triaged_case()
    response = coordinator.submit(f"/cases/{case.id}/child-death-review-meeting", {
        "held_on": ["1", "12", "2026"], "attendees-0-role": "GP", "summary": "s",
        "decisions": "d", "version": "",
    })  # fmt: skip
    assert error_summary_texts(response) == ["The date of the meeting must be today or in the past"]
