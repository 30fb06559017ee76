"""Requests for information sent to agencies, and what the agencies send back."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecdop.auth.models import Organisation, User
from ecdop.cases.models import Case
from ecdop.foundation.db import Base, TimestampMixin, UTCDateTime, string_enum
from ecdop.foundation.personal_data import Deidentification, of_the_child
from ecdop.foundation.vocabulary import LabelledEnum
from ecdop.reporting_forms.definitions import definition_for


class RequestStatus(LabelledEnum):
    REQUESTED = "requested", "Not started"
    DRAFT = "draft", "Draft saved"
    RETURNED = "returned", "Returned with a question"
    SUBMITTED = "submitted", "Submitted"
    EXCUSED = "excused", "Will not come"

    @property
    def tag_colour(self) -> str:
        return STATUS_TAG_COLOURS[self]


STATUS_TAG_COLOURS = {
    RequestStatus.REQUESTED: "grey",
    RequestStatus.DRAFT: "blue",
    RequestStatus.RETURNED: "orange",
    RequestStatus.SUBMITTED: "green",
    RequestStatus.EXCUSED: "purple",
}


# The agency can still work on these; the others are final for them.
OPEN_STATUSES = (RequestStatus.REQUESTED, RequestStatus.DRAFT, RequestStatus.RETURNED)


class ReportingRequest(Base, TimestampMixin):
    """One form type asked of one agency for one case."""

    __tablename__ = "reporting_requests"
    __table_args__ = (
        UniqueConstraint("case_id", "organisation_id", "form_type"),
        # An agency's list: what is still to do, by due date.
        Index(
            "ix_reporting_requests_organisation_id_status_due_on",
            "organisation_id",
            "status",
            "due_on",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    # The key of a definition in reporting_forms/definitions/
    form_type: Mapped[str] = mapped_column(String(40))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[RequestStatus] = mapped_column(
        string_enum(RequestStatus), default=RequestStatus.REQUESTED
    )
    # Answers by question key; the keys of questions answered "Not known" are listed apart.
    answers: Mapped[dict] = mapped_column(
        JSON,
        default=dict,
        info=of_the_child(
            "what the agency knew of the child and the family", Deidentification.REMOVE
        ),
    )
    not_known: Mapped[list] = mapped_column(JSON, default=list)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The coordinator's latest question when they returned the form
    return_question: Mapped[str] = mapped_column(
        Text,
        default="",
        info=of_the_child("the coordinator's question to the agency", Deidentification.REMOVE),
    )
    # Why the coordinator no longer expects the form
    excused_reason: Mapped[str] = mapped_column(
        Text, default="", info=of_the_child("why the agency was excused", Deidentification.REMOVE)
    )
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    case: Mapped[Case] = relationship()
    organisation: Mapped[Organisation] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def form_title(self) -> str:
        """The form's name, as agencies and coordinators know it ("Reporting Form")."""
        return definition_for(self.form_type).title

    def __repr__(self) -> str:
        return f"<ReportingRequest {self.id} {self.form_type}>"
