"""Pages for panel meetings: scheduling and agendas, the panel's papers and pack, the analysis
and sign-off, and the action tracker."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_case_reads, record_event
from ecdop.auth.models import Area, Role, User
from ecdop.auth.permissions import Permission, requires
from ecdop.cases.hooks import CasePageSection
from ecdop.cases.models import Case
from ecdop.cases.queries import visible_cases
from ecdop.foundation.exports import csv_download
from ecdop.foundation.extensions import db
from ecdop.foundation.forms import (
    Confirmation,
    ConfirmForm,
    list_filters,
    record_id,
    submitted_version,
)
from ecdop.foundation.paging import requested_page
from ecdop.foundation.refusals import REFUSALS, ChangeRefused, refusal_message, show_refusal
from ecdop.foundation.vocabulary import ActionStatus
from ecdop.meetings import queries, services
from ecdop.meetings.analysis import analysis_form_data, analysis_values, organisation_choices
from ecdop.meetings.choices import DOMAINS, PanelType
from ecdop.meetings.forms import (
    ActionStatusForm,
    AddToAgendaForm,
    AnalysisForm,
    MeetingForm,
    SignOffForm,
    TakeOffAgendaForm,
)
from ecdop.meetings.pack import pack_case, pack_for

ADD_ACTION = "add_action"  # the analysis form's "Add another action" button
meetings_blueprint = Blueprint("meetings", __name__)

OFF_THE_AGENDA = "off"


@meetings_blueprint.route("/meetings")
@requires(Permission.VIEW_PANEL_PACKS)
def index():
    coming = queries.coming_meetings(current_user)
    past = queries.past_meeting_page(current_user, requested_page())
    return render_template("meetings/index.html", coming=coming, past=past)


@meetings_blueprint.route("/meetings/new", methods=["GET", "POST"])
@requires(Permission.SCHEDULE_PANEL_REVIEWS)
def new():
    form = MeetingForm()
    areas = current_user.areas
    form.area_id.choices = [(str(area.id), area.name) for area in areas]
    if len(areas) == 1 and not form.area_id.data:
        form.area_id.data = str(areas[0].id)
    area = _chosen_area(form.area_id.data)
    members = queries.possible_members(area.id) if area else []
    form.members.choices = [
        (str(member.id), f"{member.full_name} ({member.role.label})") for member in members
    ]
    if form.validate_on_submit() and area is not None:
        ids = [record_id(value) for value in form.members.data]
        found = [db.session.get(User, i) for i in ids if i is not None]
        chosen = [member for member in found if member is not None]
        try:
            meeting = services.schedule_meeting(
                area,
                held_on=form.held_on.data,
                starts_at=form.starts_at.data,
                venue=form.venue.data,
                panel_type=PanelType(form.panel_type.data),
                members=chosen,
                actor=current_user,
            )
        except ChangeRefused as refused:
            show_refusal(refused, form, "held_on")
        else:
            flash("Panel meeting scheduled.", "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    status = 400 if form.is_submitted() else 200
    return render_template("meetings/new.html", form=form), status


def _chosen_area(area_id: str | None) -> Area | None:
    for area in current_user.areas:
        if str(area.id) == str(area_id):
            return area
    return None


@meetings_blueprint.route("/meetings/<int:meeting_id>")
@requires(Permission.SCHEDULE_PANEL_REVIEWS)
def show(meeting_id: int):
    meeting = queries.meeting_for_coordinator_or_404(current_user, meeting_id)
    return _render_meeting(meeting, AddToAgendaForm())


def _render_meeting(meeting, add_form: AddToAgendaForm, status: int = 200):
    agenda = queries.agenda_of(meeting)
    add_form.case_id.choices = [("", "Choose a case")] + [
        (str(ready.case.id), ready.description) for ready in queries.cases_ready_for(meeting)
    ]
    pack = pack_for(meeting)
    record_case_reads(
        AuditAction.PANEL_MEETING_VIEWED, (item.case_id for item in agenda), subject=meeting
    )
    page = render_template(
        "meetings/show.html",
        meeting=meeting,
        agenda=list(zip(agenda, pack.cases, strict=True)),
        left=queries.left_agenda_of(meeting),
        add_form=add_form,
        move_form=ConfirmForm(),
    )
    return page, status


@meetings_blueprint.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@requires(Permission.SCHEDULE_PANEL_REVIEWS)
def add_to_agenda(meeting_id: int):
    meeting = queries.meeting_for_coordinator_or_404(current_user, meeting_id)
    form = AddToAgendaForm()
    form.case_id.choices = [("", "")] + [
        (str(ready.case.id), ready.description) for ready in queries.cases_ready_for(meeting)
    ]
    if not form.validate_on_submit():
        return _render_meeting(meeting, form, 400)
    case = db.session.scalar(visible_cases(current_user).filter_by(id=int(form.case_id.data)))
    try:
        services.add_to_agenda(meeting, case, actor=current_user)
    except ChangeRefused as refused:
        show_refusal(refused, form, "case_id")
        return _render_meeting(meeting, form, 400)
    flash(f"{case.reference} added to the agenda.", "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@meetings_blueprint.route("/agenda-items/<int:item_id>/move", methods=["POST"])
@requires(Permission.SCHEDULE_PANEL_REVIEWS)
def move(item_id: int):
    item = queries.agenda_item_for_coordinator_or_404(current_user, item_id)
    form = ConfirmForm()
    if not form.validate_on_submit() or request.form.get("direction") not in ("up", "down"):
        abort(400)
    try:
        services.move_on_agenda(item, earlier=request.form["direction"] == "up")
    except ChangeRefused as refused:
        show_refusal(refused)
        flash(refusal_message(refused), "error")
    return redirect(url_for("meetings.show", meeting_id=item.meeting_id, _anchor="agenda"))


@meetings_blueprint.route("/agenda-items/<int:item_id>/take-off", methods=["GET", "POST"])
@requires(Permission.SCHEDULE_PANEL_REVIEWS)
def take_off(item_id: int):
    item = queries.agenda_item_for_coordinator_or_404(current_user, item_id)
    later = queries.later_meetings(item.meeting)
    form = TakeOffAgendaForm()
    form.to_meeting.choices = [
        (str(meeting.id), f"Defer to the {meeting.panel_type.label.lower()} meeting on "
                          f"{meeting.held_on:%-d %B %Y}")
        for meeting in later
    ] + [(OFF_THE_AGENDA, "Take it off the agenda: the case is ready for panel again")]  # fmt: skip
    if form.validate_on_submit():
        to_meeting = next((m for m in later if str(m.id) == form.to_meeting.data), None)
        try:
            services.take_off_agenda(
                item, to_meeting=to_meeting, reason=form.reason.data, actor=current_user
            )
        except ChangeRefused as refused:
            show_refusal(refused, form, "reason")
        else:
            flash(f"{item.case.reference} has left the agenda.", "success")
            return redirect(url_for("meetings.show", meeting_id=item.meeting_id))
    status = 400 if form.is_submitted() else 200
    return render_template("meetings/take_off.html", item=item, form=form), status


@meetings_blueprint.route("/meetings/<int:meeting_id>/reviews")
@requires(Permission.RECORD_PANEL_ANALYSIS)
def reviews(meeting_id: int):
    """The meeting's cases for the chair or coordinator recording the panel's decisions."""
    meeting = queries.meeting_for_review_or_404(current_user, meeting_id)
    agenda = queries.agenda_of(meeting)
    pack = pack_for(meeting)
    rows = [
        (item, case, queries.current_analysis(item.case))
        for item, case in zip(agenda, pack.cases, strict=True)
    ]
    record_case_reads(
        AuditAction.PANEL_REVIEWS_VIEWED, (item.case_id for item in agenda), subject=meeting
    )
    return render_template("meetings/reviews.html", meeting=meeting, rows=rows)


@meetings_blueprint.route("/agenda-items/<int:item_id>/analysis", methods=["GET", "POST"])
@requires(Permission.RECORD_PANEL_ANALYSIS)
def analysis(item_id: int):
    item = queries.agenda_item_for_review_or_404(current_user, item_id)
    current = queries.current_analysis(item.case)
    organisations = organisation_choices(item.case.area_id)
    form = AnalysisForm(data=analysis_form_data(current))
    for row in form.actions:
        row.form.organisation_id.choices = [("", "Choose an organisation"), *organisations]
    adding_a_row = form.is_submitted() and ADD_ACTION in request.form
    if adding_a_row:
        # GOV.UK's "add another", without JavaScript: the page again, as typed, one row longer.
        # (CSRFProtect has checked the post; nothing is validated or saved.)
        form.actions.append_entry()
    elif form.validate_on_submit():
        try:
            values = analysis_values(form)
            services.record_analysis(
                item, values, actor=current_user, expected_version=submitted_version(form)
            )
        except REFUSALS as refused:
            show_refusal(refused, form, "category")
        else:
            flash(f"Analysis of case {item.case.reference} saved.", "success")
            return redirect(url_for("meetings.reviews", meeting_id=item.meeting_id))
    status = 400 if form.is_submitted() and not adding_a_row else 200
    form.offer_spare_rows()
    for row in form.actions:
        row.form.organisation_id.choices = [("", "Choose an organisation"), *organisations]
    record_event(AuditAction.CASE_VIEWED, case_id=item.case_id, subject=item)
    page = render_template(
        "meetings/analysis.html",
        item=item,
        case=pack_case(item),
        analysis=current,
        form=form,
        domains=DOMAINS,
        sign_off_form=SignOffForm(data={"version": current.version_id if current else ""}),
    )
    return page, status


@meetings_blueprint.route("/analyses/<int:analysis_id>/sign-off", methods=["GET", "POST"])
@requires(Permission.RECORD_PANEL_ANALYSIS)
def sign_off(analysis_id: int):
    analysis = queries.analysis_for_review_or_404(current_user, analysis_id)
    form = SignOffForm()
    item = queries.current_agenda_item(analysis.case)
    if request.method == "GET":
        return _confirm_sign_off(analysis, item)
    if not form.validate_on_submit():
        abort(400)
    try:
        services.sign_off(analysis, actor=current_user, expected_version=submitted_version(form))
    except REFUSALS as refused:
        show_refusal(refused)
        flash(refusal_message(refused), "error")
        if item is not None:
            return redirect(url_for("meetings.analysis", item_id=item.id))
        return redirect(url_for("meetings.reviews", meeting_id=analysis.meeting_id))
    flash(f"Review of case {analysis.case.reference} signed off: the case is closed.", "success")
    return redirect(url_for("meetings.reviews", meeting_id=analysis.meeting_id))


def _confirm_sign_off(analysis, item):
    record_event(AuditAction.CASE_VIEWED, case_id=analysis.case_id, subject=analysis)
    back = (
        url_for("meetings.analysis", item_id=item.id)
        if item is not None
        else url_for("meetings.reviews", meeting_id=analysis.meeting_id)
    )
    confirmation = Confirmation(
        question=f"Sign off the review of case {analysis.case.reference}?",
        button="Sign off the review",
        cancel_url=back,
        rows=(
            ("Case", analysis.case.reference),
            ("Category of death", analysis.category.label),
            ("Modifiable factors", analysis.modifiable.label),
            ("Panel actions", str(len(analysis.actions))),
        ),
        consequences=(
            "The case is closed and becomes read-only; reopening it needs a reason.",
            "Its panel actions go to the tracker and are followed up until done.",
            "The review joins the national return.",
        ),
        irreversible=False,
        hidden=(("version", str(analysis.version_id)),),
    )
    return render_template("confirm.html", confirmation=confirmation)


@meetings_blueprint.route("/actions")
@requires(Permission.UPDATE_PANEL_ACTIONS)
def actions():
    filters = list_filters(queries.ACTION_FILTERS, queries.ACTION_ORDERS)
    actions = queries.action_page(
        current_user, show=filters.show.data, order=filters.sort.data, page=requested_page()
    )
    details = {"show": filters.show.data, "page": actions.number, "actions": actions.total}
    record_event(AuditAction.PANEL_ACTIONS_LISTED, details=details)
    return render_template(
        "meetings/actions.html", actions=actions, filters=filters, overdue=queries.overdue
    )


@meetings_blueprint.route("/actions/export.csv")
@requires(Permission.UPDATE_PANEL_ACTIONS)
def export_actions():
    """The action tracker as its filter and order show it, for a spreadsheet: case
    references, never names."""
    filters = list_filters(queries.ACTION_FILTERS, queries.ACTION_ORDERS)
    show = filters.show.data
    rows = queries.tracked_actions(current_user, show=show, order=filters.sort.data)
    record_event(AuditAction.PANEL_ACTIONS_EXPORTED, details={"show": show, "rows": len(rows)})
    return csv_download(
        "ecdop-panel-actions.csv",
        ("Case", "Action", "Agency", "Due", "Status", "Overdue"),
        ((action.case.reference, action.description, action.organisation.name, action.due_on,
          action.status.label, queries.overdue(action)) for action in rows),
    )  # fmt: skip


@meetings_blueprint.route("/actions/<int:action_id>", methods=["GET", "POST"])
@requires(Permission.UPDATE_PANEL_ACTIONS)
def action(action_id: int):
    panel_action = queries.action_for_user_or_404(current_user, action_id)
    form = ActionStatusForm(data={"status": panel_action.status.value,
                                  "version": panel_action.version_id})  # fmt: skip
    if form.validate_on_submit():
        try:
            services.update_action(
                panel_action,
                ActionStatus(form.status.data),
                form.note.data or "",
                actor=current_user,
                expected_version=submitted_version(form),
            )
        except REFUSALS as refused:
            show_refusal(refused, form, "status")
        else:
            flash("Action updated.", "success")
            return redirect(url_for("meetings.actions"))
    record_event(AuditAction.CASE_VIEWED, case_id=panel_action.case_id, subject=panel_action)
    status = 400 if form.is_submitted() else 200
    page = render_template(
        "meetings/action.html",
        action=panel_action,
        form=form,
        overdue=queries.overdue(panel_action),
        for_coordinator=current_user.role is Role.COORDINATOR,
    )
    return page, status


def case_page_panel_review(case: Case) -> CasePageSection:
    """The case page's panel review: the agenda it is on, and each analysis with its actions."""
    context = {
        "agenda_item": queries.current_agenda_item(case),
        "analyses": queries.analyses_of(case),
    }
    return CasePageSection("meetings/_case_panel_review.html", "work", context)
