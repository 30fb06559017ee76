"""Agencies' requests for information, and the coordinator's side of them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import Organisation
from ecdop.auth.permissions import Permission, requires
from ecdop.auth.queries import organisations_working_in
from ecdop.cases.hooks import CasePageSection
from ecdop.cases.models import Case
from ecdop.cases.queries import case_for_coordinator_or_404
from ecdop.cases.states import REPORT_REQUESTS
from ecdop.deadlines.queries import due_tag, rules_for_area
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.clock import uk_today
from ecdop.foundation.extensions import db
from ecdop.foundation.forms import (
    ConfirmForm,
    list_filters,
    posted_version,
    select_choices,
    submitted_version,
)
from ecdop.foundation.paging import requested_page
from ecdop.foundation.refusals import REFUSALS, ChangeRefused, refusal_message, show_refusal
from ecdop.notifications.queries import notifications_of
from ecdop.notifications.receipts import agency_labels
from ecdop.reporting_forms import queries, services
from ecdop.reporting_forms.definitions import definition_for, supplementary_definitions
from ecdop.reporting_forms.forms import (
    ExcuseReportForm,
    RequestReportsForm,
    ReturnReportForm,
    answers_from,
    both_answered_and_not_known,
    form_data_for,
    report_form_class,
)
from ecdop.reporting_forms.hooks import report_page
from ecdop.reporting_forms.models import OPEN_STATUSES

reporting_forms_blueprint = Blueprint("reporting_forms", __name__)


# The agency's side -----------------------------------------------------------------------


@reporting_forms_blueprint.route("/requests")
@requires(Permission.RESPOND_TO_REQUESTS)
def index():
    filters = list_filters(queries.REQUEST_FILTERS, queries.REQUEST_ORDERS)
    requests = queries.requests_for_agency(
        current_user, show=filters.show.data, order=filters.sort.data, page=requested_page()
    )
    details = {"requests": requests.total, "page": requests.number, "show": filters.show.data}
    record_event(AuditAction.REQUESTS_LISTED, details=details)
    return render_template(
        "reporting_forms/index.html", requests=requests, filters=filters,
        definition_for=definition_for, due_tag=due_tag, today=uk_today(),
        open_statuses=OPEN_STATUSES,
    )  # fmt: skip


@reporting_forms_blueprint.route("/requests/<int:request_id>", methods=["GET", "POST"])
@requires(Permission.RESPOND_TO_REQUESTS)
def respond(request_id: int):
    request = queries.request_for_agency_or_404(current_user, request_id)
    definition = definition_for(request.form_type)
    form = report_form_class(definition)(
        data=form_data_for(definition, request.answers, request.not_known)
        | {"version": request.version_id}
    )
    if not form.is_submitted():
        return _render_response(request, definition, form)
    if request.status not in OPEN_STATUSES:
        flash("This form has already been submitted, so it cannot be changed.", "error")
        return _render_response(request, definition, form, 409)
    if not form.validate():
        return _render_response(request, definition, form, 400)
    for key in both_answered_and_not_known(form, definition):
        form[key].errors.append('Give an answer or tick "Not known", not both')
    if form.errors:
        return _render_response(request, definition, form, 400)
    return _save_response(request, definition, form)


def _save_response(request, definition, form):
    answers, not_known = answers_from(form, definition)
    checking = bool(form.submit.data)
    save = services.save_answers_to_check if checking else services.save_report
    extra = {} if checking else {"submit": False}
    try:
        save(request, answers=answers, not_known=not_known,
             expected_version=submitted_version(form), actor=current_user, **extra)  # fmt: skip
    except services.AnswersRefused as refused:
        show_refusal(refused, form)
        return _render_response(request, definition, form, 400)
    except REFUSALS as refused:
        return _response_refused(request, definition, form, refused)
    if checking:
        return redirect(url_for("reporting_forms.check_answers", request_id=request.id))
    flash("Draft saved. Only your organisation can see it until you submit it.", "success")
    return redirect(url_for("reporting_forms.respond", request_id=request.id))


@reporting_forms_blueprint.route("/requests/<int:request_id>/check", methods=["GET", "POST"])
@requires(Permission.RESPOND_TO_REQUESTS)
def check_answers(request_id: int):
    """GOV.UK's "Check your answers": every answer, each with a way back to change it, and
    the button that submits them."""
    request = queries.request_for_agency_or_404(current_user, request_id)
    definition = definition_for(request.form_type)
    if request.status not in OPEN_STATUSES:
        return redirect(url_for("reporting_forms.respond", request_id=request.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.submit_checked_report(
                request, expected_version=posted_version(), actor=current_user
            )
        except services.AnswersRefused as missing:
            show_refusal(missing)
            flash(f"{refusal_message(missing)}: put them right, then check again.", "error")
            return redirect(url_for("reporting_forms.respond", request_id=request.id))
        except REFUSALS as refused:
            show_refusal(refused)
            flash(refusal_message(refused), "error")
            return redirect(url_for("reporting_forms.check_answers", request_id=request.id))
        flash(f"{definition.title} for case {request.case.reference} submitted.", "success")
        return redirect(url_for("reporting_forms.index"))
    record_event(AuditAction.REPORT_VIEWED, case_id=request.case_id, subject=request)
    return render_template(
        "reporting_forms/check_answers.html",
        reporting_request=request,
        definition=definition,
        form=form,
    )


def _response_refused(request, definition, form, refused):
    status = show_refusal(refused)
    db.session.refresh(request)
    flash(refusal_message(refused), "error")
    if status == 409 and request.status in OPEN_STATUSES:
        form.version.data = request.version_id
        return _render_response(request, definition, form, 409, conflict=True)
    return _render_response(request, definition, form, 409)


def _render_response(request, definition, form, status: int = 200, conflict: bool = False):
    record_event(AuditAction.REPORT_VIEWED, case_id=request.case_id, subject=request)
    page = render_template(
        "reporting_forms/respond.html",
        reporting_request=request,
        definition=definition,
        form=form,
        editable=request.status in OPEN_STATUSES,
        conflict=conflict,
        sections=report_page(request, True),
    )
    return page, status


# The coordinator's side ------------------------------------------------------------------


@reporting_forms_blueprint.route("/outstanding-requests")
@requires(Permission.VIEW_AREA_CASES)
def outstanding():
    """The reports still awaited in the coordinator's areas, from one agency or from all:
    where the dashboard's counts by agency lead."""
    agencies = [(str(agency.id), agency.name) for agency, _count, _late in
                queries.outstanding_by_agency(current_user)]  # fmt: skip
    filters = list_filters(
        queries.OUTSTANDING_FILTERS, [("due", "Longest overdue first")],
        agencies=[("all", "Every agency"), *agencies],
    )  # fmt: skip
    agency_id = None if filters.agency.data == "all" else int(filters.agency.data)
    requests = queries.outstanding_page(
        current_user, agency_id=agency_id, show=filters.show.data, page=requested_page()
    )
    details = {"requests": requests.total, "page": requests.number, "show": filters.show.data,
               "agency": agency_id}  # fmt: skip
    record_event(AuditAction.REQUESTS_LISTED, details=details)
    return render_template(
        "reporting_forms/outstanding.html", requests=requests, filters=filters,
        definition_for=definition_for, due_tag=due_tag, today=uk_today(),
    )  # fmt: skip


