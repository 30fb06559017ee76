"""What an administrator decides about the outbox: whether the mail a restore held goes."""

from __future__ import annotations

from sqlalchemy import update

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import User
from ecdop.foundation.db import rows_changed, utc_now
from ecdop.foundation.extensions import db
from ecdop.mail.models import OutboxMessage, OutboxStatus


def decide_held_mail(priorities: list[int], *, send: bool, actor: User) -> int:
    """Send (queue again) or withdraw the held messages of these kinds; how many."""
    values = (
        {"status": OutboxStatus.QUEUED, "next_attempt_at": utc_now(), "held_at": None}
        if send
        else {"status": OutboxStatus.WITHDRAWN}
    )
    changed = rows_changed(
        db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.HELD, OutboxMessage.priority.in_(priorities)
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    )
    action = AuditAction.HELD_MAIL_RELEASED if send else AuditAction.HELD_MAIL_WITHDRAWN
    record_event(action, actor_id=actor.id,
                 details={"messages": changed, "priorities": sorted(priorities)})  # fmt: skip
    return changed
