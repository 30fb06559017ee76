"""Every route declares who may use it, and each role gets exactly that."""

from __future__ import annotations

import pytest

from ecdop.auth.models import Role
from ecdop.auth.permissions import (
    ROLE_PERMISSIONS,
    TOKEN_AUTHENTICATED_BLUEPRINTS,
    Permission,
    declared_permission,
)
from ecdop.demo import DEMO_ACCOUNTS
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.scheduler.heartbeat import record_heartbeat
from tests.accounts import INITIAL_PASSWORD
from tests.api_helpers import bearer, token_for
from tests.factories import user


@pytest.fixture(autouse=True)
def scheduler_beating(database):
    """So that /readyz, like every other route, answers as it does in service."""
    record_heartbeat("scheduler-host:1", utc_now())
    db.session.commit()


EMAIL_FOR_ROLE = {}
for email, role, _organisation in DEMO_ACCOUNTS:
    EMAIL_FOR_ROLE.setdefault(role, email)


def routes(app):
    """(endpoint, method, url) for every rule, with sample values for its arguments."""
    found = []
    for rule in app.url_map.iter_rules():
        values = {argument: 1 for argument in rule.arguments}
        if rule.endpoint == "static":
            values = {"filename": "js/init.js"}
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS"})[0]
        with app.test_request_context():
            url = app.url_map.bind("localhost").build(rule.endpoint, values)
        found.append((rule.endpoint, method, url))
    return found


def by_token(endpoint: str) -> bool:
    return endpoint.partition(".")[0] in TOKEN_AUTHENTICATED_BLUEPRINTS


def _refused_without_a_token(response) -> bool:
    return response.status_code == 401 and response.content_type == "application/problem+json"


def test_every_route_declares_a_permission(app):
    with app.test_request_context():
        undeclared = [e for e, _m, _u in routes(app) if declared_permission(e) is None]
    assert undeclared == [], f"Routes without a rule in the authorisation table: {undeclared}"


def test_every_role_has_an_entry_in_the_table():
    assert set(ROLE_PERMISSIONS) == set(Role)


def test_signed_out_people_reach_only_public_routes(app, browser):
    with app.test_request_context():
        expected_public = {
            e for e, _m, _u in routes(app) if declared_permission(e) is Permission.PUBLIC
        }
    for endpoint, method, url in routes(app):
        response = browser.open(url, method=method)
        if endpoint in expected_public:
            assert not _sent_to_login(response), endpoint
        elif by_token(endpoint):
            assert _refused_without_a_token(response), f"{endpoint} is open without a token"
        else:
            assert _sent_to_login(response), f"{endpoint} is open to signed-out visitors"


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_role_reaches_exactly_its_permitted_routes(app, make_browser, role):
    browser = make_browser(EMAIL_FOR_ROLE[role])
    for endpoint, method, url in routes(app):
        if endpoint == "auth.logout":
            continue  # signing out would end the walk
        with app.test_request_context():
            permission = declared_permission(endpoint)
        # A signed-in browser on a sign-in step is sent on its way, never refused.
        everyone = (Permission.PUBLIC, Permission.SIGNED_IN, Permission.SIGNING_IN)
        allowed = permission in everyone or permission in ROLE_PERMISSIONS[role]
        response = browser.open(url, method=method)
        if by_token(endpoint) and permission is not Permission.PUBLIC:
            # A session never opens the API, whatever the role.
            assert _refused_without_a_token(response), f"{endpoint} opened by a session"
        elif allowed:
            assert response.status_code != 403, f"{role.value} refused {endpoint}"
        else:
            assert response.status_code == 403, (
                f"{role.value} reached {endpoint} ({response.status_code}) without permission"
            )
        assert response.status_code < 500, f"{endpoint} failed for {role.value}"


def test_a_half_finished_sign_in_reaches_only_the_sign_in_steps(app, make_browser, demo):
    """The password is right but the second factor is still to come: nothing but public pages
    and the sign-in steps opens."""
    from tests.accounts import real_account

    real_account("pat.quinn@council.example", role=Role.COORDINATOR)
    browser = make_browser()
    response = browser.submit(
        "/login", {"email": "pat.quinn@council.example", "password": INITIAL_PASSWORD}
    )
    assert response.headers["Location"] == "/sign-in/new-password"
    with app.test_request_context():
        steps = {
            e for e, _m, _u in routes(app)
            if declared_permission(e) in (Permission.PUBLIC, Permission.SIGNING_IN)
        }  # fmt: skip
    for endpoint, method, url in routes(app):
        if endpoint in steps or by_token(endpoint):
            continue
        response = browser.open(url, method=method)
        assert _sent_to_login(response), f"{endpoint} opened before sign-in was finished"


def test_board_members_reach_reports_and_nothing_at_case_level(app, make_browser):
    """The board reads aggregated, suppressed reports only: every route a board member may
    use is the board reports' own, and none of those takes a case."""
    with app.test_request_context():
        board_routes = [
            (endpoint, url)
            for endpoint, _method, url in routes(app)
            if declared_permission(endpoint) not in (Permission.PUBLIC, Permission.SIGNED_IN)
            and ROLE_PERMISSIONS[Role.BOARD_MEMBER] >= {declared_permission(endpoint)}
        ]
    assert board_routes and all(e.startswith("board_reports.") for e, _url in board_routes)
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("board_reports."):
            assert not rule.arguments & {"case_id", "notification_id", "meeting_id"}
    board = make_browser(EMAIL_FOR_ROLE[Role.BOARD_MEMBER])
    for path in ("/cases", "/dashboard", "/patterns", "/actions", "/meetings", "/tasks"):
        assert board.get(path).status_code == 403, path


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_an_api_token_reaches_exactly_what_its_accounts_role_permits(app, browser, role):
    """A token is issued to a notifier; if the account's role changes, the token can do only
    what the new role may."""
    secret = token_for("police@demo.test")
    user("police@demo.test").role = role
    db.session.commit()
    for endpoint, method, url in routes(app):
        if not by_token(endpoint):
            continue
        with app.test_request_context():
            permission = declared_permission(endpoint)
        response = browser.open(url, method=method, headers=bearer(secret), json={})
        if permission is Permission.PUBLIC or permission in ROLE_PERMISSIONS[role]:
            assert response.status_code not in (401, 403), f"{role.value} refused {endpoint}"
        else:
            assert response.status_code == 403, f"{role.value} reached {endpoint}"
        assert response.status_code < 500, f"{endpoint} failed for {role.value}"
