"""Reading cases, always within what the reader may see."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask import abort
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from ecdop.auth.models import User
from ecdop.cases.hooks import facts_recorded, facts_recorded_in_sql
from ecdop.cases.models import SEARCH_LIFETIME, Case, CaseSearch, StageChange
from ecdop.cases.states import (
    COORDINATOR_STEPS,
    UNDER_WAY,
    UNDER_WAY_STAGES,
    WAITING_FOR,
    CaseFacts,
    SqlFacts,
    Stage,
)
from ecdop.foundation.clock import uk_today
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.formatting import uk_calendar_date
from ecdop.foundation.paging import Page, paginate
from ecdop.foundation.vocabulary import Expectation

REFERENCE_SHAPE = re.compile(r"^[A-Z0-9]+-\d{4}(-\d{1,6})?$")
# The end of a reference, as people quote it: "0168", "168", "2026-0168".
REFERENCE_END_SHAPE = re.compile(r"^(?:(\d{4})-)?(\d{1,6})$")
NHS_NUMBER_SHAPE = re.compile(r"^\d{10}$")


def case_with_nhs_number(area_id: int, nhs_number: str) -> Case | None:
    statement = select(Case).where(
        Case.area_id == area_id, Case.nhs_number == nhs_number, ~Case.is_merged
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
            ~Case.is_merged,
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
    return select(Case).where(Case.area_id.in_(user.area_ids), ~Case.is_merged)


def _reference_end(year: str | None, sequence: str) -> str:
    """References number each year's cases from 0001: "168" is the end "-0168"."""
    number = f"-{int(sequence):04d}"
    return f"-{year}{number}" if year else number


def _search_condition(query: str):
    compact = re.sub(r"[\s-]", "", query)
    if NHS_NUMBER_SHAPE.match(compact):
        return Case.nhs_number == compact
    upper = query.strip().upper()
    # Numbers alone are the end of a reference (area codes have letters).
    if end := REFERENCE_END_SHAPE.match(upper):
        return Case.reference.endswith(_reference_end(*end.groups()), autoescape=True)
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
class CaseRow:
    """What a coordinator scans the case list for."""

    case: Case
    days_in_stage: int


CASE_ORDER_BY = {
    "notified": (Case.created_at.desc(), Case.id.desc()),
    "-notified": (Case.created_at, Case.id),
    "reference": (Case.reference,),
    "death": (Case.date_of_death.desc(), Case.id.desc()),
}


def case_list(
    user: User, *, stage: Stage | str | None, query: str, page: int, per_page: int, order: str
) -> Page:
    """A page of the case list; what each row needs is read for that page alone. ``stage``:
    one stage, "under_way" for every stage but the finished ones, or None for all."""
    statement = visible_cases(user)
    if stage == UNDER_WAY:
        statement = statement.where(Case.stage.in_(UNDER_WAY_STAGES))
    elif isinstance(stage, str) and stage in WAITING_FOR:
        statement = statement.where(Case.stage.in_(UNDER_WAY_STAGES), _waiting_for(stage))
    elif stage is not None:
        statement = statement.where(Case.stage == stage)
    if query.strip():
        statement = statement.where(_search_condition(query))
    order_by = CASE_ORDER_BY.get(order, CASE_ORDER_BY["notified"])
    found = paginate(statement.order_by(*order_by), page, per_page)
    entered = stage_entered_on([case.id for case in found.items])
    # (Loaded with the rows: the page shows each case's own columns and nothing related.)
    today = uk_today()
    rows = [
        CaseRow(case, (today - entered.get(case.id, uk_calendar_date(case.created_at))).days)
        for case in found.items
    ]
    return replace(found, items=rows)


EXPORT_BATCH = 1000


def every_case_row(
    user: User, *, stage: Stage | str | None, query: str, order: str
) -> list[CaseRow]:
    """Every row of the case list, for an export: read a thousand at a time."""
    rows: list[CaseRow] = []
    page, pages = 1, 1
    while page <= pages:
        found = case_list(user, stage=stage, query=query, page=page, per_page=EXPORT_BATCH,
                          order=order)  # fmt: skip
        rows += found.items
        page, pages = page + 1, found.pages
    return rows


def stage_entered_on(case_ids: list[int]) -> dict[int, date]:
    """The day each case entered its current stage (cases never moved are left out)."""
    statement = (
        select(StageChange.case_id, func.max(StageChange.changed_at))
        .where(StageChange.case_id.in_(case_ids))
        .group_by(StageChange.case_id)
    )
    return {case_id: uk_calendar_date(at) for case_id, at in db.session.execute(statement)}


