"""The coordinator's pages for recording the JAR and the CDRM of a case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.permissions import Permission, requires
from ecdop.cases.hooks import CasePageSection
from ecdop.cases.models import Case
from ecdop.cases.queries import case_facts, case_for_coordinator_or_404
from ecdop.cases.states import REVIEW_MEETINGS
from ecdop.foundation.forms import submitted_version
from ecdop.foundation.refusals import REFUSALS, show_refusal
from ecdop.review_meetings import services
from ecdop.review_meetings.forms import ChildDeathReviewMeetingForm, JointAgencyResponseForm
from ecdop.review_meetings.hooks import questions_for_the_cdrm
from ecdop.review_meetings.models import ChildDeathReviewMeeting, JointAgencyResponse
from ecdop.review_meetings.queries import record_for

review_meetings_blueprint = Blueprint("review_meetings", __name__)
ADD_ATTENDEE = "add_attendee"  # the "Add another attendee" button


@dataclass(frozen=True)
class MeetingKind:
    title: str
    record_class: type
    form_class: type
    save: Callable[..., object]
    date_fields: tuple[str, ...]


JAR = MeetingKind(
    "Joint Agency Response",
    JointAgencyResponse,
    JointAgencyResponseForm,
    services.save_joint_agency_response,
    ("started_on", "home_visit_on", "information_sharing_meeting_on"),
)
CDRM = MeetingKind(
    "Child Death Review Meeting",
    ChildDeathReviewMeeting,
    ChildDeathReviewMeetingForm,
    services.save_child_death_review_meeting,
    ("held_on",),
)


@review_meetings_blueprint.route(
    "/cases/<int:case_id>/joint-agency-response", methods=["GET", "POST"]
)
@requires(Permission.RECORD_REVIEW_MEETINGS)
def joint_agency_response(case_id: int):
    return _record_meeting(JAR, case_id)


@review_meetings_blueprint.route(
    "/cases/<int:case_id>/child-death-review-meeting", methods=["GET", "POST"]
)
@requires(Permission.RECORD_REVIEW_MEETINGS)
def child_death_review_meeting(case_id: int):
    return _record_meeting(CDRM, case_id)


def _record_meeting(kind: MeetingKind, case_id: int):
    case = case_for_coordinator_or_404(current_user, case_id)
    record = record_for(kind.record_class, case)
    form = kind.form_class(data=_form_data(kind, record))
    if form.is_submitted() and ADD_ATTENDEE in request.form:
        # GOV.UK's "add another", without JavaScript: the page again, as typed, one row longer.
        # (CSRFProtect has checked the post; nothing is validated or saved.)
        form.attendees.append_entry()
        return _render(kind, case, record, form, 200)
    if not form.validate_on_submit():
        return _render(kind, case, record, form, 400 if form.is_submitted() else 200)
    try:
        version = submitted_version(form)
        kind.save(case, _values(kind, form), expected_version=version, actor=current_user)
    except REFUSALS as refused:
        return _refused(kind, case, form, refused)
    flash(f"{kind.title} saved.", "success")
    return redirect(url_for("cases.show", case_id=case.id))


def _refused(kind: MeetingKind, case, form, refused: Exception):
    """Show why, keeping everything the coordinator typed; on a conflict, beside the version
    that someone else saved."""
    status = show_refusal(refused, form, "summary")
    record = record_for(kind.record_class, case)
    conflict = status == 409
    if conflict:
        form.version.data = record.version_id if record else ""
    return _render(kind, case, record, form, status, conflict=conflict)


def _render(kind: MeetingKind, case, record, form, status: int, conflict: bool = False):
    record_event(AuditAction.CASE_VIEWED, case_id=case.id, subject=record or case)
    form.offer_spare_rows()
    page = render_template(
        "review_meetings/form.html",
        add_attendee=ADD_ATTENDEE,
        kind=kind,
        case=case,
        record=record,
        form=form,
        conflict=conflict,
        cdrm_questions=_questions_for_the_cdrm(case) if kind is CDRM else [],
        post_mortem_awaited=kind is CDRM
        and record is None
        and case_facts(case).post_mortem_awaited,
    )
    return page, status


def _form_data(kind: MeetingKind, record) -> dict:
    if record is None:
        return {"version": ""}
    data = {name: getattr(record, name) for name in kind.date_fields}
    data.update(
        attendees=record.attendees,
        summary=record.summary,
        decisions=record.decisions,
        version=record.version_id,
    )
    if kind is JAR:
        data["joint_home_visit"] = "yes" if record.joint_home_visit else "no"
    return data


def _values(kind: MeetingKind, form) -> dict:
    values = {name: getattr(form, name).data for name in kind.date_fields}
    values.update(
        attendees=form.attendee_rows(), summary=form.summary.data, decisions=form.decisions.data
    )
    if kind is JAR:
        values["joint_home_visit"] = form.joint_home_visit.data == "yes"
    else:
        values[services.REPORT_AWAITED] = form.reason_before_post_mortem_report.data or ""
    return values


def _questions_for_the_cdrm(case: Case) -> list[str]:
    return [asked for answer in questions_for_the_cdrm(case) for asked in answer]


def case_page_records(case: Case) -> CasePageSection:
    """The case page's Joint Agency Response and Child Death Review Meeting."""
    context = {
        "jar": record_for(JointAgencyResponse, case),
        "cdrm": record_for(ChildDeathReviewMeeting, case),
        "review_meetings_open": REVIEW_MEETINGS.open_for(case),
        "cdrm_questions": _questions_for_the_cdrm(case),
    }
    return CasePageSection("review_meetings/_case_records.html", "work", context)
