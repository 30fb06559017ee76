"""The outbox: messages queued in the transaction of the change that caused them, and their
delivery by SMTP afterwards, with retries, so that a mail server being down delays mail and
loses none."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from ecdop.auth.models import User
from ecdop.db import utc_now
from ecdop.deadlines.models import OutboxMessage, OutboxStatus
from ecdop.extensions import db

log = logging.getLogger(__name__)

# Waits between attempts double from one minute up to an hour; a message is never given up on.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)


@dataclass(frozen=True)
class Addressee:
    """Someone ecdop writes to who has no account yet, such as an invited agency contact."""

    email: str
    full_name: str


def queue_message(*, dedupe_key: str, recipient: User | Addressee, **message) -> None:
    """Write one e-mail to the outbox, unless one with this key was already queued."""
    insert_messages([message_row(dedupe_key=dedupe_key, recipient=recipient, **message)])


def queue_message_to_each(recipients: list[User], *, event_key: str, **message) -> None:
    """The same message to each recipient, once each: ``event_key`` names what happened, and
    the recipient is added to it to make the message's dedupe key."""
    insert_messages(
        [
            message_row(dedupe_key=f"{event_key}:to:{recipient.id}", recipient=recipient, **message)
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
    statement = insert(OutboxMessage.__table__).on_conflict_do_nothing(
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
    recipient: User | Addressee,
    subject: str,
    template: str,
    action_path: str,
    **context,
) -> dict:
    """One outbox row, for ``insert_messages``; the body must never name the child."""
    body = render_email(template, recipient=recipient, action_path=action_path, **context)
    return {
        "dedupe_key": dedupe_key,
        "recipient_user_id": recipient.id if isinstance(recipient, User) else None,
        "recipient_email": recipient.email,
        "subject": subject,
        "body": body,
        "action_path": action_path,
    }


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    error: str = ""


def deliver_outbox(limit: int = 200) -> Delivery:
    """Send the messages whose time has come.

    Each message is claimed (its next attempt pushed back) and committed before it is sent, and
    marked sent and committed straight after, so a crash or a second sender can neither lose it
    nor send it twice, short of dying in the instant between the two.
    """
    due = _due_message_ids(limit)
    delivery = Delivery()
    if not due:
        return delivery
    try:
        connection = _connect()
    except (OSError, smtplib.SMTPException) as error:
        delivery.error = _describe_connection_error(error)
        log.error("Outbox: %s; %d messages wait for the next attempt", delivery.error, len(due))
        for message_id in due:
            _claim(message_id)
            _record_failure(message_id, delivery.error)
        db.session.commit()
        delivery.failed = len(due)
        return delivery
    with connection:
        for message_id in due:
            if not _send_one(connection, message_id, delivery):
                break
    return delivery


def _due_message_ids(limit: int) -> list[int]:
    statement = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.FAILING)),
            OutboxMessage.next_attempt_at <= utc_now(),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def _send_one(connection: smtplib.SMTP, message_id: int, delivery: Delivery) -> bool:
    """Send one message; False when the connection is no longer usable."""
    if not _claim(message_id):
        return True  # another sender has it
    db.session.commit()
    message = db.session.get(OutboxMessage, message_id)
    try:
        connection.send_message(_as_email(message))
    except smtplib.SMTPRecipientsRefused as error:
        _record_failure(message_id, f"The mail server refused the recipient: {error.recipients}")
        delivery.failed += 1
        db.session.commit()
        return True
    except (OSError, smtplib.SMTPException) as error:
        delivery.error = f"Sending failed: {error}"
        log.error("Outbox: message %d: %s", message_id, delivery.error)
        _record_failure(message_id, delivery.error)
        delivery.failed += 1
        db.session.commit()
        return False
    message.status = OutboxStatus.SENT
    message.sent_at = utc_now()
    message.last_error = ""
    db.session.commit()
    delivery.sent += 1
    return True


def _claim(message_id: int) -> bool:
    """Take the message for one attempt: count it and set when the next one may be made."""
    message = db.session.get(OutboxMessage, message_id)
    now = utc_now()
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status != OutboxStatus.SENT,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=now + retry_delay(message.attempts + 1),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(message)
    return claimed.rowcount == 1


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _record_failure(message_id: int, error: str) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=OutboxStatus.FAILING, last_error=error[:1000])
        .execution_options(synchronize_session=False)
    )


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    if config["SMTP_SECURITY"] == "tls":
        connection = smtplib.SMTP_SSL(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = smtplib.SMTP(host, port, timeout=timeout)
        if config["SMTP_SECURITY"] == "starttls":
            connection.starttls(context=ssl.create_default_context())
    if config["SMTP_USERNAME"]:
        connection.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
    return connection


def _describe_connection_error(error: Exception) -> str:
    config = current_app.config
    where = f"{config['SMTP_HOST']}:{config['SMTP_PORT']}"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"The mail server at {where} refused ecdop's user name or password"
    return f"Could not connect to the mail server at {where}: {error or type(error).__name__}"


def _as_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = formataddr(
        (current_app.config["SERVICE_NAME"], current_app.config["MAIL_FROM"])
    )
    email["To"] = message.recipient_email
    email["Subject"] = message.subject
    # The same id on every attempt, so a receiving system can spot a repeat.
    email["Message-ID"] = f"<outbox-{message.id}.{message.dedupe_key_digest}@ecdop>"
    email.set_content(message.body)
    return email
