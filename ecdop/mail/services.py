"""Queueing mail: each message is written to the outbox in the transaction of the change that
caused it, so it goes if and only if that change is kept (``sender`` delivers it afterwards)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ecdop.foundation.db import table_of, utc_now
from ecdop.foundation.extensions import db
from ecdop.mail.keys import to_recipient
from ecdop.mail.models import MailPriority, OutboxMessage, OutboxStatus


class Recipient(Protocol):
    """Whom a message goes to: a user, or an ``Addressee``. ``id`` is the user's, kept with
    the message so that a person's recent mail can be shown to them."""

    @property
    def id(self) -> int | None: ...
    @property
    def email(self) -> str: ...
    @property
    def full_name(self) -> str: ...


@dataclass(frozen=True)
class Addressee:
    """Someone ecdop writes to who has no account yet, such as an invited agency contact."""

    email: str
    full_name: str
    id: None = None


def queue_message(*, dedupe_key: str, recipient: Recipient, **message) -> None:
    """Write one e-mail to the outbox, unless one with this key was already queued."""
    insert_messages([message_row(dedupe_key=dedupe_key, recipient=recipient, **message)])


def queue_message_to_each(recipients: Sequence[Recipient], *, event_key: str, **message) -> None:
    """The same message to each recipient, once each: ``event_key`` names what happened, and
    the recipient is added to it to make the message's dedupe key."""
    insert_messages(
        [
            message_row(
                dedupe_key=to_recipient(event_key, recipient.id), recipient=recipient, **message
            )
            for recipient in recipients
        ]
    )


def render_email(template: str, **context) -> str:
    """A plain-text body from templates/email/. Straight from the Jinja environment (whose
    globals include ``config``), without a request's context processors: a sweep renders
    thousands of these, and an e-mail has no business with the current request."""
    return current_app.jinja_env.get_template(template).render(**context)


def insert_messages(messages: list[dict]) -> int:
    """Queue many messages in one statement; those whose key was already used are skipped.

    The unique key, not the read that skips keys already used, is what makes a message go
    once: two writers racing on the same key leave one row. Returns how many were new.
    """
    if not messages:
        return 0
    already = _keys_already_queued([message["dedupe_key"] for message in messages])
    messages = [message for message in messages if message["dedupe_key"] not in already]
    if not messages:
        return 0
    dialects = {"postgresql": postgresql, "sqlite": sqlite}
    insert = dialects[db.session.get_bind().dialect.name].insert
    statement = insert(table_of(OutboxMessage)).on_conflict_do_nothing(
        index_elements=["dedupe_key"]
    )
    now = utc_now()
    rows = [
        {"status": OutboxStatus.QUEUED.value, "created_at": now, "next_attempt_at": now,
         "attempts": 0, "last_error": "", **message}
        for message in messages
    ]  # fmt: skip
    # A plain executemany, which the driver pipelines; a key queued meanwhile by someone else
    # is still skipped by the database.
    db.session.connection().execute(statement, rows)
    return len(rows)


def _keys_already_queued(keys: list[str]) -> set[str]:
    statement = select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys))
    return set(db.session.scalars(statement))


def message_row(
    *,
    dedupe_key: str,
    recipient: Recipient,
    subject: str,
    template: str,
    action_path: str,
    priority: MailPriority = MailPriority.ROUTINE,
    **context,
) -> dict:
    """One outbox row, for ``insert_messages``; the body must never name the child."""
    body = render_email(template, recipient=recipient, action_path=action_path, **context)
    return {
        "dedupe_key": dedupe_key,
        "recipient_user_id": recipient.id,
        "recipient_email": recipient.email,
        "subject": subject,
        "body": body,
        "action_path": action_path,
        "priority": int(priority),
    }
