"""The coordinator's case screens: dashboard, case list and case page."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.permissions import Permission, requires, role_may
from ecdop.auth.queries import all_areas, area_or_404
from ecdop.cases import queries, services
from ecdop.cases.forms import (
    CaseSearchForm,
    MoveCaseForm,
    NationalDatabaseToldForm,
    TriageForm,
)
from ecdop.cases.hooks import case_page, overdue_among
from ecdop.cases.states import UNDER_WAY, WAITING_FOR, Stage, Transition, transitions_from
from ecdop.cases.timeline import case_history, timeline_entries
from ecdop.foundation.clock import UK
from ecdop.foundation.db import utc_now
from ecdop.foundation.exports import csv_download
from ecdop.foundation.extensions import db
from ecdop.foundation.formatting import uk_calendar_date
from ecdop.foundation.forms import select_choices, submitted_version
from ecdop.foundation.paging import page_of_list, requested_page
from ecdop.foundation.refusals import REFUSALS, show_refusal
from ecdop.foundation.vocabulary import CategoryOfDeath, Expectation

cases_blueprint = Blueprint("cases", __name__)
# How many events the case page shows, above its link to the whole timeline.
LATEST_EVENTS = 5


@cases_blueprint.route("/cases/waiting")
@requires(Permission.VIEW_AREA_CASES)
def waiting():
    """Every case whose next step is the coordinator's, a page at a time."""
    waiting = queries.cases_waiting_on_coordinator(current_user)
    page = page_of_list(waiting, requested_page())
    details = {"list": "waiting", "page": page.number, "results": page.total}
    record_event(AuditAction.CASE_LIST_VIEWED, details=details)
    return render_template("cases/waiting.html", waiting=page)


def _overdue_among(case_ids: list[int]) -> set[int]:
    return set().union(*overdue_among(case_ids))


def _stage_or_none(value: str | None) -> Stage | str | None:
    """One stage, "under_way" or a waiting filter, or None for every stage (and for anything
    unknown)."""
    if value == UNDER_WAY or value in WAITING_FOR:
        return value
    try:
        return Stage(value) if value else None
    except ValueError:
        return None


def _stage_asked_for(form: CaseSearchForm, search) -> Stage | str | None:
    """The stage filter of a list: the search's own, the one in the address, or (for a plain
    visit to the list) the cases under way."""
    if search:
        return search.stage
    if "stage" not in request.args:
        return UNDER_WAY
    return _stage_or_none(form.stage.data)


def _stage_value(stage: Stage | str | None) -> str:
    """The stage filter as the form and the address carry it ("" for every stage)."""
    return stage.value if isinstance(stage, Stage) else (stage or "")


@cases_blueprint.route("/cases", methods=["GET", "POST"])
@requires(Permission.VIEW_AREA_CASES)
def index():
    # A search (names, NHS numbers) is posted, kept under a random id, and its results shown
    # at /cases?search=<id>: Back and paging work, and no name is ever in an address.
    if request.method == "POST":
        return _search_posted()
    form = CaseSearchForm(formdata=request.args, meta={"csrf": False})
    valid = form.validate()
    asked_for = request.args.get("search")
    search = queries.search_of(current_user, asked_for)
    form.query.data = search.query if search else ""
    stage = _stage_asked_for(form, search)
    page = form.page.data if valid and form.page.data else 1
    return _case_list(form, search, stage, page, search_ended=bool(asked_for) and not search)


def _search_posted():
    form = CaseSearchForm()
    if not form.validate():
        status = 400
        return _case_list(form, None, None, 1, status=status)
    stage = _stage_or_none(form.stage.data)
    if not form.query.data:
        return redirect(url_for("cases.index", stage=_stage_value(stage)), 303)
    # A search is of every stage unless one stage is chosen.
    search = services.remember_search(
        current_user, form.query.data, stage if isinstance(stage, Stage) else None
    )
    return redirect(url_for("cases.index", search=search.id), 303)


def _case_list(form, search, stage, page: int, *, search_ended=False, status: int = 200):
    results = queries.case_list(
        current_user,
        stage=stage,
        query=search.query if search else "",
        page=page,
        per_page=current_app.config["CASES_PER_PAGE"],
        order=form.sort.data or "notified",
    )
    if search:
        record_event(AuditAction.CASE_LIST_SEARCHED,
                     details={"results": results.total, "page": page})  # fmt: skip
    else:
        details = {"page": page, "stage": _stage_value(stage) or "all",
                   "results": results.total}  # fmt: skip
        record_event(AuditAction.CASE_LIST_VIEWED, details=details)
    form.stage.data = _stage_value(stage)
    page_html = render_template(
        "cases/index.html",
        form=form,
        results=results,
        overdue=_overdue_among([row.case.id for row in results.items]),
        search=search,
        searching=search is not None,
        search_ended=search_ended,
        stage=stage,
    )
    return page_html, status


