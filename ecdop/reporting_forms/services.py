"""Requesting reports from agencies, and the agencies' drafts, submissions and returns."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import Organisation, User
from ecdop.auth.queries import active_coordinators_of, agency_reporters_of
from ecdop.cases.models import Case
from ecdop.cases.states import REPORT_REQUESTS
from ecdop.deadlines.models import Deadline
from ecdop.deadlines.services import refresh_deadlines
from ecdop.foundation.clock import uk_today
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.refusals import ChangeRefused, ProblemsAtFields, check_version
from ecdop.foundation.urls import app_path
from ecdop.mail import keys as mail_keys
from ecdop.mail.services import queue_message_to_each
from ecdop.reporting_forms.definitions import (
    CORE_FORM,
    definition_for,
    form_definitions,
    impossible_dates,
    missing_answers,
)
from ecdop.reporting_forms.models import OPEN_STATUSES, ReportingRequest, RequestStatus


class AnswersRefused(ProblemsAtFields):
    """Answers refused question by question (a required one left blank, a date that cannot be
    true); ``problems`` maps question keys to messages."""

    def __init__(self, problems: dict[str, str], summary: str = "Some required questions are "
                 "not answered"):  # fmt: skip
        super().__init__(problems, summary)


def request_reports(
    case: Case,
    *,
    organisations: list[Organisation],
    supplementary_forms: list[str],
    due_on: date,
    actor: User,
) -> list[ReportingRequest]:
    """Ask each agency for the core Reporting Form and the chosen supplementary forms."""
    REPORT_REQUESTS.refuse_unless_open(case, "organisation_ids")
    if not organisations:
        raise ChangeRefused("Choose at least one agency", "organisation_ids")
    if due_on < uk_today():
        raise ChangeRefused("The due date must be today or in the future", "due_on")
    form_types = [CORE_FORM, *supplementary_forms]
    if unknown := set(form_types) - set(form_definitions()):
        raise ChangeRefused(f"Unknown form: {', '.join(sorted(unknown))}", "supplementary_forms")
    if outside := [o.name for o in organisations if not o.works_in(case.area)]:
        raise ChangeRefused(
            f"{', '.join(outside)} does not work with {case.area.name}", "organisation_ids"
        )
    _refuse_repeats(case, organisations, form_types)
    created = []
    for organisation in organisations:
        sent = [
            _request_one(case, organisation, form_type, due_on, actor) for form_type in form_types
        ]
        _tell_agency(organisation, sent)
        created.extend(sent)
    refresh_deadlines(case)
    return created


def _refuse_repeats(case: Case, organisations: list[Organisation], form_types: list[str]) -> None:
    statement = select(ReportingRequest).where(
        ReportingRequest.case_id == case.id,
        ReportingRequest.organisation_id.in_([organisation.id for organisation in organisations]),
        ReportingRequest.form_type.in_(form_types),
    )
    if repeat := db.session.scalars(statement).first():
        raise ChangeRefused(
            f"{repeat.organisation.name} has already been sent the "
            f"{definition_for(repeat.form_type).title} for this case",
            "organisation_ids",
        )


def _request_one(
    case: Case, organisation: Organisation, form_type: str, due_on: date, actor: User
) -> ReportingRequest:
    request = ReportingRequest(
        case_id=case.id,
        organisation_id=organisation.id,
        form_type=form_type,
        due_on=due_on,
        requested_by_id=actor.id,
    )
    db.session.add(request)
    db.session.flush()
    record_event(
        AuditAction.REPORT_REQUESTED,
        case_id=case.id,
        subject=request,
        details=_request_details(request, organisation) | {"due_on": due_on.isoformat()},
    )
    return request


def _request_details(request: ReportingRequest, organisation: Organisation) -> dict:
    return {"agency": organisation.name, "form": definition_for(request.form_type).title}


def _tell_agency(organisation: Organisation, requests: list[ReportingRequest]) -> None:
    queue_message_to_each(
        agency_reporters_of(organisation.id, requests[0].case.area_id),
        event_key=mail_keys.reports_requested(requests[0].id),
        subject=f"Request for information: case {requests[0].case.reference}",
        template="email/reports_requested.txt",
        action_path=app_path("reporting_forms.index"),
        requests=requests,
        titles=[definition_for(request.form_type).title for request in requests],
    )


def _refuse_closed_request(request: ReportingRequest) -> None:
    if request.status is RequestStatus.SUBMITTED:
        raise ChangeRefused("This form has already been submitted, so it cannot be changed")
    if request.status is RequestStatus.EXCUSED:
        raise ChangeRefused("The CDOP no longer needs this form")


def save_report(
    request: ReportingRequest,
    *,
    answers: dict[str, str],
    not_known: list[str],
    expected_version: int | None,
    actor: User,
    submit: bool,
) -> None:
    """Save the agency's answers as a draft, or submit them, after which they are read-only.
    A date that cannot be true is refused even in a draft."""
    _refuse_closed_request(request)
    check_version(request, expected_version)
    definition = definition_for(request.form_type)
    if problems := impossible_dates(definition, answers, date_of_death=request.case.date_of_death,
                                    today=uk_today()):  # fmt: skip
        raise AnswersRefused(problems, "Some dates cannot be right")
    if submit and (problems := missing_answers(definition, answers, not_known)):
        raise AnswersRefused(problems)
    request.answers = answers
    request.not_known = sorted(not_known)
    details = _request_details(request, request.organisation)
    if submit:
        request.status = RequestStatus.SUBMITTED
        request.submitted_at = utc_now()
        request.submitted_by_id = actor.id
        record_event(
            AuditAction.REPORT_SUBMITTED, case_id=request.case_id, subject=request, details=details
        )
        db.session.flush()
        refresh_deadlines(request.case)
        _tell_coordinators_of_submission(request)
    else:
        request.status = RequestStatus.DRAFT
        record_event(
            AuditAction.REPORT_DRAFT_SAVED,
            case_id=request.case_id,
            subject=request,
            details=details,
        )
    db.session.flush()


def save_answers_to_check(
    request: ReportingRequest,
    *,
    answers: dict[str, str],
    not_known: list[str],
    expected_version: int | None,
    actor: User,
) -> None:
    """Keep complete answers as a draft for the agency's last look (GOV.UK's "Check your
    answers") before they submit: what they check is what is sent."""
    _refuse_closed_request(request)
    if problems := missing_answers(definition_for(request.form_type), answers, not_known):
        raise AnswersRefused(problems)
    save_report(request, answers=answers, not_known=not_known,
                expected_version=expected_version, actor=actor, submit=False)  # fmt: skip


