"""Recording the post-mortem and the inquest of a case, and keeping its documents. Services
flush; the request commits."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import BinaryIO

from sqlalchemy import select

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import User
from ecdop.cases.dates import CaseDay, day_problem, refuse_days_that_cannot_be
from ecdop.cases.models import Case
from ecdop.cases.states import INVESTIGATIONS, refuse_if_closed
from ecdop.deadlines.services import refresh_deadlines
from ecdop.documents.choices import (
    AGENCY_KINDS,
    DocumentKind,
    InquestConclusion,
    OrderedBy,
    PostMortemNeeded,
    PostMortemType,
)
from ecdop.documents.content import DocumentRefused, check_upload
from ecdop.documents.models import Document, DocumentExtract, Inquest, PostMortem
from ecdop.documents.queries import extract_of, extract_text_key, post_mortem_of
from ecdop.documents.storage import document_store
from ecdop.foundation.clock import uk_today
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.forms import strip
from ecdop.foundation.refusals import ChangeRefused, check_version
from ecdop.meetings.papers import check_panel_text
from ecdop.reporting_forms.models import OPEN_STATUSES, ReportingRequest


@dataclass(frozen=True)
class PostMortemDetails:
    needed: PostMortemNeeded
    ordered_by: OrderedBy | None = None
    kind: PostMortemType | None = None
    performed_on: date | None = None
    provisional_cause_received_on: date | None = None
    provisional_cause: str = ""
    final_report_received_on: date | None = None
    final_report_document_id: int | None = None


@dataclass(frozen=True)
class InquestDetails:
    coroner_area: str
    opened_on: date
    coroner_reference: str = ""
    expected_on: date | None = None
    concluded_on: date | None = None
    conclusion: InquestConclusion | None = None
    prevention_of_future_deaths_report: bool = False
    report_sent_to: str = ""


def save_post_mortem(
    case: Case, details: PostMortemDetails, *, actor: User, expected_version: int | None
) -> PostMortem:
    """Whether a post-mortem is needed and, if so, how far it has got. Its details are kept
    only while one is needed."""
    INVESTIGATIONS.refuse_unless_open(case, "needed")
    if details.needed is not PostMortemNeeded.YES:
        details = PostMortemDetails(details.needed)
    elif details.ordered_by is None:
        raise ChangeRefused("Choose who ordered the post-mortem", "ordered_by")
    if details.final_report_document_id is not None:
        # Before the dates are checked: the day it came may be the document's.
        details = _with_final_report(case, details)
    refuse_days_that_cannot_be(case, {
        "performed_on": CaseDay("The date it was performed", details.performed_on),
        "provisional_cause_received_on": CaseDay("The date the provisional cause came",
                                                 details.provisional_cause_received_on,
                                                 "performed_on"),
        "final_report_received_on": CaseDay("The date the final report came",
                                            details.final_report_received_on, "performed_on"),
    })  # fmt: skip
    if details.provisional_cause.strip() and details.provisional_cause_received_on is None:
        raise ChangeRefused("Enter the date the provisional cause came",
                            "provisional_cause_received_on")  # fmt: skip
    record = _record(PostMortem, case, expected_version, "needed")
    _fill(record, details, actor)
    refresh_deadlines(case)
    record_event(AuditAction.POST_MORTEM_RECORDED, actor_id=actor.id, case_id=case.id,
                 subject=record, details={"summary": _post_mortem_summary(record)})  # fmt: skip
    return record


def save_inquest(
    case: Case, details: InquestDetails, *, actor: User, expected_version: int | None
) -> Inquest:
    """The coroner's inquest: opened, expected, concluded with its conclusion, and any
    Prevention of Future Deaths report."""
    INVESTIGATIONS.refuse_unless_open(case, "coroner_area")
    if not details.coroner_area.strip():
        raise ChangeRefused("Enter the coroner's area", "coroner_area")
    refuse_days_that_cannot_be(case, {
        "opened_on": CaseDay("The date the inquest opened", details.opened_on),
        "expected_on": CaseDay("The date it is expected", details.expected_on, "opened_on",
                               may_be_ahead=True),
        "concluded_on": CaseDay("The date it concluded", details.concluded_on, "opened_on"),
    })  # fmt: skip
    if details.concluded_on is not None and details.conclusion is None:
        raise ChangeRefused("Choose the inquest's conclusion", "conclusion")
    if details.conclusion is not None and details.concluded_on is None:
        raise ChangeRefused("Enter the date the inquest concluded", "concluded_on")
    if details.prevention_of_future_deaths_report and not details.report_sent_to.strip():
        raise ChangeRefused("Enter to whom the report went", "report_sent_to")
    record = _record(Inquest, case, expected_version, "coroner_area")
    _fill(record, details, actor)
    record_event(AuditAction.INQUEST_RECORDED, actor_id=actor.id, case_id=case.id,
                 subject=record, details={"summary": _inquest_summary(record)})  # fmt: skip
    return record


def _with_final_report(case: Case, details: PostMortemDetails) -> PostMortemDetails:
    """The final report's document must be one kept with this case; the day it came is the
    document's unless another was entered."""
    document = db.session.get(Document, details.final_report_document_id)
    if (
        document is None
        or document.case_id != case.id
        or document.kind is not DocumentKind.FINAL_POST_MORTEM
        or document.withdrawn_at is not None
    ):
        raise ChangeRefused("Choose one of the final reports kept with the case",
                            "final_report_document_id")  # fmt: skip
    return replace(
        details, final_report_received_on=details.final_report_received_on or document.received_on
    )


