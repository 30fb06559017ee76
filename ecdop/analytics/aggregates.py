"""The board's figures, counted in the database: each function is one grouped query over the
live cases of some areas in a fixed period. Nothing here is published as it is: the report
applies disclosure control (ecdop.analytics.disclosure) to every count before anyone sees it.

A death belongs to the period its date of death falls in; a review to the period its sign-off
falls in (England's calendar days).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, and_, case, cast, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from ecdop.analytics.models import (
    EmergingPattern,
    LiveBirths,
    PopulationEstimate,
    PostcodeDeprivation,
)
from ecdop.auth.models import Organisation, OrganisationKind
from ecdop.cases.models import Case
from ecdop.deadlines.models import Deadline
from ecdop.deadlines.queries import fell_due_between, met_by_due_date
from ecdop.deadlines.rules import DeadlineKind
from ecdop.documents.models import Inquest, PostMortem
from ecdop.foundation.clock import utc_bounds_of_days
from ecdop.foundation.db import count_if
from ecdop.foundation.extensions import db
from ecdop.foundation.periods import DateSpan, ReportingPeriod
from ecdop.foundation.vocabulary import ActionStatus, AgeBand
from ecdop.meetings.choices import DOMAINS, ModifiableFactors
from ecdop.meetings.models import PanelAction, PanelAnalysis
from ecdop.reporting_forms.models import ReportingRequest


class days_between(FunctionElement):  # noqa: N801 - used like a SQL function
    """Whole days from an earlier date to a later one."""

    inherit_cache = True


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(later, **kw)}) - "
        f"julianday({compiler.process(earlier, **kw)}) AS INTEGER)"
    )


# Days from the death to three moments the board times: worked out from the dates while the
# case has them, and kept when it is de-identified and its date of death becomes a month.
def counted_days_to_sign_off() -> ColumnElement[int]:
    return days_between(func.date(PanelAnalysis.signed_off_at), Case.date_of_death)


def counted_days_to_final_post_mortem_report() -> ColumnElement[int]:
    return days_between(PostMortem.final_report_received_on, Case.date_of_death)


def counted_days_to_inquest_conclusion() -> ColumnElement[int]:
    return days_between(Inquest.concluded_on, Case.date_of_death)


def _days_to_sign_off() -> ColumnElement[int]:
    return func.coalesce(PanelAnalysis.days_from_death, counted_days_to_sign_off())


def utc_bounds(period: DateSpan) -> tuple[datetime, datetime]:
    """The period's first moment and the moment after its last, England's days in UTC."""
    return utc_bounds_of_days(period.starts_on, period.ends_on)


def live_cases(area_ids: Sequence[int]) -> list[ColumnElement[bool]]:
    return [Case.area_id.in_(area_ids), Case.is_live.expression]


def died_in(period: ReportingPeriod) -> ColumnElement:
    return Case.date_of_death.between(period.starts_on, period.ends_on)


# -- Deaths notified ------------------------------------------------------------------------


def deaths_by(column, area_ids: Sequence[int], period: ReportingPeriod) -> dict:
    """Deaths in the period counted by one of the case's coded columns."""
    rows = db.session.execute(
        select(column, func.count(Case.id))
        .where(*live_cases(area_ids), died_in(period))
        .group_by(column)
    )
    return {key: count for key, count in rows}


def deaths_by_deprivation(area_ids: Sequence[int], period: ReportingPeriod) -> dict:
    """Deaths by IMD decile of the home postcode's LSOA; None where the postcode is not in the
    lookup (or there is no lookup). A de-identified case has no postcode but kept its decile."""
    decile = func.coalesce(Case.deprivation_decile, PostcodeDeprivation.imd_decile)
    rows = db.session.execute(
        select(decile, func.count(Case.id))
        .select_from(Case)
        .outerjoin(PostcodeDeprivation, PostcodeDeprivation.postcode == Case.postcode)
        .where(*live_cases(area_ids), died_in(period))
        .group_by(decile)
    )
    return {decile: count for decile, count in rows}


