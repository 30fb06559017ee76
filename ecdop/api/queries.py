"""Reading what the API remembers."""

from __future__ import annotations

from sqlalchemy import select

from ecdop.api.models import IdempotentRequest
from ecdop.foundation.extensions import db


def earlier_request(user_id: int, key: str) -> IdempotentRequest | None:
    statement = select(IdempotentRequest).where(
        IdempotentRequest.user_id == user_id, IdempotentRequest.key == key
    )
    return db.session.scalar(statement)
