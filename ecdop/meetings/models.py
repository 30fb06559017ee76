"""Panel meetings, their agendas, the anonymised extracts of agency reports, the panel's
analysis of each death, and the actions it sets."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecdop.auth.models import Area, Organisation, User
from ecdop.cases.models import Case
from ecdop.foundation.db import Base, TimestampMixin, UTCDateTime, string_enum, utc_now
from ecdop.foundation.formatting import clock_time
from ecdop.foundation.personal_data import Deidentification, of_the_child, of_the_family
from ecdop.foundation.vocabulary import ActionStatus, CategoryOfDeath
from ecdop.meetings.choices import FamilyQuestionsAnswered, ModifiableFactors, PanelType
from ecdop.reporting_forms.models import ReportingRequest

panel_meeting_members = Table(
    "panel_meeting_members",
    Base.metadata,
    Column("meeting_id", ForeignKey("panel_meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


# The panel's own words on what was learnt: kept for good, the child's and family's
# identifiers struck out of them when the case is de-identified.
THE_LEARNING = "the panel's learning from the death, which outlives the case"


class PanelMeeting(Base, TimestampMixin):
    __tablename__ = "panel_meetings"
    __table_args__ = (Index("ix_panel_meetings_area_id_held_on", "area_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    held_on: Mapped[date] = mapped_column(Date)
    # When and where members go: a room and address, or a link to the video call.
    starts_at: Mapped[time | None] = mapped_column(Time)
    venue: Mapped[str] = mapped_column(String(300), default="")
    panel_type: Mapped[PanelType] = mapped_column(string_enum(PanelType))
    scheduled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    area: Mapped[Area] = relationship()
    members: Mapped[list[User]] = relationship(
        secondary=panel_meeting_members, order_by=(User.full_name, User.id)
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def when(self) -> str:
        """ "15 January 2027 at 10am", or the date alone for meetings made without a time."""
        day = f"{self.held_on.day} {self.held_on:%B %Y}"
        return f"{day} at {clock_time(self.starts_at)}" if self.starts_at else day

    def __repr__(self) -> str:
        return f"<PanelMeeting {self.id}>"


class AgendaItem(Base, TimestampMixin):
    """A case's place on a meeting's agenda, with the panel summary the coordinator wrote."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        UniqueConstraint("meeting_id", "case_id"),
        # A case is on one agenda at a time; deferred or removed places are kept as history.
        Index(
            "uq_agenda_items_case_id_current",
            "case_id",
            unique=True,
            sqlite_where=text("left_agenda_at IS NULL"),
            postgresql_where=text("left_agenda_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meetings.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    panel_summary: Mapped[str] = mapped_column(
        Text,
        default="",
        info=of_the_child("the case as the panel reads it, anonymised", Deidentification.REMOVE),
    )
    left_agenda_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_agenda_reason: Mapped[str] = mapped_column(
        Text, default="", info=of_the_child("why the case left the agenda", Deidentification.REMOVE)
    )
    deferred_to_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("panel_meetings.id"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    meeting: Mapped[PanelMeeting] = relationship(foreign_keys=[meeting_id])
    case: Mapped[Case] = relationship()
    deferred_to: Mapped[PanelMeeting | None] = relationship(foreign_keys=[deferred_to_meeting_id])

    __mapper_args__ = {"version_id_col": version_id}


class ReportExtract(Base, TimestampMixin):
    """An agency report with identifying details taken out, for the panel pack. Only a
    confirmed extract of the report as it now stands goes into a pack."""

    __tablename__ = "report_extracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporting_request_id: Mapped[int] = mapped_column(
        ForeignKey("reporting_requests.id"), unique=True
    )
    text: Mapped[str] = mapped_column(
        Text,
        info=of_the_child(
            "an agency's report, its identifiers taken out, for the panel", Deidentification.REMOVE
        ),
    )
    # The report's version the extract was made from: a changed report needs a new look.
    source_version: Mapped[int] = mapped_column(Integer)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    reporting_request: Mapped[ReportingRequest] = relationship()

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_current(self) -> bool:
        return self.source_version == self.reporting_request.version_id

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None and self.is_current


class WordNotIdentifying(Base):
    """A coordinator's confirmation that a word the identifier check found is not an
    identifier in one of the case's panel texts (a ward called Rose, a hospital in Lincoln):
    that text keeps the word, in the pack too."""

    __tablename__ = "words_not_identifying"
    __table_args__ = (UniqueConstraint("case_id", "text_key", "word"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    # Which text: "panel-summary", or "extract:<request id>".
    text_key: Mapped[str] = mapped_column(String(40))
    word: Mapped[str] = mapped_column(String(200))
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


def _score_range(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} BETWEEN 0 AND 2", name=f"{column}_range")


class PanelAnalysis(Base, TimestampMixin):
    """The panel's Analysis Form for a death. Reopening a closed case supersedes it, so the
    case's next review records a new one; the old one stays as history."""

    __tablename__ = "panel_analyses"
    __table_args__ = (
        Index(
            "uq_panel_analyses_case_id_current",
            "case_id",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
        _score_range("intrinsic_score"),
        _score_range("social_score"),
        _score_range("physical_score"),
        _score_range("service_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meetings.id"))
    category: Mapped[CategoryOfDeath] = mapped_column(string_enum(CategoryOfDeath))
    intrinsic_score: Mapped[int] = mapped_column(Integer)
    social_score: Mapped[int] = mapped_column(Integer)
    physical_score: Mapped[int] = mapped_column(Integer)
    service_score: Mapped[int] = mapped_column(Integer)
    # {domain key: [common factor keys]} and {domain key: "other factors in words"}
    factors: Mapped[dict] = mapped_column(JSON, default=dict)
    other_factors: Mapped[dict] = mapped_column(
        JSON, default=dict, info=of_the_child(THE_LEARNING, Deidentification.REDACT)
    )
    modifiable: Mapped[ModifiableFactors] = mapped_column(string_enum(ModifiableFactors))
    learning_points: Mapped[str] = mapped_column(
        Text, default="", info=of_the_child(THE_LEARNING, Deidentification.REDACT)
    )
    recommendations: Mapped[str] = mapped_column(
        Text, default="", info=of_the_child(THE_LEARNING, Deidentification.REDACT)
    )
    # Asked only where the family put questions to the review.
    family_questions_answered: Mapped[FamilyQuestionsAnswered | None] = mapped_column(
        string_enum(FamilyQuestionsAnswered)
    )
    family_learning: Mapped[str] = mapped_column(
        Text,
        default="",
        info=of_the_family(
            "what the review learnt from the family's questions", Deidentification.REMOVE
        ),
    )
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept when the case is de-identified and its date of death becomes a month: the board's
    # figure of days from death to closure stays as it was.
    days_from_death: Mapped[int | None] = mapped_column(Integer)
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    case: Mapped[Case] = relationship()
    meeting: Mapped[PanelMeeting] = relationship()
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])
    actions: Mapped[list[PanelAction]] = relationship(
        back_populates="analysis", order_by="PanelAction.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version_id}

    def score(self, domain_key: str) -> int:
        return getattr(self, f"{domain_key}_score")


class PanelAction(Base, TimestampMixin):
    """Something the panel asked a named agency to do, followed up until done."""

    __tablename__ = "panel_actions"
    __table_args__ = (
        Index("ix_panel_actions_status_organisation_id", "status", "organisation_id"),
        # The action tracker: open actions by due date.
        Index("ix_panel_actions_status_due_on", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("panel_analyses.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    description: Mapped[str] = mapped_column(
        Text, info=of_the_child(THE_LEARNING, Deidentification.REDACT)
    )
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[ActionStatus] = mapped_column(
        string_enum(ActionStatus), default=ActionStatus.OPEN
    )
    # What was done, or why the action was not accepted
    status_note: Mapped[str] = mapped_column(
        Text, default="", info=of_the_child(THE_LEARNING, Deidentification.REDACT)
    )
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    analysis: Mapped[PanelAnalysis] = relationship(back_populates="actions")
    case: Mapped[Case] = relationship()
    organisation: Mapped[Organisation] = relationship()
    status_changed_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version_id}
