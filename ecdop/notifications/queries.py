"""Reading notifications: a notifier sees only their own organisation's."""

from __future__ import annotations

from datetime import timedelta

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ecdop.auth.models import User
from ecdop.cases.models import Case
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.formatting import nhs_number_display, uk_date
from ecdop.foundation.paging import Page, paginate
from ecdop.notifications.models import Notification

NOTIFICATION_FILTERS = [
    ("all", "All sent by your organisation"),
    ("mine", "Sent by you"),
    ("last_30_days", "Received in the last 30 days"),
]
NOTIFICATION_ORDERS = [("newest", "Newest first"), ("oldest", "Oldest first")]


def organisation_notifications(user: User, *, show: str, order: str, page: int) -> Page:
    """A page of what the user's organisation has notified: every receipt can be reached."""
    statement = select(Notification).where(Notification.organisation_id == user.organisation_id)
    if show == "mine":
        statement = statement.where(Notification.submitted_by_id == user.id)
    elif show == "last_30_days":
        statement = statement.where(Notification.submitted_at >= utc_now() - timedelta(days=30))
    newest = order != "oldest"
    received = Notification.submitted_at.desc() if newest else Notification.submitted_at
    tiebreak = Notification.id.desc() if newest else Notification.id
    statement = statement.order_by(received, tiebreak).options(
        selectinload(Notification.case), selectinload(Notification.submitted_by)
    )
    return paginate(statement, page)


def notification_sent_with_token_or_404(token_id: int, notification_id: int) -> Notification:
    """Through the API a token reads back only what it sent: not what the organisation's
    people sent on the web, nor what another system sent with another token."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.api_token_id != token_id:
        abort(404)
    if notification.erased_at is not None:
        abort(404)  # erased as sent in error: nothing of it is left to read back
    return notification


def own_organisation_notification_or_404(user: User, notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.organisation_id != user.organisation_id:
        abort(404)
    return notification


def notifications_of(case: Case) -> list[Notification]:
    statement = (
        select(Notification)
        .where(Notification.case_id == case.id)
        .order_by(Notification.submitted_at, Notification.id)
        .options(selectinload(Notification.organisation))
    )
    return list(db.session.scalars(statement))


def merge_comparison(case: Case, other: Case) -> list[tuple[str, str, str]]:
    """(what, this case, the other) for the merge confirmation: what a coordinator compares
    to decide two notifications are one child."""

    def notified_by(record: Case) -> str:
        return "; ".join(
            f"{notification.organisation.name}, {uk_date(notification.submitted_at)}"
            for notification in notifications_of(record)
        )

    facts = (
        ("Stage", lambda record: record.stage.label),
        ("Name", lambda record: f"{record.given_names} {record.family_name}"),
        ("NHS number", lambda record: nhs_number_display(record.nhs_number)),
        ("Date of birth", lambda record: uk_date(record.date_of_birth)),
        ("Date of death", lambda record: uk_date(record.date_of_death)),
        ("Sex", lambda record: record.sex.label),
        ("Postcode", lambda record: record.postcode),
        ("Notified by", notified_by),
    )
    return [(label, value(case), value(other)) for label, value in facts]
