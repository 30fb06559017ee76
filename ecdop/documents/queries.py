"""Reading a case's post-mortem and inquest, and the documents kept with it."""

from __future__ import annotations

from datetime import date

from flask import abort
from sqlalchemy import ColumnElement, exists, select

from ecdop.cases.models import Case
from ecdop.deadlines.hooks import CaseOwed
from ecdop.deadlines.rules import DeadlineKind
from ecdop.documents.choices import DocumentKind, PostMortemNeeded
from ecdop.documents.models import Document, DocumentExtract, Inquest, PostMortem
from ecdop.foundation.extensions import db
from ecdop.foundation.urls import app_path
from ecdop.meetings.hooks import DocumentForThePanel
from ecdop.reporting_forms.models import ReportingRequest


def post_mortem_of(case: Case) -> PostMortem | None:
    return db.session.scalar(select(PostMortem).where(PostMortem.case_id == case.id))


def inquest_of(case: Case) -> Inquest | None:
    return db.session.scalar(select(Inquest).where(Inquest.case_id == case.id))


def documents_of(case: Case) -> list[Document]:
    statement = select(Document).where(Document.case_id == case.id)
    return list(db.session.scalars(statement.order_by(Document.received_on, Document.id)))


def document_or_404(case: Case, document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None or document.case_id != case.id:
        abort(404)
    return document


def attachments_of(request: ReportingRequest) -> list[Document]:
    """What an agency sent with its reporting form."""
    statement = select(Document).where(Document.reporting_request_id == request.id)
    return list(db.session.scalars(statement.order_by(Document.id)))


def final_reports_of(case: Case) -> list[Document]:
    """The case's kept final post-mortem reports, for the post-mortem to point to."""
    statement = select(Document).where(
        Document.case_id == case.id,
        Document.kind == DocumentKind.FINAL_POST_MORTEM,
        Document.withdrawn_at.is_(None),
    )
    return list(db.session.scalars(statement.order_by(Document.received_on, Document.id)))


def deadline_owed_by_the_post_mortem(case: Case) -> list[CaseOwed]:
    """The final report, for ``deadlines.hooks.owed_by_case``: owed once a needed post-mortem
    has been performed, counted from that day, and met when the report comes. The
    coordinators answer for it: they chase the pathologist."""
    record = post_mortem_of(case)
    if record is None or record.needed is not PostMortemNeeded.YES or not record.performed_on:
        return []
    met = record.final_report_received_on is not None
    return [CaseOwed(DeadlineKind.POST_MORTEM_REPORT, record.performed_on, met)]


def facts_about_investigations(case: Case) -> dict[str, object]:
    """For the stage machine and the case list: whether the review waits for the pathologist
    or the coroner."""
    post_mortem, inquest = post_mortem_of(case), inquest_of(case)
    return {
        "post_mortem_awaited": post_mortem is not None and post_mortem.awaited,
        "inquest_open": inquest is not None and inquest.open,
    }


def facts_about_investigations_in_sql() -> dict[str, ColumnElement[bool]]:
    return {
        "post_mortem_awaited": exists().where(
            PostMortem.case_id == Case.id,
            PostMortem.needed == PostMortemNeeded.YES,
            PostMortem.final_report_received_on.is_(None),
        ),
        "inquest_open": exists().where(Inquest.case_id == Case.id, Inquest.concluded_on.is_(None)),
    }


def extract_of(document: Document) -> DocumentExtract | None:
    statement = select(DocumentExtract).where(DocumentExtract.document_id == document.id)
    return db.session.scalar(statement)


def extract_text_key(document: Document) -> str:
    return f"document:{document.id}"


def documents_for_the_panel(case: Case) -> list[DocumentForThePanel]:
    """For the panel's papers: each kept document and its confirmed extract. The pack takes
    only the extracts; a withdrawn document's extract goes with it."""
    statement = (
        select(Document, DocumentExtract.text)
        .outerjoin(DocumentExtract, DocumentExtract.document_id == Document.id)
        .where(Document.case_id == case.id, Document.withdrawn_at.is_(None))
        .order_by(Document.received_on, Document.id)
    )
    return [
        DocumentForThePanel(
            document.kind.label,
            document.received_on,
            app_path("documents.extract", case_id=case.id, document_id=document.id),
            extract_text_key(document),
            text,
        )
        for document, text in db.session.execute(statement)
    ]


def documents_with_extracts(case: Case) -> set[int]:
    statement = (
        select(DocumentExtract.document_id)
        .join(Document, Document.id == DocumentExtract.document_id)
        .where(Document.case_id == case.id)
    )
    return set(db.session.scalars(statement))


def investigations_for_the_return(case: Case) -> dict[str, dict | None]:
    """For the national return: the post-mortem's and the inquest's coded answers and dates.
    Never a document, the provisional cause's words, the coroner's reference or to whom a
    report went."""
    post_mortem, inquest = post_mortem_of(case), inquest_of(case)
    return {
        "post_mortem": None if post_mortem is None else {
            "needed": post_mortem.needed.value,
            "ordered_by": _code(post_mortem.ordered_by),
            "type": _code(post_mortem.kind),
            "performed_on": _iso(post_mortem.performed_on),
            "provisional_cause_received_on": _iso(post_mortem.provisional_cause_received_on),
            "final_report_received_on": _iso(post_mortem.final_report_received_on),
        },
        "inquest": None if inquest is None else {
            "opened_on": inquest.opened_on.isoformat(),
            "concluded_on": _iso(inquest.concluded_on),
            "conclusion": _code(inquest.conclusion),
            "prevention_of_future_deaths_report": inquest.prevention_of_future_deaths_report,
        },
    }  # fmt: skip


def _code(choice) -> str | None:
    return choice.value if choice is not None else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
