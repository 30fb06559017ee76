"""Reading the outbox: a person's recent mail."""

from __future__ import annotations

from sqlalchemy import select

from ecdop.foundation.extensions import db
from ecdop.mail.models import OutboxMessage


def recent_messages_for(user_id: int, limit: int = 20) -> list[OutboxMessage]:
    statement = (
        select(OutboxMessage)
        .where(OutboxMessage.recipient_user_id == user_id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(statement))
