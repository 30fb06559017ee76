"""Errors as ``application/problem+json`` (RFC 9457), so a notifier's system can act on them."""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Response, g, json, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ecdop.api import API_PREFIX
from ecdop.auth.api_tokens import record_api_token_use
from ecdop.foundation.transactions import roll_back_keeping_what_was_seen

logger = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"

# What a developer reading the answer should do about each failure.
ADVICE = {
    400: "The request could not be read. Check it is well-formed.",
    401: "Send a valid API token in an 'Authorization: Bearer' header.",
    403: "The account this API token belongs to may not do this.",
    404: "There is nothing here that this API token may see.",
    405: "This address does not accept that method.",
    413: "The request is too large.",
    415: "Send the request body as JSON, with 'Content-Type: application/json'.",
    429: "This API token has made too many requests. Wait, then try again.",
    500: "Something went wrong in ecdop. Nothing was stored. Try again later.",
    503: "ecdop cannot reach its database. Nothing was stored. Try again in a minute.",
}


class Problem(Exception):
    """A refusal the API explains: raised by its views, answered as problem+json."""

    def __init__(
        self, status: int, detail: str, *, code: str | None = None, errors: dict | None = None
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code
        self.errors = errors or {}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    code: str | None = None,
    errors: dict[str, list[str]] | None = None,
    headers: dict | None = None,
) -> Response:
    body: dict = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or ADVICE.get(status, ADVICE[500]),
    }
    if code:
        body["code"] = code
    if errors is not None:
        body["errors"] = [
            {"field": field, "detail": message}
            for field, messages in errors.items()
            for message in messages
        ]
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    response.headers.extend(headers or {})
    return response


def answer_problem(problem: Problem) -> Response:
    return _answer(problem.status, problem.detail, code=problem.code, errors=problem.errors or None)


def answer_http_error(error: HTTPException) -> Response:
    status = error.code or 500
    # Keep what the exception says the client needs (Allow on 405, Retry-After on 429).
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="ecdop"'
        return _answer(status, g.get("api_token_refusal"), headers=headers)
    return _answer(status, None, headers=headers)


def answer_unexpected_error() -> Response:
    return _answer(500, None)


def answer_unavailable(*, busy: bool = False) -> Response:
    """The database is out of reach, or too busy to take this in time: the answer is made
    without it (nothing to audit with)."""
    if busy:
        return problem_response(503, BUSY_ADVICE, code="busy",
                                headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)})  # fmt: skip
    return problem_response(503, None, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


RETRY_AFTER_SECONDS = 60
# A write that waited its turn too long: another attempt soon will most likely get through.
BUSY_RETRY_AFTER_SECONDS = 5
BUSY_ADVICE = "ecdop is busy. Nothing was stored. Try again in a few seconds."


def _answer(status: int, detail: str | None, **options) -> Response:
    """The refusal, with the token's use put on the audit trail: the request boundary keeps
    that, and nothing else of the request."""
    roll_back_keeping_what_was_seen()
    token = g.get("api_token") or g.get("refused_api_token")
    if token is not None:
        try:
            record_api_token_use(token, status=status, refusal=g.get("api_token_refusal"))
        except SQLAlchemyError:
            logger.exception("Could not audit an API token's refused request")
    return problem_response(status, detail, **options)