@cases_blueprint.route("/cases/export.csv")
@requires(Permission.VIEW_AREA_CASES)
def export():
    """The case list as the coordinator sees it (same stage, search and order), in full, for
    a spreadsheet. References, not names or NHS numbers: a file on a desktop travels."""
    form = CaseSearchForm(formdata=request.args, meta={"csrf": False})
    form.validate()
    asked_for = request.args.get("search")
    search = queries.search_of(current_user, asked_for)
    if asked_for and search is None:
        # The search has ended: say so on the list rather than export every case instead.
        return redirect(url_for("cases.index", search=asked_for))
    stage = _stage_asked_for(form, search)
    rows = queries.every_case_row(
        current_user, stage=stage, query=search.query if search else "",
        order=form.sort.data or "notified",
    )  # fmt: skip
    overdue = _overdue_among([row.case.id for row in rows])
    details = {"rows": len(rows), "stage": _stage_value(stage) or "all",
               "searched": search is not None}  # fmt: skip
    record_event(AuditAction.CASE_LIST_EXPORTED, details=details)
    return csv_download(
        "ecdop-cases.csv",
        ("Reference", "Stage", "Date notified", "Days in stage", "Age band", "Overdue"),
        ((row.case.reference, row.case.stage.label, uk_calendar_date(row.case.created_at),
          row.days_in_stage, row.case.age_band.label, row.case.id in overdue)
         for row in rows),
    )  # fmt: skip


@cases_blueprint.route("/cases/<int:case_id>")
@requires(Permission.VIEW_AREA_CASES)
def show(case_id: int):
    case = queries.case_for_coordinator_or_404(current_user, case_id)
    if case.is_merged:
        merged_into = case.merged_into
        assert merged_into is not None, "a merged case points to the case it joined"
        flash(f"{case.reference} was merged into {merged_into.reference}.", "info")
        return redirect(url_for("cases.show", case_id=case.merged_into_id))
    return render_case_page(case)


def render_case_page(case, *, status: int = 200, **refused_forms):
    """The case page: the case's own parts, and each feature's section (``case_page`` hook).
    ``refused_forms`` take the place of a section's empty form, to show it with its errors."""
    record_event(AuditAction.CASE_VIEWED, case_id=case.id, subject=case)
    merged = queries.cases_merged_into(case)
    facts = queries.case_facts(case)
    offered = _offered_moves(case)
    move_form = MoveCaseForm(formdata=None, data={"version": case.version_id})
    sections = case_page(case)
    context = {
        "move_form": move_form,
        **{name: value for section in sections for name, value in section.context.items()},
        **refused_forms,
    }
    context["move_form"].target.choices = select_choices(
        (t.target.value, t.action) for t in offered
    )
    page = render_template(
        "cases/show.html",
        case=case,
        merged=merged,
        # The newest first: what just happened is what the coordinator looks for here.
        recent=_timeline(case, merged)[-LATEST_EVENTS:][::-1],
        offered_moves=offered,
        next_steps=[(t, t.obstacles(facts)) for t in transitions_from(case.stage)],
        sections=sections,
        form=next((form for form in refused_forms.values() if form.errors), None),
        **context,
    )
    return page, status


def _offered_moves(case) -> list[Transition]:
    return [
        transition
        for transition in transitions_from(case.stage)
        if transition.made_by is None and role_may(current_user.role, transition.permission)
    ]


def _timeline(case, merged) -> list:
    case_ids = [case.id, *(other.id for other in merged)]
    brought_from = {other.id: other.reference for other in merged}
    return timeline_entries(
        case_history(case_ids), queries.stage_changes_of(case_ids), brought_from
    )


@cases_blueprint.route("/cases/<int:case_id>/timeline")
@requires(Permission.VIEW_AREA_CASES)
def timeline(case_id: int):
    case = queries.case_for_coordinator_or_404(current_user, case_id)
    merged = queries.cases_merged_into(case)
    record_event(AuditAction.CASE_TIMELINE_VIEWED, case_id=case.id, subject=case)
    entries = _timeline(case, merged)
    return render_template("cases/timeline.html", case=case, entries=entries)


