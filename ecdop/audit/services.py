"""Writing audit events. Each is flushed in the caller's transaction, so it commits or rolls
back with the change it describes."""

from __future__ import annotations

import ipaddress

from flask import has_request_context, render_template, request
from flask_login import current_user

from ecdop.audit.models import ADDRESS_LENGTH, AuditAction, AuditEvent
from ecdop.extensions import db


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
    goes on the trail, whatever became of the request: its own work is rolled back first, and
    the refusal committed on its own. The route and path only, never the query string."""
    db.session.rollback()
    rule = request.url_rule.rule if request.url_rule is not None else None
    record_event(
        AuditAction.ACCESS_REFUSED,
        details={"status": status, "method": request.method, "route": rule,
                 "path": request.path[:300]},
    )  # fmt: skip
    db.session.commit()


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
) -> AuditEvent:
    audit_event = AuditEvent(
        action=action,
        actor_id=actor_id if actor_id is not None else _current_actor_id(),
        case_id=case_id,
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        ip_address=client_address(),
        details=details or {},
    )
    db.session.add(audit_event)
    return audit_event


def rendered_then_committed(template: str, **context) -> str:
    """Render a list page, then commit the read recorded for it. In that order: a commit
    expires every row loaded, and a page drawn after it would load each row again, one
    statement a row."""
    html = render_template(template, **context)
    db.session.commit()
    return html