def _year_bucket(column, years: Sequence[ReportingPeriod]) -> ColumnElement[int]:
    return case(
        *((column.between(year.starts_on, year.ends_on), index) for index, year in enumerate(years))
    )


def deaths_by_year(area_ids: Sequence[int], years: Sequence[ReportingPeriod]) -> list[int]:
    bucket = _year_bucket(Case.date_of_death, years)
    rows = db.session.execute(
        select(bucket, func.count(Case.id))
        .where(
            *live_cases(area_ids),
            Case.date_of_death.between(years[0].starts_on, years[-1].ends_on),
        )
        .group_by(bucket)
    )
    counts: dict[int, int] = dict(rows.all())
    return [counts.get(index, 0) for index in range(len(years))]


def child_population(area_ids: Sequence[int], year: int) -> dict[AgeBand, int]:
    """Children living in the areas by age band, from the mid-year estimate for ``year``."""
    rows = db.session.execute(
        select(PopulationEstimate.age_band, func.sum(PopulationEstimate.population))
        .where(PopulationEstimate.area_id.in_(area_ids), PopulationEstimate.year == year)
        .group_by(PopulationEstimate.age_band)
    )
    return {band: int(population) for band, population in rows}


def live_births(area_ids: Sequence[int], year: int) -> int | None:
    """Live births in the areas in ``year``; None unless every area's figure is loaded (a
    rate over some of the areas' births would be wrong)."""
    rows = db.session.execute(
        select(LiveBirths.area_id, LiveBirths.births).where(
            LiveBirths.area_id.in_(area_ids), LiveBirths.year == year
        )
    ).all()
    if len(rows) < len(set(area_ids)):
        return None
    return sum(births for _area, births in rows)


