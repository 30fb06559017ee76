"""Changes to the family's part of a case. Services flush; the request commits.

Nothing of the family's own (a name, a number, what they said) goes into the audit trail's
details: the trail names what was done, and the record it was done to."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import User
from ecdop.cases.dates import day_problem
from ecdop.cases.models import Case
from ecdop.cases.states import FAMILY_WORK
from ecdop.deadlines.services import refresh_deadlines
from ecdop.family.choices import (
    ContactMethod,
    LetterKind,
    QuestionFor,
    Relationship,
    SupportOffered,
    SupportTakenUp,
)
from ecdop.family.letters import TO_BE_WRITTEN, letter_of, letter_pdf
from ecdop.family.models import (
    ContactLogEntry,
    FamilyContact,
    FamilyLetter,
    FamilyQuestion,
    FamilyRecord,
)
from ecdop.family.queries import KEY_WORKER_ROLES, family_record_of
from ecdop.foundation.clock import uk_today
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.forms import strip
from ecdop.foundation.refusals import ChangeRefused, ProblemsAtFields, check_version


def assign_key_worker(
    case: Case, key_worker: User, *, reason: str, actor: User, expected_version: int | None
) -> FamilyRecord:
    """Make ``key_worker`` the family's key worker. A change of key worker needs its reason:
    the family meets a new person, and the timeline says why."""
    FAMILY_WORK.refuse_unless_open(case, "key_worker_id")
    _refuse_unless_may_be_key_worker(case, key_worker)
    record = _family_record(case, expected_version, "key_worker_id")
    was = record.key_worker
    if was is not None and was.id == key_worker.id:
        raise ChangeRefused(f"{key_worker.full_name} is already the key worker", "key_worker_id")
    if was is not None and not reason.strip():
        raise ChangeRefused("Give the reason for changing the key worker", "reason")
    record.key_worker, record.key_worker_assigned_at = key_worker, utc_now()
    record.first_key_worker_at = record.first_key_worker_at or record.key_worker_assigned_at
    db.session.flush()
    details = {"key_worker": key_worker.full_name}
    if was is not None:
        details["previous_key_worker"] = was.full_name
    action = AuditAction.KEY_WORKER_CHANGED if was else AuditAction.KEY_WORKER_ASSIGNED
    record_event(action, actor_id=actor.id, case_id=case.id, subject=record, details=details,
                 reason=reason)  # fmt: skip
    refresh_deadlines(case)
    return record


def _refuse_unless_may_be_key_worker(case: Case, person: User) -> None:
    if not person.active or person.role not in KEY_WORKER_ROLES:
        raise ChangeRefused("Choose a key worker or a coordinator", "key_worker_id")
    if case.area_id not in person.area_ids:
        message = f"{person.full_name} does not work in this case's area"
        raise ChangeRefused(message, "key_worker_id")


def _family_record(case: Case, expected_version: int | None, field: str) -> FamilyRecord:
    """The case's family record, made on first use; a save based on an older one is refused."""
    record = family_record_of(case)
    if record is None:
        record = FamilyRecord(case=case)
        db.session.add(record)
    else:
        check_version(record, expected_version, field)
    return record


@dataclass(frozen=True)
class Support:
    offered: SupportOffered
    offered_by: str
    taken_up: SupportTakenUp


def record_support(
    case: Case, support: Support, *, actor: User, expected_version: int | None
) -> FamilyRecord:
    """Whether bereavement support was offered, by whom, and whether it was taken up."""
    FAMILY_WORK.refuse_unless_open(case, "support_offered")
    if support.offered is SupportOffered.YES and not support.offered_by.strip():
        raise ChangeRefused("Enter who offered the support", "support_offered_by")
    if support.offered is not SupportOffered.YES and support.taken_up is SupportTakenUp.YES:
        raise ChangeRefused("Support can be taken up only once it is offered", "support_taken_up")
    record = _family_record(case, expected_version, "support_offered")
    record.support_offered = support.offered
    offered = support.offered is SupportOffered.YES
    record.support_offered_by = support.offered_by.strip() if offered else ""
    record.support_taken_up = support.taken_up
    db.session.flush()
    details = {"offered": support.offered.value, "taken_up": support.taken_up.value}
    record_event(AuditAction.BEREAVEMENT_SUPPORT_RECORDED, actor_id=actor.id, case_id=case.id,
                 subject=record, details=details)  # fmt: skip
    return record


