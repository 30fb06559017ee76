"""The reminder sweep and the coordinators' daily digest: jobs the scheduler runs.

The sweep reads only open deadlines whose next reminder has come round (an index serves it),
queues the latest reminder step that has fallen due since the deadline was last swept
(after downtime, one message rather than a flood), and moves each deadline's bookkeeping on.
The job runner commits each batch of deadlines on its own, its messages and its bookkeeping
together, so a coordinator changing a deadline waits for one batch at most, never for the
whole sweep. Each message's outbox key is the deadline, its due date, the step and the
recipient: a sweep killed part-way and run again, or run twice, queues nothing twice.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import and_, bindparam, select, update

from ecdop.auth.models import Area, Role, User
from ecdop.auth.permissions import Permission, role_may
from ecdop.auth.queries import active_coordinators_of, agency_reporters_of
from ecdop.cases.models import Case
from ecdop.deadlines.hooks import OwedRecord
from ecdop.deadlines.models import RECORD_COLUMNS, Deadline, DeadlineState
from ecdop.deadlines.queries import (
    action_path_for,
    due_status,
    overdue_deadlines,
    owed_records,
    tasks_for,
    what_is_due,
)
from ecdop.deadlines.reminders import ReminderStep, next_step_after, steps_to_send
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.clock import add_working_days, is_working_day, uk_today
from ecdop.foundation.db import table_of
from ecdop.foundation.extensions import db
from ecdop.foundation.urls import app_path
from ecdop.mail import keys as mail_keys
from ecdop.mail.models import MailPriority
from ecdop.mail.services import insert_messages, message_row

# Deadlines per transaction: a few hundred milliseconds of work on PostgreSQL.
BATCH_SIZE = 2000
DIGEST_LOOKS_AHEAD = 5  # working days
DIGEST_OVERDUE_LIMIT = 500


@dataclass
class Recipients:
    """Who hears about what, looked up once per sweep."""

    agencies: dict[tuple[int, int], list[User]] = field(default_factory=dict)
    coordinators: dict[int, list[User]] = field(default_factory=dict)
    leads: dict[int, list[User]] = field(default_factory=dict)
    people: dict[int, list[User]] = field(default_factory=dict)

    def person(self, user_id: int, area_id: int) -> list[User]:
        """The one person who answers for a deadline, while they are active and in its area;
        the coordinators otherwise, so that nothing waits on someone who has left."""
        if user_id not in self.people:
            found = db.session.get(User, user_id)
            self.people[user_id] = [found] if found and found.active else []
        return [p for p in self.people[user_id] if area_id in p.area_ids] or self.coordinators_of(
            area_id
        )

    def agency_reporters(self, organisation_id: int, area_id: int) -> list[User]:
        if (organisation_id, area_id) not in self.agencies:
            self.agencies[organisation_id, area_id] = agency_reporters_of(organisation_id, area_id)
        return self.agencies[organisation_id, area_id]

    def coordinators_of(self, area_id: int) -> list[User]:
        if area_id not in self.coordinators:
            self.coordinators[area_id] = active_coordinators_of(area_id)
        return self.coordinators[area_id]

    def lead_of(self, area_id: int) -> list[User]:
        """The area lead; the coordinators when there is none, so an escalation is never lost."""
        if area_id not in self.leads:
            lead = db.session.scalar(
                select(User)
                .join(Area, Area.lead_id == User.id)
                .where(Area.id == area_id, User.active)
            )
            self.leads[area_id] = [lead] if lead else self.coordinators_of(area_id)
        return self.leads[area_id]


@dataclass(frozen=True)
class DueDeadline:
    """The columns of a deadline the sweep needs, read in one query, and what its record is."""

    id: int
    kind: DeadlineKind
    case_id: int
    due_on: date
    reminded_through: date
    reference: str
    area_id: int
    reporting_request_id: int | None
    panel_action_id: int | None
    owed_by_id: int | None  # the agency that answers for it, if not the coordinators
    owed_by_user_id: int | None  # the person who answers for it (a key worker), if anyone
    chase_every_days: int
    what: str = ""
    record: OwedRecord | None = None

    @property
    def record_id(self) -> int | None:
        column = RECORD_COLUMNS.get(self.kind)
        return getattr(self, column) if column else None


def sweep_deadlines(today: date | None = None) -> Generator[None, None, int]:
    """Queue the reminders and escalations due by ``today``, a batch at a time (yielding
    after each, for the job runner to commit); returns how many were queued."""
    today = today or uk_today()
    recipients = Recipients()
    queued, after_id = 0, 0
    while batch := _due_batch(today, after_id):
        messages = [
            message
            for deadline in batch
            for step in steps_to_send(
                deadline.due_on, deadline.reminded_through, today, deadline.chase_every_days
            )
            for message in _reminders(deadline, step, recipients, today)
        ]
        queued += insert_messages(messages)
        _move_bookkeeping_on(batch, today)
        # The job runner commits here: the batch's outbox keys and its deadlines'
        # reminded_through go in together.
        yield
        after_id = batch[-1].id
    return queued


def _due_batch(today: date, after_id: int) -> list[DueDeadline]:
    statement = (
        select(
            Deadline.id, Deadline.kind, Deadline.case_id, Deadline.due_on,
            Deadline.reminded_through, Case.reference, Case.area_id,
            Deadline.reporting_request_id, Deadline.panel_action_id, Deadline.owed_by_id,
            Deadline.owed_by_user_id, Deadline.chase_every_days,
        )
        .join(Case, Deadline.case_id == Case.id)
        .where(
            Deadline.state == DeadlineState.OPEN,
            Deadline.next_reminder_on <= today,
            Deadline.id > after_id,
        )
        .order_by(Deadline.id)
        .limit(BATCH_SIZE)
    )  # fmt: skip
    batch = [DueDeadline(**row._asdict()) for row in db.session.execute(statement)]
    records = owed_records(batch)
    return [
        replace(due, what=what_is_due(due, records), record=records.get(due.id)) for due in batch
    ]


def _reminders(
    deadline: DueDeadline, step: ReminderStep, recipients: Recipients, today: date
) -> list[dict]:
    if deadline.owed_by_id is not None:
        responsible = recipients.agency_reporters(deadline.owed_by_id, deadline.area_id)
        escalate_to = recipients.coordinators_of(deadline.area_id)
    elif deadline.owed_by_user_id is not None:
        responsible = recipients.person(deadline.owed_by_user_id, deadline.area_id)
        escalate_to = recipients.coordinators_of(deadline.area_id)
    else:
        responsible = recipients.coordinators_of(deadline.area_id)
        escalate_to = recipients.lead_of(deadline.area_id)
    people = escalate_to if step.escalation else responsible
    coordinators = recipients.coordinators_of(deadline.area_id)
    return [_reminder(deadline, step, person, today, coordinators) for person in people]


SUBJECTS = {
    "before": "Reminder: {what} for case {reference} is due on {due:%-d %B %Y}",
    "overdue": "Overdue: {what} for case {reference} was due on {due:%-d %B %Y}",
    "still_overdue": "Still overdue: {what} for case {reference} was due on {due:%-d %B %Y}",
    "escalation": "Escalation: {what} for case {reference} has been overdue since {due:%-d %B %Y}",
}


def _subject_kind(step: ReminderStep) -> str:
    if step.escalation:
        return "escalation"
    if step.overdue:
        return "overdue" if step.key == "overdue" else "still_overdue"
    return "before"


def _reminder(
    deadline: DueDeadline, step: ReminderStep, person: User, today: date, coordinators: list[User]
) -> dict:
    kind = _subject_kind(step)
    # An area lead who is not a coordinator cannot open the case: say who can act on it.
    follow_up_with = (
        []
        if role_may(person.role, Permission.VIEW_AREA_CASES)
        else [c.full_name for c in coordinators]
    )
    action_path = action_path_for(person, deadline, deadline.record)
    return message_row(
        dedupe_key=mail_keys.deadline_step(deadline.id, deadline.due_on, step.key, person.id),
        recipient=person,
        subject=SUBJECTS[kind].format(what=deadline.what, reference=deadline.reference,
                                      due=deadline.due_on),
        template="email/deadline_reminder.txt",
        action_path=action_path,
        priority=MailPriority.REMINDER,
        deadline=deadline,
        step=step,
        status=due_status(deadline.due_on, today),
        follow_up_with=follow_up_with,
    )  # fmt: skip


def _move_bookkeeping_on(batch: list[DueDeadline], today: date) -> None:
    """Record that the batch has been swept through today. A deadline whose due date changed
    meanwhile is left alone: its own new schedule stands."""
    table = table_of(Deadline)
    statement = (
        update(table)
        .where(and_(table.c.id == bindparam("deadline_id"),
                    table.c.due_on == bindparam("swept_due_on")))
        .values(reminded_through=today, next_reminder_on=bindparam("next_on"))
    )  # fmt: skip
    db.session.execute(
        statement,
        [
            {
                "deadline_id": deadline.id,
                "swept_due_on": deadline.due_on,
                "next_on": next_step_after(deadline.due_on, today, deadline.chase_every_days),
            }
            for deadline in batch
        ],
    )


def send_coordinator_digests(today: date | None = None) -> int:
    """Each coordinator's morning summary of what is overdue or due soon, once a day."""
    today = today or uk_today()
    if not is_working_day(today):  # the schedule says weekdays; bank holidays are off too
        return 0
    statement = select(User).where(User.role == Role.COORDINATOR, User.active)
    soon = add_working_days(today, DIGEST_LOOKS_AHEAD)
    messages = []
    for coordinator in db.session.scalars(statement):
        # Everything overdue in their areas, agencies' reports included: they chase them.
        overdue = overdue_deadlines(coordinator, limit=DIGEST_OVERDUE_LIMIT)
        due_soon = [task for task in tasks_for(coordinator)
                    if not task.overdue and task.due_on <= soon]  # fmt: skip
        if not (overdue or due_soon):
            continue
        messages.append(
            message_row(
                dedupe_key=mail_keys.daily_digest(today, coordinator.id),
                recipient=coordinator,
                subject=f"ecdop daily summary: {len(overdue)} overdue, {len(due_soon)} due soon",
                template="email/coordinator_digest.txt",
                priority=MailPriority.REMINDER,
                action_path=app_path("deadlines.tasks"),
                overdue=overdue,
                due_soon=due_soon,
                today=today,
            )
        )
    return insert_messages(messages)
