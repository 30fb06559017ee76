"""Reading deadlines, tasks and the outbox."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, cast

from flask import abort
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from ecdop.auth.models import Area, Organisation, Role, User
from ecdop.auth.permissions import Permission, role_may
from ecdop.cases.models import Case, StageChange
from ecdop.cases.states import UNDER_WAY_STAGES
from ecdop.deadlines.hooks import OwedRecord, page_of_kind, records_of
from ecdop.deadlines.models import Deadline, DeadlineRule, DeadlineState
from ecdop.deadlines.reminders import ESCALATE_AFTER_WORKING_DAYS
from ecdop.deadlines.rules import DEFAULT_RULES, DeadlineKind, Rule
from ecdop.foundation.clock import add_working_days, uk_today, working_days_between
from ecdop.foundation.db import UTCDateTime, count_if
from ecdop.foundation.extensions import db
from ecdop.foundation.formatting import uk_calendar_date
from ecdop.foundation.paging import PER_PAGE, Page, paginate
from ecdop.foundation.periods import ReportingPeriod
from ecdop.foundation.urls import app_path


def rules_for_area(area_id: int) -> dict[DeadlineKind, Rule]:
    """The area's rule for each kind of deadline: its own where set, else the default."""
    settings = db.session.scalars(select(DeadlineRule).where(DeadlineRule.area_id == area_id))
    return DEFAULT_RULES | {setting.kind: setting.rule for setting in settings}


def area_rule_settings(area_id: int) -> dict[DeadlineKind, DeadlineRule]:
    statement = (
        select(DeadlineRule)
        .where(DeadlineRule.area_id == area_id)
        .options(joinedload(DeadlineRule.changed_by))
    )
    return {setting.kind: setting for setting in db.session.scalars(statement)}


def deadlines_of(case: Case) -> list[Deadline]:
    statement = (
        select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.due_on, Deadline.id)
    )
    return list(db.session.scalars(statement))


def open_deadlines_by_rule(area_id: int, kind: DeadlineKind) -> list[Deadline]:
    """Open deadlines of this kind in the area whose due date the rule still sets."""
    statement = (
        select(Deadline)
        .join(Case, Deadline.case_id == Case.id)
        .where(
            Case.area_id == area_id,
            Deadline.kind == kind,
            Deadline.state == DeadlineState.OPEN,
            Deadline.due_on_set_by_hand.is_(False),
        )
        .options(contains_eager(Deadline.case))
    )
    return list(db.session.scalars(statement))


def deadline_for_coordinator_or_404(user: User, deadline_id: int) -> Deadline:
    deadline = db.session.get(Deadline, deadline_id)
    if deadline is None or deadline.case.area_id not in user.area_ids:
        abort(404)
    return deadline


def owed_records(deadlines: Sequence) -> dict[int, OwedRecord]:
    """What each deadline's record is (``records_of`` hook), by deadline id: one query per
    kind of record for the whole list. ``deadlines``: anything with id, kind and record_id."""
    wanted: dict[DeadlineKind, dict[int, int]] = defaultdict(dict)
    for deadline in deadlines:
        if deadline.record_id is not None:
            wanted[deadline.kind][deadline.record_id] = deadline.id
    found: dict[int, OwedRecord] = {}
    for kind, deadline_ids in wanted.items():
        for answer in records_of(kind, list(deadline_ids)):
            found |= {deadline_ids[record_id]: record for record_id, record in answer.items()}
    return found


def what_is_due(deadline, records: Mapping[int, OwedRecord]) -> str:
    """The one wording of a deadline: its record's, or for the case's own its kind."""
    record = records.get(deadline.id)
    return record.what if record else deadline.kind.label


def describe_deadlines(deadlines: Sequence[Deadline]) -> dict[int, str]:
    records = owed_records(deadlines)
    return {deadline.id: what_is_due(deadline, records) for deadline in deadlines}


