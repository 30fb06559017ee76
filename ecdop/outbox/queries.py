"""What the outbox page shows: the counts of what is unsent, the failing and recent messages,
and the mail a restore held, by kind."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ecdop.foundation.extensions import db
from ecdop.mail.models import MailPriority, OutboxMessage, OutboxStatus


@dataclass(frozen=True)
class OutboxSummary:
    counts: dict[OutboxStatus, int]
    failing: list[OutboxMessage]
    recent: list[OutboxMessage]


COUNTED_STATUSES = (OutboxStatus.QUEUED, OutboxStatus.FAILING, OutboxStatus.HELD)


def outbox_summary(limit: int = 50, before: int | None = None) -> OutboxSummary:
    """The counts of what is unsent, the failing messages, and ``limit`` messages, newest
    first, older than message ``before`` if given (a page of history at constant cost)."""
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count(OutboxMessage.id))
            .where(OutboxMessage.status.in_(COUNTED_STATUSES))
            .group_by(OutboxMessage.status)
        ).all()
    )
    failing = select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILING)
    recent = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if before is not None:
        recent = recent.where(OutboxMessage.id < before)
    return OutboxSummary(
        counts={status: counts.get(status, 0) for status in COUNTED_STATUSES},
        failing=list(db.session.scalars(failing.order_by(OutboxMessage.id).limit(limit))),
        recent=list(db.session.scalars(recent)),
    )


@dataclass(frozen=True)
class HeldKind:
    priority: MailPriority
    count: int
    examples: list[OutboxMessage]

    @property
    def label(self) -> str:
        return HELD_KIND_LABELS[self.priority]


HELD_KIND_LABELS = {
    MailPriority.URGENT: "Alerts of deaths, emerging patterns and account messages",
    MailPriority.ROUTINE: "Other messages (requests, due dates, board reports, transfers)",
    MailPriority.REMINDER: "Reminders, escalations and daily summaries",
}


def held_mail(examples: int = 20) -> list[HeldKind]:
    """Messages held after a restore, by kind, with the oldest of each to show."""
    counts = dict(
        db.session.execute(
            select(OutboxMessage.priority, func.count())
            .where(OutboxMessage.status == OutboxStatus.HELD)
            .group_by(OutboxMessage.priority)
        ).all()
    )
    return [
        HeldKind(priority, counts[priority], list(db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.HELD, OutboxMessage.priority == priority)
            .order_by(OutboxMessage.id)
            .limit(examples)
        )))
        for priority in MailPriority
        if counts.get(priority)
    ]  # fmt: skip