def _record(model, case: Case, expected_version: int | None, field: str):
    record = db.session.scalar(select(model).where(model.case_id == case.id))
    if record is None:
        record = model(case_id=case.id)
        db.session.add(record)
    else:
        check_version(record, expected_version, field)
    return record


def _fill(record, details, actor: User) -> None:
    for field in fields(details):
        setattr(record, field.name, strip(getattr(details, field.name)))
    record.recorded_by_id = actor.id
    db.session.flush()


def _post_mortem_summary(record: PostMortem) -> str:
    if record.needed is not PostMortemNeeded.YES:
        return f"needed: {record.needed.label.lower()}"
    if record.final_report_received_on:
        return "final report received"
    return "needed, final report awaited"


def _inquest_summary(record: Inquest) -> str:
    if record.conclusion is not None:
        return f"concluded ({record.conclusion.label.lower()})"
    return "opened"


def upload_document(
    case: Case,
    kind: DocumentKind,
    received_on: date,
    content: bytes | BinaryIO,
    filename: str,
    *,
    actor: User,
    largest: int,
) -> Document:
    """Keep a document with the case once it has passed every check, with its active content
    taken out; what was taken out is recorded with it. A final post-mortem report becomes the
    post-mortem's, and meets its deadline."""
    INVESTIGATIONS.refuse_unless_open(case, "file")
    if problem := day_problem(case, "The date it came", received_on):
        raise ChangeRefused(problem, "received_on")
    document = _keep(case, kind, received_on, content, filename, actor=actor, largest=largest)
    if kind is DocumentKind.FINAL_POST_MORTEM:
        _take_as_final_report(case, document, actor)
    return document


def attach_to_report(
    request: ReportingRequest,
    kind: DocumentKind,
    content: bytes | BinaryIO,
    filename: str,
    *,
    actor: User,
    largest: int,
) -> Document:
    """An agency's document (its chronology, say) sent with its reporting form: kept with the
    case for the coordinators, never shown to another agency."""
    if request.status not in OPEN_STATUSES:
        raise ChangeRefused("This form has been submitted: ask the coordinator to return it "
                            "if you need to send another document", "file")  # fmt: skip
    INVESTIGATIONS.refuse_unless_open(request.case, "file")
    if kind not in AGENCY_KINDS:
        raise ChangeRefused("Choose what the document is", "kind")
    document = _keep(request.case, kind, uk_today(), content, filename, actor=actor,
                     largest=largest)  # fmt: skip
    document.reporting_request_id = request.id
    db.session.flush()
    return document


