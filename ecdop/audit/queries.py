"""Reading the audit trail."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ecdop.audit.models import NOT_A_READ, AuditEvent
from ecdop.auth.models import User
from ecdop.extensions import db


def case_history(case_ids: Sequence[int]) -> list[AuditEvent]:
    """What happened to a case and to the cases merged into it, oldest first: its reads are
    left out, in the database (an index holds only the rest), so the history costs the same
    however often the case has been read."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.case_id.in_(case_ids), NOT_A_READ)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
        .options(joinedload(AuditEvent.actor).joinedload(User.organisation))
    )
    return list(db.session.scalars(statement))
