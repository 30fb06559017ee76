"""Recording the Joint Agency Response and the Child Death Review Meeting of a case."""

from __future__ import annotations

from datetime import date

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import User
from ecdop.cases.models import Case
from ecdop.cases.queries import case_facts
from ecdop.cases.states import REVIEW_MEETINGS
from ecdop.deadlines.services import refresh_deadlines
from ecdop.foundation.clock import uk_today
from ecdop.foundation.extensions import db
from ecdop.foundation.formatting import uk_date
from ecdop.foundation.refusals import ChangeRefused, ProblemsAtFields, check_version
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
    """Every date that cannot be true, each at its own field and naming it: before the death,
    in the future, or before the date it follows (``not_before``: field -> earlier field)."""
    problems = {}
    for field in DATE_NAMES:
        if (day := values.get(field)) and (problem := _date_problem(case, values, field, day,
                                                                   not_before or {})):  # fmt: skip
            problems[field] = problem
    if problems:
        raise ProblemsAtFields(problems, "Some dates cannot be right")


def _date_problem(case: Case, values: dict, field: str, day: date, not_before: dict) -> str:
    name = DATE_NAMES[field]
    if day < case.date_of_death:
        return f"{name} cannot be before the date of death, {uk_date(case.date_of_death)}"
    if day > uk_today():
        return f"{name} must be today or in the past"
    earlier = not_before.get(field)
    if earlier and values.get(earlier) and day < values[earlier]:
        return f"{name} cannot be before {DATE_NAMES[earlier][0].lower()}{DATE_NAMES[earlier][1:]}"
    return ""


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
                     subject=record, details={"reason": reason})  # fmt: skip
    return record
