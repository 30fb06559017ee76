"""What the API remembers between requests: the answers given to each idempotency key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ecdop.foundation.db import Base, UTCDateTime, utc_now


class IdempotentRequest(Base):
    """A request made with an ``Idempotency-Key``, and the answer it was given.

    A notifier's system that lost the answer (a timeout, a dropped connection) sends the same
    request with the same key again and gets the same answer, instead of notifying the death
    twice. Only a keyed digest of the body is kept, never the body, which names a child.
    """

    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Keys are the caller's own: two forces may choose the same one.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(255))
    request_digest: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[dict] = mapped_column(JSON)
    location: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)

    def __repr__(self) -> str:
        return f"<IdempotentRequest {self.id}>"
