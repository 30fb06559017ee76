"""The case timeline: every step taken on a case, in order, in a coordinator's words.

Built from the audit trail, which every service writes in the same transaction as its change,
so nothing that happened to a case can be missing from it. Reads (views, searches) are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ecdop.audit.models import NOT_A_READ, AuditAction, AuditEvent
from ecdop.auth.models import User
from ecdop.cases.models import StageChange
from ecdop.cases.states import Stage
from ecdop.foundation.extensions import db
from ecdop.foundation.formatting import uk_date, uk_datetime
from ecdop.foundation.vocabulary import ActionStatus, Expectation

A = AuditAction

DESCRIPTIONS = {
    A.NOTIFICATION_SUBMITTED: "Notification received",
    A.CASE_CREATED: "Case opened",
    A.CASE_LINKED: "Further notification of the same child linked to this case",
    A.CASE_FLAGGED_POSSIBLE_DUPLICATE: "Flagged as a possible duplicate of {possible_duplicate_of}",
    A.DUPLICATE_CONFIRMED_AND_MERGED: "Same child: {merged} merged into {into}",
    A.DUPLICATE_REJECTED: "Not the same child as {not_same_as}: flag removed",
    A.CASE_TRIAGED: "Triaged: the death was {expectation}",
    A.CASE_TRANSFERRED: "Transferred from {from_area} to {to_area}, where the child lived",
    A.STAGE_CHANGED: "Moved from {from} to {to}",
    A.REPORT_REQUESTED: "{form} requested from {agency}, due {due_on}",
    A.REPORT_DRAFT_SAVED: "{agency} saved a draft of the {form}",
    A.REPORT_SUBMITTED: "{agency} submitted the {form}",
    A.REPORT_RETURNED: "{form} returned to {agency} with a question",
    A.REPORT_EXCUSED: "{agency}'s {form} will not come",
    A.JAR_RECORDED: "Joint Agency Response recorded",
    A.JAR_UPDATED: "Joint Agency Response updated",
    A.CDRM_RECORDED: "Child Death Review Meeting recorded",
    A.CDRM_UPDATED: "Child Death Review Meeting updated",
    A.CASE_ADDED_TO_AGENDA: "Added to the agenda of the panel meeting on {held_on}",
    A.AGENDA_REORDERED: "Moved to number {position} on the panel agenda",
    A.CASE_DEFERRED: "Deferred to a later panel meeting",
    A.CASE_TAKEN_OFF_AGENDA: "Taken off the panel agenda",
    A.PANEL_SUMMARY_WRITTEN: "Panel summary written",
    A.REPORT_EXTRACT_CONFIRMED: "An agency report's extract confirmed for the panel pack",
    A.WORD_CONFIRMED_NOT_IDENTIFYING: "A word the identifier check found confirmed as not "
    "identifying in the panel papers",
    A.PANEL_ANALYSIS_RECORDED: "Panel analysis recorded",
    A.PANEL_ANALYSIS_AMENDED: "Panel analysis amended",
    A.PANEL_ANALYSIS_SUPERSEDED: "Panel analysis kept as history: the case was reopened",
    A.REVIEW_SIGNED_OFF: "Review signed off",
    A.PANEL_ACTION_UPDATED: "A panel action is now {status}",
    A.NATIONAL_DATABASE_TOLD: "National database told of the death{told_at}",
    A.KEY_WORKER_ASSIGNED: "{key_worker} assigned as the family's key worker",
    A.KEY_WORKER_CHANGED: "Key worker changed from {previous_key_worker} to {key_worker}",
    A.FAMILY_CONTACT_ADDED: "A parent or carer added to the family's contacts",
    A.FAMILY_CONTACT_CHANGED: "A family contact's details changed",
    A.FAMILY_ASKED_NOT_TO_BE_CONTACTED: "A family contact asked not to be contacted",
    A.FAMILY_CONTACT_LOGGED: "Contact with the family recorded ({method})",
    A.FAMILY_CONTACT_LOG_CORRECTED: "An earlier record of contact with the family corrected",
    A.BEREAVEMENT_SUPPORT_RECORDED: "Bereavement support recorded",
    A.FAMILY_QUESTION_RECORDED: "A question from the family recorded, for {goes_to}",
    A.FAMILY_QUESTION_UPDATED: "A question from the family updated",
    A.POST_MORTEM_RECORDED: "Post-mortem recorded: {summary}",
    A.INQUEST_RECORDED: "Inquest recorded: {summary}",
    A.CDRM_BEFORE_POST_MORTEM_REPORT: "Child Death Review Meeting recorded before the final "
    "post-mortem report came",
    A.DOCUMENT_UPLOADED: "Document kept with the case: {kind}",
    A.DOCUMENT_WITHDRAWN: "Document withdrawn, its content erased: {kind}",
    A.LEGAL_HOLD_PLACED: "Put on legal hold: {hold}",
    A.LEGAL_HOLD_REVIEWED: "Legal hold reviewed and kept: {hold}",
    A.LEGAL_HOLD_LIFTED: "Legal hold lifted ({hold})",
    A.CASE_DEIDENTIFIED: "De-identified under the retention rule: {rule}",
    A.CASE_DATA_ERASED: "{data} erased under the retention rule: {rule}",
    A.ERASURE_ASKED: "Erasure of a notification sent in error asked for: {why}",
    A.ERASURE_CONFIRMED: "Notification sent in error erased: {why}",
    A.ERASURE_CANCELLED: "Erasure of a notification not confirmed: {why}",
    A.DOCUMENT_EXTRACT_CONFIRMED: "Extract of a document confirmed for the panel pack: {kind}",
    A.FAMILY_LETTER_SENT: "Letter made for the family: {letter}",
    A.SUBJECT_ACCESS_EXPORTED: "A family member's own records exported for their subject "
    "access request",
    A.NATIONAL_DATABASE_TOLD_CORRECTED: "Record of telling the national database corrected: "
    "{was} became {now}",
}


@dataclass(frozen=True)
class TimelineEntry:
    occurred_at: datetime
    description: str
    actor: str
    reason: str = ""
    brought_from: str | None = None  # the reference of the merged case it happened to


def _readable(details: dict) -> dict:
    """Stored values (stage and expectation codes, ISO dates) as people read them."""
    readable = defaultdict(str, details)
    for key in ("from", "to"):
        if key in details:
            readable[key] = Stage(details[key]).label
    if "expectation" in details:
        readable["expectation"] = Expectation(details["expectation"]).label.lower()
    for key in ("due_on", "held_on"):
        if key in details:
            readable[key] = uk_date(date.fromisoformat(details[key]))
    for key in ("was", "now"):
        if key in details:
            readable[key] = _moment_told(details[key])
    if details.get("told_at"):  # recorded before the moment was asked for: no detail
        readable["told_at"] = f", {_moment_told(details['told_at'])}"
    if "to_status" in details:
        readable["status"] = ActionStatus(details["to_status"]).label.lower()
    return readable


def _moment_told(value: str | None) -> str:
    return uk_datetime(datetime.fromisoformat(value)) if value else "not told"


def describe(event: AuditEvent) -> str:
    template = DESCRIPTIONS.get(event.action)
    if template is None:
        return event.action.label
    return template.format_map(_readable(event.details))


def _actor(event: AuditEvent) -> str:
    if event.actor is None:
        return "ecdop"
    return f"{event.actor.full_name}, {event.actor.organisation.name}"


def timeline_entries(
    events: list[AuditEvent],
    stage_changes: dict[int, StageChange],
    brought_from: dict[int, str] | None = None,
) -> list[TimelineEntry]:
    """The entries, oldest first. ``brought_from`` names, by case id, the cases merged into
    this one: what happened to them says so."""
    brought_from = brought_from or {}
    entries = []
    for event in events:
        change = (
            stage_changes.get(event.subject_id)
            if event.subject_type == "StageChange" and event.subject_id is not None
            else None
        )
        entries.append(
            TimelineEntry(
                event.occurred_at,
                describe(event),
                _actor(event),
                change.reason if change else event.given_reason,
                brought_from.get(event.case_id) if event.case_id is not None else None,
            )
        )
    return entries


def case_history(case_ids: Sequence[int]) -> list[AuditEvent]:
    """What happened to a case and to the cases merged into it, oldest first: its reads are
    left out, in the database (an index holds only the rest), so the history costs the same
    however often the case has been read."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.case_id.in_(case_ids), NOT_A_READ)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
        .options(
            joinedload(AuditEvent.actor).joinedload(User.organisation),
            selectinload(AuditEvent.reason),
        )
    )
    return list(db.session.scalars(statement))