@dataclass(frozen=True)
class ContactDetails:
    full_name: str
    relationship_to_child: Relationship
    phone: str
    email: str
    address: str
    preferred_method: ContactMethod
    language: str
    interpreter_needed: bool
    accessible_formats: list[str]
    do_not_contact: bool
    do_not_contact_reason: str


def save_contact(
    case: Case,
    details: ContactDetails,
    *,
    actor: User,
    contact: FamilyContact | None = None,
    expected_version: int | None = None,
) -> FamilyContact:
    """Add a parent or carer, or change what is known of one. Asking not to be contacted
    needs its reason, which the timeline keeps."""
    FAMILY_WORK.refuse_unless_open(case, "full_name")
    if details.do_not_contact and not details.do_not_contact_reason.strip():
        raise ChangeRefused("Give the reason they asked not to be contacted",
                            "do_not_contact_reason")  # fmt: skip
    newly_not_to_contact = details.do_not_contact and not (contact and contact.do_not_contact)
    if contact is None:
        contact = FamilyContact(case=case)
        db.session.add(contact)
        action = AuditAction.FAMILY_CONTACT_ADDED
    else:
        check_version(contact, expected_version, "full_name")
        action = AuditAction.FAMILY_CONTACT_CHANGED
    for name, value in vars(details).items():
        setattr(contact, name, strip(value))
    if not details.do_not_contact:
        contact.do_not_contact_reason = ""
    db.session.flush()
    record_event(action, actor_id=actor.id, case_id=case.id, subject=contact)
    if newly_not_to_contact:
        record_event(AuditAction.FAMILY_ASKED_NOT_TO_BE_CONTACTED, actor_id=actor.id,
                     case_id=case.id, subject=contact,
                     reason=contact.do_not_contact_reason)  # fmt: skip
    refresh_deadlines(case)
    return contact


@dataclass(frozen=True)
class Contact:
    """One contact with the family, as the contact log records it."""

    contact: FamilyContact | None  # none: the family as a whole
    contacted_on: date
    method: ContactMethod
    made_by: str
    summary: str
    milestones: frozenset[str] = frozenset()


MILESTONES = ("told_about_review", "leaflet_given", "invited_to_contribute", "outcome_shared")


def log_contact(
    case: Case, contact: Contact, *, actor: User, corrects: ContactLogEntry | None = None
) -> ContactLogEntry:
    """Add an entry to the contact log. An entry is never changed: a mistake is put right by
    an entry that corrects it, and the log shows both."""
    FAMILY_WORK.refuse_unless_open(case, "contacted_on")
    _refuse_impossible_day(case, contact.contacted_on, "contacted_on", "The date of the contact")
    if corrects is not None and corrects.case_id != case.id:
        raise ChangeRefused("That entry is not in this case's contact log", "summary")
    entry = ContactLogEntry(
        case_id=case.id,
        contact=contact.contact,
        contacted_on=contact.contacted_on,
        method=contact.method,
        made_by=contact.made_by.strip(),
        summary=contact.summary.strip(),
        corrects_id=corrects.id if corrects else None,
        recorded_by_id=actor.id,
        recorded_at=utc_now(),
        **{name: name in contact.milestones for name in MILESTONES},
    )
    db.session.add(entry)
    db.session.flush()
    action = (AuditAction.FAMILY_CONTACT_LOG_CORRECTED if corrects
              else AuditAction.FAMILY_CONTACT_LOGGED)  # fmt: skip
    record_event(action, actor_id=actor.id, case_id=case.id, subject=entry,
                 details={"method": contact.method.label.lower()})  # fmt: skip
    refresh_deadlines(case)
    return entry


