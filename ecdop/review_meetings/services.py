"""Recording the Joint Agency Response and the Child Death Review Meeting of a case."""

from __future__ import annotations

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import User
from ecdop.cases.dates import CaseDay, refuse_days_that_cannot_be
from ecdop.cases.models import Case
from ecdop.cases.queries import case_facts
from ecdop.cases.states import REVIEW_MEETINGS
from ecdop.deadlines.services import refresh_deadlines
from ecdop.foundation.extensions import db
from ecdop.foundation.refusals import ChangeRefused, check_version
from ecdop.review_meetings.models import ChildDeathReviewMeeting, JointAgencyResponse
from ecdop.review_meetings.queries import Record, record_for

AUDIT_ACTIONS = {
    JointAgencyResponse: (AuditAction.JAR_RECORDED, AuditAction.JAR_UPDATED),
    ChildDeathReviewMeeting: (AuditAction.CDRM_RECORDED, AuditAction.CDRM_UPDATED),
}


# How each date is named in a message about it.
DATE_NAMES = {
    "started_on": "The date the Joint Agency Response started",
    "home_visit_on": "The date of the joint home visit",
    "information_sharing_meeting_on": "The date of the information-sharing meeting",
    "held_on": "The date of the meeting",
}


def _refuse_impossible_dates(case: Case, values: dict, *, not_before: dict | None = None) -> None:
    """Every date that cannot be true, each at its own field and naming it (``not_before``:
    field -> the earlier field it cannot come before)."""
    refuse_days_that_cannot_be(case, {
        field: CaseDay(name, values.get(field), (not_before or {}).get(field))
        for field, name in DATE_NAMES.items()
    })  # fmt: skip


def save_review_meeting(
    record_class: type[Record],
    case: Case,
    values: dict,
    *,
    expected_version: int | None,
    actor: User,
) -> Record:
    """Create or update the case's record. A save based on an older version is refused, so
    one coordinator never silently overwrites another."""
    REVIEW_MEETINGS.refuse_unless_open(case)
    if not values["attendees"]:
        raise ChangeRefused("Add at least one attendee, with their role", "attendees")
    if any(not attendee["role"] for attendee in values["attendees"]):
        raise ChangeRefused("Give the role of every attendee", "attendees")
    record = record_for(record_class, case)
    if record is not None:
        check_version(record, expected_version)
    created, updated = AUDIT_ACTIONS[record_class]
    action = created if record is None else updated
    if record is None:
        record = record_class(case_id=case.id)
        db.session.add(record)
    for name, value in values.items():
        setattr(record, name, value)
    record.recorded_by_id = actor.id
    db.session.flush()
    record_event(action, case_id=case.id, subject=record)
    refresh_deadlines(case)
    return record


def save_joint_agency_response(case: Case, values: dict, **kwargs) -> JointAgencyResponse:
    if values["joint_home_visit"] and values["home_visit_on"] is None:
        raise ChangeRefused("Enter the date of the joint home visit", "home_visit_on")
    if not values["joint_home_visit"]:
        values = {**values, "home_visit_on": None}
    _refuse_impossible_dates(
        case, values, not_before={"information_sharing_meeting_on": "started_on"}
    )
    return save_review_meeting(JointAgencyResponse, case, values, **kwargs)


REPORT_AWAITED = "reason_before_post_mortem_report"


def save_child_death_review_meeting(case: Case, values: dict, **kwargs) -> ChildDeathReviewMeeting:
    """NCMD advises holding the CDRM once the post-mortem's final report has come: recorded
    before it, the meeting needs the coordinator's reason, which the timeline keeps."""
    values = dict(values)
    reason = (values.pop(REPORT_AWAITED, "") or "").strip()
    first_record = record_for(ChildDeathReviewMeeting, case) is None
    awaited = first_record and case_facts(case).post_mortem_awaited
    if awaited and not reason:
        raise ChangeRefused("The final post-mortem report has not come. Give the reason for "
                            "holding the meeting before it", REPORT_AWAITED)  # fmt: skip
    _refuse_impossible_dates(case, values)
    record = save_review_meeting(ChildDeathReviewMeeting, case, values, **kwargs)
    if awaited:
        record_event(AuditAction.CDRM_BEFORE_POST_MORTEM_REPORT, case_id=case.id,
                     subject=record, reason=reason)  # fmt: skip
    return record
