"""Each area's retention rules, and its administrator's confirmation of them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecdop.auth.models import Area, User
from ecdop.cases.models import Case
from ecdop.foundation.db import Base, TimestampMixin, UTCDateTime, string_enum, utc_now
from ecdop.foundation.personal_data import Deidentification, of_the_child
from ecdop.foundation.vocabulary import LabelledEnum
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


class ReviewState(LabelledEnum):
    LISTED = "listed", "Listed: for an administrator to put forward"
    PUT_FORWARD = "put_forward", "Put forward: waiting for a second person to approve"
    APPROVED = "approved", "Approved: being de-identified"
    DONE = "done", "Done"


class RetentionReview(Base):
    """One month's list of an area's cases whose retention has passed. An administrator puts
    it forward and a second person approves it; only then does anything go."""

    __tablename__ = "retention_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    listed_on: Mapped[date] = mapped_column(Date)
    state: Mapped[ReviewState] = mapped_column(string_enum(ReviewState), default=ReviewState.LISTED)
    put_forward_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    put_forward_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    area: Mapped[Area] = relationship()
    put_forward_by: Mapped[User | None] = relationship(foreign_keys=[put_forward_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    items: Mapped[list[RetentionReviewItem]] = relationship(
        back_populates="review", order_by="RetentionReviewItem.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version_id}


class RetentionReviewItem(Base):
    """One case's data falling due on the list: the rule that made it due, and when it went."""

    __tablename__ = "retention_review_items"
    __table_args__ = (UniqueConstraint("review_id", "case_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("retention_reviews.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[RetainedData] = mapped_column(string_enum(RetainedData))
    rule: Mapped[str] = mapped_column(String(200))  # the rule in words, as it stood when listed
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the case was not de-identified after all: put on legal hold since it was listed.
    skipped_because: Mapped[str | None] = mapped_column(String(200))

    review: Mapped[RetentionReview] = relationship(back_populates="items")
    case: Mapped[Case] = relationship()


class ErasureReason(LabelledEnum):
    WRONG_CHILD = "wrong_child", "It named the wrong child"
    NOT_A_DEATH = "not_a_death", "No child died: it was not a death"
    TEST = "test", "It was a test"


class NotificationErasure(Base):
    """A coordinator's request to erase a notification sent in error, and the second person's
    confirmation that carried it out. It stays as the record that something was erased, by
    whom and why; what was erased is gone."""

    __tablename__ = "notification_erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[ErasureReason] = mapped_column(string_enum(ErasureReason))
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def waiting(self) -> bool:
        return self.confirmed_at is None and self.cancelled_at is None