def _refuse_impossible_day(case: Case, day: date, field: str, name: str) -> None:
    if problem := day_problem(case, name, day):
        raise ChangeRefused(problem, field)


@dataclass(frozen=True)
class Question:
    asked_by: FamilyContact | None
    asked_on: date
    question: str
    goes_to: QuestionFor
    answerer: str = ""
    answer: str = ""
    answer_given_on: date | None = None


def save_question(
    case: Case,
    asked: Question,
    *,
    actor: User,
    question: FamilyQuestion | None = None,
    expected_version: int | None = None,
) -> FamilyQuestion:
    """Record a question from the family, or its answer and the day it was given back."""
    FAMILY_WORK.refuse_unless_open(case, "question")
    _refuse_impossible_question_dates(case, asked)
    if asked.answer_given_on is not None and not asked.answer.strip():
        raise ChangeRefused("Enter the answer that was given back", "answer")
    if question is None:
        question = FamilyQuestion(case=case)
        db.session.add(question)
        action = AuditAction.FAMILY_QUESTION_RECORDED
    else:
        check_version(question, expected_version, "question")
        action = AuditAction.FAMILY_QUESTION_UPDATED
    for name, value in vars(asked).items():
        setattr(question, name, strip(value))
    db.session.flush()
    goes_to = asked.goes_to.label[0].lower() + asked.goes_to.label[1:]
    record_event(action, actor_id=actor.id, case_id=case.id, subject=question,
                 details={"goes_to": goes_to})  # fmt: skip
    refresh_deadlines(case)
    return question


def _refuse_impossible_question_dates(case: Case, asked: Question) -> None:
    problems = {}
    for field, day, name in (("asked_on", asked.asked_on, "The date they asked"),
                             ("answer_given_on", asked.answer_given_on,
                              "The date the answer was given back")):  # fmt: skip
        try:
            if day is not None:
                _refuse_impossible_day(case, day, field, name)
        except ChangeRefused as refused:
            problems[field] = str(refused)
    given = asked.answer_given_on
    if given is not None and "answer_given_on" not in problems and given < asked.asked_on:
        problems["answer_given_on"] = "The answer cannot be given back before they asked"
    if problems:
        raise ProblemsAtFields(problems, "Some dates cannot be right")


def send_letter(
    case: Case, contact: FamilyContact, kind: LetterKind, wording: str, *, actor: User
) -> FamilyLetter:
    """Make the letter's PDF as the family will receive it, keep it with its SHA-256, and
    record it in the contact log (a letter tells them what its kind says)."""
    FAMILY_WORK.refuse_unless_open(case, "wording")
    if contact.do_not_contact:
        raise ChangeRefused(f"{contact.full_name} asked not to be contacted", "wording")
    record = family_record_of(case)
    if record is None or record.key_worker is None:
        raise ChangeRefused("Assign the family's key worker first: the letter gives their "
                            "details", "wording")  # fmt: skip
    if not wording.strip():
        raise ChangeRefused("Enter the letter's wording", "wording")
    if TO_BE_WRITTEN in wording:
        raise ChangeRefused("Replace the words in square brackets with your own", "wording")
    pdf = letter_pdf(letter_of(kind, contact, record.key_worker, wording.strip()))
    sent = Contact(contact, uk_today(), ContactMethod.LETTER, actor.full_name,
                   f"Sent the letter: {kind.label}.", kind.milestones)  # fmt: skip
    entry = log_contact(case, sent, actor=actor)
    letter = FamilyLetter(
        case_id=case.id, contact=contact, log_entry_id=entry.id, kind=kind,
        wording=wording.strip(), pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(),
        made_by_id=actor.id, made_at=utc_now(),
    )  # fmt: skip
    db.session.add(letter)
    db.session.flush()
    details = {"letter": kind.label, "sha256": letter.sha256}
    record_event(AuditAction.FAMILY_LETTER_SENT, actor_id=actor.id, case_id=case.id,
                 subject=letter, details=details)  # fmt: skip
    return letter
