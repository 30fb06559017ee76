"""Entry points: error pages: every failure gets a page a person can act on, never a stack trace."""

from __future__ import annotations

import logging
import sqlite3

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from psycopg import errors as psycopg_errors
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ecdop.api.problems import (
    BUSY_RETRY_AFTER_SECONDS,
    RETRY_AFTER_SECONDS,
    Problem,
    answer_http_error,
    answer_problem,
    answer_unavailable,
    answer_unexpected_error,
    is_api_request,
)
from ecdop.audit.services import keep_refusal_on_record
from ecdop.auth.permissions import Permission, declared_permission
from ecdop.foundation.extensions import db
from ecdop.foundation.transactions import roll_back_keeping_what_was_seen
from ecdop.site_pages.pages import SITE_PAGES

logger = logging.getLogger(__name__)

MESSAGES = {
    400: ("Sorry, there is a problem with that request", "Go back and try again."),
    403: (
        "You do not have access to this page",
        "If you think you should, contact your CDOP coordinator or administrator.",
    ),
    404: ("Page not found", "Check the address, or go back to your home page."),
    405: ("Sorry, that action is not available here", "Go back and try again."),
    409: ("Someone else changed this record", "Reload the page to see the latest version."),
    413: ("What you sent is too large", "Shorten it and try again."),
    429: ("Too many attempts", "Wait a minute, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
    503: (
        "Sorry, the service is unavailable",
        "Nothing you sent was saved. Try again in a minute. If it goes on, contact your CDOP "
        "coordinator or administrator.",
    ),
}
BUSY = (
    "Sorry, the service is busy",
    "Nothing you sent was saved. Try again in a few seconds.",
)


def is_busy(error: SQLAlchemyError) -> bool:
    """A write that waited its turn longer than the database allows (SQLite's busy timeout, a
    PostgreSQL lock or deadlock), not a database out of reach."""
    orig = getattr(error, "orig", None)
    if isinstance(orig, sqlite3.OperationalError):
        return "locked" in str(orig)  # "database is locked", "database table is locked"
    return isinstance(orig, BUSY_POSTGRESQL_ERRORS)


BUSY_POSTGRESQL_ERRORS = (
    psycopg_errors.LockNotAvailable,
    psycopg_errors.DeadlockDetected,
    psycopg_errors.SerializationFailure,
)


# A refused attempt on a record: forbidden, or kept from view as if it did not exist.
REFUSALS = (403, 404)


def _on_a_protected_route() -> bool:
    if request.endpoint is None or request.endpoint == "static":
        return False  # no route matched: a mistyped address or a scanner, not a record
    return declared_permission(request.endpoint) is not Permission.PUBLIC


def _audit_refusal(status: int) -> None:
    try:
        keep_refusal_on_record(status)
    except SQLAlchemyError:
        # The page still says no; the log says the trail missed it (never the request's data).
        logger.exception("Could not audit a refused request")


def _render(status: int, detail: str | None = None):
    if status >= 500:
        return _render_without_the_database(status)
    title, advice = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors.html", title=title, advice=detail or advice), status


def _render_without_the_database(status: int, *, busy: bool = False):
    """The service's own page, made straight from its template: Flask's template context
    would load the signed-in person, and so reach for a database that may be the failure."""
    _let_go_of_the_transaction()
    title, advice = BUSY if busy else MESSAGES.get(status, MESSAGES[500])
    page = current_app.jinja_env.get_template("errors_plain.html").render(
        title=title, advice=advice, site_pages=SITE_PAGES, csp_nonce=g.get("csp_nonce", "")
    )
    wait = BUSY_RETRY_AFTER_SECONDS if busy else RETRY_AFTER_SECONDS
    headers = {"Retry-After": str(wait)} if status == 503 else {}
    return page, status, headers


def _let_go_of_the_transaction() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is gone with the database: nothing to undo
        logger.warning("Could not roll back after a failure")


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        return _render(
            400,
            "Your session expired or the form was out of date. Go back, "
            "reload the page and try again.",
        )

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(error: StaleDataError):
        # Another request saved the same record first (version_id_col): the request boundary
        # keeps nothing of ours. The page is drawn after a rollback, from what is there now.
        roll_back_keeping_what_was_seen()
        return _render(409)

    @app.errorhandler(Problem)
    def api_refusal(problem: Problem):
        return answer_problem(problem)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if is_api_request():
            return answer_http_error(error)
        if error.code in REFUSALS and _on_a_protected_route():
            _audit_refusal(error.code)
        return _render(error.code or 500)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unreachable(error: SQLAlchemyError):
        busy = is_busy(error)
        # The type only: the message may name the server, and never the request's values.
        driver_error = type(getattr(error, "orig", error)).__name__
        if busy:
            logger.warning("The database was too busy to answer in time (%s)", driver_error)
        else:
            logger.error("The database is unreachable (%s)", driver_error)
        if is_api_request():
            _let_go_of_the_transaction()
            return answer_unavailable(busy=busy)
        return _render_without_the_database(503, busy=busy)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # The exception type and traceback only: never the request body, which may name a child.
        logger.exception("Unhandled error")
        if is_api_request():
            return answer_unexpected_error()
        return _render(500)
