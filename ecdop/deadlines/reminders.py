"""When a deadline's reminders fall: a pure schedule worked out from the due date.

5 and 1 working days before the due date; the first working day it is overdue, then weekly
(or at the pace its rule chases it, every 4 weeks for a pathologist's report); and after 10
working days overdue, one escalation. Each step has a key that, with the due date
and the recipient, makes the outbox key of its message: a step can be queued only once. After a
gap in sweeping, only the latest step that fell due is sent (see ``steps_to_send``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from ecdop.foundation.clock import add_working_days

DAYS_BEFORE = (5, 1)
ESCALATE_AFTER_WORKING_DAYS = 10
WEEKLY = 7


@dataclass(frozen=True)
class ReminderStep:
    on: date
    key: str
    overdue: bool = False
    escalation: bool = False


def reminder_steps(due_on: date, chase_every_days: int = WEEKLY) -> Iterator[ReminderStep]:
    """Every step for this due date, in date order; the reminders once overdue go on for
    ever, every ``chase_every_days``."""
    repeat_every = timedelta(days=chase_every_days)
    for days in DAYS_BEFORE:
        yield ReminderStep(add_working_days(due_on, -days), f"before-{days}")
    first_overdue = add_working_days(due_on, 1)
    escalation = ReminderStep(
        add_working_days(due_on, ESCALATE_AFTER_WORKING_DAYS), "escalation", True, True
    )
    escalated = False
    week = 0
    while True:
        on = first_overdue + week * repeat_every
        if not escalated and escalation.on <= on:
            escalated = True
            yield escalation
        yield ReminderStep(on, "overdue" if week == 0 else f"overdue-week-{week}", overdue=True)
        week += 1


# Cached: a sweep meets the same few hundred due dates again and again.
@lru_cache(maxsize=8192)
def steps_between(
    due_on: date, after: date, through: date, chase_every_days: int = WEEKLY
) -> tuple[ReminderStep, ...]:
    """The steps dated after ``after`` and on or before ``through``."""
    steps = []
    for step in reminder_steps(due_on, chase_every_days):
        if step.on > through:
            break
        if step.on > after:
            steps.append(step)
    return tuple(steps)


def steps_to_send(
    due_on: date, after: date, through: date, chase_every_days: int = WEEKLY
) -> tuple[ReminderStep, ...]:
    """What to send for the steps that fell due after ``after``: only the latest. After
    downtime, an "Overdue" and seven identical "Still overdue" messages in one second tell
    nobody more than the last of them. An escalation goes to other people, so one that fell
    due in the gap still goes, once."""
    steps = steps_between(due_on, after, through, chase_every_days)
    if not steps:
        return ()
    missed_escalations = tuple(step for step in steps[:-1] if step.escalation)
    return (*missed_escalations, steps[-1])


@lru_cache(maxsize=8192)
def next_step_after(due_on: date, day: date, chase_every_days: int = WEEKLY) -> date:
    return next(step.on for step in reminder_steps(due_on, chase_every_days) if step.on > day)


def last_step_before(
    due_on: date, day: date, chase_every_days: int = WEEKLY
) -> ReminderStep | None:
    latest = None
    for step in reminder_steps(due_on, chase_every_days):
        if step.on >= day:
            return latest
        latest = step
    return latest  # pragma: no cover - the schedule never ends