def action_path_for(user: User, deadline, record: OwedRecord | None) -> str:
    """Where the user acts on a deadline, and can open: the record's page for the agency
    that answers for it (or, for a panel action, anyone who may update actions), the case
    for a coordinator; for anyone else (an area lead who is not a coordinator) their own task
    list, which says whom to ask."""
    if record is not None and (
        role_may(user.role, record.opened_with)
        if record.opened_with
        else deadline.owed_by_id == user.organisation_id
    ):
        return record.path
    if role_may(user.role, Permission.VIEW_AREA_CASES):
        return app_path("cases.show", case_id=deadline.case_id)
    if getattr(deadline, "owed_by_user_id", None) == user.id:
        return _page_of(deadline.kind, deadline.case_id)
    return app_path("deadlines.tasks")


def _page_of(kind: DeadlineKind, case_id: int) -> str:
    """The page of the feature that declared the kind (``page_of_kind``), or My tasks."""
    endpoint = next((found for found in page_of_kind(kind) if found), None)
    return app_path(endpoint, case_id=case_id) if endpoint else app_path("deadlines.tasks")


def due_status(due_on: date, today: date | None = None) -> str:
    today = today or uk_today()
    if due_on < today:
        late = working_days_between(due_on, today)
        return f"Overdue by {late} working day{'s' if late != 1 else ''}"
    if due_on == today:
        return "Due today"
    left = working_days_between(today, due_on)
    return f"Due in {left} working day{'s' if left != 1 else ''}"


# Due today or on the next working day: tagged yellow beside the red of overdue.
DUE_SOON_WORKING_DAYS = 1


@dataclass(frozen=True)
class DueTag:
    """How an open item's due date is shown on every list: "Overdue by 3 working days" in
    red, due within a working day in yellow, anything later in grey."""

    text: str
    colour: str

    @property
    def pressing(self) -> bool:
        return self.colour != "grey"


def due_tag(due_on: date, today: date | None = None) -> DueTag:
    today = today or uk_today()
    if due_on < today:
        colour = "red"
    elif working_days_between(today, due_on) <= DUE_SOON_WORKING_DAYS:
        colour = "yellow"
    else:
        colour = "grey"
    return DueTag(due_status(due_on, today), colour)


@dataclass(frozen=True)
class Task:
    deadline: Deadline
    what: str
    reference: str
    due_on: date
    status: DueTag
    overdue: bool
    escalated: bool
    action_path: str


def escalation_cutoff(today: date) -> date:
    """Deadlines due on or before this day have been escalated."""
    return add_working_days(today, -ESCALATE_AFTER_WORKING_DAYS)


def tasks_for(user: User) -> list[Task]:
    """Open deadlines the user answers for: their agency's requests, a coordinator's cases'
    own deadlines and escalated agency requests, and escalated items in an area they lead."""
    statement = _tasks_of(user)
    if statement is None:
        return []
    today = uk_today()
    cutoff = escalation_cutoff(today)
    deadlines = list(db.session.scalars(statement.order_by(Deadline.due_on, Deadline.id)))
    return _tasks(deadlines, user, today, cutoff)


TASK_FILTERS = [
    ("open", "Everything still to do"),
    ("overdue", "Overdue"),
    ("due_soon", "Due within 5 working days"),
    ("escalated", "Escalated"),
]
TASK_ORDERS = [("due", "Due date, soonest first"), ("-due", "Due date, latest first")]


def task_page(user: User, *, show: str, order: str, page: int) -> Page:
    """A page of My tasks; everything still to do, soonest (so overdue) first, by default."""
    statement = _tasks_of(user)
    if statement is None:
        return Page([], 0, 1, PER_PAGE)
    today = uk_today()
    cutoff = escalation_cutoff(today)
    by_show: dict[str, list[ColumnElement[bool]]] = {
        "open": [],
        "overdue": [Deadline.due_on < today],
        "due_soon": [Deadline.due_on.between(today, add_working_days(today, 5))],
        "escalated": [Deadline.due_on <= cutoff],
    }
    narrower = by_show[show]
    due = Deadline.due_on.desc() if order == "-due" else Deadline.due_on
    found = paginate(statement.where(*narrower).order_by(due, Deadline.id), page)
    return replace(found, items=_tasks(found.items, user, today, cutoff))


