"""Delivering the outbox by SMTP, with retries, so that a mail server being down delays mail
and loses none.

This is one of the three places that commit (with the request boundary and the job runner),
and it commits many times on purpose: a claimed batch is committed before anything is sent,
and each message's "sent" mark is committed the moment the server accepts it. One transaction
for a whole drain would either hold rows locked while mail goes out or, on a crash, forget
what had been sent and send it again."""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.charset import QP, Charset
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr
from typing import NamedTuple

from flask import Flask, current_app
from sqlalchemy import ColumnElement, and_, bindparam, or_, select, update

from ecdop.foundation.db import table_of, utc_now
from ecdop.foundation.extensions import db, the_app_itself
from ecdop.foundation.transactions import stop_asked
from ecdop.mail.models import (
    UNSENT,
    MailPriority,
    OutboxMessage,
    OutboxStatus,
    message_id_header,
)

log = logging.getLogger(__name__)

# Waits between attempts double from one minute up to an hour; a message is never given up on.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
# Messages claimed and sent over one SMTP connection.
BATCH_SIZE = 500
# Between messages of a batch of less urgent mail, a sender looks for urgent mail (a new
# death) this often, and sends it first: at hundreds a second, a few hundredths of a second.
URGENT_LOOK_EVERY = 20


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    error: str = ""


class Outgoing(NamedTuple):
    """What a sender needs of a message, read once per batch."""

    id: int
    recipient_email: str
    subject: str
    body: str
    dedupe_key: str
    priority: int


def deliver_outbox(batch_size: int = BATCH_SIZE) -> Delivery:
    """Send every message whose time has come, most urgent first, a batch at a time over one
    SMTP connection each, until none is left or the mail server stops answering.

    Delivery is at least once. A batch is claimed, for this sender alone and for a while, and
    committed before anything is sent; each message is marked sent, and committed, the moment
    the server accepts it. Every change is made only while this sender's claim stands. A
    sender that dies between the server's acceptance and the commit leaves its claim to
    expire, and only then may that message go again, with the same Message-ID.
    """
    senders = current_app.config["OUTBOX_SENDERS"]
    if senders == 1 or db.session.get_bind().dialect.name != "postgresql":
        return _drain(batch_size)
    # Each sender waits on the mail server and the database most of the time: several, each
    # with its own connection to both and its own claims, drain a backlog that much sooner.
    app = the_app_itself()
    with ThreadPoolExecutor(senders, thread_name_prefix="outbox") as pool:
        deliveries = list(pool.map(lambda _: _drain_in(app, batch_size), range(senders)))
    return Delivery(
        sent=sum(delivery.sent for delivery in deliveries),
        failed=sum(delivery.failed for delivery in deliveries),
        error=next((delivery.error for delivery in deliveries if delivery.error), ""),
    )


def _drain_in(app: Flask, batch_size: int) -> Delivery:
    with app.app_context():
        try:
            return _drain(batch_size)
        finally:
            db.session.remove()


def _drain(batch_size: int) -> Delivery:
    sender = uuid.uuid4().hex
    delivery = Delivery()
    while not stop_asked() and (batch := _claim_batch(sender, batch_size)):
        if not _send_batch(sender, batch, delivery):
            break
    return delivery


def _claim_batch(sender: str, batch_size: int, *, only_urgent: bool = False) -> list[Outgoing]:
    now = utc_now()
    due = (
        select(OutboxMessage.id)
        .where(_claimable(now))
        .order_by(OutboxMessage.priority, OutboxMessage.id)
        .limit(batch_size)
    )
    if only_urgent:
        due = due.where(OutboxMessage.priority == MailPriority.URGENT)
    if db.session.get_bind().dialect.name == "postgresql":
        # Two senders at once take different messages instead of queueing for the same rows.
        due = due.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(due))
    if not ids:
        db.session.commit()
        return []
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), _claimable(now))
        .values(claimed_by=sender, claimed_until=now + claim_length(),
                attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    batch = db.session.execute(
        select(*(getattr(OutboxMessage, name) for name in Outgoing._fields))
        .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == sender)
        .order_by(OutboxMessage.priority, OutboxMessage.id)
    ).all()
    db.session.commit()
    return [Outgoing(**row._mapping) for row in batch]


def _claimable(now: datetime) -> ColumnElement[bool]:
    return and_(
        OutboxMessage.status.in_(UNSENT),
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
    )


def claim_length() -> timedelta:
    return timedelta(seconds=current_app.config["OUTBOX_CLAIM_SECONDS"])