@cases_blueprint.route("/cases/<int:case_id>/stage", methods=["POST"])
@requires(Permission.MOVE_CASES)
def move(case_id: int):
    case = queries.case_for_coordinator_or_404(current_user, case_id)
    form = MoveCaseForm()
    if not form.validate_on_submit():
        return render_case_page(case, move_form=form, status=400)
    try:
        services.move_case(
            case,
            Stage(form.target.data),
            actor=current_user,
            reason=form.reason.data or "",
            expected_version=submitted_version(form),
        )
    except REFUSALS as refused:
        return _move_refused(case, form, refused)
    flash(f"{case.reference} moved to {case.stage.label}.", "success")
    return redirect(url_for("cases.show", case_id=case.id))


def _move_refused(case, form, refused: Exception):
    status = show_refusal(refused, form, "target")
    db.session.refresh(case)
    form.version.data = case.version_id
    return render_case_page(case, move_form=form, status=status)


@cases_blueprint.route("/cases/<int:case_id>/triage", methods=["GET", "POST"])
@requires(Permission.TRIAGE_CASES)
def triage(case_id: int):
    case = queries.case_for_coordinator_or_404(current_user, case_id)
    form = TriageForm(
        data={
            "expectation": case.expectation.value,
            "provisional_category": getattr(case.provisional_category, "value", ""),
            "residence_area_id": case.area_id,
            "version": case.version_id,
        }
    )
    form.residence_area_id.choices = select_choices(
        (area.id, f"{area.name} ({area.code})") for area in all_areas()
    )
    if form.validate_on_submit():
        try:
            outcome = services.triage_case(
                case,
                _triage_decision(form),
                actor=current_user,
                expected_version=submitted_version(form),
            )
        except REFUSALS as refused:
            return _triage_refused(case, form, refused)
        flash(outcome, "success")
        if case.area_id not in current_user.area_ids:
            return redirect(url_for("cases.index"))
        return redirect(url_for("cases.show", case_id=case.id))
    return _render_triage(case, form, 400 if form.errors else 200)


def _triage_decision(form: TriageForm) -> services.TriageDecision:
    return services.TriageDecision(
        in_scope=form.in_scope.data == "yes",
        out_of_scope_reason=form.out_of_scope_reason.data or "",
        expectation=Expectation(form.expectation.data),
        residence_area=area_or_404(form.residence_area_id.data),
        provisional_category=CategoryOfDeath(form.provisional_category.data)
        if form.provisional_category.data
        else None,
    )


def _triage_refused(case, form, refused: Exception):
    status = show_refusal(refused, form, "in_scope")
    db.session.refresh(case)
    form.version.data = case.version_id
    return _render_triage(case, form, status, conflict=status == 409)


def _render_triage(case, form, status: int, conflict: bool = False):
    record_event(AuditAction.CASE_VIEWED, case_id=case.id, subject=case)
    return render_template("cases/triage.html", case=case, form=form, conflict=conflict), status


@cases_blueprint.route("/cases/<int:case_id>/national-database", methods=["GET", "POST"])
@requires(Permission.TELL_NATIONAL_DATABASE)
def national_database_told(case_id: int):
    """Record when the national database was told, on its own page; once recorded, correct a
    mistaken record with its reason."""
    case = queries.case_for_coordinator_or_404(current_user, case_id)
    correcting = case.national_database_told_at is not None
    form = NationalDatabaseToldForm(data=_told_form_defaults(case))
    if not correcting:
        del form.correction, form.reason
    if form.validate_on_submit():
        try:
            _record_or_correct(case, form, correcting)
        except REFUSALS as refused:
            status = show_refusal(refused, form, "told_on")
            db.session.refresh(case)
            form.version.data = case.version_id
            return _render_told(case, form, correcting), status
        flash(f"Saved: when the national database was told of {case.reference}.", "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return _render_told(case, form, correcting), 400 if form.errors else 200


def _told_form_defaults(case) -> dict:
    """The moment recorded, to correct; or now, the usual answer for a first record."""
    moment = (case.national_database_told_at or utc_now()).astimezone(UK)
    return {"told_on": moment.date(), "told_at": moment.time().replace(second=0, microsecond=0),
            "version": case.version_id}  # fmt: skip


def _record_or_correct(case, form, correcting: bool) -> None:
    told_at = datetime.combine(form.told_on.data, form.told_at.data, tzinfo=UK).astimezone(UTC)
    version = submitted_version(form)
    if not correcting:
        services.record_national_database_told(
            case, told_at=told_at, actor=current_user, expected_version=version
        )
        return
    services.correct_national_database_told(
        case,
        told_at=None if form.correction.data == "not_told" else told_at,
        reason=form.reason.data,
        actor=current_user,
        expected_version=version,
    )


def _render_told(case, form, correcting: bool) -> str:
    record_event(AuditAction.CASE_VIEWED, case_id=case.id, subject=case)
    return render_template(
        "cases/national_database_told.html", case=case, form=form, correcting=correcting
    )