def _tasks_of(user: User) -> Select | None:
    """Open deadlines the user answers for. Each open deadline looks up its own case and
    agency: joined instead, the planner may read every case and request of the area's history
    to match the few thousand deadlines under way."""
    cutoff = escalation_cutoff(uk_today())
    case_level = Deadline.owed_by_id.is_(None)
    area = _area_of_live_case()
    conditions = []
    if user.role is Role.AGENCY_REPORTER:
        conditions.append(and_(Deadline.owed_by_id == user.organisation_id,
                               area.in_(user.area_ids)))  # fmt: skip
    if user.role is Role.COORDINATOR:
        conditions.append(and_(area.in_(user.area_ids), or_(case_level, Deadline.due_on <= cutoff)))
    # What a person answers for themselves, such as a key worker's family deadlines.
    conditions.append(and_(Deadline.owed_by_user_id == user.id, area.in_(user.area_ids)))
    if led := _areas_led_by(user):
        conditions.append(and_(area.in_(led), case_level, Deadline.due_on <= cutoff))
    if not conditions:
        return None
    return (
        select(Deadline)
        .where(Deadline.state == DeadlineState.OPEN, or_(*conditions))
        .options(joinedload(Deadline.case))
    )


def _area_of_live_case():
    """The area of the deadline's case, or NULL once the case is merged into another."""
    return (
        select(Case.area_id).where(Case.id == Deadline.case_id, ~Case.is_merged).scalar_subquery()
    )


def _areas_led_by(user: User) -> list[int]:
    return list(db.session.scalars(select(Area.id).where(Area.lead_id == user.id)))


def _tasks(deadlines: list[Deadline], user: User, today: date, cutoff: date) -> list[Task]:
    records = owed_records(deadlines)
    return [
        Task(
            deadline=deadline,
            what=what_is_due(deadline, records),
            reference=deadline.case.reference,
            due_on=deadline.due_on,
            status=due_tag(deadline.due_on, today),
            overdue=deadline.due_on < today,
            escalated=deadline.due_on <= cutoff,
            action_path=action_path_for(user, deadline, records.get(deadline.id)),
        )
        for deadline in deadlines
    ]


def _overdue_in(user: User):
    return (
        Deadline.state == DeadlineState.OPEN,
        Deadline.due_on < uk_today(),
        _area_of_live_case().in_(user.area_ids),
    )


def overdue_by_kind(user: User) -> list[tuple[DeadlineKind, int]]:
    statement = (
        select(Deadline.kind, func.count(Deadline.id))
        .where(*_overdue_in(user))
        .group_by(Deadline.kind)
    )
    counts = dict(db.session.execute(statement).all())
    return [(kind, counts[kind]) for kind in DeadlineKind if kind in counts]


def overdue_deadlines(user: User, limit: int = 50) -> list[Task]:
    statement = _overdue_statement(user, kind=None).limit(limit)
    today = uk_today()
    deadlines = list(db.session.scalars(statement))
    return _tasks(deadlines, user, today, escalation_cutoff(today))


# The dashboard's "Overdue, by kind" counts, each a link to its own list.
OVERDUE_KINDS = [("all", "Every kind"), *((kind.value, kind.label) for kind in DeadlineKind)]


def overdue_page(user: User, *, kind: str, page: int) -> Page:
    """A page of what is overdue in the coordinator's areas, longest overdue first: the same
    deadlines the dashboard counts, of one kind or of all."""
    chosen = None if kind == "all" else DeadlineKind(kind)
    found = paginate(_overdue_statement(user, kind=chosen), page)
    today = uk_today()
    return replace(found, items=_tasks(found.items, user, today, escalation_cutoff(today)))


