"""The start page: sends each person to where their work is."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from ecdop import readiness
from ecdop.auth.permissions import Permission, requires, user_may

home_blueprint = Blueprint("home", __name__)

# The first page for each permission a role may hold, in order of priority.
HOME_PAGES = [
    (Permission.VIEW_AREA_CASES, "cases.dashboard"),
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
