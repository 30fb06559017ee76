"""Every outbox key, built here and nowhere else.

A key names what happened (and, for a message to several people, whom it is to); the outbox
refuses a second message with the same key, which is what makes a job or a retried request
that runs twice send once. The formats are stored with every message ever queued, so a
change to one would let a restored or re-run event send again: they do not change.
"""

from __future__ import annotations

from datetime import date, datetime


def _key(*parts: object) -> str:
    return ":".join(str(part) for part in parts)


def to_recipient(event_key: str, user_id: int | None) -> str:
    """One person's copy of a message about ``event_key``."""
    return _key(event_key, "to", user_id)


# Cases and notifications.


def death_notified(notification_id: int) -> str:
    return _key("notification", notification_id)


def case_transferred(transfer_id: int) -> str:
    return _key("transfer", transfer_id)


# Agencies' reporting forms.


def reports_requested(first_request_id: int) -> str:
    """The requests sent to one agency at once, named by the first of them."""
    return _key("requests", first_request_id)


def report_submitted(request_id: int, version: int) -> str:
    return _key("report", request_id, f"v{version}")


def report_returned(request_id: int, version: int) -> str:
    return _key("return", request_id, f"v{version}")


def request_due_date_moved(request_id: int, version: int) -> str:
    return _key("request", request_id, f"v{version}", "due")


# Deadlines: one reminder or escalation per step of each due date, and one digest a day.


def deadline_step(deadline_id: int, due_on: date, step: str, user_id: int) -> str:
    return to_recipient(_key("deadline", deadline_id, due_on.isoformat(), step), user_id)


def daily_digest(day: date, user_id: int) -> str:
    return to_recipient(_key("digest", day.isoformat()), user_id)


# Reporting.


def board_report_published(report_id: int) -> str:
    return _key("board-report", report_id)


def pattern_emerged(pattern_id: int) -> str:
    return _key("emerging-pattern", pattern_id)


# People's own accounts.


def invitation_sent(invitation_id: int) -> str:
    return _key("invitation", invitation_id)


def password_reset_asked(reset_id: int) -> str:
    return _key("password-reset", reset_id)


def api_token_issued(token_id: int) -> str:
    return _key("api-token-issued", token_id)


def account_locked(user_id: int, locked_until: datetime) -> str:
    return _key("account-locked", user_id, locked_until.isoformat())


def second_factor_reset(user_id: int, at: datetime) -> str:
    return _key("second-factor-reset", user_id, at.isoformat())


# The audit trail.


def audit_checkpoint(day: date, position: int) -> str:
    return _key("audit-checkpoint", day.isoformat(), position)


# Retention and erasure.


def retention_review_put_forward(review_id: int) -> str:
    return _key("retention-review", review_id)


def erasure_asked(erasure_id: int) -> str:
    return _key("erasure-asked", erasure_id)


def erasure_done(erasure_id: int) -> str:
    return _key("erasure-done", erasure_id)
