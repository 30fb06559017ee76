"""A parent's or carer's own records, as one PDF, for their subject access request: their
details, the contacts recorded with them, their questions and the letters sent to them. Never
another person's details, nor the agencies' reports."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from sqlalchemy import select

from ecdop.cases.models import Case
from ecdop.family.models import ContactLogEntry, FamilyContact, FamilyLetter, FamilyQuestion
from ecdop.foundation.clock import uk_today
from ecdop.foundation.extensions import db
from ecdop.foundation.pdf import render_pdf


@dataclass(frozen=True)
class SubjectAccess:
    case: Case
    contact: FamilyContact
    contacts_made: list[ContactLogEntry]
    questions: list[FamilyQuestion]
    letters: list[FamilyLetter]

    @property
    def produced_on(self):
        return uk_today()


def records_of(case: Case, contact: FamilyContact) -> SubjectAccess:
    """What is held about this one person: entries of the log made with the family as a whole
    are left out, as they may speak of others (the coordinator reviews those by hand)."""
    return SubjectAccess(
        case,
        contact,
        _of(ContactLogEntry, contact, ContactLogEntry.contact_id, ContactLogEntry.contacted_on),
        _of(FamilyQuestion, contact, FamilyQuestion.asked_by_id, FamilyQuestion.asked_on),
        _of(FamilyLetter, contact, FamilyLetter.contact_id, FamilyLetter.made_at),
    )


def _of(model, contact: FamilyContact, column, order) -> list:
    statement = select(model).where(column == contact.id, model.case_id == contact.case_id)
    return list(db.session.scalars(statement.order_by(order, model.id)))


def subject_access_pdf(records: SubjectAccess) -> bytes:
    return render_pdf(render_template("reports/subject_access.html", records=records))
