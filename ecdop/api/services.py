"""Notifying a death through the API: once per idempotency key, and audited like the form."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import delete

from ecdop.api import queries
from ecdop.api.models import IdempotentRequest
from ecdop.api.problems import Problem
from ecdop.api.schemas import NotificationInvalid, notification_from_document
from ecdop.auth.api_tokens import record_api_token_use
from ecdop.auth.models import ApiToken
from ecdop.foundation.db import rows_changed, utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.transactions import retry_lost_race
from ecdop.notifications.services import submit_notification

# At least a day, as the issue of a key promises; a week covers a system down over a weekend.
IDEMPOTENCY_KEYS_KEPT_FOR = timedelta(days=7)


@dataclass(frozen=True)
class ApiAnswer:
    status: int
    body: dict
    headers: dict[str, str] = field(default_factory=dict)


def _canonical(document: object) -> bytes:
    """The same JSON, whatever its spacing or key order, as the same bytes."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def request_digest(document: object, notifier_id: int) -> str:
    """SHA-256 of the notifier and the canonical body. It depends on nothing that changes
    with the deployment (not ``SECRET_KEY``), so an honest retry after a key rotation or a
    restore still finds its first answer. (Guessing a digest back would take the whole body:
    name, NHS number, address, times, notifier; and whoever can read it can read the
    notification itself.)"""
    return hashlib.sha256(f"notifier:{notifier_id}\n".encode() + _canonical(document)).hexdigest()


def _digest_before_upgrade(document: object) -> str:
    """How digests were made until this version: keyed with ``SECRET_KEY``. A key stored in
    the week before the upgrade still finds its answer."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, _canonical(document), hashlib.sha256).hexdigest()


def notify_by_api(document: object, *, token: ApiToken, idempotency_key: str | None) -> ApiAnswer:
    """Store the notification and match it to a case, or give the answer this key was given.

    A second request racing the first with the same key loses on the key's unique constraint;
    ``retry_lost_race`` runs it again, and then it finds the first one's answer.
    """
    digest = request_digest(document, token.user_id)

    def unit_of_work() -> ApiAnswer:
        if idempotency_key is not None:
            earlier = queries.earlier_request(token.user_id, idempotency_key)
            if earlier is not None:
                return _replay(earlier, document, digest, token)
        try:
            details, area = notification_from_document(document, token.user)
        except NotificationInvalid as invalid:
            raise Problem(
                422, _invalid_detail(invalid), code="validation_failed", errors=invalid.errors
            ) from None
        notification, outcome = submit_notification(
            details, notifier=token.user, area=area, api_token_id=token.id
        )
        answer = ApiAnswer(
            201,
            {
                "notification_id": notification.id,
                "case_reference": outcome.case.reference,
                "match": outcome.result.value,
            },
            {"Location": url_for("api.notification", notification_id=notification.id)},
        )
        record_api_token_use(token, status=answer.status)
        if idempotency_key is not None:
            _remember(answer, token, idempotency_key, digest)
        return answer

    return retry_lost_race(unit_of_work)


def _invalid_detail(invalid: NotificationInvalid) -> str:
    if not invalid.errors:
        return "The request body must be a JSON object holding the notification's fields."
    return "The notification was not stored: correct the fields listed in 'errors'."


def _replay(
    earlier: IdempotentRequest, document: object, digest: str, token: ApiToken
) -> ApiAnswer:
    same_body = hmac.compare_digest(earlier.request_digest, digest) or hmac.compare_digest(
        earlier.request_digest, _digest_before_upgrade(document)
    )
    if not same_body:
        raise Problem(
            422,
            "This Idempotency-Key was already used for a different request body. Use a new key "
            "for a new notification, or send exactly the same body to get the first answer.",
            code="idempotency_key_reused",
        )
    record_api_token_use(token, status=earlier.status_code)
    return ApiAnswer(
        earlier.status_code,
        earlier.response_body,
        {"Location": earlier.location, "Idempotent-Replayed": "true"},
    )


def _remember(answer: ApiAnswer, token: ApiToken, key: str, digest: str) -> None:
    db.session.add(
        IdempotentRequest(
            user_id=token.user_id,
            key=key,
            request_digest=digest,
            status_code=answer.status,
            response_body=answer.body,
            location=answer.headers["Location"],
        )
    )
    db.session.flush()


def forget_old_idempotency_keys() -> int:
    """The scheduler's daily tidy-up; returns how many keys were forgotten."""
    cutoff = utc_now() - IDEMPOTENCY_KEYS_KEPT_FOR
    result = db.session.execute(
        delete(IdempotentRequest).where(IdempotentRequest.created_at < cutoff)
    )
    return rows_changed(result)
