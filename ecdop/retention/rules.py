"""Retention rules: what each kind of data is kept for, from when, and what goes at the end.

Each area sets its own (its partnership's records management policy decides), starting from
the defaults below; an administrator confirms them before anything is ever purged. The
tables that hold personal data each name the rule they are kept under, here, so that the
record of processing and the purge read one list: a table with personal data and no rule
fails a test.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecdop.auth.permissions import Permission
from ecdop.foundation.vocabulary import LabelledEnum


class RetainedData(LabelledEnum):
    """The kinds of a case's data an area sets a rule for."""

    CASE = "case", "The child's case: identifying details, notifications, reports and reviews"
    FAMILY = "family", "The family's part: parents and carers, contact log, questions, letters"
    DOCUMENTS = "documents", "Documents kept with the case, and extracts written from them"

    @property
    def short(self) -> str:
        """The kind in a few words: "The child's case"."""
        return SHORT_NAMES[self]


SHORT_NAMES = {
    RetainedData.CASE: "The child's case",
    RetainedData.FAMILY: "The family's part",
    RetainedData.DOCUMENTS: "The documents' contents",
}


class HoldReason(LabelledEnum):
    INQUEST = "inquest", "An inquest"
    CRIMINAL_CASE = "criminal_case", "A criminal investigation or prosecution"
    COMPLAINT = "complaint", "A complaint or a claim"
    SUBJECT_ACCESS = "subject_access", "A subject access request in progress"
    OTHER = "other", "Another reason"


class RetentionTrigger(LabelledEnum):
    REVIEW_CLOSED = "review_closed", "after the review was closed"
    EIGHTEENTH_BIRTHDAY = "eighteenth_birthday", "after the child's 18th birthday"


class RetentionOutcome(LabelledEnum):
    DEIDENTIFY = (
        "deidentify",
        "De-identified: what identifies the child and family goes, the learning stays",
    )
    ERASE = "erase", "Erased"

    @property
    def short(self) -> str:
        return self.label.split(":")[0]


@dataclass(frozen=True)
class RetentionRule:
    years: int
    trigger: RetentionTrigger
    outcome: RetentionOutcome

    def describe(self) -> str:
        return f"{self.years} {'year' if self.years == 1 else 'years'} {self.trigger.label}"


CLOSED = RetentionTrigger.REVIEW_CLOSED
# A starting point the README explains, not legal advice: each partnership's policy decides.
DEFAULT_RULES: dict[RetainedData, RetentionRule] = {
    RetainedData.CASE: RetentionRule(10, CLOSED, RetentionOutcome.DEIDENTIFY),
    RetainedData.FAMILY: RetentionRule(10, CLOSED, RetentionOutcome.ERASE),
    RetainedData.DOCUMENTS: RetentionRule(10, CLOSED, RetentionOutcome.ERASE),
}

# The outcomes each kind may have: a case's learning always stays.
OUTCOMES: dict[RetainedData, tuple[RetentionOutcome, ...]] = {
    RetainedData.CASE: (RetentionOutcome.DEIDENTIFY,),
    RetainedData.FAMILY: (RetentionOutcome.ERASE,),
    RetainedData.DOCUMENTS: (RetentionOutcome.ERASE,),
}

# Who may read each kind, as the authorisation table grants it.
READ_WITH: dict[RetainedData, tuple[Permission, ...]] = {
    RetainedData.CASE: (Permission.VIEW_AREA_CASES, Permission.RESPOND_TO_REQUESTS),
    RetainedData.FAMILY: (Permission.VIEW_AREA_CASES, Permission.WORK_WITH_FAMILIES),
    RetainedData.DOCUMENTS: (Permission.KEEP_DOCUMENTS,),
}


@dataclass(frozen=True)
class KeptWithTheService:
    """Data about the people who use ecdop, kept by the service's own rule, not an area's."""

    how_long: str
    read_with: tuple[Permission, ...]


ACCOUNTS = (Permission.MANAGE_USERS,)
# Each table holding personal data, and the rule it is kept under.
RETAINED_UNDER: dict[str, RetainedData | KeptWithTheService] = {
    "cases": RetainedData.CASE,
    "notifications": RetainedData.CASE,
    "reporting_requests": RetainedData.CASE,
    "joint_agency_responses": RetainedData.CASE,
    "child_death_review_meetings": RetainedData.CASE,
    "agenda_items": RetainedData.CASE,
    "panel_analyses": RetainedData.CASE,
    "panel_actions": RetainedData.CASE,
    "post_mortems": RetainedData.CASE,
    "legal_holds": RetainedData.CASE,
    "inquests": RetainedData.CASE,
    "stage_changes": RetainedData.CASE,
    "deadlines": RetainedData.CASE,
    "report_extracts": RetainedData.CASE,
    "documents": RetainedData.CASE,
    "audit_event_reasons": RetainedData.CASE,
    "family_records": RetainedData.CASE,  # the key worker and support offered: board figures
    "family_contacts": RetainedData.FAMILY,
    "family_contact_log": RetainedData.FAMILY,
    "family_questions": RetainedData.FAMILY,
    "family_letters": RetainedData.FAMILY,
    "document_chunks": RetainedData.DOCUMENTS,
    "document_extracts": RetainedData.DOCUMENTS,
    "users": KeptWithTheService(
        "While the account exists. Someone who leaves is deactivated, not deleted, so that the "
        "audit trail can still say who did what.", ACCOUNTS),
    "invitations": KeptWithTheService(
        "With the account it set up, as the record of who was invited and by whom.", ACCOUNTS),
    "user_sessions": KeptWithTheService(
        "Until the session has ended; the forget-ended-sessions job removes it.", ACCOUNTS),
    "outbox_messages": KeptWithTheService(
        "As the record of what was sent to whom; a message names a case by reference only.",
        (Permission.VIEW_OUTBOX,)),
    "case_searches": KeptWithTheService(
        "Half an hour: a coordinator's search is forgotten by the next search made after it.",
        (Permission.VIEW_AREA_CASES,)),
    "audit_events": KeptWithTheService(
        "With the audit trail, which is never changed.", ()),
}  # fmt: skip
