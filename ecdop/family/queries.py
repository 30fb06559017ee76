"""Reading the family's part of a case, for those who work with the family."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import select

from ecdop.auth.models import Role, User, user_areas
from ecdop.cases.models import Case
from ecdop.deadlines.hooks import CaseOwed
from ecdop.deadlines.rules import DeadlineKind
from ecdop.family.choices import QuestionFor, SupportOffered
from ecdop.family.models import (
    ContactLogEntry,
    FamilyContact,
    FamilyLetter,
    FamilyQuestion,
    FamilyRecord,
)
from ecdop.foundation.extensions import db
from ecdop.foundation.paging import Page, paginate
from ecdop.meetings.hooks import PersonNamed, QuestionForThePanel
from ecdop.meetings.models import PanelMeeting
from ecdop.meetings.queries import current_agenda_item, current_analysis
from ecdop.review_meetings.models import ChildDeathReviewMeeting
from ecdop.review_meetings.queries import record_for

# Who may be a case's key worker: a key worker, or a coordinator who takes the role on.
KEY_WORKER_ROLES = (Role.KEY_WORKER, Role.COORDINATOR)


def family_record_of(case: Case) -> FamilyRecord | None:
    return db.session.scalar(select(FamilyRecord).where(FamilyRecord.case_id == case.id))


def is_key_worker_of(user: User, case: Case) -> bool:
    record = family_record_of(case)
    return record is not None and record.key_worker_id == user.id


def family_case_or_404(user: User, case_id: int) -> Case:
    """The case, for someone who works with its family: a coordinator of its area, or its key
    worker (who must work in its area too). 404 otherwise, so as not to confirm the case."""
    case = db.session.get(Case, case_id)
    if case is None or case.is_merged or case.area_id not in user.area_ids:
        abort(404)
    if user.role is not Role.COORDINATOR and not is_key_worker_of(user, case):
        abort(404)
    return case


def possible_key_workers(area_id: int) -> list[User]:
    """Active key workers and coordinators of the area, by name."""
    statement = (
        select(User)
        .join(user_areas, user_areas.c.user_id == User.id)
        .where(user_areas.c.area_id == area_id, User.active, User.role.in_(KEY_WORKER_ROLES))
        .order_by(User.full_name, User.id)
    )
    return list(db.session.scalars(statement))


def families_page(user: User, page: int) -> Page:
    """The live cases whose key worker is ``user``, in their areas, newest first."""
    statement = (
        select(Case)
        .join(FamilyRecord, FamilyRecord.case_id == Case.id)
        .where(
            FamilyRecord.key_worker_id == user.id,
            Case.area_id.in_(user.area_ids),
            ~Case.is_merged,
        )
        .order_by(Case.created_at.desc(), Case.id.desc())
    )
    return paginate(statement, page)


@dataclass(frozen=True)
class ReviewDates:
    """The dates of the meetings the family may ask about, as the key worker needs them."""

    cdrm_held_on: date | None
    panel_held_on: date | None


def review_dates(case: Case) -> ReviewDates:
    cdrm = record_for(ChildDeathReviewMeeting, case)
    panel_meeting_id = _panel_meeting_id(case)
    panel = db.session.get(PanelMeeting, panel_meeting_id) if panel_meeting_id else None
    return ReviewDates(cdrm.held_on if cdrm else None, panel.held_on if panel else None)


def _panel_meeting_id(case: Case) -> int | None:
    """The meeting that reviewed the case, or the one it is on the agenda of."""
    analysis = current_analysis(case)
    if analysis is not None:
        return analysis.meeting_id
    item = current_agenda_item(case)
    return item.meeting_id if item else None


def contacts_of(case: Case) -> list[FamilyContact]:
    statement = select(FamilyContact).where(FamilyContact.case_id == case.id)
    return list(db.session.scalars(statement.order_by(FamilyContact.id)))


def contact_or_404(case: Case, contact_id: int) -> FamilyContact:
    contact = db.session.get(FamilyContact, contact_id)
    if contact is None or contact.case_id != case.id:
        abort(404)
    return contact


@dataclass(frozen=True)
class LogLine:
    """An entry of the contact log, and the later entry that corrected it, if one did."""

    entry: ContactLogEntry
    corrected_by: ContactLogEntry | None


def contact_log_of(case: Case) -> list[LogLine]:
    """The whole log, newest first: a family's contacts number in tens, never thousands."""
    entries = list(db.session.scalars(
        select(ContactLogEntry)
        .where(ContactLogEntry.case_id == case.id)
        .order_by(ContactLogEntry.contacted_on.desc(), ContactLogEntry.id.desc())
    ))  # fmt: skip
    corrections = {entry.corrects_id: entry for entry in entries if entry.corrects_id}
    return [LogLine(entry, corrections.get(entry.id)) for entry in entries]


def log_entry_or_404(case: Case, entry_id: int) -> ContactLogEntry:
    entry = db.session.get(ContactLogEntry, entry_id)
    if entry is None or entry.case_id != case.id:
        abort(404)
    return entry