def submit_checked_report(
    request: ReportingRequest, *, expected_version: int | None, actor: User
) -> None:
    """Submit the saved answers the agency has just checked; a change made by someone else
    since they looked (a newer version) is refused."""
    save_report(request, answers=dict(request.answers), not_known=list(request.not_known),
                expected_version=expected_version, actor=actor, submit=True)  # fmt: skip


def _tell_coordinators_of_submission(request: ReportingRequest) -> None:
    queue_message_to_each(
        active_coordinators_of(request.case.area_id),
        event_key=mail_keys.report_submitted(request.id, request.version_id),
        subject=f"Report received for case {request.case.reference}",
        template="email/report_submitted.txt",
        action_path=app_path("reporting_forms.review", request_id=request.id),
        request=request,
        title=definition_for(request.form_type).title,
    )


def return_report(
    request: ReportingRequest, *, question: str, expected_version: int | None
) -> None:
    """Send a submitted form back to the agency with the coordinator's question."""
    if request.status is not RequestStatus.SUBMITTED:
        raise ChangeRefused("Only a submitted form can be returned", "question")
    REPORT_REQUESTS.refuse_unless_open(request.case, "question")
    check_version(request, expected_version, "question")
    if not question.strip():
        raise ChangeRefused("Enter the question for the agency", "question")
    request.status = RequestStatus.RETURNED
    request.return_question = question.strip()
    details = _request_details(request, request.organisation)
    record_event(
        AuditAction.REPORT_RETURNED, case_id=request.case_id, subject=request, details=details
    )
    db.session.flush()
    refresh_deadlines(request.case)
    queue_message_to_each(
        agency_reporters_of(request.organisation_id, request.case.area_id),
        event_key=mail_keys.report_returned(request.id, request.version_id),
        subject=f"A question about your report for case {request.case.reference}",
        template="email/report_returned.txt",
        action_path=app_path("reporting_forms.respond", request_id=request.id),
        request=request,
        title=details["form"],
    )


def excuse_report(request: ReportingRequest, *, reason: str, expected_version: int | None) -> None:
    """Record why a requested form will not come, so the case can go to panel without it."""
    if request.status not in OPEN_STATUSES:
        raise ChangeRefused("Only a form that has not been submitted can be excused", "reason")
    REPORT_REQUESTS.refuse_unless_open(request.case, "reason")
    check_version(request, expected_version, "reason")
    if not reason.strip():
        raise ChangeRefused("Say why the form will not come", "reason")
    request.status = RequestStatus.EXCUSED
    request.excused_reason = reason.strip()
    details = _request_details(request, request.organisation)
    record_event(
        AuditAction.REPORT_EXCUSED, case_id=request.case_id, subject=request, details=details
    )
    db.session.flush()
    refresh_deadlines(request.case)


def move_request_due_date(deadline: Deadline) -> None:
    """On ``due_date_moved``: the agency works to its request's date, which moves with the
    deadline, and the agency is told."""
    if deadline.reporting_request_id is None:
        return
    request = db.session.get_one(ReportingRequest, deadline.reporting_request_id)
    request.due_on = deadline.due_on
    db.session.flush()
    queue_message_to_each(
        agency_reporters_of(request.organisation_id, deadline.case.area_id),
        event_key=mail_keys.request_due_date_moved(request.id, request.version_id),
        subject=f"New due date for case {deadline.case.reference}",
        template="email/due_date_changed.txt",
        action_path=app_path("reporting_forms.respond", request_id=request.id),
        deadline=deadline,
        request=request,
    )
