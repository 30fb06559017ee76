"""The post-mortem and the inquest of a case: one record of each, kept by the coordinator."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ecdop.documents.choices import InquestConclusion, OrderedBy, PostMortemNeeded, PostMortemType
from ecdop.foundation.db import Base, TimestampMixin, string_enum
from ecdop.foundation.personal_data import Deidentification, not_personal, of_the_child


class PostMortem(Base, TimestampMixin):
    __tablename__ = "post_mortems"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    needed: Mapped[PostMortemNeeded] = mapped_column(string_enum(PostMortemNeeded))
    ordered_by: Mapped[OrderedBy | None] = mapped_column(string_enum(OrderedBy))
    kind: Mapped[PostMortemType | None] = mapped_column(string_enum(PostMortemType))
    performed_on: Mapped[date | None] = mapped_column(Date)
    provisional_cause_received_on: Mapped[date | None] = mapped_column(Date)
    provisional_cause: Mapped[str] = mapped_column(
        Text,
        default="",
        info=of_the_child("what the pathologist first found, for the review",
                          Deidentification.REMOVE),
    )  # fmt: skip
    final_report_received_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def awaited(self) -> bool:
        """Needed, and its final report not yet in: what the review waits for."""
        return self.needed is PostMortemNeeded.YES and self.final_report_received_on is None


class Inquest(Base, TimestampMixin):
    __tablename__ = "inquests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    coroner_area: Mapped[str] = mapped_column(
        String(160), info=not_personal("a coroner's area, such as Inner North London")
    )
    coroner_reference: Mapped[str] = mapped_column(String(80), default="")
    opened_on: Mapped[date] = mapped_column(Date)
    expected_on: Mapped[date | None] = mapped_column(Date)
    concluded_on: Mapped[date | None] = mapped_column(Date)
    conclusion: Mapped[InquestConclusion | None] = mapped_column(string_enum(InquestConclusion))
    prevention_of_future_deaths_report: Mapped[bool] = mapped_column(Boolean, default=False)
    report_sent_to: Mapped[str] = mapped_column(
        Text, default="", info=not_personal("the organisations a coroner's report went to")
    )
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def open(self) -> bool:
        return self.concluded_on is None
