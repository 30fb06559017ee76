"""Moving the clock, running the scheduler's jobs and filling the outbox, for the deadline and
mail tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select

from ecdop.deadlines.models import Deadline
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.extensions import db
from ecdop.jobs import run_job
from ecdop.mail.models import MailPriority, OutboxMessage
from ecdop.mail.services import insert_messages


def move_to(clock, day: date, hour: int = 7) -> None:
    clock.move_to(datetime.combine(day, time(hour, 0), tzinfo=UTC))


def sweep_on(app, clock, day: date) -> int:
    """Run the scheduler's sweep job as it would run early on ``day``."""
    move_to(clock, day)
    queued = run_job(app, "sweep-deadlines")
    db.session.expire_all()
    return queued


def deliver(app) -> object:
    result = run_job(app, "deliver-outbox")
    db.session.expire_all()
    return result


def deadline(case, kind: DeadlineKind) -> Deadline:
    statement = select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == kind)
    return db.session.scalars(statement).one()


def request_deadline(request) -> Deadline:
    statement = select(Deadline).where(Deadline.reporting_request_id == request.id)
    return db.session.scalars(statement).one()


def reminder_keys(deadline: Deadline) -> list[tuple[str, str]]:
    """(step, recipient) of every reminder queued for the deadline, in the order queued."""
    prefix = f"deadline:{deadline.id}:"
    statement = (
        select(OutboxMessage.dedupe_key, OutboxMessage.recipient_email)
        .where(OutboxMessage.dedupe_key.startswith(prefix))
        .order_by(OutboxMessage.id)
    )
    return [(key.split(":")[3], email) for key, email in db.session.execute(statement)]


def all_messages() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def queue_backlog(count: int, priority: MailPriority = MailPriority.REMINDER) -> None:
    insert_messages(
        [
            {
                "dedupe_key": f"backlog:{number}",
                "recipient_user_id": None,
                "recipient_email": f"agency{number % 50}@example.test",
                "subject": f"Message {number}",
                "body": "A reminder.",
                "action_path": "/tasks",
                "priority": int(priority),
            }
            for number in range(count)
        ]
    )
    db.session.commit()
