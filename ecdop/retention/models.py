"""Each area's retention rules, and its administrator's confirmation of them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecdop.auth.models import User
from ecdop.foundation.db import Base, TimestampMixin, UTCDateTime, string_enum, utc_now
from ecdop.foundation.personal_data import Deidentification, of_the_child
from ecdop.retention.rules import (
    HoldReason,
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


class LegalHold(Base, TimestampMixin):
    """A case kept whole whatever its retention rule says, for an inquest, a criminal case, a
    complaint or a subject access request: reviewed every year, never de-identified until
    lifted. A lifted hold stays as the record of it."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[HoldReason] = mapped_column(string_enum(HoldReason))
    details: Mapped[str] = mapped_column(
        Text, default="",
        info=of_the_child("the coordinator's words on why the case is held",
                          Deidentification.REMOVE),
    )  # fmt: skip
    placed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    placed_on: Mapped[date] = mapped_column(Date)
    last_reviewed_on: Mapped[date] = mapped_column(Date)
    lifted_on: Mapped[date | None] = mapped_column(Date)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lifted_because: Mapped[str] = mapped_column(
        Text, default="",
        info=of_the_child("the coordinator's words on why the hold ended",
                          Deidentification.REMOVE),
    )  # fmt: skip
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    placed_by: Mapped[User] = relationship(foreign_keys=[placed_by_id])

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def held(self) -> bool:
        return self.lifted_on is None
