"""Reading requests for information, each reader seeing only what they need."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import timedelta
from typing import Any

from flask import abort
from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import selectinload

from ecdop.auth.models import Organisation, Role, User, user_areas
from ecdop.cases.models import Case
from ecdop.deadlines.hooks import Owed, OwedRecord
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.clock import uk_today
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.formatting import uk_calendar_date
from ecdop.foundation.paging import Page, paginate
from ecdop.foundation.urls import app_path
from ecdop.notifications.choices import AgencyKind
from ecdop.notifications.models import Notification
from ecdop.reporting_forms.definitions import definition_for
from ecdop.reporting_forms.models import OPEN_STATUSES, ReportingRequest, RequestStatus


def organisations_with_agency_reporters(area_id: int) -> set[int]:
    statement = (
        select(User.organisation_id)
        .join(user_areas, user_areas.c.user_id == User.id)
        .where(User.role == Role.AGENCY_REPORTER, User.active, user_areas.c.area_id == area_id)
        .distinct()
    )
    return set(db.session.scalars(statement))


def _addressed_to(user: User):
    """Requests to the user's organisation about children of the user's own areas, for live
    cases (not withdrawn or merged away)."""
    return (
        select(ReportingRequest)
        .join(Case, ReportingRequest.case_id == Case.id)
        .where(
            ReportingRequest.organisation_id == user.organisation_id,
            Case.area_id.in_(user.area_ids),
            Case.is_live,
        )
    )


# What an agency's list can show, the first being where they land: what is still to do.
REQUEST_FILTERS = [
    ("open", "Still to do"),
    ("overdue", "Overdue"),
    ("due_soon", "Due in the next 7 days"),
    ("done", "Submitted or will not come"),
]
DUE_SOON = timedelta(days=7)
REQUEST_ORDERS = [("due", "Due date, soonest first"), ("-due", "Due date, latest first")]


def requests_for_agency(user: User, *, show: str, order: str, page: int) -> Page:
    """A page of the requests addressed to the user's organisation. Still to do, soonest due
    first, puts the overdue at the top."""
    today = uk_today()
    still_open = ReportingRequest.status.in_(OPEN_STATUSES)
    by_show: dict[str, list[ColumnElement[bool]]] = {
        "open": [still_open],
        "overdue": [still_open, ReportingRequest.due_on < today],
        "due_soon": [still_open, ReportingRequest.due_on.between(today, today + DUE_SOON)],
        "done": [~still_open],
    }
    conditions = by_show[show]
    due = ReportingRequest.due_on.desc() if order == "-due" else ReportingRequest.due_on
    statement = (
        _addressed_to(user)
        .where(*conditions)
        .order_by(due, ReportingRequest.id)
        .options(selectinload(ReportingRequest.case))
    )
    return paginate(statement, page)


def request_for_agency_or_404(user: User, request_id: int) -> ReportingRequest:
    """404 for anything not addressed to the user's organisation: no hint that it exists."""
    statement = _addressed_to(user).where(ReportingRequest.id == request_id)
    return db.session.scalar(statement) or abort(404)


def request_for_coordinator_or_404(user: User, request_id: int) -> ReportingRequest:
    request = db.session.get(ReportingRequest, request_id)
    if request is None or request.case.area_id not in user.area_ids:
        abort(404)
    return request


def outstanding_by_agency(user: User) -> list[tuple[Organisation, int, int]]:
    """(agency, outstanding, of which overdue) for live cases in the coordinator's areas."""
    overdue = func.sum(sql_case((ReportingRequest.due_on < uk_today(), 1), else_=0))
    statement = (
        select(Organisation, func.count(ReportingRequest.id), overdue)
        .join(ReportingRequest, ReportingRequest.organisation_id == Organisation.id)
        .join(Case, ReportingRequest.case_id == Case.id)
        .where(*_outstanding_in(user))
        .group_by(Organisation.id)
        .order_by(func.count(ReportingRequest.id).desc(), Organisation.name, Organisation.id)
    )
    rows: Sequence[Any] = db.session.execute(statement).all()
    return [(agency, count, int(late or 0)) for agency, count, late in rows]


def _outstanding_in(user: User) -> tuple[ColumnElement[bool], ...]:
    """Requests still awaited, for live cases in the coordinator's areas: what the dashboard
    counts and its links list."""
    return (
        Case.area_id.in_(user.area_ids),
        Case.is_live.expression,
        ReportingRequest.status.in_(OPEN_STATUSES),
    )


