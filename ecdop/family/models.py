"""What is recorded of the family's part in a case's review.

The family are living people: every column holding something of theirs declares it
(DESIGN rule 15), so that retention and subject access find it without a list of their own.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecdop.auth.models import User
from ecdop.cases.models import Case
from ecdop.family.choices import (
    AccessibleFormat,
    ContactMethod,
    LetterKind,
    QuestionFor,
    Relationship,
    SupportOffered,
    SupportTakenUp,
)
from ecdop.foundation.db import Base, TimestampMixin, UTCDateTime, string_enum
from ecdop.foundation.personal_data import Deidentification, of_a_professional, of_the_family

REMOVE, KEEP = Deidentification.REMOVE, Deidentification.KEEP


class FamilyRecord(Base, TimestampMixin):
    """One per case: the key worker now and since when (the family's deadlines count from it),
    and the bereavement support offered. Earlier key workers, and why each changed, are in
    the case's timeline."""

    __tablename__ = "family_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    key_worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    key_worker_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The family's first key worker: telling them about the review counts from it, whoever
    # takes over later.
    first_key_worker_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    support_offered: Mapped[SupportOffered] = mapped_column(
        string_enum(SupportOffered), default=SupportOffered.NOT_KNOWN
    )
    support_offered_by: Mapped[str] = mapped_column(
        String(200),
        default="",
        info=of_a_professional("who offered the family support, to follow it up", KEEP),
    )
    support_taken_up: Mapped[SupportTakenUp] = mapped_column(
        string_enum(SupportTakenUp), default=SupportTakenUp.NOT_YET_KNOWN
    )
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    case: Mapped[Case] = relationship()
    key_worker: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version_id}


class FamilyContact(Base, TimestampMixin):
    """A parent or carer of the child, and how they wish to be contacted, if at all."""

    __tablename__ = "family_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    full_name: Mapped[str] = mapped_column(
        String(120), info=of_the_family("to know whom the key worker is speaking to", REMOVE)
    )
    relationship_to_child: Mapped[Relationship] = mapped_column(
        string_enum(Relationship),
        info=of_the_family("to address them rightly, and to count families", KEEP),
    )
    phone: Mapped[str] = mapped_column(
        String(40), default="", info=of_the_family("to reach them", REMOVE)
    )
    email: Mapped[str] = mapped_column(
        String(254), default="", info=of_the_family("to reach them", REMOVE)
    )
    address: Mapped[str] = mapped_column(
        String(500), default="", info=of_the_family("to write to them", REMOVE)
    )
    preferred_method: Mapped[ContactMethod] = mapped_column(
        string_enum(ContactMethod), info=of_the_family("to reach them as they wish", KEEP)
    )
    language: Mapped[str] = mapped_column(
        String(80), default="", info=of_the_family("to speak and write in their language", REMOVE)
    )
    interpreter_needed: Mapped[bool] = mapped_column(
        Boolean, default=False, info=of_the_family("to book an interpreter", REMOVE)
    )
    accessible_formats: Mapped[list] = mapped_column(
        JSON, default=list, info=of_the_family("to write to them in a form they can read", REMOVE)
    )
    do_not_contact: Mapped[bool] = mapped_column(
        Boolean, default=False, info=of_the_family("to respect their wish", REMOVE)
    )
    do_not_contact_reason: Mapped[str] = mapped_column(
        Text, default="", info=of_the_family("to respect their wish", REMOVE)
    )
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    case: Mapped[Case] = relationship()

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def format_labels(self) -> list[str]:
        return [AccessibleFormat(value).label for value in self.accessible_formats]


class ContactLogEntry(Base):
    """One contact with the family. Kept as history: an entry is never changed, and a mistake
    is put right by a later entry that ``corrects`` it."""

    __tablename__ = "family_contact_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # Whom it was with; none: the family as a whole.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("family_contacts.id"), index=True)
    contacted_on: Mapped[date] = mapped_column(Date)
    method: Mapped[ContactMethod] = mapped_column(string_enum(ContactMethod))
    made_by: Mapped[str] = mapped_column(
        String(120), info=of_a_professional("who spoke to the family", KEEP)
    )
    summary: Mapped[str] = mapped_column(
        Text, info=of_the_family("what was said, for whoever speaks to them next", REMOVE)
    )
    told_about_review: Mapped[bool] = mapped_column(Boolean, default=False)
    leaflet_given: Mapped[bool] = mapped_column(Boolean, default=False)
    invited_to_contribute: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome_shared: Mapped[bool] = mapped_column(Boolean, default=False)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("family_contact_log.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    contact: Mapped[FamilyContact | None] = relationship()
    recorded_by: Mapped[User] = relationship()


class FamilyQuestion(Base, TimestampMixin):
    """A question the family want answered, where it goes, and the answer given back."""

    __tablename__ = "family_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("family_contacts.id"))
    asked_on: Mapped[date] = mapped_column(Date)
    question: Mapped[str] = mapped_column(
        Text, info=of_the_family("their question, for the meeting that answers it", REMOVE)
    )
    goes_to: Mapped[QuestionFor] = mapped_column(string_enum(QuestionFor))
    answerer: Mapped[str] = mapped_column(
        String(200), default="", info=of_a_professional("who will answer it", KEEP)
    )
    answer: Mapped[str] = mapped_column(
        Text, default="", info=of_the_family("the answer given to the family", REMOVE)
    )
    answer_given_on: Mapped[date | None] = mapped_column(Date)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    case: Mapped[Case] = relationship()
    asked_by: Mapped[FamilyContact | None] = relationship()

    __mapper_args__ = {"version_id_col": version_id}


class FamilyLetter(Base):
    """A letter made for a parent or carer: its wording as sent, and the PDF with its SHA-256,
    kept so that what the family were sent can be shown again, and proved unchanged."""

    __tablename__ = "family_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("family_contacts.id"), index=True)
    log_entry_id: Mapped[int] = mapped_column(ForeignKey("family_contact_log.id"), unique=True)
    kind: Mapped[LetterKind] = mapped_column(string_enum(LetterKind))
    wording: Mapped[str] = mapped_column(
        Text, info=of_the_family("the letter as the family received it", REMOVE)
    )
    pdf: Mapped[bytes] = mapped_column(
        LargeBinary, deferred=True, info=of_the_family("the letter as sent, to show again", REMOVE)
    )
    sha256: Mapped[str] = mapped_column(String(64))
    made_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)

    contact: Mapped[FamilyContact] = relationship()
    made_by: Mapped[User] = relationship()

    @property
    def filename(self) -> str:
        """Names the kind and the day; never the family."""
        return f"ecdop-letter-{self.kind.value.replace('_', '-')}-{self.made_at:%Y-%m-%d}.pdf"
