"""Error pages: every failure gets a page a person can act on, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ecdop.api.problems import (
    Problem,
    answer_http_error,
    answer_problem,
    answer_unexpected_error,
    is_api_request,
)
from ecdop.audit.services import keep_refusal_on_record
from ecdop.auth.permissions import Permission, declared_permission
from ecdop.extensions import db

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
}


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
        db.session.rollback()
        logger.exception("Could not audit a refused request")


def _render(status: int, detail: str | None = None):
    title, advice = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors.html", title=title, advice=detail or advice), status


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
        # Another request saved the same record first (version_id_col); nothing of ours is kept.
        db.session.rollback()
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

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # The exception type and traceback only: never the request body, which may name a child.
        logger.exception("Unhandled error")
        if is_api_request():
            return answer_unexpected_error()
        return _render(500)
