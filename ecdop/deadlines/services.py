"""Keeping each case's deadlines in step with the case, and changing them by hand or by rule.

``refresh_deadlines`` is called after every change to a case (a move through the stage machine,
new or answered requests, a JAR or CDRM recorded, the national database told): it creates the
deadlines now owed, marks those fulfilled as met, lets go of those no longer needed, reopens
any that are owed again, and recomputes due dates from the area's rules. The case's own are
worked out here; those its records owe, the features that keep the records say
(``deadlines.hooks``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import Area, User
from ecdop.cases.models import Case
from ecdop.cases.queries import case_facts
from ecdop.cases.states import CaseFacts, is_closed, is_reviewed, refuse_if_closed
from ecdop.deadlines.hooks import CaseOwed, Owed, due_date_moved, owed_by_case, owed_by_records
from ecdop.deadlines.models import Deadline, DeadlineRule, DeadlineState
from ecdop.deadlines.queries import deadlines_of, open_deadlines_by_rule, rules_for_area
from ecdop.deadlines.reminders import WEEKLY, last_step_before, next_step_after
from ecdop.deadlines.rules import ANCHORS, Anchor, DeadlineKind, Rule
from ecdop.foundation.clock import uk_today
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.formatting import uk_calendar_date
from ecdop.foundation.refusals import ChangeRefused, check_version

# Closing settles what is still open: nobody can act on a closed case, so an open deadline on
# one would sit overdue in someone's tasks for ever. (Telling the national database can still
# be recorded afterwards, and meets its deadline then.)
CLOSED_BEFORE_MET = "The case was closed before this was done"


def _always(case: Case, facts: CaseFacts) -> bool:
    return True


@dataclass(frozen=True)
class CaseObligation:
    """A deadline a case owes: when it applies, and what fulfils it."""

    kind: DeadlineKind
    applies: Callable[[Case, CaseFacts], bool]
    fulfilled: Callable[[Case, CaseFacts], bool]


CASE_OBLIGATIONS: tuple[CaseObligation, ...] = (
    CaseObligation(DeadlineKind.NATIONAL_DATABASE, _always,
                   lambda case, facts: case.national_database_told_at is not None),
    CaseObligation(DeadlineKind.JAR_MEETING, lambda case, facts: facts.unexpected,
                   lambda case, facts: facts.jar_recorded),
    CaseObligation(DeadlineKind.CDRM, _always, lambda case, facts: facts.cdrm_recorded),
    CaseObligation(DeadlineKind.PANEL_REVIEW, _always,
                   lambda case, facts: is_reviewed(case)),
    CaseObligation(DeadlineKind.CLOSURE, _always, lambda case, facts: is_closed(case)),
)  # fmt: skip


def refresh_deadlines(case: Case) -> None:
    """Bring the case's deadlines in line with what is recorded about it: its own, and those
    its records owe (the ``owed_by_records`` hook)."""
    today = uk_today()
    live, closed = case.is_live, is_closed(case)
    existing = deadlines_of(case)
    _refresh_case_obligations(case, existing, live, closed, today)
    _refresh_declared_by_features(case, existing, live, closed, today)
    by_record = {(deadline.kind, deadline.record_id): deadline for deadline in existing}
    for owed in (owed for answer in owed_by_records(case) for owed in answer):
        deadline = by_record.get((owed.kind, owed.record_id))
        _refresh_owed(case, owed, deadline, live, closed, today)
    db.session.flush()


def _refresh_case_obligations(
    case: Case, existing: list[Deadline], live: bool, closed: bool, today: date
) -> None:
    facts = case_facts(case)
    rules = rules_for_area(case.area_id)
    own = {deadline.kind: deadline for deadline in existing if deadline.is_case_level}
    for obligation in CASE_OBLIGATIONS:
        deadline = own.get(obligation.kind)
        if not (live and obligation.applies(case, facts)):
            _let_go(deadline)
            continue
        starts = _obligation_start(case, obligation.kind)
        due_on = rules[obligation.kind].due_on(starts)
        if deadline is None:
            deadline = _open(case, obligation.kind, uk_calendar_date(starts), due_on, today)
        elif not deadline.due_on_set_by_hand and deadline.due_on != due_on:
            _reschedule(deadline, due_on, today)
        _settle(deadline, obligation.fulfilled(case, facts), today, closed)


def _refresh_declared_by_features(
    case: Case, existing: list[Deadline], live: bool, closed: bool, today: date
) -> None:
    """The case's own deadlines that features above declare (``owed_by_case``), settled when
    the case closes unless they go on after it (a family hears the outcome after sign-off);
    any such deadline no feature declares now is let go."""
    rules = rules_for_area(case.area_id)
    ours = {obligation.kind for obligation in CASE_OBLIGATIONS}
    own = {d.kind: d for d in existing if d.is_case_level and d.kind not in ours}
    declared: dict[DeadlineKind, CaseOwed] = {
        owed.kind: owed for answer in owed_by_case(case) for owed in answer
    }
    for kind, deadline in own.items():
        if kind not in declared:
            _let_go(deadline)
    for owed in declared.values():
        found = own.get(owed.kind)
        if not live or owed.let_go_because:
            _let_go(found, owed.let_go_because)
            continue
        rule = rules[owed.kind]
        due_on = rule.due_on(owed.starts)
        deadline = found or _open(case, owed.kind, _day_of(owed.starts), due_on, today,
                                  rule.chase_every_days)  # fmt: skip
        if found is not None and not found.due_on_set_by_hand and found.due_on != due_on:
            _reschedule(found, due_on, today)
        if deadline.chase_every_days != rule.chase_every_days:
            deadline.chase_every_days = rule.chase_every_days
            _reschedule(deadline, deadline.due_on, today)
        deadline.owed_by_user_id = owed.answered_by_id
        _settle(deadline, owed.met, today, closed and not owed.goes_on_after_closure)


def _day_of(moment: datetime | date) -> date:
    return uk_calendar_date(moment) if isinstance(moment, datetime) else moment


def _refresh_owed(
    case: Case, owed: Owed, deadline: Deadline | None, live: bool, closed: bool, today: date
) -> None:
    """A record's deadline follows the record's own due date and state."""
    if deadline is None:
        deadline = _open(case, owed.kind, owed.starts_on, owed.due_on, today)
    elif deadline.due_on != owed.due_on:
        _reschedule(deadline, owed.due_on, today)
    deadline.owed_by_record(owed.record_id, owed.agency_id)
    ends = owed.ends_with_the_case
    if not owed.needed or (ends and not live):
        _let_go(deadline)
    else:
        _settle(deadline, owed.met, today, closed and ends)


def _obligation_start(case: Case, kind: DeadlineKind) -> datetime | date:
    if ANCHORS[kind] is Anchor.DEATH:
        return case.date_of_death
    return case.created_at or utc_now()  # the first notification opened the case


def _open(
    case: Case,
    kind: DeadlineKind,
    starts_on: date,
    due_on: date,
    today: date,
    chase_every_days: int = WEEKLY,
) -> Deadline:
    deadline = Deadline(case=case, kind=kind, starts_on=starts_on, due_on=due_on,
                        chase_every_days=chase_every_days)  # fmt: skip
    _start_reminders(deadline, today)
    db.session.add(deadline)
    return deadline


def _reschedule(deadline: Deadline, due_on: date, today: date) -> None:
    deadline.due_on = due_on
    if deadline.state is DeadlineState.OPEN:
        _start_reminders(deadline, today)


def _start_reminders(deadline: Deadline, today: date) -> None:
    """Reminders for the deadline's current due date run from today. Of the steps already
    past, only the latest is still sent (so someone handed an overdue item hears of it once);
    steps dated before the obligation began never are."""
    through = today - timedelta(days=1)
    chase = deadline.chase_every_days or WEEKLY
    latest = last_step_before(deadline.due_on, today, chase)
    if latest is not None and latest.on >= deadline.starts_on:
        through = latest.on - timedelta(days=1)
    deadline.reminded_through = through
    deadline.next_reminder_on = next_step_after(deadline.due_on, through, chase)


def _settle(deadline: Deadline, fulfilled: bool, today: date, closed: bool = False) -> None:
    if fulfilled:
        if deadline.state is not DeadlineState.MET:
            deadline.state = DeadlineState.MET
            deadline.met_at = utc_now()
            deadline.let_go_reason = None
    elif closed:
        _let_go(deadline, CLOSED_BEFORE_MET)
    elif deadline.state is not DeadlineState.OPEN:
        deadline.state = DeadlineState.OPEN
        deadline.met_at = None
        deadline.let_go_reason = None
        _start_reminders(deadline, today)


def _let_go(deadline: Deadline | None, reason: str | None = None) -> None:
    if deadline is not None and deadline.state is DeadlineState.OPEN:
        deadline.state = DeadlineState.NOT_NEEDED
        deadline.let_go_reason = reason


def change_due_date(
    deadline: Deadline, *, due_on: date, reason: str, actor: User, expected_version: int | None
) -> None:
    """A coordinator's new due date, with the reason; rules no longer move it afterwards."""
    check_version(deadline, expected_version, "due_on")
    refuse_if_closed(deadline.case, "due_on")
    if deadline.state is not DeadlineState.OPEN:
        raise ChangeRefused(f"This deadline is {deadline.state.label.lower()}", "due_on")
    if due_on < deadline.starts_on:
        raise ChangeRefused(
            "The due date cannot be before the obligation began, on "
            f"{deadline.starts_on:%-d %B %Y}",
            "due_on",
        )
    if not reason.strip():
        raise ChangeRefused("Give the reason for changing the due date", "reason")
    if due_on == deadline.due_on:
        raise ChangeRefused("That is already the due date", "due_on")
    details = {
        "deadline": deadline.kind.label,
        "from": deadline.due_on.isoformat(),
        "to": due_on.isoformat(),
    }
    deadline.due_on_set_by_hand = True
    _reschedule(deadline, due_on, uk_today())
    due_date_moved(deadline)  # the request or action it is owed by takes the new date too
    record_event(
        AuditAction.DEADLINE_DUE_DATE_CHANGED,
        case_id=deadline.case_id,
        subject=deadline,
        details=details,
        reason=reason,
    )
    db.session.flush()