def _send_batch(sender: str, batch: list[Outgoing], delivery: Delivery) -> bool:
    """Send one claimed batch; False when the mail server can no longer be used."""
    try:
        connection = _connect()
    except (OSError, smtplib.SMTPException) as error:
        delivery.error = _describe_connection_error(error)
        log.error("Outbox: %s; %d messages wait for the next attempt", delivery.error, len(batch))
        _record_failures(sender, [message.id for message in batch], delivery.error)
        delivery.failed += len(batch)
        return False
    with connection:
        for position, message in enumerate(batch):
            if stop_asked():
                # The process is stopping: the message in hand went; the rest are let go now,
                # for whichever sender runs next, rather than when the claim runs out.
                _release_claims(sender, [m.id for m in batch[position:]])
                return False
            if position % URGENT_LOOK_EVERY == 0 and message.priority > MailPriority.URGENT:
                _send_urgent_first(sender, connection, delivery)
            if not _send_one(sender, connection, message, delivery):
                _record_failures(sender, [m.id for m in batch[position:]], delivery.error)
                delivery.failed += len(batch) - position
                return False
    return True


def _send_urgent_first(sender: str, connection: smtplib.SMTP, delivery: Delivery) -> None:
    """Urgent mail queued since this batch was claimed goes before the batch's next message,
    over the same connection: an alert of a death never waits behind a backlog of reminders."""
    for message in _claim_batch(sender, URGENT_LOOK_EVERY, only_urgent=True):
        if not _send_one(sender, connection, message, delivery):
            _record_failures(sender, [message.id], delivery.error)
            delivery.failed += 1


def _send_one(sender: str, connection: smtplib.SMTP, message: Outgoing, delivery: Delivery) -> bool:
    """One message; False when the connection can no longer be used (the message, perhaps
    delivered, perhaps not, goes again)."""
    try:
        connection.send_message(_as_email(message))
    except smtplib.SMTPRecipientsRefused as error:
        _record_failures(sender, [message.id], f"The mail server refused the recipient: "
                                                f"{error.recipients}")  # fmt: skip
        delivery.failed += 1
        return True
    except (OSError, smtplib.SMTPException) as error:
        delivery.error = f"Sending failed: {error}"
        log.error("Outbox: message %d: %s", message.id, delivery.error)
        return False
    _record_sent(sender, message.id)
    delivery.sent += 1
    return True


def _release_claims(sender: str, message_ids: list[int]) -> None:
    """Messages claimed and not tried: free for any sender at once, their attempt not spent."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.claimed_by == sender)
        .values(claimed_by=None, claimed_until=None, attempts=OutboxMessage.attempts - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


MARK_SENT = (
    update(table_of(OutboxMessage))
    .where(OutboxMessage.id == bindparam("message_id"),
           OutboxMessage.claimed_by == bindparam("sender"))
    .values(status=OutboxStatus.SENT.value, sent_at=bindparam("sent_at"), last_error="",
            claimed_by=None, claimed_until=None)
)  # fmt: skip


def _record_sent(sender: str, message_id: int) -> None:
    # Straight on the connection, not through the ORM: this runs once a message.
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # Not waiting for the disk makes this commit as quick as can be. Should PostgreSQL
        # itself crash within the next moment, the mark may be lost and the message go
        # again, with the same Message-ID: still at least once, never lost.
        connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
    marked = connection.execute(
        MARK_SENT, {"message_id": message_id, "sender": sender, "sent_at": utc_now()}
    )
    db.session.commit()
    if marked.rowcount != 1:
        log.warning("Outbox: message %d was sent after this sender's claim ran out", message_id)


def _record_failures(sender: str, message_ids: list[int], error: str) -> None:
    """Each message waits before its next attempt, longer each time; never given up on."""
    now = utc_now()
    for attempts, ids in _ids_by_attempts(sender, message_ids).items():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == sender)
            .values(status=OutboxStatus.FAILING, last_error=error[:1000],
                    next_attempt_at=now + retry_delay(attempts),
                    claimed_by=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
    db.session.commit()


def _ids_by_attempts(sender: str, message_ids: list[int]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = {}
    rows = db.session.execute(
        select(OutboxMessage.attempts, OutboxMessage.id).where(
            OutboxMessage.id.in_(message_ids), OutboxMessage.claimed_by == sender
        )
    )
    for attempts, message_id in rows:
        grouped.setdefault(attempts, []).append(message_id)
    return grouped


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    connection: smtplib.SMTP
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


# UTF-8 text, quoted-printable: readable as it stands where it is plain English.
UTF8_TEXT = Charset("utf-8")
UTF8_TEXT.body_encoding = QP


def _as_email(message: Outgoing) -> MIMEText:
    # The email package's compat32 classes: a quarter of the work of EmailMessage's header
    # registry, which told when a backlog of thousands was sent.
    email = MIMEText(message.body, "plain", UTF8_TEXT)  # type: ignore[arg-type]  # a Charset works
    email["From"] = formataddr(
        (current_app.config["SERVICE_NAME"], current_app.config["MAIL_FROM"]), "utf-8"
    )
    email["To"] = message.recipient_email
    subject = message.subject
    # compat32 takes a Header where its types say only str.
    email["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")  # type: ignore[assignment]
    email["Message-ID"] = message_id_header(message.id, message.dedupe_key)
    return email