@reporting_forms_blueprint.route("/cases/<int:case_id>/reports/new", methods=["GET", "POST"])
@requires(Permission.REQUEST_REPORTS)
def request_reports(case_id: int):
    case = case_for_coordinator_or_404(current_user, case_id)
    organisations = organisations_working_in(case.area_id)
    # The area's rule for agency reports (20 working days unless changed) sets the default.
    default_due_on = rules_for_area(case.area_id)[DeadlineKind.REPORTING_REQUEST].due_on(uk_today())
    notifications = notifications_of(case)
    named = queries.agencies_the_notifiers_named(case, notifications, organisations)
    form = RequestReportsForm(data={"due_on": default_due_on, "organisation_ids": sorted(named)})
    unanswered = _without_reporters(organisations, case.area_id)
    form.organisation_ids.choices = select_choices(
        (organisation.id, _agency_choice(organisation, organisation in unanswered))
        for organisation in organisations
    )
    form.supplementary_forms.choices = select_choices(
        (definition.key, definition.title) for definition in supplementary_definitions()
    )
    if form.validate_on_submit():
        chosen = [o for o in organisations if o.id in form.organisation_ids.data]
        try:
            sent = services.request_reports(
                case,
                organisations=chosen,
                supplementary_forms=form.supplementary_forms.data or [],
                due_on=form.due_on.data,
                actor=current_user,
            )
        except ChangeRefused as refused:
            show_refusal(refused, form, "organisation_ids")
        else:
            return _after_requests_sent(case, sent, chosen, unanswered)
    status = 400 if form.errors else 200
    page = render_template(
        "reporting_forms/request.html", case=case, form=form,
        notifications=notifications, agency_labels=agency_labels,
    )  # fmt: skip
    return page, status


