"""The Joint Agency Response and the Child Death Review Meeting: one record of each per case."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from ecdop.foundation.db import Base, TimestampMixin, table_of
from ecdop.foundation.personal_data import Deidentification, of_a_professional, of_the_child


class ReviewMeetingRecord(TimestampMixin):
    """What the two records share: who attended, what was found, what was decided."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    # [{"role": ..., "organisation": ...}, ...]: roles, not names, so the record stays
    # about what professionals did rather than who they are.
    attendees: Mapped[list] = mapped_column(
        JSON,
        default=list,
        info=of_a_professional("who took part in the meeting", Deidentification.REMOVE),
    )
    summary: Mapped[str] = mapped_column(
        Text,
        default="",
        info=of_the_child(
            "what the meeting learnt of the child and the death", Deidentification.REMOVE
        ),
    )
    decisions: Mapped[str] = mapped_column(
        Text, default="", info=of_the_child("what the meeting decided", Deidentification.REMOVE)
    )
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805 - a declared_attr receives the class
        # Two coordinators editing the same record: the second save is refused, not lost.
        return {"version_id_col": table_of(cls).c.version_id}


class JointAgencyResponse(ReviewMeetingRecord, Base):
    __tablename__ = "joint_agency_responses"

    started_on: Mapped[date] = mapped_column(Date)
    joint_home_visit: Mapped[bool] = mapped_column(Boolean)
    home_visit_on: Mapped[date | None] = mapped_column(Date)
    information_sharing_meeting_on: Mapped[date | None] = mapped_column(Date)


class ChildDeathReviewMeeting(ReviewMeetingRecord, Base):
    __tablename__ = "child_death_review_meetings"

    held_on: Mapped[date] = mapped_column(Date)