def _keep(
    case: Case,
    kind: DocumentKind,
    received_on: date,
    content: bytes | BinaryIO,
    filename: str,
    *,
    actor: User,
    largest: int,
) -> Document:
    if not filename:  # a browser always names the file chosen
        raise ChangeRefused("Select the document to keep", "file")
    try:
        checked = check_upload(content, filename, largest=largest)
    except DocumentRefused as refused:
        raise ChangeRefused(str(refused), "file") from None
    document = Document(
        case_id=case.id, kind=kind, received_on=received_on, format=checked.format.value,
        size=checked.size, sha256=checked.sha256, removed=list(checked.removed),
        uploaded_by_id=actor.id, uploaded_at=utc_now(),
    )  # fmt: skip
    db.session.add(document)
    db.session.flush()
    with checked.file:
        document_store().keep(document, checked.file)
    details = {"document": document.id, "kind": kind.label, "removed": list(checked.removed)}
    record_event(AuditAction.DOCUMENT_UPLOADED, actor_id=actor.id, case_id=case.id,
                 subject=document, details=details)  # fmt: skip
    return document


def _take_as_final_report(case: Case, document: Document, actor: User) -> None:
    """The post-mortem's final report has come: linked to the post-mortem that waits for it,
    whose date received is the document's unless one was already recorded."""
    record = post_mortem_of(case)
    if record is None or record.needed is not PostMortemNeeded.YES:
        return
    if record.final_report_document_id is not None:
        return
    record.final_report_document_id = document.id
    if record.final_report_received_on is None:
        record.final_report_received_on = document.received_on
    record.recorded_by_id = actor.id
    db.session.flush()
    refresh_deadlines(case)
    record_event(AuditAction.POST_MORTEM_RECORDED, actor_id=actor.id, case_id=case.id,
                 subject=record, details={"summary": _post_mortem_summary(record)})  # fmt: skip


def withdraw_document(document: Document, case: Case, *, reason: str, actor: User) -> None:
    """Take a document back (sent to the wrong case, say): its content is erased, the record
    that it existed stays, and the timeline says why."""
    if document.withdrawn_at is not None:
        raise ChangeRefused("This document has already been withdrawn", "reason")
    if not reason.strip():
        raise ChangeRefused("Give the reason for withdrawing the document", "reason")
    document_store().erase(document)
    _unlink_final_report(case, document)
    document.withdrawn_at, document.withdrawn_reason = utc_now(), reason.strip()
    db.session.flush()
    record_event(AuditAction.DOCUMENT_WITHDRAWN, actor_id=actor.id, case_id=case.id,
                 subject=document, details={"kind": document.kind.label},
                 reason=document.withdrawn_reason)  # fmt: skip


def _unlink_final_report(case: Case, document: Document) -> None:
    # The date the report came stays: the coordinator corrects it if it was wrong too.
    record = post_mortem_of(case)
    if record is not None and record.final_report_document_id == document.id:
        record.final_report_document_id = None


def confirm_document_extract(
    document: Document,
    case: Case,
    text: str,
    *,
    actor: User,
    expected_version: int | None,
    not_identifiers: Collection[str] = (),
) -> DocumentExtract:
    """The coordinator's extract of a document for the panel pack, checked for the child's
    identifiers like every extract of an agency's report, and confirmed."""
    refuse_if_closed(case, "text")
    if document.withdrawn_at is not None:
        raise ChangeRefused("This document has been withdrawn: it has nothing for the panel",
                            "text")  # fmt: skip
    extract = extract_of(document)
    if extract is not None:
        check_version(extract, expected_version, "text")
    if not text.strip():
        raise ChangeRefused("Enter the extract", "text")
    check_panel_text(text, case, text_key=extract_text_key(document), field="text",
                     what="extract", not_identifiers=not_identifiers, actor=actor)  # fmt: skip
    if extract is None:
        extract = DocumentExtract(document_id=document.id)
        db.session.add(extract)
    extract.text, extract.confirmed_at, extract.confirmed_by_id = text.strip(), utc_now(), actor.id
    db.session.flush()
    record_event(AuditAction.DOCUMENT_EXTRACT_CONFIRMED, actor_id=actor.id, case_id=case.id,
                 subject=extract, details={"kind": document.kind.label})  # fmt: skip
    return extract
