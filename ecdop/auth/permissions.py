"""Who may do what: the one table of authorisation.

Every view declares the permission it needs with ``@requires``; ``enforce_declared_permission``
runs before every request and refuses any endpoint that declares nothing, so a new route is
closed until someone decides who may use it. Object-level need-to-know (which area, which
organisation) is applied by each feature's queries on top of this.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from ecdop.auth.models import Role
from ecdop.auth.sessions import identity_confirmed_recently, pending_sign_in
from ecdop.foundation.extensions import login_manager


class Permission(enum.StrEnum):
    PUBLIC = "public"  # no sign-in: the login page, static files
    SIGNED_IN = "signed_in"  # any signed-in user: home, sign out, their own account
    SIGNING_IN = "signing_in"  # part-way through sign-in: the password given, a step to go
    NOTIFY_DEATH = "notify_death"
    VIEW_OWN_NOTIFICATIONS = "view_own_notifications"
    VIEW_AREA_CASES = "view_area_cases"
    DECIDE_DUPLICATES = "decide_duplicates"
    TRIAGE_CASES = "triage_cases"
    MOVE_CASES = "move_cases"
    REQUEST_REPORTS = "request_reports"
    RECORD_REVIEW_MEETINGS = "record_review_meetings"  # JAR and CDRM
    RECORD_POST_MORTEMS_AND_INQUESTS = "record_post_mortems_and_inquests"
    KEEP_DOCUMENTS = "keep_documents"  # upload, download and withdraw a case's documents
    HOLD_CASES = "hold_cases"  # put a case on legal hold, review and lift it
    INVITE_AGENCY_CONTACTS = "invite_agency_contacts"
    RESPOND_TO_REQUESTS = "respond_to_requests"
    SCHEDULE_PANEL_REVIEWS = "schedule_panel_reviews"
    RECORD_PANEL_ANALYSIS = "record_panel_analysis"
    SIGN_OFF_REVIEWS = "sign_off_reviews"
    TELL_NATIONAL_DATABASE = "tell_national_database"
    CHANGE_DUE_DATES = "change_due_dates"
    ASSIGN_KEY_WORKERS = "assign_key_workers"
    # The family's part of a case: coordinators in its area, and the key worker assigned to it.
    WORK_WITH_FAMILIES = "work_with_families"
    ANSWER_SUBJECT_ACCESS = "answer_subject_access"  # a parent's own records, as one PDF
    VIEW_MY_TASKS = "view_my_tasks"
    MANAGE_USERS = "manage_users"
    MANAGE_API_TOKENS = "manage_api_tokens"
    MANAGE_ORGANISATIONS = "manage_organisations"
    MANAGE_DEADLINE_RULES = "manage_deadline_rules"  # and each area's lead
    VIEW_OUTBOX = "view_outbox"
    DECIDE_HELD_MAIL = "decide_held_mail"  # send or withdraw what a restore held
    VIEW_PANEL_PACKS = "view_panel_packs"  # of meetings the user sits on, or in their areas
    UPDATE_PANEL_ACTIONS = "update_panel_actions"  # of their organisation, or their areas
    VIEW_EMERGING_PATTERNS = "view_emerging_patterns"  # with the cases behind them
    MANAGE_WARNING_RULES = "manage_warning_rules"
    VIEW_BOARD_REPORTS = "view_board_reports"  # aggregated and suppressed: no case level
    GENERATE_BOARD_REPORTS = "generate_board_reports"
    MANAGE_SITE_PAGES = "manage_site_pages"  # the accessibility statement, privacy notice…
    MANAGE_RETENTION = "manage_retention"  # each area's retention rules; the record of processing
    # The second person's approval of a monthly retention list, or of erasing a notification
    APPROVE_RETENTION = "approve_retention"
    ERASE_NOTIFICATIONS = "erase_notifications"  # ask to erase a notification sent in error


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.NOTIFIER: frozenset({Permission.NOTIFY_DEATH, Permission.VIEW_OWN_NOTIFICATIONS}),
    Role.AGENCY_REPORTER: frozenset(
        {Permission.RESPOND_TO_REQUESTS, Permission.VIEW_MY_TASKS, Permission.UPDATE_PANEL_ACTIONS}
    ),
    Role.COORDINATOR: frozenset(
        {
            Permission.VIEW_AREA_CASES,
            Permission.DECIDE_DUPLICATES,
            Permission.TRIAGE_CASES,
            Permission.MOVE_CASES,
            Permission.REQUEST_REPORTS,
            Permission.RECORD_REVIEW_MEETINGS,
            Permission.RECORD_POST_MORTEMS_AND_INQUESTS,
            Permission.KEEP_DOCUMENTS,
            Permission.HOLD_CASES,
            Permission.APPROVE_RETENTION,
            Permission.ERASE_NOTIFICATIONS,
            Permission.INVITE_AGENCY_CONTACTS,
            Permission.SCHEDULE_PANEL_REVIEWS,
            Permission.VIEW_PANEL_PACKS,
            Permission.RECORD_PANEL_ANALYSIS,
            Permission.UPDATE_PANEL_ACTIONS,
            Permission.TELL_NATIONAL_DATABASE,
            Permission.CHANGE_DUE_DATES,
            Permission.VIEW_MY_TASKS,
            Permission.ASSIGN_KEY_WORKERS,
            Permission.WORK_WITH_FAMILIES,
            Permission.ANSWER_SUBJECT_ACCESS,
            Permission.VIEW_EMERGING_PATTERNS,
            Permission.VIEW_BOARD_REPORTS,
            Permission.GENERATE_BOARD_REPORTS,
        }
    ),
    # A key worker sees no agency report, pack or analysis: only the family's part of their cases.
    Role.KEY_WORKER: frozenset({Permission.WORK_WITH_FAMILIES, Permission.VIEW_MY_TASKS}),
    # Panel members and chairs may lead an area, and so hear of its escalations.
    Role.PANEL_MEMBER: frozenset({Permission.VIEW_PANEL_PACKS, Permission.VIEW_MY_TASKS}),
    Role.PANEL_CHAIR: frozenset(
        {
            Permission.VIEW_PANEL_PACKS,
            Permission.RECORD_PANEL_ANALYSIS,
            Permission.SIGN_OFF_REVIEWS,
            Permission.VIEW_MY_TASKS,
        }
    ),
    # The board reads reports and nothing else: it has no way to any case.
    Role.BOARD_MEMBER: frozenset({Permission.VIEW_BOARD_REPORTS}),
    Role.ADMIN: frozenset(
        {
            Permission.MANAGE_USERS,
            Permission.MANAGE_API_TOKENS,
            Permission.MANAGE_ORGANISATIONS,
            Permission.MANAGE_DEADLINE_RULES,
            Permission.VIEW_OUTBOX,
            Permission.DECIDE_HELD_MAIL,
            Permission.MANAGE_WARNING_RULES,
            Permission.MANAGE_SITE_PAGES,
            Permission.MANAGE_RETENTION,
            Permission.APPROVE_RETENTION,
        }
    ),
}

# Endpoints registered by Flask itself rather than by our views.
FRAMEWORK_ENDPOINTS: dict[str, Permission] = {"static": Permission.PUBLIC}

# Blueprints whose callers prove who they are with an API token on every request.
TOKEN_AUTHENTICATED_BLUEPRINTS = frozenset({"api"})

View = TypeVar("View", bound=Callable)


def requires(permission: Permission) -> Callable[[View], View]:
    def declare(view: View) -> View:
        view.required_permission = permission  # type: ignore[attr-defined]
        return view

    return declare


def requires_recent_confirmation(view: View) -> View:
    """A sensitive account action (new recovery codes, a password, another person's second
    factor or API token): the person gives their password and a fresh code first, within the
    last five minutes of this session, so that a stolen session cannot take the account."""
    view.needs_recent_confirmation = True  # type: ignore[attr-defined]
    return view


def needs_recent_confirmation(endpoint: str) -> bool:
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "needs_recent_confirmation", False))


def role_may(role: Role, permission: Permission) -> bool:
    if permission in (Permission.PUBLIC, Permission.SIGNED_IN, Permission.SIGNING_IN):
        return True
    return permission in ROLE_PERMISSIONS[role]


def roles_that_may(permission: Permission) -> list[Role]:
    return [role for role in Role if role_may(role, permission)]


def user_may(permission: Permission) -> bool:
    return current_user.is_authenticated and role_may(current_user.role, permission)


def declared_permission(endpoint: str) -> Permission | None:
    if endpoint in FRAMEWORK_ENDPOINTS:
        return FRAMEWORK_ENDPOINTS[endpoint]
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "required_permission", None)


def enforce_declared_permission():
    if request.endpoint is None:  # no route matched: let Flask answer 404/405
        return None
    permission = declared_permission(request.endpoint)
    if permission is None:
        abort(403)
    if request.endpoint != "static":
        # Who is signed in is settled first, before the view writes anything: a session that
        # has just timed out is ended on its own connection.
        _ = current_user.is_authenticated
    if permission is Permission.PUBLIC:
        return None
    if permission is Permission.SIGNING_IN:
        return None if pending_sign_in() is not None else redirect(url_for("auth.login"))
    if not current_user.is_authenticated:
        if request.blueprint in TOKEN_AUTHENTICATED_BLUEPRINTS:
            abort(401)  # a system, not a person: there is no sign-in page to send it to
        return login_manager.unauthorized()
    if not role_may(current_user.role, permission):
        abort(403)
    if needs_recent_confirmation(request.endpoint) and not identity_confirmed_recently():
        return redirect(url_for("account.confirm_identity", next=request.path))
    return None