def _overdue_statement(user: User, *, kind: DeadlineKind | None) -> Select:
    of_kind = [] if kind is None else [Deadline.kind == kind]
    return (
        select(Deadline)
        .where(*_overdue_in(user), *of_kind)
        .options(joinedload(Deadline.case))
        .order_by(Deadline.due_on, Deadline.id)
    )


def days_in_stage(user: User, limit: int = 50) -> list[tuple[Case, int]]:
    """Live, unfinished cases with the days since they entered their stage, longest first."""
    entered = func.coalesce(func.max(StageChange.changed_at), Case.created_at, type_=UTCDateTime)
    statement = (
        select(Case, entered.label("entered"))
        .outerjoin(StageChange, StageChange.case_id == Case.id)
        .where(
            Case.area_id.in_(user.area_ids),
            ~Case.is_merged,
            Case.stage.in_(UNDER_WAY_STAGES),
        )
        .group_by(Case.id)
        .order_by(entered, Case.id)
        .limit(limit)
    )
    today = uk_today()
    rows = []
    for case, entered_at in db.session.execute(statement):
        rows.append((case, (today - uk_calendar_date(entered_at)).days))
    return rows


@dataclass(frozen=True)
class AgencyTimeliness:
    agency: str
    due: int
    on_time: int
    late: int
    outstanding: int

    @property
    def share_on_time(self) -> float | None:
        return self.on_time / self.due if self.due else None


def met_by_due_date():
    """Met on or before the due date in force (so an agreed extension counts)."""
    return and_(Deadline.state == DeadlineState.MET, func.date(Deadline.met_at) <= Deadline.due_on)


def fell_due_between(starts_on: date, ends_on: date, today: date) -> list:
    """Deadlines still wanted that fell due in the span, and have fallen due by today."""
    return [
        Deadline.state != DeadlineState.NOT_NEEDED,
        Deadline.due_on.between(starts_on, min(ends_on, today - timedelta(1))),
    ]


def agency_timeliness(area_ids: list[int], period: ReportingPeriod) -> list[AgencyTimeliness]:
    """Requests that fell due in the period, per agency: how many were answered by their due
    date, how many late, and how many are still outstanding. The period's request deadlines
    are found by kind and due date, and each looks up its own case and agency, so that the
    figures cost one period's requests however long the history."""
    met = Deadline.state == DeadlineState.MET
    on_time = met_by_due_date()
    agency = Deadline.owed_by_id
    counted = (
        select(
            agency.label("organisation_id"),
            func.count(Deadline.id).label("due"),
            count_if(on_time).label("in_time"),
            count_if(and_(met, ~on_time)).label("late"),
            count_if(Deadline.state == DeadlineState.OPEN).label("open"),
        )
        .where(
            Deadline.kind == DeadlineKind.REPORTING_REQUEST,
            _area_of_live_case().in_(area_ids),
            *fell_due_between(period.starts_on, period.ends_on, uk_today()),
        )
        .group_by(agency)
        .subquery()
    )
    statement = (
        select(Organisation.name, counted.c.due, counted.c.in_time, counted.c.late,
               counted.c.open)
        .join(counted, counted.c.organisation_id == Organisation.id)
        .order_by(Organisation.name)
    )  # fmt: skip
    return [
        AgencyTimeliness(name, due, int(in_time), int(late), int(open_))
        for name, due, in_time, late, open_ in cast(Sequence[Any], db.session.execute(statement))
    ]


# Counted on the outbox page: the messages still to settle. Sent ones pile up for years, and
# counting them would make the page slower every day.


def cases_with_overdue_deadlines(case_ids: list[int]) -> set[int]:
    """Which of these cases have something overdue (for a page of the case list)."""
    statement = select(Deadline.case_id).where(
        Deadline.case_id.in_(case_ids),
        Deadline.state == DeadlineState.OPEN,
        Deadline.due_on < uk_today(),
    )
    return set(db.session.scalars(statement))