def standing_entries(case: Case) -> list[ContactLogEntry]:
    """The entries that stand: those no later entry corrected."""
    return [line.entry for line in contact_log_of(case) if line.corrected_by is None]


def questions_of(case: Case) -> list[FamilyQuestion]:
    statement = select(FamilyQuestion).where(FamilyQuestion.case_id == case.id)
    return list(db.session.scalars(statement.order_by(FamilyQuestion.asked_on, FamilyQuestion.id)))


def question_or_404(case: Case, question_id: int) -> FamilyQuestion:
    question = db.session.get(FamilyQuestion, question_id)
    if question is None or question.case_id != case.id:
        abort(404)
    return question


# Why the family's deadlines are let go when every parent or carer asked not to be contacted.
NOT_TO_BE_CONTACTED = "The family asked not to be contacted"
FAMILY_KINDS = (
    DeadlineKind.KEY_WORKER_CONTACT,
    DeadlineKind.FAMILY_TOLD,
    DeadlineKind.FAMILY_QUESTIONS,
    DeadlineKind.OUTCOME_SHARED,
)


def deadlines_owed_to_the_family(case: Case) -> list[CaseOwed]:
    """The family's deadlines, for ``deadlines.hooks.owed_by_case``: each once what it counts
    from has happened, answered for by the key worker (the coordinators until one is)."""
    record = family_record_of(case)
    key_worker_id = record.key_worker_id if record else None
    entries = standing_entries(case)
    let_go = NOT_TO_BE_CONTACTED if asked_not_to_be_contacted(case) else None

    def owed(kind: DeadlineKind, starts, met: bool) -> CaseOwed:
        after_closure = kind is DeadlineKind.OUTCOME_SHARED
        return CaseOwed(kind, starts, met, key_worker_id, let_go, after_closure)

    found = [owed(DeadlineKind.KEY_WORKER_CONTACT, case.created_at,
                  key_worker_id is not None and bool(entries))]  # fmt: skip
    if record is not None and record.first_key_worker_at is not None:
        told = any(e.told_about_review for e in entries) and any(e.leaflet_given for e in entries)
        found.append(owed(DeadlineKind.FAMILY_TOLD, record.first_key_worker_at, told))
    cdrm = record_for(ChildDeathReviewMeeting, case)
    asked_first = [q for q in questions_of(case) if cdrm and q.goes_to is QuestionFor.CDRM
                   and q.asked_on <= cdrm.held_on]  # fmt: skip
    if cdrm is not None and asked_first:
        answered = all(q.answer_given_on is not None for q in asked_first)
        found.append(owed(DeadlineKind.FAMILY_QUESTIONS, cdrm.held_on, answered))
    analysis = current_analysis(case)
    # Telling the outcome is the key worker's: owed once the family has had one, so that the
    # reviews signed off before ecdop kept the family's part are not all owed it at once.
    had_key_worker = record is not None and record.first_key_worker_at is not None
    if had_key_worker and analysis is not None and analysis.signed_off_at is not None:
        shared = any(e.outcome_shared for e in entries)
        found.append(owed(DeadlineKind.OUTCOME_SHARED, analysis.signed_off_at, shared))
    return found


def asked_not_to_be_contacted(case: Case) -> bool:
    """Every parent and carer recorded asked not to be contacted."""
    contacts = contacts_of(case)
    return bool(contacts) and all(contact.do_not_contact for contact in contacts)


def family_page_for(kind: DeadlineKind) -> str | None:
    """Where a key worker works on the family's deadlines: the family page."""
    return "family.family" if kind in FAMILY_KINDS else None


def letter_or_404(case: Case, letter_id: int) -> FamilyLetter:
    letter = db.session.get(FamilyLetter, letter_id)
    if letter is None or letter.case_id != case.id:
        abort(404)
    return letter


def letters_by_log_entry(case: Case) -> dict[int, FamilyLetter]:
    """The letters sent, by the contact-log entry that records each."""
    statement = select(FamilyLetter).where(FamilyLetter.case_id == case.id)
    return {letter.log_entry_id: letter for letter in db.session.scalars(statement)}


def questions_for_the_panel(case: Case) -> list[QuestionForThePanel]:
    """The family's questions, for the panel's papers (which redact them)."""
    return [QuestionForThePanel(q.question, q.answer_given_on is not None)
            for q in questions_of(case)]  # fmt: skip


def questions_for_the_cdrm(case: Case) -> list[str]:
    return [q.question for q in questions_of(case) if q.goes_to is QuestionFor.CDRM]


def people_around_the_child(case: Case) -> list[PersonNamed]:
    """The parents and carers recorded: no paper of the panel's may name them."""
    return [PersonNamed(contact.full_name, contact.address) for contact in contacts_of(case)]


def bereavement_support_offered(case: Case) -> str:
    record = family_record_of(case)
    return record.support_offered.value if record else SupportOffered.NOT_KNOWN.value
