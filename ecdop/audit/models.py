"""Append-only audit events: who did what, to which record, when and from where."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecdop.foundation.db import Base, UTCDateTime, string_enum, utc_now
from ecdop.foundation.personal_data import Deidentification, of_a_professional, of_the_child

if TYPE_CHECKING:
    # The audit trail sits below the accounts it names: it knows the user by table and name.
    from ecdop.auth.models import User

# Long enough for any IPv6 address written out in full.
ADDRESS_LENGTH = 45


class AuditAction(enum.StrEnum):
    LOGIN_SUCCEEDED = "login_succeeded"
    LOGIN_FAILED = "login_failed"
    LOGGED_OUT = "logged_out"
    NOTIFICATION_SUBMITTED = "notification_submitted"
    NOTIFICATION_VIEWED = "notification_viewed"
    RECEIPT_DOWNLOADED = "receipt_downloaded"
    CASE_CREATED = "case_created"
    CASE_LINKED = "case_linked"
    CASE_FLAGGED_POSSIBLE_DUPLICATE = "case_flagged_possible_duplicate"
    CASE_VIEWED = "case_viewed"
    CASE_LIST_SEARCHED = "case_list_searched"
    CASE_LIST_VIEWED = "case_list_viewed"
    DASHBOARD_VIEWED = "dashboard_viewed"
    NOTIFICATIONS_LISTED = "notifications_listed"
    PANEL_MEETING_VIEWED = "panel_meeting_viewed"
    PANEL_REVIEWS_VIEWED = "panel_reviews_viewed"
    DUPLICATE_CONFIRMED_AND_MERGED = "duplicate_confirmed_and_merged"
    DUPLICATE_REJECTED = "duplicate_rejected"
    CASE_TRIAGED = "case_triaged"
    CASE_TRANSFERRED = "case_transferred"
    STAGE_CHANGED = "stage_changed"
    CASE_TIMELINE_VIEWED = "case_timeline_viewed"
    REPORT_REQUESTED = "report_requested"
    REPORT_DRAFT_SAVED = "report_draft_saved"
    REPORT_SUBMITTED = "report_submitted"
    REPORT_RETURNED = "report_returned"
    REPORT_EXCUSED = "report_excused"
    REPORT_VIEWED = "report_viewed"
    REQUESTS_LISTED = "requests_listed"
    JAR_RECORDED = "jar_recorded"
    JAR_UPDATED = "jar_updated"
    CDRM_RECORDED = "cdrm_recorded"
    CDRM_UPDATED = "cdrm_updated"
    AGENCY_CONTACT_INVITED = "agency_contact_invited"
    INVITATION_ACCEPTED = "invitation_accepted"
    USER_CREATED = "user_created"
    USER_CHANGED = "user_changed"
    USER_DEACTIVATED = "user_deactivated"
    USER_REACTIVATED = "user_reactivated"
    ORGANISATION_CREATED = "organisation_created"
    ORGANISATION_DEACTIVATED = "organisation_deactivated"
    ORGANISATION_REACTIVATED = "organisation_reactivated"
    ORGANISATION_AREAS_CHANGED = "organisation_areas_changed"
    AREA_CREATED = "area_created"
    NATIONAL_DATABASE_TOLD = "national_database_told"
    NATIONAL_DATABASE_TOLD_CORRECTED = "national_database_told_corrected"
    DEADLINE_DUE_DATE_CHANGED = "deadline_due_date_changed"
    DEADLINE_RULE_CHANGED = "deadline_rule_changed"
    AREA_LEAD_CHANGED = "area_lead_changed"
    KEY_WORKER_ASSIGNED = "key_worker_assigned"
    KEY_WORKER_CHANGED = "key_worker_changed"
    FAMILY_CONTACT_ADDED = "family_contact_added"
    FAMILY_CONTACT_CHANGED = "family_contact_changed"
    FAMILY_ASKED_NOT_TO_BE_CONTACTED = "family_asked_not_to_be_contacted"
    FAMILY_CONTACT_LOGGED = "family_contact_logged"
    FAMILY_CONTACT_LOG_CORRECTED = "family_contact_log_corrected"
    BEREAVEMENT_SUPPORT_RECORDED = "bereavement_support_recorded"
    FAMILY_QUESTION_RECORDED = "family_question_recorded"
    FAMILY_QUESTION_UPDATED = "family_question_updated"
    FAMILY_LETTER_SENT = "family_letter_sent"
    SUBJECT_ACCESS_EXPORTED = "subject_access_exported"
    POST_MORTEM_RECORDED = "post_mortem_recorded"
    INQUEST_RECORDED = "inquest_recorded"
    CDRM_BEFORE_POST_MORTEM_REPORT = "cdrm_before_post_mortem_report"
    DOCUMENT_UPLOADED = "document_uploaded"
    DOCUMENT_WITHDRAWN = "document_withdrawn"
    DOCUMENT_EXTRACT_CONFIRMED = "document_extract_confirmed"
    RETENTION_RULE_CHANGED = "retention_rule_changed"
    RETENTION_RULES_CONFIRMED = "retention_rules_confirmed"
    RECORD_OF_PROCESSING_VIEWED = "record_of_processing_viewed"
    LEGAL_HOLD_PLACED = "legal_hold_placed"
    LEGAL_HOLD_REVIEWED = "legal_hold_reviewed"
    LEGAL_HOLD_LIFTED = "legal_hold_lifted"
    RETENTION_REVIEW_LISTED = "retention_review_listed"
    RETENTION_REVIEW_PUT_FORWARD = "retention_review_put_forward"
    RETENTION_REVIEW_APPROVED = "retention_review_approved"
    CASE_DEIDENTIFIED = "case_deidentified"
    CASE_DATA_ERASED = "case_data_erased"
    ERASURE_ASKED = "erasure_asked"
    ERASURE_CONFIRMED = "erasure_confirmed"
    ERASURE_CANCELLED = "erasure_cancelled"
    TASKS_LISTED = "tasks_listed"
    OUTBOX_VIEWED = "outbox_viewed"
    PANEL_MEETING_SCHEDULED = "panel_meeting_scheduled"
    CASE_ADDED_TO_AGENDA = "case_added_to_agenda"
    AGENDA_REORDERED = "agenda_reordered"
    CASE_DEFERRED = "case_deferred"
    CASE_TAKEN_OFF_AGENDA = "case_taken_off_agenda"
    PANEL_SUMMARY_WRITTEN = "panel_summary_written"
    REPORT_EXTRACT_CONFIRMED = "report_extract_confirmed"
    WORD_CONFIRMED_NOT_IDENTIFYING = "word_confirmed_not_identifying"
    SITE_PAGE_CHANGED = "site_page_changed"
    PANEL_PACK_DOWNLOADED = "panel_pack_downloaded"
    PANEL_ANALYSIS_RECORDED = "panel_analysis_recorded"
    PANEL_ANALYSIS_AMENDED = "panel_analysis_amended"
    PANEL_ANALYSIS_SUPERSEDED = "panel_analysis_superseded"
    REVIEW_SIGNED_OFF = "review_signed_off"
    PANEL_ACTION_UPDATED = "panel_action_updated"
    PANEL_ACTIONS_LISTED = "panel_actions_listed"
    NATIONAL_RETURN_EXPORTED = "national_return_exported"
    REFERENCE_DATA_IMPORTED = "reference_data_imported"
    CASE_LIST_EXPORTED = "case_list_exported"
    TIMELINESS_EXPORTED = "timeliness_exported"
    PANEL_ACTIONS_EXPORTED = "panel_actions_exported"
    BACKUP_MADE = "backup_made"
    BACKUP_RESTORED = "backup_restored"
    HELD_MAIL_RELEASED = "held_mail_released"
    HELD_MAIL_WITHDRAWN = "held_mail_withdrawn"
    WARNING_RULE_CHANGED = "warning_rule_changed"
    EMERGING_PATTERN_VIEWED = "emerging_pattern_viewed"
    BOARD_REPORT_GENERATED = "board_report_generated"
    BOARD_REPORT_VIEWED = "board_report_viewed"
    BOARD_REPORT_DOWNLOADED = "board_report_downloaded"
    API_TOKEN_CREATED = "api_token_created"
    API_TOKEN_REVOKED = "api_token_revoked"
    API_TOKEN_USED = "api_token_used"
    API_TOKEN_REFUSED = "api_token_refused"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested"
    PASSWORD_RESET = "password_reset"
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled"
    SECOND_FACTOR_FAILED = "second_factor_failed"
    SECOND_FACTOR_RESET = "second_factor_reset"
    RECOVERY_CODE_USED = "recovery_code_used"
    RECOVERY_CODES_REISSUED = "recovery_codes_reissued"
    IDENTITY_CONFIRMED = "identity_confirmed"
    IDENTITY_CONFIRMATION_FAILED = "identity_confirmation_failed"
    ACCOUNT_LOCKED = "account_locked"
    KNOWN_BROWSER_LOCKED = "known_browser_locked"
    SESSIONS_ENDED = "sessions_ended"
    SESSION_ENDED = "session_ended"
    ACCESS_REFUSED = "access_refused"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Events that record someone reading: the bulk of the trail, and nothing in a case's history.
READ_ACTIONS = (
    AuditAction.CASE_VIEWED,
    AuditAction.CASE_LIST_SEARCHED,
    AuditAction.CASE_TIMELINE_VIEWED,
    AuditAction.NOTIFICATION_VIEWED,
    AuditAction.RECEIPT_DOWNLOADED,
    AuditAction.REPORT_VIEWED,
    AuditAction.REQUESTS_LISTED,
    AuditAction.PANEL_PACK_DOWNLOADED,
    AuditAction.PANEL_ACTIONS_LISTED,
)
# As literal SQL, the same in the index and in the query, so that the database can tell the
# query needs only the index's rows: a case's history never scans its reads.
NOT_A_READ = text(
    "action NOT IN (" + ", ".join(f"'{action.value}'" for action in READ_ACTIONS) + ")"
)


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_case_id_occurred_at", "case_id", "occurred_at"),
        Index(
            "ix_audit_events_case_history",
            "case_id",
            "occurred_at",
            "id",
            postgresql_where=NOT_A_READ,
            sqlite_where=NOT_A_READ,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[AuditAction] = mapped_column(string_enum(AuditAction))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    ip_address: Mapped[str | None] = mapped_column(
        String(ADDRESS_LENGTH),
        info=of_a_professional("to trace who did what, from where", Deidentification.REMOVE),
    )
    # Never names or NHS numbers: references, ids and field names only.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    # The event's place in the hash chain, HMAC-SHA-256 over it and the event before, and
    # which key made it: set once, at commit (audit/chain.py), so that any later change to the
    # trail shows.
    chain_position: Mapped[int | None] = mapped_column(BigInteger, index=True, unique=True)
    chain_hash: Mapped[str | None] = mapped_column(String(64))
    chain_key_id: Mapped[str | None] = mapped_column(String(16))

    actor: Mapped[User | None] = relationship("User")
    reason: Mapped[EventReason | None] = relationship(back_populates="event")

    @property
    def given_reason(self) -> str:
        """The words given for it; events older than the reasons' own table kept them inside."""
        return self.reason.text if self.reason is not None else self.details.get("reason", "")


class EventReason(Base):
    """The words someone gave for what they did to a case, kept beside its audit event rather
    than inside it: they may name the child or the family, and so go when the case is
    de-identified, which a sealed event could not allow."""

    __tablename__ = "audit_event_reasons"

    event_id: Mapped[int] = mapped_column(ForeignKey("audit_events.id"), primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    text: Mapped[str] = mapped_column(
        Text, info=of_the_child("the words given for an action on a case", Deidentification.REMOVE)
    )

    event: Mapped[AuditEvent] = relationship(back_populates="reason")


class AuditChainHead(Base):
    """The chain's latest position and hash: one row, locked by each commit that seals events,
    so that seals follow one another and the end of the trail cannot be cut off unseen."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))