def populations_by_year(area_ids: Sequence[int], years: Sequence[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(PopulationEstimate.year, func.sum(PopulationEstimate.population))
        .where(PopulationEstimate.area_id.in_(area_ids), PopulationEstimate.year.in_(years))
        .group_by(PopulationEstimate.year)
    )
    return {year: int(population) for year, population in rows}


# -- Reviews completed ------------------------------------------------------------------------


def signed_off_in(period: ReportingPeriod) -> ColumnElement:
    start, end = utc_bounds(period)
    return and_(PanelAnalysis.signed_off_at >= start, PanelAnalysis.signed_off_at < end)


def _reviews(area_ids: Sequence[int], period: ReportingPeriod, *columns):
    return (
        select(*columns)
        .select_from(PanelAnalysis)
        .join(Case, PanelAnalysis.case_id == Case.id)
        .where(Case.area_id.in_(area_ids), ~Case.is_merged, signed_off_in(period))
    )


def reviews_by(column, area_ids: Sequence[int], period: ReportingPeriod) -> dict:
    rows = db.session.execute(
        _reviews(area_ids, period, column, func.count(PanelAnalysis.id)).group_by(column)
    )
    return {key: count for key, count in rows}


def reviews_with_factors_by_domain(area_ids: Sequence[int], period: ReportingPeriod) -> dict:
    """For each domain, the reviews that scored it 2: factors that may have contributed."""
    columns = [count_if(getattr(PanelAnalysis, f"{d.key}_score") == 2) for d in DOMAINS]
    row: Sequence[Any] = db.session.execute(_reviews(area_ids, period, *columns)).one()
    return {domain.key: int(count) for domain, count in zip(DOMAINS, row, strict=True)}


def _names_factor(key: str) -> ColumnElement:
    # The factors are a JSON object of lists of keys; each key is unique across the domains.
    return cast(PanelAnalysis.factors, String).like(f'%"{key}"%')


@dataclass(frozen=True)
class LearningTheme:
    title: str
    factors: tuple[str, ...]
    words: tuple[str, ...]  # looked for in the learning points and recommendations


LEARNING_THEMES = (
    LearningTheme("Safer sleeping", ("unsafe_sleeping",), ("sleep", "co-sleep", "cot")),
    LearningTheme("Smoking in pregnancy and at home",
                  ("smoking_in_pregnancy", "parental_smoking"), ("smok",)),
    LearningTheme("Mental health of children and young people",
                  ("mental_health", "access_to_means"), ("mental health", "self-harm", "camhs")),
    LearningTheme("Parents' mental health, alcohol and drug use",
                  ("parental_mental_health", "parental_substance_use"),
                  ("parental mental", "alcohol", "drug")),
    LearningTheme("Domestic abuse and neglect", ("domestic_abuse", "neglect"),
                  ("domestic abuse", "neglect", "safeguarding")),
    LearningTheme("Road and water safety", ("road_safety", "water_safety"),
                  ("road", "water", "drown")),
    LearningTheme("Agencies working together", ("communication", "transition"),
                  ("information sharing", "communication", "handover", "transition")),
    LearningTheme("Access to services and delays", ("access_to_services", "delays", "capacity",
                                                    "missed_appointments"),
                  ("access", "delay", "waiting", "appointment")),
    LearningTheme("Housing and poverty", ("housing", "financial_hardship"),
                  ("housing", "damp", "overcrowd", "poverty")),
)  # fmt: skip


def _mentions(theme: LearningTheme) -> ColumnElement:
    text = func.lower(PanelAnalysis.learning_points + " " + PanelAnalysis.recommendations)
    return or_(
        *(_names_factor(key) for key in theme.factors),
        *(text.like(f"%{word}%") for word in theme.words),
    )


def reviews_by_learning_theme(area_ids: Sequence[int], period: ReportingPeriod) -> dict:
    row: Sequence[Any] = db.session.execute(
        _reviews(area_ids, period, *(count_if(_mentions(theme)) for theme in LEARNING_THEMES))
    ).one()
    return {theme.title: int(count) for theme, count in zip(LEARNING_THEMES, row, strict=True)}


@dataclass(frozen=True)
class YearOfReviews:
    reviews: int
    with_modifiable_factors: int
    median_days_to_closure: float | None


def _median_days_to_closure(area_ids: Sequence[int], year: ReportingPeriod, count: int):
    """The median by sorting in the database and reading the middle one or two values."""
    if not count:
        return None
    days = _days_to_sign_off()
    middle = db.session.scalars(
        _reviews(area_ids, year, days).order_by(days).offset((count - 1) // 2).limit(2 - count % 2)
    ).all()
    return sum(middle) / len(middle)


def reviews_by_year(area_ids: Sequence[int], years: Sequence[ReportingPeriod]):
    """Per year: reviews completed, how many had modifiable factors, and the median days from
    death to closure (years bounded exactly as each period's own figures are)."""
    bucket: ColumnElement[int] = case(
        *((signed_off_in(year), index) for index, year in enumerate(years))
    )
    start, _ = utc_bounds(years[0])
    _, end = utc_bounds(years[-1])
    rows = db.session.execute(
        select(
            bucket,
            func.count(PanelAnalysis.id),
            count_if(PanelAnalysis.modifiable == ModifiableFactors.IDENTIFIED),
        )
        .select_from(PanelAnalysis)
        .join(Case, PanelAnalysis.case_id == Case.id)
        .where(
            Case.area_id.in_(area_ids),
            ~Case.is_merged,
            PanelAnalysis.signed_off_at >= start,
            PanelAnalysis.signed_off_at < end,
        )
        .group_by(bucket)
    )
    counts: dict[int, tuple[int, int]] = {
        index: (reviews, int(identified)) for index, reviews, identified in rows
    }
    return [
        YearOfReviews(
            *counts.get(index, (0, 0)),
            _median_days_to_closure(area_ids, year, counts.get(index, (0, 0))[0]),
        )
        for index, year in enumerate(years)
    ]


# -- Timeliness and actions ------------------------------------------------------------------


def days_from_death_to_closure(area_ids: Sequence[int], period: ReportingPeriod) -> list[int]:
    days = _days_to_sign_off()
    return [int(value) for value in db.session.scalars(_reviews(area_ids, period, days))]


def days_from_death_to_final_post_mortem_report(
    area_ids: Sequence[int], period: ReportingPeriod
) -> list[int]:
    """For each final post-mortem report that came in the period, days since the death."""
    came = PostMortem.final_report_received_on
    statement = (
        select(
            func.coalesce(
                PostMortem.days_from_death_to_final_report,
                counted_days_to_final_post_mortem_report(),
            )
        )
        .join(Case, PostMortem.case_id == Case.id)
        .where(*live_cases(area_ids), came.between(period.starts_on, period.ends_on))
    )
    return [int(value) for value in db.session.scalars(statement)]


def days_from_death_to_inquest_conclusion(
    area_ids: Sequence[int], period: ReportingPeriod
) -> list[int]:
    """For each inquest that concluded in the period, days since the death."""
    concluded = Inquest.concluded_on
    statement = (
        select(
            func.coalesce(
                Inquest.days_from_death_to_conclusion, counted_days_to_inquest_conclusion()
            )
        )
        .join(Case, Inquest.case_id == Case.id)
        .where(*live_cases(area_ids), concluded.between(period.starts_on, period.ends_on))
    )
    return [int(value) for value in db.session.scalars(statement)]


def _fallen_due(area_ids: Sequence[int], period: ReportingPeriod, today: date):
    where = [
        Case.area_id.in_(area_ids),
        ~Case.is_merged,
        *fell_due_between(period.starts_on, period.ends_on, today),
    ]
    return met_by_due_date(), where


def deadlines_met_on_time(area_ids: Sequence[int], period: ReportingPeriod, today: date):
    """Per kind of deadline that fell due in the period: (fell due, met on time)."""
    on_time, where = _fallen_due(area_ids, period, today)
    rows = db.session.execute(
        select(Deadline.kind, func.count(Deadline.id), count_if(on_time))
        .join(Case, Deadline.case_id == Case.id)
        .where(*where)
        .group_by(Deadline.kind)
    )
    return {DeadlineKind(kind): (due, int(met)) for kind, due, met in rows}


def agency_reports_on_time(area_ids: Sequence[int], period: ReportingPeriod, today: date):
    """Per kind of agency, reporting forms that fell due in the period: (due, on time)."""
    on_time, where = _fallen_due(area_ids, period, today)
    rows = db.session.execute(
        select(Organisation.kind, func.count(Deadline.id), count_if(on_time))
        .join(Case, Deadline.case_id == Case.id)
        .join(ReportingRequest, Deadline.reporting_request_id == ReportingRequest.id)
        .join(Organisation, ReportingRequest.organisation_id == Organisation.id)
        .where(*where)
        .group_by(Organisation.kind)
    )
    return {OrganisationKind(kind): (due, int(met)) for kind, due, met in rows}


@dataclass(frozen=True)
class ActionCounts:
    opened: int
    done: int
    not_accepted: int
    overdue: int  # open at the end of the period and past their due date


def panel_actions(area_ids: Sequence[int], period: ReportingPeriod) -> ActionCounts:
    start, end = utc_bounds(period)
    finished_in = and_(PanelAction.status_changed_at >= start, PanelAction.status_changed_at < end)
    still_open_at_end = or_(
        PanelAction.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]),
        PanelAction.status_changed_at >= end,
    )
    row = db.session.execute(
        select(
            count_if(and_(PanelAction.created_at >= start, PanelAction.created_at < end)),
            count_if(and_(PanelAction.status == ActionStatus.DONE, finished_in)),
            count_if(and_(PanelAction.status == ActionStatus.NOT_ACCEPTED, finished_in)),
            count_if(
                and_(
                    PanelAction.created_at < end,
                    PanelAction.due_on < period.ends_on,
                    still_open_at_end,
                )
            ),
        )
        .join(Case, PanelAction.case_id == Case.id)
        .where(Case.area_id.in_(area_ids), ~Case.is_merged)
    ).one()
    return ActionCounts(*(int(value) for value in row))


def patterns_raised(area_ids: Sequence[int], period: ReportingPeriod) -> list[EmergingPattern]:
    return list(
        db.session.scalars(
            select(EmergingPattern)
            .where(
                EmergingPattern.area_id.in_(area_ids),
                EmergingPattern.raised_on.between(period.starts_on, period.ends_on),
            )
            .order_by(EmergingPattern.raised_on, EmergingPattern.id)
        )
    )