def _agency_choice(organisation: Organisation, unanswered: bool) -> str:
    label = f"{organisation.name} ({organisation.kind.label})"
    return (
        f"{label}: nobody there uses ecdop yet, so you will invite a contact"
        if unanswered
        else label
    )


def _after_requests_sent(case, sent, chosen, unanswered):
    """Back to the case; first, for each chosen agency with nobody in ecdop, the page to invite
    a contact there, one after the other, so that no request waits for nobody."""
    to_invite = [organisation for organisation in chosen if organisation in unanswered]
    flash(f"{len(sent)} requests sent to {len(chosen)} agencies.", "success")
    destination = url_for("cases.show", case_id=case.id)
    for organisation in reversed(to_invite):
        destination = url_for(
            "auth.invite_agency_contact", organisation_id=organisation.id, next=destination
        )
    if to_invite:
        names = ", ".join(organisation.name for organisation in to_invite)
        flash(f"Nobody at {names} uses ecdop yet: invite a contact, so the request reaches "
              "someone.", "info")  # fmt: skip
    return redirect(destination)


def _without_reporters(organisations: list[Organisation], area_id: int) -> list[Organisation]:
    answered = queries.organisations_with_agency_reporters(area_id)
    return [organisation for organisation in organisations if organisation.id not in answered]


@reporting_forms_blueprint.route("/reports/<int:request_id>")
@requires(Permission.VIEW_AREA_CASES)
def review(request_id: int):
    request = queries.request_for_coordinator_or_404(current_user, request_id)
    return _render_review(request)


def _render_review(request, return_form=None, excuse_form=None, status: int = 200):
    record_event(AuditAction.REPORT_VIEWED, case_id=request.case_id, subject=request)
    version = {"version": request.version_id}
    page = render_template(
        "reporting_forms/review.html",
        reporting_request=request,
        definition=definition_for(request.form_type),
        return_form=return_form or ReturnReportForm(data=version, formdata=None),
        excuse_form=excuse_form or ExcuseReportForm(data=version, formdata=None),
        open_statuses=OPEN_STATUSES,
        sections=report_page(request, False),
    )
    return page, status


@reporting_forms_blueprint.route("/reports/<int:request_id>/return", methods=["POST"])
@requires(Permission.REQUEST_REPORTS)
def return_to_agency(request_id: int):
    request = queries.request_for_coordinator_or_404(current_user, request_id)
    form = ReturnReportForm()
    return _decide(
        request,
        form,
        "question",
        services.return_report,
        "Form returned to the agency with your question.",
        lambda: _render_review(request, return_form=form, status=400),
    )


@reporting_forms_blueprint.route("/reports/<int:request_id>/excuse", methods=["POST"])
@requires(Permission.REQUEST_REPORTS)
def excuse(request_id: int):
    request = queries.request_for_coordinator_or_404(current_user, request_id)
    form = ExcuseReportForm()
    return _decide(
        request,
        form,
        "reason",
        services.excuse_report,
        "Recorded that this form will not come.",
        lambda: _render_review(request, excuse_form=form, status=400),
    )


def _decide(request, form, field: str, service, done: str, show_again):
    """Validate → call the service → redirect; on refusal, the form again with the reason."""
    if form.validate_on_submit():
        version = submitted_version(form)
        try:
            service(request, **{field: form[field].data}, expected_version=version)
        except REFUSALS as refused:
            show_refusal(refused, form, field)
            db.session.refresh(request)
            form.version.data = request.version_id
        else:
            flash(done, "success")
            return redirect(url_for("reporting_forms.review", request_id=request.id))
    return show_again()


def case_page_requests(case: Case) -> CasePageSection:
    """The case page's reports from agencies."""
    context = {
        "requests": queries.requests_of(case),
        "definition_for": definition_for,
        "requests_open": REPORT_REQUESTS.open_for(case),
    }
    return CasePageSection("reporting_forms/_case_requests.html", "work", context)
