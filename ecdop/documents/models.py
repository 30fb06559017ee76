"""The post-mortem and the inquest of a case: one record of each, kept by the coordinator."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecdop.documents.choices import (
    DocumentKind,
    InquestConclusion,
    OrderedBy,
    PostMortemNeeded,
    PostMortemType,
)
from ecdop.foundation.db import Base, TimestampMixin, UTCDateTime, string_enum
from ecdop.foundation.personal_data import Deidentification, not_personal, of_the_child
from ecdop.reporting_forms.models import ReportingRequest


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
    # Kept when the case is de-identified, for the board's timeliness (see PanelAnalysis).
    days_from_death_to_final_report: Mapped[int | None] = mapped_column(Integer)
    # The kept document that is the final report, once it has been uploaded.
    final_report_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
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
    coroner_reference: Mapped[str] = mapped_column(
        String(80),
        default="",
        info=of_the_child("to ask the coroner about the inquest", Deidentification.REMOVE),
    )
    opened_on: Mapped[date] = mapped_column(Date)
    expected_on: Mapped[date | None] = mapped_column(Date)
    concluded_on: Mapped[date | None] = mapped_column(Date)
    # Kept when the case is de-identified, for the board's timeliness (see PanelAnalysis).
    days_from_death_to_conclusion: Mapped[int | None] = mapped_column(Integer)
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


class Document(Base):
    """A document kept with a case: what it is, its fingerprint and what was taken out of it.
    Its content is in ``document_chunks`` (``storage``), erased if it is withdrawn; this
    record of its existence stays."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # Set when an agency attached it to its reporting form: only coordinators see it then.
    reporting_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("reporting_requests.id"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(string_enum(DocumentKind))
    received_on: Mapped[date] = mapped_column(Date)
    format: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # What was taken out before it was kept (JavaScript, embedded files, EXIF…), in words.
    removed: Mapped[list] = mapped_column(JSON, default=list)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when its content was erased under the area's retention rule.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str] = mapped_column(
        Text,
        default="",
        info=of_the_child(
            "the coordinator's words on why it was withdrawn", Deidentification.REMOVE
        ),
    )

    reporting_request: Mapped[ReportingRequest | None] = relationship()

    @property
    def filename(self) -> str:
        """A name that carries no child's name: the case's document number, kind and day."""
        ending = "jpg" if self.format == "jpeg" else self.format
        return f"ecdop-document-{self.id}-{self.kind.value.replace('_', '-')}.{ending}"


class DocumentChunk(Base):
    """A piece of a document's content, in order: read a piece at a time, a 20 MB document is
    never held whole more than once."""

    __tablename__ = "document_chunks"
    __table_args__ = (
        UniqueConstraint("document_id", "position", name="uq_document_chunks_document_id_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(
        LargeBinary, info=of_the_child("the document itself", Deidentification.REMOVE)
    )


class DocumentExtract(Base, TimestampMixin):
    """What the coordinator wrote from a document for the panel pack, checked for the child's
    identifiers and confirmed: a document never reaches a pack itself."""

    __tablename__ = "document_extracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True)
    text: Mapped[str] = mapped_column(
        Text, info=of_the_child("an extract for the panel, its identifiers taken out",
                                Deidentification.REMOVE)
    )  # fmt: skip
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}
