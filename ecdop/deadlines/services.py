"""Queueing messages in the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from sqlalchemy import select

from ecdop.auth.models import User
from ecdop.deadlines.models import OutboxMessage
from ecdop.extensions import db


@dataclass(frozen=True)
class Addressee:
    """Someone ecdop writes to who has no account yet, such as an invited agency contact."""

    email: str
    full_name: str


def queue_message(
    *,
    dedupe_key: str,
    recipient: User | Addressee,
    subject: str,
    template: str,
    action_path: str,
    **context,
) -> OutboxMessage | None:
    """Write one e-mail to the outbox, unless one with this key was already queued.

    The body comes from templates/email/; it must never name the child.
    """
    existing = db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    )
    if existing is not None:
        return None
    message = OutboxMessage(
        dedupe_key=dedupe_key,
        recipient_user_id=recipient.id if isinstance(recipient, User) else None,
        recipient_email=recipient.email,
        subject=subject,
        body=render_template(template, recipient=recipient, action_path=action_path, **context),
        action_path=action_path,
    )
    db.session.add(message)
    return message


def queue_message_to_each(recipients: list[User], *, event_key: str, **message) -> None:
    """The same message to each recipient, once each: ``event_key`` names what happened, and
    the recipient is added to it to make the message's dedupe key."""
    for recipient in recipients:
        queue_message(dedupe_key=f"{event_key}:to:{recipient.id}", recipient=recipient, **message)
