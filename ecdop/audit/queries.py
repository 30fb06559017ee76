"""Reading the audit trail."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ecdop.audit.models import AuditEvent
from ecdop.auth.models import User
from ecdop.extensions import db


def case_history(case_ids: Sequence[int]) -> list[AuditEvent]:
    """Events of a case and of the cases merged into it, oldest first."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.case_id.in_(case_ids))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
        .options(joinedload(AuditEvent.actor).joinedload(User.organisation))
    )
    return list(db.session.scalars(statement))
