"""Reading cases, always within what the reader may see."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import abort
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from ecdop.auth.models import User
from ecdop.cases.models import Case
from ecdop.cases.states import Stage
from ecdop.extensions import db
from ecdop.notifications.models import Notification

REFERENCE_SHAPE = re.compile(r"^[A-Z0-9]+-\d{4}(-\d{1,6})?$")
NHS_NUMBER_SHAPE = re.compile(r"^\d{10}$")


def case_with_nhs_number(area_id: int, nhs_number: str) -> Case | None:
    statement = select(Case).where(
        Case.area_id == area_id, Case.nhs_number == nhs_number, Case.merged_into_id.is_(None)
    )
    return db.session.scalar(statement)


def possible_duplicate_of(case: Case) -> Case | None:
    """The earliest other live case in the area with the same dates and sex, unless both have
    NHS numbers (then they are different children)."""
    statement = (
        select(Case)
        .where(
            Case.area_id == case.area_id,
            Case.id != case.id,
            Case.merged_into_id.is_(None),
            Case.date_of_birth == case.date_of_birth,
            Case.date_of_death == case.date_of_death,
            Case.sex == case.sex,
        )
        .order_by(Case.created_at, Case.id)
        .limit(1)
    )
    if case.nhs_number is not None:
        statement = statement.where(Case.nhs_number.is_(None))
    return db.session.scalar(statement)


def visible_cases(user: User) -> Select:
    """Live cases in the coordinator's areas."""
    return select(Case).where(Case.area_id.in_(user.area_ids), Case.merged_into_id.is_(None))


def _search_condition(query: str):
    compact = re.sub(r"[\s-]", "", query)
    if NHS_NUMBER_SHAPE.match(compact):
        return Case.nhs_number == compact
    upper = query.strip().upper()
    if REFERENCE_SHAPE.match(upper):
        return Case.reference.startswith(upper, autoescape=True)
    # Every word must start a given name or the family name: prefix matches use the indexes.
    words = query.lower().split()[:5]
    return and_(
        *(
            or_(
                Case.family_name_key.startswith(word, autoescape=True),
                Case.given_names_key.startswith(word, autoescape=True),
            )
            for word in words
        )
    )


@dataclass(frozen=True)
class CasePage:
    cases: list[Case]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def case_list(user: User, *, stage: Stage | None, query: str, page: int, per_page: int) -> CasePage:
    statement = visible_cases(user)
    if stage is not None:
        statement = statement.where(Case.stage == stage)
    if query.strip():
        statement = statement.where(_search_condition(query))
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page = min(max(page, 1), max(1, -(-total // per_page)))
    rows = db.session.scalars(
        statement.order_by(Case.created_at.desc(), Case.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .options(selectinload(Case.area))
    )
    return CasePage(list(rows), total, page, per_page)


def case_for_coordinator_or_404(user: User, case_id: int) -> Case:
    """The case if it is in one of the user's areas; 404 otherwise, so as not to confirm that a
    case exists elsewhere."""
    case = db.session.get(Case, case_id)
    if case is None or case.area_id not in user.area_ids:
        abort(404)
    return case


def cases_merged_into(case: Case) -> list[Case]:
    return list(db.session.scalars(select(Case).where(Case.merged_into_id == case.id)))


def case_notifications(case: Case) -> list[Notification]:
    statement = (
        select(Notification)
        .where(Notification.case_id == case.id)
        .order_by(Notification.submitted_at, Notification.id)
        .options(selectinload(Notification.organisation))
    )
    return list(db.session.scalars(statement))


def count_by_stage(user: User) -> dict[Stage, int]:
    statement = (
        select(Case.stage, func.count())
        .where(Case.area_id.in_(user.area_ids), Case.merged_into_id.is_(None))
        .group_by(Case.stage)
    )
    counts = {stage: count for stage, count in db.session.execute(statement)}
    return {stage: counts.get(stage, 0) for stage in Stage}


def flagged_possible_duplicates(user: User) -> list[Case]:
    statement = (
        visible_cases(user)
        .where(Case.possible_duplicate_of_id.is_not(None))
        .order_by(Case.created_at)
    )
    return list(db.session.scalars(statement))
