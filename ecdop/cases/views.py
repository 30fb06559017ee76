"""The coordinator's case screens: dashboard, case list and case page."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ecdop.audit.models import AuditAction
from ecdop.audit.queries import case_history
from ecdop.audit.services import record_event
from ecdop.auth.permissions import Permission, requires
from ecdop.cases import queries, services
from ecdop.cases.forms import CaseSearchForm, DuplicateDecisionForm
from ecdop.cases.states import Stage
from ecdop.deadlines.queries import recent_messages_for
from ecdop.extensions import db

cases_blueprint = Blueprint("cases", __name__)


@cases_blueprint.route("/dashboard")
@requires(Permission.VIEW_AREA_CASES)
def dashboard():
    return render_template(
        "cases/dashboard.html",
        counts=queries.count_by_stage(current_user),
        possible_duplicates=queries.flagged_possible_duplicates(current_user),
        alerts=recent_messages_for(current_user.id),
    )


def _stage_or_none(value: str | None) -> Stage | None:
    try:
        return Stage(value) if value else None
    except ValueError:
        return None


@cases_blueprint.route("/cases", methods=["GET", "POST"])
@requires(Permission.VIEW_AREA_CASES)
def index():
    # GET carries only the stage and page; a search (names, NHS numbers) arrives by POST.
    searching = request.method == "POST"
    if searching:
        form = CaseSearchForm()
    else:
        form = CaseSearchForm(formdata=request.args, meta={"csrf": False})
        form.query.data = ""
    valid = form.validate()
    query = (form.query.data or "") if searching and valid else ""
    page = form.page.data if valid and form.page.data else 1
    results = queries.case_list(
        current_user,
        stage=_stage_or_none(form.stage.data),
        query=query,
        page=page,
        per_page=current_app.config["CASES_PER_PAGE"],
    )
    if query:
        record_event(AuditAction.CASE_LIST_SEARCHED, details={"results": results.total})
        db.session.commit()
    return render_template("cases/index.html", form=form, results=results, searching=bool(query))


@cases_blueprint.route("/cases/<int:case_id>")
@requires(Permission.VIEW_AREA_CASES)
def show(case_id: int):
    case = queries.case_for_coordinator_or_404(current_user, case_id)
    if case.merged_into_id is not None:
        flash(f"{case.reference} was merged into {case.merged_into.reference}.", "info")
        return redirect(url_for("cases.show", case_id=case.merged_into_id))
    return _render_case(case, DuplicateDecisionForm(version=case.version_id))


def _render_case(case, decision_form: DuplicateDecisionForm, status: int = 200):
    record_event(AuditAction.CASE_VIEWED, case_id=case.id, subject=case)
    db.session.commit()
    merged = queries.cases_merged_into(case)
    return (
        render_template(
            "cases/show.html",
            case=case,
            notifications=queries.case_notifications(case),
            merged=merged,
            history=case_history([case.id, *(m.id for m in merged)]),
            decision_form=decision_form,
        ),
        status,
    )


@cases_blueprint.route("/cases/<int:case_id>/duplicate", methods=["POST"])
@requires(Permission.DECIDE_DUPLICATES)
def decide_duplicate(case_id: int):
    case = queries.case_for_coordinator_or_404(current_user, case_id)
    form = DuplicateDecisionForm()
    if not form.validate_on_submit():
        return _render_case(case, form, 400)
    try:
        version = int(form.version.data)
        if form.decision.data == "same":
            survivor = services.confirm_same_child(case, version)
            message, target = f"{case.reference} merged into {survivor.reference}.", survivor
        else:
            services.reject_duplicate(case, version)
            message, target = "Possible duplicate flag removed.", case
    except (services.CaseChangeRefused, ValueError) as refused:
        db.session.rollback()
        form.decision.errors.append(str(refused))
        form.version.data = case.version_id
        return _render_case(case, form, 409)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("cases.show", case_id=target.id))
