"""Messages waiting to go, and those gone: one row per e-mail, unique by what caused it."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ecdop.foundation.db import Base, UTCDateTime, string_enum, utc_now
from ecdop.foundation.personal_data import Deidentification, of_a_professional


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILING = "failing"
    # Waiting at backup time and restored: an administrator decides whether it goes.
    HELD = "held"
    # Held, and an administrator decided it should not go (it had gone before the restore).
    WITHDRAWN = "withdrawn"


UNSENT = (OutboxStatus.QUEUED, OutboxStatus.FAILING)


class MailPriority(enum.IntEnum):
    """Which mail goes first when there is a backlog: lower goes sooner."""

    # A new death, an emerging pattern, something about a person's own account.
    URGENT = 0
    ROUTINE = 5
    # The sweep's reminders and escalations, and the daily digests: many, and none urgent.
    REMINDER = 9


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_messages_recipient_user_id_created_at", "recipient_user_id", "created_at"),
        # The sender's queue: unsent messages, most urgent and then oldest first.
        Index(
            "ix_outbox_messages_unsent_priority_id",
            "priority",
            "id",
            sqlite_where=text("status IN ('queued', 'failing')"),
            postgresql_where=text("status IN ('queued', 'failing')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What makes a message unique (e.g. the event and the recipient): it can never go twice.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recipient_email: Mapped[str] = mapped_column(
        String(254),
        info=of_a_professional("to deliver the message", Deidentification.REMOVE),
    )
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # Where in ecdop the recipient acts on it (a path, no identifying detail).
    action_path: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[OutboxStatus] = mapped_column(
        string_enum(OutboxStatus), default=OutboxStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    priority: Mapped[int] = mapped_column(Integer, default=MailPriority.ROUTINE)
    # The sender that has taken the message for one attempt, and until when: no other sender
    # touches it meanwhile, even if that sender dies between sending and recording.
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def message_id(self) -> str:
        return message_id_header(self.id, self.dedupe_key)


def message_id_header(message_id: int, dedupe_key: str) -> str:
    """The same on every attempt, so a receiving system can drop a repeat."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:16]
    return f"<outbox-{message_id}.{digest}@ecdop>"
