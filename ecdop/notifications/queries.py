"""Reading notifications: a notifier sees only their own organisation's."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ecdop.auth.models import User
from ecdop.extensions import db
from ecdop.notifications.models import Notification


def organisation_notifications(user: User, limit: int = 100) -> list[Notification]:
    statement = (
        select(Notification)
        .where(Notification.organisation_id == user.organisation_id)
        .order_by(Notification.submitted_at.desc(), Notification.id.desc())
        .limit(limit)
        .options(selectinload(Notification.case), selectinload(Notification.submitted_by))
    )
    return list(db.session.scalars(statement))


def notification_sent_with_token_or_404(token_id: int, notification_id: int) -> Notification:
    """Through the API a token reads back only what it sent: not what the organisation's
    people sent on the web, nor what another system sent with another token."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.api_token_id != token_id:
        abort(404)
    return notification


def own_organisation_notification_or_404(user: User, notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.organisation_id != user.organisation_id:
        abort(404)
    return notification
