"""The OpenAPI 3.1 document of the API. The notification's schema is the one requests are
checked against, so the document cannot drift from what the API accepts."""

from __future__ import annotations

from ecdop.api.problems import PROBLEM_JSON
from ecdop.api.schemas import notification_request_schema
from ecdop.api.services import IDEMPOTENCY_KEYS_KEPT_FOR
from ecdop.foundation.forms import LARGEST_ID

DESCRIPTION = """\
Notify ecdop of a child's death from a police force's or NHS trust's own system, as the
notification form on the web does: the same fields, the same checks, the same matching to a
case.

Every request carries `Authorization: Bearer <token>`. An ecdop administrator issues tokens to
notifier accounts; each expires, can be revoked, and every use is audited.

Send an `Idempotency-Key` (a UUID, say) with each notification, and send the same request with
the same key again whenever you are unsure it arrived: the death is notified once, and you get
the first answer again. Keys are remembered for {days} days.

Errors are `application/problem+json` (RFC 9457); a 422 lists a message for each field.
"""

MATCHES = ["new", "linked", "possible_duplicate"]
# The README's walkthrough sends this too: an invented child.
EXAMPLE_NOTIFICATION = {
    "given_names": "Amelia Rose",
    "family_name": "Example",
    "nhs_number": "943 476 5919",
    "date_of_birth": "2026-03-01",
    "sex": "female",
    "ethnicity": "white_british",
    "address": "1 Example Street\nExampletown",
    "postcode": "SW1A 2AA",
    "date_of_death": "2026-11-18",
    "time_of_death": "03:15",
    "place_of_death": "home",
    "expectation": "unexpected",
    "circumstances": "Found unresponsive in cot in the morning.",
    "circumstances_type": "sudden_unexpected",
    "agencies_involved": ["gp", "health_visitor"],
    "notifier_name": "DS Sam Patel",
    "notifier_role": "Detective Sergeant",
    "notifier_phone": "01632 960001",
}


def _problem(description: str, headers: dict | None = None) -> dict:
    response = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if headers:
        response["headers"] = headers
    return response


RATE_LIMITED = _problem(
    "Over this token's rate limit",
    {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "string"}}},
)
UNAUTHORISED = _problem(
    "Token missing, not recognised, expired or revoked",
    {"WWW-Authenticate": {"required": True, "schema": {"type": "string"}}},
)
SCHEMAS = {
    "Problem": {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "code": {
                "type": "string",
                "description": "validation_failed, idempotency_key_reused or "
                "idempotency_key_invalid",
            },
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["field", "detail"],
                    "properties": {"field": {"type": "string"}, "detail": {"type": "string"}},
                },
            },
        },
    },
    "NotificationAccepted": {
        "type": "object",
        "required": ["notification_id", "case_reference", "match"],
        "properties": {
            "notification_id": {"type": "integer"},
            "case_reference": {"type": "string", "examples": ["DEMO-2026-0005"]},
            "match": {
                "type": "string",
                "enum": MATCHES,
                "description": "new: a new case was opened; linked: the child already has a "
                "case, and this notification joins it; possible_duplicate: a new case was "
                "opened and a coordinator will check whether it is the same child as another",
            },
        },
    },
    "NotificationReceipt": {
        "type": "object",
        "required": [
            "notification_id", "case_reference", "match", "submitted_at", "organisation",
            "notification",
        ],
        "properties": {
            "notification_id": {"type": "integer"},
            "case_reference": {"type": ["string", "null"]},
            "match": {"type": ["string", "null"], "enum": [*MATCHES, None]},
            "submitted_at": {"type": "string", "format": "date-time"},
            "organisation": {"type": "string"},
            "notification": {"$ref": "#/components/schemas/Notification"},
        },
    },
}  # fmt: skip
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any string of 1 to 255 visible ASCII characters, unique to this "
    "notification; a UUID is a good choice",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}


def _notify_operation() -> dict:
    return {
        "operationId": "notifyDeath",
        "summary": "Notify a child's death",
        "parameters": [IDEMPOTENCY_KEY],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/Notification"},
                    "examples": {"notification": {"value": EXAMPLE_NOTIFICATION}},
                }
            },
        },
        "responses": {
            "201": {
                "description": "Stored and matched to a case (or the first answer to this "
                "Idempotency-Key, with Idempotent-Replayed: true)",
                "headers": {
                    "Location": {
                        "required": True,
                        "description": "The receipt",
                        "schema": {"type": "string"},
                    }
                },
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/NotificationAccepted"}
                    }
                },
            },
            "400": _problem("Not well-formed JSON, or an unusable Idempotency-Key"),
            "401": UNAUTHORISED,
            "403": _problem("The token's account may not notify deaths"),
            "413": _problem("Body over 64 KB"),
            "415": _problem("Body not sent as application/json"),
            "422": _problem(
                "A field is not valid (each is listed in errors), or the Idempotency-Key was "
                "used for a different body"
            ),
            "429": RATE_LIMITED,
        },
    }


def _receipt_operation() -> dict:
    return {
        "operationId": "getNotificationReceipt",
        "summary": "The receipt of a notification your organisation sent",
        "parameters": [
            {
                "name": "notification_id",
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": LARGEST_ID},
            }
        ],
        "responses": {
            "200": {
                "description": "What was stored, and the case it joined",
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/NotificationReceipt"}
                    }
                },
            },
            "401": UNAUTHORISED,
            "403": _problem("The token's account may not see notifications"),
            "404": _problem("No notification of your organisation has this number"),
            "429": RATE_LIMITED,
        },
    }


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ecdop notification API",
            "version": "1.0.0",
            "description": DESCRIPTION.format(days=IDEMPOTENCY_KEYS_KEPT_FOR.days),
        },
        "security": [{"apiToken": []}],
        "paths": {
            "/api/v1/notifications": {"post": _notify_operation()},
            "/api/v1/notifications/{notification_id}": {"get": _receipt_operation()},
        },
        "components": {
            "securitySchemes": {"apiToken": {"type": "http", "scheme": "bearer"}},
            "schemas": {**SCHEMAS, "Notification": notification_request_schema()},
        },
    }
