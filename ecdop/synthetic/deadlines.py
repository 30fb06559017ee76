"""Entry points: synthetic deadlines and the agencies' reporting requests, met or late."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert

from ecdop.auth.models import Organisation
from ecdop.deadlines.models import Deadline, DeadlineState
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.extensions import db
from ecdop.foundation.vocabulary import (
    Expectation,
)
from ecdop.reporting_forms.models import ReportingRequest, RequestStatus
from ecdop.synthetic.rows import in_chunks, moment_on

CASE_DEADLINES = (
    # kind, days after the death it is due, usual days late or early, chance it is on time
    (DeadlineKind.NATIONAL_DATABASE, 3, 1, 0.95),
    (DeadlineKind.JAR_MEETING, 8, 3, 0.8),
    (DeadlineKind.CDRM, 91, 20, 0.65),
    (DeadlineKind.PANEL_REVIEW, 183, 40, 0.6),
    (DeadlineKind.CLOSURE, 366, 60, 0.75),
)


def deadline_row(case_id, kind, due_on, met_on, today, request_id=None, agency_id=None) -> dict:
    met = met_on is not None and met_on <= today
    return dict(
        case_id=case_id, kind=kind, reporting_request_id=request_id, owed_by_id=agency_id,
        starts_on=due_on,
        due_on=due_on, state=DeadlineState.MET if met else DeadlineState.OPEN,
        met_at=moment_on(met_on) if met else None, reminded_through=min(due_on, today),
        next_reminder_on=due_on, version_id=1,
    )  # fmt: skip


def insert_deadlines_and_requests(deaths, case_ids, people, chance, today: date) -> None:
    deadlines, requests = [], []
    for death, case_id in zip(deaths, case_ids, strict=True):
        for kind, after, spread, on_time in CASE_DEADLINES:
            if kind is DeadlineKind.JAR_MEETING and death.expectation is Expectation.EXPECTED:
                continue
            due_on = death.died + timedelta(days=after)
            late = 0 if chance.random() < on_time else chance.randint(1, spread)
            deadlines.append(deadline_row(case_id, kind, due_on, due_on + timedelta(late), today))
        for agency in people.agencies:
            requests.append((case_id, agency, death.died + timedelta(days=29),
                             chance.random() < 0.75, chance.randint(1, 30)))  # fmt: skip
    for chunk in in_chunks(deadlines):
        db.session.execute(insert(Deadline), chunk)
    _insert_requests(requests, people, today)


def _request_row(case_id, agency, due_on: date, on_time: bool, late: int, people, today) -> dict:
    returned_on = due_on if on_time else due_on + timedelta(late)
    returned = returned_on <= today
    asked_at = moment_on(due_on - timedelta(28))
    return dict(
        case_id=case_id, organisation_id=agency.id, form_type="core", due_on=due_on,
        status=RequestStatus.SUBMITTED if returned else RequestStatus.REQUESTED,
        answers={}, not_known=[], requested_by_id=people.coordinator.id,
        submitted_at=moment_on(returned_on) if returned else None,
        version_id=1, created_at=asked_at, updated_at=asked_at,
    )  # fmt: skip


# A request to an agency: its case, the agency, its due date, whether it came on time, and
# how many days late if not.
SyntheticRequest = tuple[int, Organisation, date, bool, int]


def _insert_requests(requests: list[SyntheticRequest], people, today: date) -> None:
    rows = [_request_row(*request, people, today) for request in requests]
    request_ids: list[int] = []
    for chunk in in_chunks(rows):
        request_ids += db.session.scalars(
            insert(ReportingRequest).returning(ReportingRequest.id, sort_by_parameter_order=True),
            chunk,
        ).all()
    deadlines = [
        deadline_row(row["case_id"], DeadlineKind.REPORTING_REQUEST, row["due_on"],
                      row["submitted_at"].date() if row["submitted_at"] else None, today,
                      request_id, row["organisation_id"])
        for row, request_id in zip(rows, request_ids, strict=True)
    ]  # fmt: skip
    for chunk in in_chunks(deadlines):
        db.session.execute(insert(Deadline), chunk)
