"""A notification of a child's death, stored exactly as the notifier submitted it."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecdop.auth.models import Area, Organisation, User
from ecdop.cases.models import Case
from ecdop.foundation.db import Base, UTCDateTime, string_enum, utc_now
from ecdop.foundation.personal_data import (
    Deidentification,
    of_a_professional,
    of_the_child,
    of_the_family,
)
from ecdop.foundation.vocabulary import CircumstancesType, Ethnicity, Expectation, PlaceOfDeath, Sex

THE_NOTIFIERS_WORDS = "the notifier's account of the death, for the review"


class MatchResult(enum.StrEnum):
    NEW = "new"
    LINKED = "linked"
    POSSIBLE_DUPLICATE = "possible_duplicate"


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_organisation_id_submitted_at", "organisation_id", "submitted_at"),
        Index(
            "ix_notifications_submitted_by_id_submission_digest",
            "submitted_by_id",
            "submission_digest",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # The token a system sent it with: that token, and no other, reads it back through the API.
    api_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"), index=True)
    match_result: Mapped[MatchResult | None] = mapped_column(string_enum(MatchResult))
    # A digest of what was sent, by whom and to which area: the same form sent twice in a few
    # minutes (a double click, a resubmitted page) is recognised and not notified twice.
    submission_digest: Mapped[str | None] = mapped_column(String(64))
    # Set when it was erased as sent in error (the wrong child, not a death, a test): what it
    # said is gone, and it is shown as erased.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # About the child
    given_names: Mapped[str] = mapped_column(
        String(100),
        info=of_the_child("what the notifier said of the child", Deidentification.REMOVE),
    )
    family_name: Mapped[str] = mapped_column(
        String(100),
        info=of_the_child("what the notifier said of the child", Deidentification.REMOVE),
    )
    nhs_number: Mapped[str | None] = mapped_column(
        String(10),
        info=of_the_child("what the notifier said of the child", Deidentification.REMOVE),
    )
    date_of_birth: Mapped[date] = mapped_column(
        Date,
        info=of_the_child("what the notifier said of the child", Deidentification.COARSEN),
    )
    sex: Mapped[Sex] = mapped_column(
        string_enum(Sex),
        info=of_the_child("what the notifier said of the child", Deidentification.KEEP),
    )
    ethnicity: Mapped[Ethnicity] = mapped_column(
        string_enum(Ethnicity),
        info=of_the_child("what the notifier said of the child", Deidentification.KEEP),
    )
    address: Mapped[str] = mapped_column(
        String(500),
        info=of_the_child(
            "where the child lived, as the notifier gave it",
            Deidentification.REMOVE,
        ),
    )
    postcode: Mapped[str] = mapped_column(
        String(8),
        info=of_the_child(
            "where the child lived, as the notifier gave it",
            Deidentification.COARSEN,
        ),
    )

    # About the death
    date_of_death: Mapped[date] = mapped_column(
        Date, info=of_the_child("what the notifier said of the death", Deidentification.COARSEN)
    )
    time_of_death: Mapped[time | None] = mapped_column(
        Time, info=of_the_child("what the notifier said of the death", Deidentification.REMOVE)
    )
    place_of_death: Mapped[PlaceOfDeath] = mapped_column(string_enum(PlaceOfDeath))
    place_of_death_detail: Mapped[str] = mapped_column(
        String(500), default="", info=of_the_child(THE_NOTIFIERS_WORDS, Deidentification.REMOVE)
    )
    expectation: Mapped[Expectation] = mapped_column(string_enum(Expectation))

    # Circumstances
    circumstances: Mapped[str] = mapped_column(
        Text, info=of_the_child(THE_NOTIFIERS_WORDS, Deidentification.REMOVE)
    )
    circumstances_type: Mapped[CircumstancesType] = mapped_column(
        string_enum(CircumstancesType), default=CircumstancesType.NOT_KNOWN
    )
    parental_responsibility: Mapped[str] = mapped_column(
        Text, default="", info=of_the_family(THE_NOTIFIERS_WORDS, Deidentification.REMOVE)
    )
    other_children: Mapped[str] = mapped_column(
        Text, default="", info=of_the_family(THE_NOTIFIERS_WORDS, Deidentification.REMOVE)
    )
    agencies_involved: Mapped[list[str]] = mapped_column(JSON, default=list)
    agencies_detail: Mapped[str] = mapped_column(
        Text, default="", info=of_the_child(THE_NOTIFIERS_WORDS, Deidentification.REMOVE)
    )

    # About the notifier, as given on the form (the account may change later)
    notifier_name: Mapped[str] = mapped_column(
        String(120),
        info=of_a_professional(
            "who notified the death, to ask them more",
            Deidentification.KEEP,
        ),
    )
    notifier_role: Mapped[str] = mapped_column(String(120))
    notifier_phone: Mapped[str] = mapped_column(
        String(40),
        info=of_a_professional("to reach the notifier", Deidentification.REMOVE),
    )

    submitted_by: Mapped[User] = relationship()
    organisation: Mapped[Organisation] = relationship()
    area: Mapped[Area] = relationship()
    case: Mapped[Case | None] = relationship()

    def __repr__(self) -> str:
        return f"<Notification {self.id}>"