OUTSTANDING_FILTERS = [("open", "Outstanding"), ("overdue", "Overdue")]


def outstanding_page(user: User, *, agency_id: int | None, show: str, page: int) -> Page:
    """A page of the requests still awaited in the coordinator's areas, from one agency or all,
    longest overdue first."""
    from_agency = [] if agency_id is None else [ReportingRequest.organisation_id == agency_id]
    late = [ReportingRequest.due_on < uk_today()] if show == "overdue" else []
    statement = (
        select(ReportingRequest)
        .join(Case, ReportingRequest.case_id == Case.id)
        .where(*_outstanding_in(user), *from_agency, *late)
        .order_by(ReportingRequest.due_on, ReportingRequest.id)
        .options(selectinload(ReportingRequest.case), selectinload(ReportingRequest.organisation))
    )
    return paginate(statement, page)


def requests_of(case: Case) -> list[ReportingRequest]:
    statement = (
        select(ReportingRequest)
        .where(ReportingRequest.case_id == case.id)
        .order_by(ReportingRequest.created_at, ReportingRequest.id)
        .options(selectinload(ReportingRequest.organisation))
    )
    return list(db.session.scalars(statement))


def outstanding_report_lines(requests: list[ReportingRequest]) -> tuple[str, ...]:
    return tuple(
        f"{request.organisation.name}'s {definition_for(request.form_type).title}"
        for request in requests
        if request.status in OPEN_STATUSES
    )


def facts_about_requests(case: Case) -> dict[str, object]:
    """For the stage machine: how many reports were asked for, and which have not come."""
    requests = requests_of(case)
    return {
        "reports_requested": len(requests),
        "outstanding_reports": outstanding_report_lines(requests),
    }


def facts_about_requests_in_sql() -> dict[str, ColumnElement[bool]]:
    def any_request(*conditions) -> ColumnElement[bool]:
        return exists().where(ReportingRequest.case_id == Case.id, *conditions)

    return {
        "reports_requested": any_request(),
        "outstanding_reports": any_request(ReportingRequest.status.in_(OPEN_STATUSES)),
    }


def deadlines_owed_by_requests(case: Case) -> list[Owed]:
    """Each request owes its report by its own due date, until it arrives or is excused."""
    return [
        Owed(
            kind=DeadlineKind.REPORTING_REQUEST,
            record_id=request.id,
            agency_id=request.organisation_id,
            starts_on=uk_calendar_date(request.created_at or utc_now()),
            due_on=request.due_on,
            needed=request.status is not RequestStatus.EXCUSED,
            met=request.status is RequestStatus.SUBMITTED,
            ends_with_the_case=True,
        )
        for request in requests_of(case)
    ]


def requests_owing(kind: DeadlineKind, request_ids: Collection[int]) -> dict[int, OwedRecord]:
    """What each request's deadline is for: the form, from the agency, answered on its form."""
    if kind is not DeadlineKind.REPORTING_REQUEST:
        return {}
    rows = db.session.execute(
        select(ReportingRequest.id, ReportingRequest.form_type, Organisation.name)
        .join(Organisation, ReportingRequest.organisation_id == Organisation.id)
        .where(ReportingRequest.id.in_(request_ids))
    )
    return {
        request_id: OwedRecord(
            f"{definition_for(form_type).title} from {agency}",
            app_path("reporting_forms.respond", request_id=request_id),
        )
        for request_id, form_type, agency in rows
    }


KNOWN_AGENCY_KINDS = frozenset(kind.value for kind in AgencyKind)


def agencies_the_notifiers_named(
    case: Case, notifications: list[Notification], organisations: list[Organisation]
) -> set[int]:
    """The area's organisations that the notifications point to, to tick for the coordinator:
    one named in what a notifier wrote, or the area's only one of a kind they ticked. Of
    several schools, none is guessed; those already asked are left for the coordinator."""
    asked = {request.organisation_id for request in requests_of(case)}
    named: set[int] = set()
    for notification in notifications:
        written = notification.agencies_detail.casefold()
        named |= {o.id for o in organisations if o.name.casefold() in written}
        for code in notification.agencies_involved:
            kinds = AgencyKind(code).organisation_kinds if code in KNOWN_AGENCY_KINDS else ()
            of_kind = [o for o in organisations if o.kind in kinds]
            if len(of_kind) == 1:
                named.add(of_kind[0].id)
    return named - asked
