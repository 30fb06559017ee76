"""Each area's retention rules, and its administrator's confirmation of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecdop.auth.models import User
from ecdop.foundation.db import Base, TimestampMixin, UTCDateTime, string_enum, utc_now
from ecdop.retention.rules import (
    RetainedData,
    RetentionOutcome,
    RetentionRule,
    RetentionTrigger,
)


class AreaRetentionRule(Base, TimestampMixin):
    """An area's own rule for one kind of data, replacing the default."""

    __tablename__ = "retention_rules"
    __table_args__ = (UniqueConstraint("area_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    kind: Mapped[RetainedData] = mapped_column(string_enum(RetainedData))
    years: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[RetentionTrigger] = mapped_column(string_enum(RetentionTrigger))
    outcome: Mapped[RetentionOutcome] = mapped_column(string_enum(RetentionOutcome))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    changed_by: Mapped[User] = relationship()

    @property
    def rule(self) -> RetentionRule:
        return RetentionRule(self.years, self.trigger, self.outcome)


class RetentionConfirmation(Base):
    """An administrator read the area's rules, as they stand, and confirmed them: nothing of
    the area's is purged until then, and a changed rule needs confirming again."""

    __tablename__ = "retention_confirmations"

    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), primary_key=True)
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    confirmed_by: Mapped[User] = relationship()
