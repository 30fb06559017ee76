"""Deadlines on cases, and the rules that set them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecdop.auth.models import Area, User
from ecdop.cases.models import Case
from ecdop.deadlines.rules import DeadlineKind, Rule, RuleUnit
from ecdop.foundation.db import Base, TimestampMixin, UTCDateTime, string_enum
from ecdop.foundation.personal_data import Deidentification, of_the_child
from ecdop.foundation.vocabulary import LabelledEnum

CASE_LEVEL = text("reporting_request_id IS NULL AND panel_action_id IS NULL")
# The column that holds the id of the record each kind of deadline is owed by; the case's own
# kinds have none. Deadlines know the records' tables by name only.
RECORD_COLUMNS = {
    DeadlineKind.REPORTING_REQUEST: "reporting_request_id",
    DeadlineKind.PANEL_ACTION: "panel_action_id",
}


class DeadlineState(LabelledEnum):
    OPEN = "open", "Open"
    MET = "met", "Met"
    NOT_NEEDED = "not_needed", "No longer needed"


class Deadline(Base, TimestampMixin):
    """One obligation on a case with its due date, and how far its reminders have gone."""

    __tablename__ = "deadlines"
    __table_args__ = (
        # The sweep reads only open deadlines whose next reminder has come round.
        Index("ix_deadlines_state_next_reminder_on", "state", "next_reminder_on"),
        # My tasks and the overdue lists: open deadlines by due date.
        Index("ix_deadlines_state_due_on", "state", "due_on"),
        # Agency timeliness: one period's request deadlines.
        Index("ix_deadlines_kind_due_on", "kind", "due_on"),
        # One of each case-level deadline per case; agency requests and panel actions have
        # one each.
        Index(
            "uq_deadlines_case_id_kind_case_level",
            "case_id",
            "kind",
            unique=True,
            sqlite_where=CASE_LEVEL,
            postgresql_where=CASE_LEVEL,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[DeadlineKind] = mapped_column(string_enum(DeadlineKind))
    reporting_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("reporting_requests.id"), unique=True
    )
    panel_action_id: Mapped[int | None] = mapped_column(ForeignKey("panel_actions.id"), unique=True)
    # The agency that answers for a request's or an action's deadline; none for the case's own,
    # which the area's coordinators answer for.
    owed_by_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The person who answers for one of the case's own, such as the family's key worker; none
    # for the coordinators' own.
    owed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    # A coordinator changed the due date (with a reason): rules no longer recompute it.
    due_on_set_by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[DeadlineState] = mapped_column(
        string_enum(DeadlineState), default=DeadlineState.OPEN
    )
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why a deadline was let go, where that is not plain from the case (it was closed first).
    let_go_reason: Mapped[str | None] = mapped_column(
        String(300),
        info=of_the_child("the coordinator's words on letting it go", Deidentification.REMOVE),
    )
    # Every reminder step dated on or before this day has been queued (or was not due).
    reminded_through: Mapped[date] = mapped_column(Date)
    next_reminder_on: Mapped[date] = mapped_column(Date)
    # Once overdue, how often it is chased again: its area's rule, kept here for the sweep.
    chase_every_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    case: Mapped[Case] = relationship()

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_case_level(self) -> bool:
        """The coordinator's own, rather than an agency's request or action."""
        return self.reporting_request_id is None and self.panel_action_id is None

    @property
    def record_id(self) -> int | None:
        """The id of the record that owes it (a request, an action); none for the case's own."""
        column = RECORD_COLUMNS.get(self.kind)
        return getattr(self, column) if column else None

    def owed_by_record(self, record_id: int, agency_id: int) -> None:
        setattr(self, RECORD_COLUMNS[self.kind], record_id)
        self.owed_by_id = agency_id

    def __repr__(self) -> str:
        return f"<Deadline {self.id} {self.kind.value}>"


class DeadlineRule(Base, TimestampMixin):
    """An area's own timescale for one kind of deadline, replacing the default."""

    __tablename__ = "deadline_rules"
    __table_args__ = (UniqueConstraint("area_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    kind: Mapped[DeadlineKind] = mapped_column(string_enum(DeadlineKind))
    amount: Mapped[int] = mapped_column(Integer)
    unit: Mapped[RuleUnit] = mapped_column(string_enum(RuleUnit))
    chase_every_weeks: Mapped[int | None] = mapped_column(Integer)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    area: Mapped[Area] = relationship()
    changed_by: Mapped[User | None] = relationship()

    @property
    def rule(self) -> Rule:
        return Rule(self.amount, self.unit, self.chase_every_weeks)
