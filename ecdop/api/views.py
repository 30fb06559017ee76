"""The API's addresses. Thin, like every view: read the request, call a service, answer."""

from __future__ import annotations

import json
import re

from flask import Blueprint, Response, abort, current_app, g, request

from ecdop.api.openapi import openapi_document
from ecdop.api.problems import Problem
from ecdop.api.schemas import receipt_document
from ecdop.api.services import ApiAnswer, notify_by_api
from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.api_tokens import record_api_token_use
from ecdop.auth.permissions import Permission, requires
from ecdop.foundation.extensions import csrf, limiter
from ecdop.notifications.queries import notification_sent_with_token_or_404

api_blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
# Callers prove who they are with a token on every request: no cookie, so no CSRF to guard.
csrf.exempt(api_blueprint)

MAX_REQUEST_BYTES = 64 * 1024
# Visible ASCII, as HTTP headers carry it reliably; a UUID fits comfortably.
IDEMPOTENCY_KEY_SHAPE = re.compile(r"^[\x21-\x7e]{1,255}$")


def _rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _rate_limit_key() -> str:
    # Runs after authentication: each token has its own allowance.
    token = g.get("api_token")
    return f"api-token:{token.id}" if token is not None else f"api-address:{request.remote_addr}"


limiter.limit(_rate_limit, key_func=_rate_limit_key)(api_blueprint)


@api_blueprint.before_request
def _limit_request_size() -> None:
    request.max_content_length = MAX_REQUEST_BYTES


def _json_answer(status: int, body: dict, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers, mimetype="application/json")


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _notification_document() -> object:
    if request.mimetype != "application/json":
        abort(415)
    try:
        document = json.loads(request.get_data(cache=False), parse_constant=_refuse_constant)
        # Unpaired surrogates parse, but are not text and cannot be stored.
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeError, RecursionError):
        raise Problem(400, "The request body is not well-formed JSON.") from None
    return document


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY_SHAPE.match(key):
        raise Problem(
            400,
            "Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID.",
            code="idempotency_key_invalid",
        )
    return key


@api_blueprint.route("/notifications", methods=["POST"])
@requires(Permission.NOTIFY_DEATH)
def notify():
    key = _idempotency_key()
    answer: ApiAnswer = notify_by_api(
        _notification_document(), token=g.api_token, idempotency_key=key
    )
    return _json_answer(answer.status, answer.body, answer.headers)


@api_blueprint.route("/notifications/<int:notification_id>")
@requires(Permission.VIEW_OWN_NOTIFICATIONS)
def notification(notification_id: int):
    stored = notification_sent_with_token_or_404(g.api_token.id, notification_id)
    receipt = receipt_document(stored)
    record_event(AuditAction.NOTIFICATION_VIEWED, case_id=stored.case_id, subject=stored)
    record_api_token_use(g.api_token, status=200)
    return _json_answer(200, receipt)


@api_blueprint.route("/openapi.json")
@requires(Permission.PUBLIC)
@limiter.exempt
def openapi():
    return _json_answer(200, openapi_document())
