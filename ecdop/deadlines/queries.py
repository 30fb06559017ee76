"""Reading deadlines, tasks and the outbox."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from flask import abort
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from ecdop.auth.models import Area, Organisation, Role, User, user_areas
from ecdop.auth.permissions import Permission, role_may
from ecdop.cases.models import Case, StageChange
from ecdop.cases.states import UNDER_WAY_STAGES
from ecdop.clock import add_working_days, uk_today, working_days_between
from ecdop.db import UTCDateTime, count_if
from ecdop.deadlines.models import Deadline, DeadlineRule, DeadlineState
from ecdop.deadlines.reminders import ESCALATE_AFTER_WORKING_DAYS
from ecdop.deadlines.rules import DEFAULT_RULES, DeadlineKind, Rule
from ecdop.extensions import db
from ecdop.formatting import uk_calendar_date
from ecdop.meetings.models import PanelAction
from ecdop.paging import PER_PAGE, Page, paginate
from ecdop.reporting_forms.definitions import definition_for
from ecdop.reporting_forms.models import OPEN_STATUSES, ReportingRequest
from ecdop.urls import app_path
from ecdop.vocabulary import UNFINISHED_ACTIONS


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
        select(Deadline)
        .where(Deadline.case_id == case.id)
        .options(*_agency_items())
        .order_by(Deadline.due_on, Deadline.id)
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


def _agency_items():
    """Load what an agency's deadline is for: its request or panel action, and the agency."""
    return (
        joinedload(Deadline.reporting_request).joinedload(ReportingRequest.organisation),
        joinedload(Deadline.panel_action).joinedload(PanelAction.organisation),
    )


def describe_deadline(deadline: Deadline) -> str:
    """What is due, in words: the kind, or for a request the form and the agency."""
    request, action = deadline.reporting_request, deadline.panel_action
    agency = request.organisation if request else action.organisation if action else None
    return what_is_due(
        deadline.kind,
        form_type=request.form_type if request else None,
        agency=agency.name if agency else None,
        panel_action=action is not None,
    )


def what_is_due(
    kind: DeadlineKind, *, form_type: str | None, agency: str | None, panel_action: bool
) -> str:
    """The one wording of a deadline, for a loaded deadline and for the sweep's columns."""
    if form_type is not None:
        return f"{definition_for(form_type).title} from {agency}"
    if panel_action:
        return f"Panel action for {agency}"
    return kind.label


def deadline_action_path(deadline: Deadline, user: User) -> str:
    request = deadline.reporting_request
    return action_path_for(
        user,
        case_id=deadline.case_id,
        request_id=request.id if request else None,
        action_id=deadline.panel_action_id,
        agency_id=request.organisation_id if request else None,
    )


def action_path_for(
    user: User,
    *,
    case_id: int,
    request_id: int | None,
    action_id: int | None,
    agency_id: int | None,
) -> str:
    """Where the user acts on a deadline, and can open: their agency's form, the panel action
    (its owner and the coordinators both update it), the case for a coordinator; for anyone
    else (an area lead who is not a coordinator) their own task list, which says whom to ask."""
    if request_id is not None and agency_id == user.organisation_id:
        return app_path("reporting_forms.respond", request_id=request_id)
    if action_id is not None and role_may(user.role, Permission.UPDATE_PANEL_ACTIONS):
        return app_path("meetings.action", action_id=action_id)
    if role_may(user.role, Permission.VIEW_AREA_CASES):
        return app_path("cases.show", case_id=case_id)
    return app_path("deadlines.tasks")


def due_status(due_on: date, today: date | None = None) -> str:
    today = today or uk_today()
    if due_on < today:
        late = working_days_between(due_on, today)
        return f"Overdue by {late} working day{'s' if late != 1 else ''}"
    if due_on == today:
        return "Due today"
    left = working_days_between(today, due_on)
    return f"Due in {left} working day{'s' if left != 1 else ''}"


@dataclass(frozen=True)
class Task:
    deadline: Deadline
    what: str
    reference: str
    due_on: date
    status: str
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
    deadlines = db.session.scalars(statement.order_by(Deadline.due_on, Deadline.id))
    return [_task(deadline, user, today, cutoff) for deadline in deadlines]


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
    narrower = {
        "open": [],
        "overdue": [Deadline.due_on < today],
        "due_soon": [Deadline.due_on.between(today, add_working_days(today, 5))],
        "escalated": [Deadline.due_on <= cutoff],
    }[show]
    due = Deadline.due_on.desc() if order == "-due" else Deadline.due_on
    found = paginate(statement.where(*narrower).order_by(due, Deadline.id), page)
    return replace(found, items=[_task(d, user, today, cutoff) for d in found.items])


def _tasks_of(user: User) -> Select | None:
    """Open deadlines the user answers for. Each open deadline looks up its own case and
    agency: joined instead, the planner may read every case and request of the area's history
    to match the few thousand deadlines under way."""
    cutoff = escalation_cutoff(uk_today())
    case_level = and_(Deadline.reporting_request_id.is_(None), Deadline.panel_action_id.is_(None))
    area = _area_of_live_case()
    conditions = []
    if user.role is Role.AGENCY_REPORTER:
        conditions.append(and_(_for_agency(user.organisation_id), area.in_(user.area_ids)))
    if user.role is Role.COORDINATOR:
        conditions.append(and_(area.in_(user.area_ids), or_(case_level, Deadline.due_on <= cutoff)))
    if led := _areas_led_by(user):
        conditions.append(and_(area.in_(led), case_level, Deadline.due_on <= cutoff))
    if not conditions:
        return None
    return (
        select(Deadline)
        .where(Deadline.state == DeadlineState.OPEN, or_(*conditions))
        .options(joinedload(Deadline.case), *_agency_items())
    )