def change_rule(area: Area, kind: DeadlineKind, rule: Rule, *, actor: User) -> int:
    """Set the area's timescale for one kind of deadline, and move the open deadlines that
    follow the rule (not those set by hand). Returns how many moved.

    Agency requests and panel actions keep the date their agency was given; the rule sets the
    date offered for new ones.
    """
    if not 1 <= rule.amount <= 999:
        raise ChangeRefused("Enter a number from 1 to 999", "amount")
    current = rules_for_area(area.id)[kind]
    if current == rule:
        raise ChangeRefused(f"The rule is already {rule.describe()}{rule.describe_chase()}",
                            "amount")  # fmt: skip
    setting = db.session.scalar(
        select(DeadlineRule).where(DeadlineRule.area_id == area.id, DeadlineRule.kind == kind)
    )
    if setting is None:
        setting = DeadlineRule(area_id=area.id, kind=kind)
        db.session.add(setting)
    setting.amount, setting.unit, setting.changed_by_id = rule.amount, rule.unit, actor.id
    setting.chase_every_weeks = rule.chase_every_weeks
    details = {"deadline": kind.label,
               "from": current.describe() + current.describe_chase(),
               "to": rule.describe() + rule.describe_chase()}  # fmt: skip
    record_event(AuditAction.DEADLINE_RULE_CHANGED, subject=area, details=details)
    return _apply_rule(area, kind, rule)


def _apply_rule(area: Area, kind: DeadlineKind, rule: Rule) -> int:
    if kind.set_per_item:
        return 0
    today = uk_today()
    moved = 0
    ours = {obligation.kind for obligation in CASE_OBLIGATIONS}
    db.session.flush()  # the area's new rule, for the refresh below to read
    for deadline in open_deadlines_by_rule(area.id, kind):
        was_due = deadline.due_on
        if kind in ours:
            due_on = rule.due_on(_obligation_start(deadline.case, kind))
            if due_on != deadline.due_on:
                _reschedule(deadline, due_on, today)
        else:
            # Declared by a feature above, from a start only it knows (the post-mortem's day).
            refresh_deadlines(deadline.case)
        moved += deadline.due_on != was_due
    db.session.flush()
    return moved


def refresh_all_deadlines() -> int:
    """Refresh every live case's deadlines; returns how many cases."""
    statement = select(Case).where(~Case.is_merged).order_by(Case.id)
    count = 0
    for case in db.session.scalars(statement):
        refresh_deadlines(case)
        count += 1
    return count