def case_for_coordinator_or_404(user: User, case_id: int) -> Case:
    """The case if it is in one of the user's areas; 404 otherwise, so as not to confirm that a
    case exists elsewhere."""
    case = db.session.get(Case, case_id)
    if case is None or case.area_id not in user.area_ids:
        abort(404)
    return case


def cases_merged_into(case: Case) -> list[Case]:
    return list(db.session.scalars(select(Case).where(Case.merged_into_id == case.id)))


def count_by_stage(user: User) -> dict[Stage, int]:
    """The cases under way in each stage. Closed and withdrawn cases are the area's history,
    which grows for ever: they are not counted here, and the case list finds them."""
    statement = (
        select(Case.stage, func.count())
        .where(Case.area_id.in_(user.area_ids), ~Case.is_merged,
               Case.stage.in_(UNDER_WAY_STAGES))
        .group_by(Case.stage)
    )  # fmt: skip
    counts = {stage: count for stage, count in db.session.execute(statement)}
    return {stage: counts.get(stage, 0) for stage in UNDER_WAY_STAGES}


def _waiting_for(filter_name: str) -> ColumnElement[bool]:
    fact, _words = WAITING_FOR[filter_name]
    return getattr(case_facts_in_sql(), fact)


def count_waiting_for(user: User) -> dict[str, int]:
    """How many cases under way wait for the pathologist, and for the coroner."""
    counts = {}
    for filter_name in WAITING_FOR:
        statement = select(func.count()).where(
            Case.area_id.in_(user.area_ids), Case.stage.in_(UNDER_WAY_STAGES),
            _waiting_for(filter_name),
        )  # fmt: skip
        counts[filter_name] = db.session.scalar(statement) or 0
    return counts


def flagged_as_duplicate_of(case: Case) -> list[Case]:
    statement = select(Case).where(Case.possible_duplicate_of_id == case.id, ~Case.is_merged)
    return list(db.session.scalars(statement))


def case_facts(case: Case) -> CaseFacts:
    """What the stage machine's guards look at, read fresh from the database: the case's own
    fields, and what each feature above records (the ``facts_recorded`` hook)."""
    duplicate = case.possible_duplicate_of
    recorded: dict[str, Any] = {
        name: fact for answer in facts_recorded(case) for name, fact in answer.items()
    }
    return CaseFacts(
        triaged=case.triaged_at is not None,
        unexpected=case.expectation is Expectation.UNEXPECTED,
        possible_duplicate_of=duplicate.reference if duplicate else None,
        **recorded,
    )


def case_facts_in_sql() -> SqlFacts:
    """The same facts as SQL conditions on ``Case``, for the guards' SQL form."""
    recorded = {name: fact for answer in facts_recorded_in_sql() for name, fact in answer.items()}
    return SqlFacts(
        triaged=Case.triaged_at.is_not(None),
        unexpected=Case.expectation == Expectation.UNEXPECTED,
        possible_duplicate_of=Case.possible_duplicate_of_id.is_not(None),
        **recorded,
    )


def stage_changes_of(case_ids: list[int]) -> dict[int, StageChange]:
    statement = select(StageChange).where(StageChange.case_id.in_(case_ids))
    return {change.id: change for change in db.session.scalars(statement)}


def cases_waiting_on_coordinator(user: User, limit: int | None = None) -> list[tuple[Case, str]]:
    """Cases in the user's areas where the next step is the coordinator's, with that step:
    current work, not history (a case leaves this list as the coordinator acts). ``limit``:
    only the first so many."""
    waiting: list[tuple[Case, str]] = []
    for statement, step in _waiting_on_coordinator(user):
        left = None if limit is None else limit - len(waiting)
        if left == 0:
            break
        ordered = statement.order_by(Case.created_at, Case.id).limit(left)
        ordered = ordered.options(selectinload(Case.possible_duplicate_of))
        waiting += [(case, step) for case in db.session.scalars(ordered)]
    return waiting


def count_waiting_on_coordinator(user: User) -> int:
    return sum(
        db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
        for statement, _step in _waiting_on_coordinator(user)
    )


def _waiting_on_coordinator(user: User) -> list[tuple[Select, str]]:
    """Each step the stage machine says a case may wait on its coordinator for, as a query."""
    visible = visible_cases(user)
    sql = case_facts_in_sql()
    return [(visible.where(step.waiting_in_sql(Case.stage, sql)), step.words)
            for step in COORDINATOR_STEPS]  # fmt: skip


def search_of(user: User, search_id: str | None) -> CaseSearch | None:
    """The person's own search, while it lasts; anyone else's, or an old one, is none."""
    if not search_id or len(search_id) > 32:
        return None
    search = db.session.get(CaseSearch, search_id)
    if search is None or search.user_id != user.id:
        return None
    return search if search.created_at >= utc_now() - SEARCH_LIFETIME else None