def _area_of_live_case():
    """The area of the deadline's case, or NULL once the case is merged into another."""
    return (
        select(Case.area_id).where(Case.id == Deadline.case_id, ~Case.is_merged).scalar_subquery()
    )


def _for_agency(organisation_id: int | None):
    """The deadline is on one of the agency's unfinished requests or panel actions (a
    deadline is open only while its request or action is unfinished): a few hundred rows
    found by index, whatever the agency's history."""
    requests = select(ReportingRequest.id).where(
        ReportingRequest.organisation_id == organisation_id,
        ReportingRequest.status.in_(OPEN_STATUSES),
    )
    actions = select(PanelAction.id).where(
        PanelAction.organisation_id == organisation_id, PanelAction.status.in_(UNFINISHED_ACTIONS)
    )
    return or_(Deadline.reporting_request_id.in_(requests), Deadline.panel_action_id.in_(actions))


def _areas_led_by(user: User) -> list[int]:
    return list(db.session.scalars(select(Area.id).where(Area.lead_id == user.id)))


def _task(deadline: Deadline, user: User, today: date, cutoff: date) -> Task:
    return Task(
        deadline=deadline,
        what=describe_deadline(deadline),
        reference=deadline.case.reference,
        due_on=deadline.due_on,
        status=due_status(deadline.due_on, today),
        overdue=deadline.due_on < today,
        escalated=deadline.due_on <= cutoff,
        action_path=deadline_action_path(deadline, user),
    )


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
    statement = (
        select(Deadline)
        .where(*_overdue_in(user))
        .options(joinedload(Deadline.case), *_agency_items())
        .order_by(Deadline.due_on, Deadline.id)
        .limit(limit)
    )
    today = uk_today()
    cutoff = escalation_cutoff(today)
    return [_task(deadline, user, today, cutoff) for deadline in db.session.scalars(statement)]


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
class Period:
    """A fixed reporting period: a financial year (April to March) or one of its quarters."""

    key: str
    label: str
    starts_on: date
    ends_on: date


def reporting_periods(today: date | None = None, years: int = 3) -> list[Period]:
    """This financial year and the ones before it, each followed by its quarters, newest first."""
    today = today or uk_today()
    first_year = today.year if today.month >= 4 else today.year - 1
    periods = []
    for year in range(first_year, first_year - years, -1):
        name = f"{year}-{(year + 1) % 100:02d}"
        periods.append(
            Period(name, f"Financial year {name}", date(year, 4, 1), date(year + 1, 3, 31))
        )
        for quarter, (start, end) in enumerate(QUARTERS, start=1):
            starts = date(year + (start[0] < 4), *start)
            ends = date(year + (end[0] < 4), *end)
            periods.append(
                Period(
                    f"{name}-q{quarter}",
                    f"Quarter {quarter} of {name} ({starts:%B} to {ends:%B %Y})",
                    starts,
                    ends,
                )
            )
    return periods


QUARTERS = (((4, 1), (6, 30)), ((7, 1), (9, 30)), ((10, 1), (12, 31)), ((1, 1), (3, 31)))


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


def agency_timeliness(area_ids: list[int], period: Period) -> list[AgencyTimeliness]:
    """Requests that fell due in the period, per agency: how many were answered by their due
    date, how many late, and how many are still outstanding. The period's request deadlines
    are found by kind and due date, and each looks up its own case and agency, so that the
    figures cost one period's requests however long the history."""
    met = Deadline.state == DeadlineState.MET
    on_time = met_by_due_date()
    agency = (
        select(ReportingRequest.organisation_id)
        .where(ReportingRequest.id == Deadline.reporting_request_id)
        .scalar_subquery()
    )
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
        for name, due, in_time, late, open_ in db.session.execute(statement)
    ]


# Counted on the outbox page: the messages still to settle. Sent ones pile up for years, and
# counting them would make the page slower every day.


def possible_area_leads(area_id: int) -> list[User]:
    """Active coordinators, panel members and chairs of the area."""
    statement = (
        select(User)
        .join(user_areas, user_areas.c.user_id == User.id)
        .where(
            user_areas.c.area_id == area_id,
            User.active,
            User.role.in_((Role.COORDINATOR, Role.PANEL_CHAIR, Role.PANEL_MEMBER)),
        )
        .order_by(User.full_name)
    )
    return list(db.session.scalars(statement))


def cases_with_overdue_deadlines(case_ids: list[int]) -> set[int]:
    """Which of these cases have something overdue (for a page of the case list)."""
    statement = select(Deadline.case_id).where(
        Deadline.case_id.in_(case_ids),
        Deadline.state == DeadlineState.OPEN,
        Deadline.due_on < uk_today(),
    )
    return set(db.session.scalars(statement))
