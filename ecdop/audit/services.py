"""Writing audit events. Each is written in the caller's transaction, so it commits or rolls
back with the change it describes; what someone read or was refused, and each use of an API
token, is kept even when the request's own work is rolled back."""

from __future__ import annotations

import ipaddress

from flask import has_request_context, request
from flask_login import current_user

from ecdop.audit.models import ADDRESS_LENGTH, READ_ACTIONS, AuditAction, AuditEvent, EventReason
from ecdop.foundation.extensions import db
from ecdop.foundation.transactions import keep_whatever_happens, roll_back_keeping_what_was_seen

# On the trail whatever becomes of the request (a form refused, a page refused, a failure).
KEPT_WHATEVER_HAPPENS = frozenset(
    {*READ_ACTIONS, AuditAction.ACCESS_REFUSED, AuditAction.API_TOKEN_USED,
     AuditAction.API_TOKEN_REFUSED}
)  # fmt: skip


def client_address() -> str | None:
    """The client's address as the trusted proxies report it. Anything that is not an address
    (a forged or garbled X-Forwarded-For) is kept cut down to the column, never refused."""
    if not has_request_context() or not request.remote_addr:
        return None
    try:
        return str(ipaddress.ip_address(request.remote_addr))
    except ValueError:
        return request.remote_addr[:ADDRESS_LENGTH]


def _current_actor_id() -> int | None:
    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None


def keep_refusal_on_record(status: int) -> None:
    """A refused attempt on a protected route (403, or 404 for a record kept from the person)
    goes on the trail, whatever became of the request (whose own work is undone first). The
    route and path only, never the query string."""
    roll_back_keeping_what_was_seen()
    rule = request.url_rule.rule if request.url_rule is not None else None
    record_event(
        AuditAction.ACCESS_REFUSED,
        details={"status": status, "method": request.method, "route": rule,
                 "path": request.path[:300]},
    )  # fmt: skip


def record_case_reads(
    action: AuditAction, case_ids, *, subject=None, details: dict | None = None
) -> None:
    """One read for each case a page showed, so that each case's own trail names who saw it;
    one event without a case when the page showed none."""
    case_ids = list(case_ids)
    for case_id in case_ids:
        record_event(action, case_id=case_id, subject=subject, details=details)
    if not case_ids:
        record_event(action, subject=subject, details=details)


def record_event(
    action: AuditAction,
    *,
    case_id: int | None = None,
    subject=None,
    actor_id: int | None = None,
    details: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Record what happened. A ``reason`` (someone's own words) is kept beside the event, never
    inside it: the sealed event must hold nothing that de-identification takes away."""
    values = dict(
        action=action,
        actor_id=actor_id if actor_id is not None else _current_actor_id(),
        case_id=case_id,
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        ip_address=client_address(),
        details=details or {},
    )
    if action in KEPT_WHATEVER_HAPPENS:
        return keep_whatever_happens(lambda: _added(AuditEvent(**values)))
    event = _added(AuditEvent(**values))
    if reason.strip():
        db.session.add(EventReason(event=event, case_id=case_id, text=reason.strip()))
    return event


def _added(audit_event: AuditEvent) -> AuditEvent:
    db.session.add(audit_event)
    return audit_event
