"""Entry points: the start page, which sends each person to where their work is, and the
coordinator's dashboard: the first few of each of the lists that make up their work, from every
feature."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user

from ecdop import readiness
from ecdop.analytics.queries import open_pattern_count
from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.permissions import Permission, requires, user_may
from ecdop.cases import queries as case_queries
from ecdop.cases.states import WAITING_FOR
from ecdop.deadlines import queries as deadline_queries
from ecdop.mail.queries import recent_messages_for
from ecdop.reporting_forms.queries import outstanding_by_agency

home_blueprint = Blueprint("home", __name__)

# The first page for each permission a role may hold, in order of priority.
HOME_PAGES = [
    (Permission.VIEW_AREA_CASES, "home.dashboard"),
    (Permission.WORK_WITH_FAMILIES, "family.families"),
    (Permission.NOTIFY_DEATH, "notifications.index"),
    (Permission.RESPOND_TO_REQUESTS, "reporting_forms.index"),
    (Permission.VIEW_PANEL_PACKS, "meetings.index"),
    (Permission.VIEW_BOARD_REPORTS, "board_reports.index"),
    (Permission.MANAGE_USERS, "admin.users"),
]


@home_blueprint.route("/")
@requires(Permission.SIGNED_IN)
def index():
    for permission, endpoint in HOME_PAGES:
        if user_may(permission):
            return redirect(url_for(endpoint))
    return render_template("home.html", user=current_user)


@home_blueprint.route("/dashboard")
@requires(Permission.VIEW_AREA_CASES)
def dashboard():
    """Counts, and the first few of each list with a link to the whole of it: the page stays
    the same length however long the area's history."""
    record_event(AuditAction.DASHBOARD_VIEWED)
    overdue_by_kind = deadline_queries.overdue_by_kind(current_user)
    counts = case_queries.count_by_stage(current_user)
    return render_template(
        "dashboard.html",
        counts=counts,
        waiting_for=case_queries.count_waiting_for(current_user),
        waiting_for_words=WAITING_FOR,
        waiting=case_queries.cases_waiting_on_coordinator(current_user, limit=FIRST_FEW),
        waiting_total=case_queries.count_waiting_on_coordinator(current_user),
        outstanding=outstanding_by_agency(current_user),
        alerts=recent_messages_for(current_user.id, limit=FIRST_FEW),
        overdue_by_kind=overdue_by_kind,
        overdue_total=sum(count for _kind, count in overdue_by_kind),
        overdue=deadline_queries.overdue_deadlines(current_user, limit=FIRST_FEW),
        days_in_stage=deadline_queries.days_in_stage(current_user, limit=FIRST_FEW),
        open_patterns=open_pattern_count(current_user),
    )


# How many of each list the dashboard shows before its link to the whole list.
FIRST_FEW = 5


@home_blueprint.route("/favicon.ico")
@requires(Permission.PUBLIC)
def favicon():
    """Browsers ask for /favicon.ico whatever the page says: ecdop's own icon, not a 404."""
    return send_from_directory(
        current_app.static_folder or "static", "images/ecdop-icon.svg", mimetype="image/svg+xml",
        max_age=ICON_CACHE_SECONDS,
    )  # fmt: skip


ICON_CACHE_SECONDS = 60 * 60 * 24 * 7


@home_blueprint.route("/healthz")
@requires(Permission.PUBLIC)
def health():
    """For a load balancer: the process answers. Nothing is read, the database included, and
    nothing is revealed."""
    return {"status": "ok"}


@home_blueprint.route("/readyz")
@requires(Permission.PUBLIC)
def ready():
    """For a load balancer: the database answers, its migrations are current and the scheduler
    is beating. What is wrong goes to the log, not to whoever asks."""
    if readiness.problems():
        return {"status": "not ready"}, 503
    return {"status": "ready"}
