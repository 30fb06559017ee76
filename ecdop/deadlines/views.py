"""My tasks, overdue lists, due-date changes, agency timeliness, and each area's deadline rules."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
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
from ecdop.auth.hooks import AreaPageSection
from ecdop.auth.models import Area
from ecdop.auth.permissions import Permission, requires
from ecdop.auth.queries import area_or_404
from ecdop.cases.hooks import CasePageSection
from ecdop.cases.models import Case
from ecdop.deadlines import queries, services
from ecdop.deadlines.forms import (
    DeadlineRuleForm,
    DueDateForm,
    PeriodForm,
)
from ecdop.deadlines.rules import ANCHORS, DEFAULT_RULES, DeadlineKind, Rule, RuleUnit
from ecdop.foundation.clock import uk_today
from ecdop.foundation.exports import csv_download
from ecdop.foundation.forms import list_filters, select_choices, submitted_version
from ecdop.foundation.paging import requested_page
from ecdop.foundation.periods import ReportingPeriod, recent_periods
from ecdop.foundation.refusals import REFUSALS, ChangeRefused, show_refusal

deadlines_blueprint = Blueprint("deadlines", __name__)


@deadlines_blueprint.route("/tasks")
@requires(Permission.VIEW_MY_TASKS)
def tasks():
    filters = list_filters(queries.TASK_FILTERS, queries.TASK_ORDERS)
    tasks = queries.task_page(
        current_user, show=filters.show.data, order=filters.sort.data, page=requested_page()
    )
    details = {"tasks": tasks.total, "page": tasks.number, "show": filters.show.data}
    record_event(AuditAction.TASKS_LISTED, details=details)
    return render_template("deadlines/tasks.html", tasks=tasks, filters=filters)


@deadlines_blueprint.route("/overdue")
@requires(Permission.VIEW_AREA_CASES)
def overdue():
    """Everything overdue in the coordinator's areas, of one kind if asked: where the
    dashboard's counts by kind lead."""
    filters = list_filters(queries.OVERDUE_KINDS, [("due", "Longest overdue first")])
    overdue = queries.overdue_page(current_user, kind=filters.show.data, page=requested_page())
    details = {"tasks": overdue.total, "page": overdue.number, "show": filters.show.data}
    record_event(AuditAction.TASKS_LISTED, details=details)
    return render_template("deadlines/overdue.html", overdue=overdue, filters=filters)


@deadlines_blueprint.route("/deadlines/<int:deadline_id>/due-date", methods=["GET", "POST"])
@requires(Permission.CHANGE_DUE_DATES)
def change_due_date(deadline_id: int):
    deadline = queries.deadline_for_coordinator_or_404(current_user, deadline_id)
    form = DueDateForm(data={"version": deadline.version_id})
    if request.method == "GET":
        record_event(AuditAction.CASE_VIEWED, case_id=deadline.case_id, subject=deadline)
    elif form.validate_on_submit():
        try:
            services.change_due_date(
                deadline,
                due_on=form.due_on.data,
                reason=form.reason.data,
                actor=current_user,
                expected_version=submitted_version(form),
            )
        except REFUSALS as refused:
            show_refusal(refused, form, "due_on")
        else:
            flash(f"The due date is now {deadline.due_on:%-d %B %Y}.", "success")
            return redirect(url_for("cases.show", case_id=deadline.case_id))
    status = 400 if form.errors else 200
    return render_template(
        "deadlines/due_date.html",
        form=form,
        deadline=deadline,
        what=queries.describe_deadlines([deadline])[deadline.id],
    ), status


@deadlines_blueprint.route("/agency-timeliness")
@requires(Permission.VIEW_AREA_CASES)
def agency_timeliness():
    form, chosen = _timeliness_period()
    return render_template(
        "deadlines/timeliness.html",
        form=form,
        period=chosen,
        rows=queries.agency_timeliness(current_user.area_ids, chosen),
    )


@deadlines_blueprint.route("/agency-timeliness/export.csv")
@requires(Permission.VIEW_AREA_CASES)
def export_agency_timeliness():
    _form, period = _timeliness_period()
    rows = queries.agency_timeliness(current_user.area_ids, period)
    record_event(AuditAction.TIMELINESS_EXPORTED, details={"period": period.key, "rows": len(rows)})
    return csv_download(
        f"ecdop-agency-timeliness-{period.key}.csv",
        ("Agency", "Fell due", "On time", "Late", "Outstanding", "Share on time"),
        ((row.agency, row.due, row.on_time, row.late, row.outstanding,
          "" if row.share_on_time is None else f"{row.share_on_time:.0%}") for row in rows),
    )  # fmt: skip


def _timeliness_period() -> tuple[PeriodForm, ReportingPeriod]:
    periods = recent_periods(uk_today(), current_app.config["REPORTING_YEAR_START_MONTH"])
    form = PeriodForm(formdata=request.args)
    form.period.choices = select_choices((period.key, period.choice_label) for period in periods)
    chosen = next((p for p in periods if p.key == form.period.data), periods[0])
    form.period.data = chosen.key
    return form, chosen


@deadlines_blueprint.route("/admin/areas/<int:area_id>/deadlines/<kind>", methods=["GET", "POST"])
@requires(Permission.MANAGE_DEADLINE_RULES)
def deadline_rule(area_id: int, kind: str):
    area = area_or_404(area_id)
    if kind not in DeadlineKind._value2member_map_:
        abort(404)
    kind = DeadlineKind(kind)
    current = queries.rules_for_area(area.id)[kind]
    chased = DEFAULT_RULES[kind].chase_every_weeks is not None
    form = DeadlineRuleForm(data={"amount": current.amount, "unit": current.unit.value,
                                  "chase_every_weeks": current.chase_every_weeks})  # fmt: skip
    if not chased:
        del form.chase_every_weeks
    if form.validate_on_submit():
        chase = form.chase_every_weeks.data if chased else None
        try:
            moved = services.change_rule(
                area,
                kind,
                Rule(form.amount.data, RuleUnit(form.unit.data), chase),
                actor=current_user,
            )
        except ChangeRefused as refused:
            show_refusal(refused, form, "amount")
        else:
            flash(f"{kind.label}: now {form.amount.data} {RuleUnit(form.unit.data).label} "
                  f"{ANCHORS[kind].label}. {moved} open deadline(s) moved.", "success")  # fmt: skip
            return redirect(url_for("admin.area", area_id=area.id))
    return render_template(
        "deadlines/rule_form.html",
        form=form,
        area=area,
        kind=kind,
        anchor=ANCHORS[kind],
        default=DEFAULT_RULES[kind],
    ), 400 if form.errors else 200


def area_page_deadline_rules(area: Area) -> AreaPageSection:
    """An area's deadline rules, each with a link to change it."""
    context = {
        "rules": queries.rules_for_area(area.id),
        "settings": queries.area_rule_settings(area.id),
        "defaults": DEFAULT_RULES,
        "anchors": ANCHORS,
    }
    return AreaPageSection("deadlines/_area_rules.html", context)


def case_page_deadlines(case: Case) -> CasePageSection:
    """The case page's deadlines, with what can be done about each."""
    deadlines = queries.deadlines_of(case)
    context = {
        "deadlines": deadlines,
        "what_is_due": queries.describe_deadlines(deadlines),
        "due_tag": queries.due_tag,
    }
    return CasePageSection("deadlines/_case_deadlines.html", "work", context)
