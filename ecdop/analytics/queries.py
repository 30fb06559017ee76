"""Reads for early warning: an area's rules, and the emerging patterns a coordinator may see."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from ecdop.analytics.models import EmergingPattern, WarningRule, emerging_pattern_cases
from ecdop.auth.models import User
from ecdop.cases.models import Case
from ecdop.foundation.extensions import db
from ecdop.foundation.paging import Page, paginate
from ecdop.foundation.vocabulary import CategoryOfDeath
from ecdop.meetings.models import PanelAnalysis


def warning_rules_of(area_id: int) -> list[WarningRule]:
    return list(
        db.session.scalars(
            select(WarningRule)
            .where(WarningRule.area_id == area_id)
            .order_by(WarningRule.kind, WarningRule.category, WarningRule.id)
        )
    )


def warning_rule_or_404(rule_id: int) -> WarningRule:
    return db.get_or_404(WarningRule, rule_id)


PATTERN_FILTERS = [("all", "Open first, then ended"), ("open", "Open"), ("ended", "Ended")]


def pattern_page(user: User, *, show: str, page: int) -> Page:
    """A page of the emerging patterns in the user's areas: open first, newest first."""
    statement = select(EmergingPattern).where(EmergingPattern.area_id.in_(user.area_ids))
    if show != "all":
        statement = statement.where(EmergingPattern.ended_on.is_(None) == (show == "open"))
    statement = statement.order_by(
        EmergingPattern.ended_on.is_not(None),
        EmergingPattern.raised_on.desc(),
        EmergingPattern.id.desc(),
    ).options(selectinload(EmergingPattern.area))
    return paginate(statement, page)


def open_pattern_count(user: User) -> int:
    open_patterns = select(func.count(EmergingPattern.id)).where(
        EmergingPattern.area_id.in_(user.area_ids), EmergingPattern.ended_on.is_(None)
    )
    return db.session.scalar(open_patterns) or 0


def pattern_for_coordinator_or_404(user: User, pattern_id: int) -> EmergingPattern:
    pattern = db.session.get(EmergingPattern, pattern_id)
    if pattern is None or pattern.area_id not in user.area_ids:
        abort(404)
    return pattern


@dataclass(frozen=True)
class PatternDeath:
    case: Case
    category: CategoryOfDeath | None
    reviewed: bool  # the panel's category, rather than a provisional one


def deaths_behind(pattern: EmergingPattern) -> list[PatternDeath]:
    rows = db.session.execute(
        select(Case, PanelAnalysis.category)
        .join(emerging_pattern_cases, emerging_pattern_cases.c.case_id == Case.id)
        .outerjoin(
            PanelAnalysis,
            and_(PanelAnalysis.case_id == Case.id, PanelAnalysis.superseded_at.is_(None)),
        )
        .where(emerging_pattern_cases.c.pattern_id == pattern.id)
        .order_by(Case.date_of_death, Case.id)
    ).all()
    return [
        PatternDeath(case, reviewed or case.provisional_category, reviewed is not None)
        for case, reviewed in rows
    ]
