"""A board report's content: the sections in order, and a plain-English summary written
from the published figures (so the summary can never say more than the tables do)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ecdop.auth.models import Area
from ecdop.board_reports.deaths import (
    deaths_by_age_band,
    deaths_section,
    deprivation_section,
    rates_section,
)
from ecdop.board_reports.family import family_section
from ecdop.board_reports.follow_up import (
    actions_section,
    patterns_section,
    themes_section,
    timeliness_section,
    trend_section,
)
from ecdop.board_reports.reviews import reviews_by_modifiable_factors, reviews_section
from ecdop.board_reports.tables import (
    PublishedFigures,
    Scope,
    Section,
    protect_line,
    protect_pair,
    same_period_last_year,
)
from ecdop.board_reports.wording import summary_of
from ecdop.foundation.periods import PeriodKind, ReportingPeriod

SECTIONS = (
    deaths_section,
    deprivation_section,
    rates_section,
    reviews_section,
    themes_section,
    trend_section,
    timeliness_section,
    family_section,
    actions_section,
    patterns_section,
)


@dataclass(frozen=True)
class ReportContent:
    kind: PeriodKind
    period: ReportingPeriod
    areas_label: str
    generated_at: datetime
    summary: tuple[str, ...]
    sections: tuple[Section, ...]
    start_month: int

    @property
    def title(self) -> str:
        return f"{self.kind.label}: {self.period.label}"

    @property
    def suppressed_cells(self) -> int:
        return sum(f.table.suppressed for s in self.sections for f in s.figures)


def figures_a_year_before(scope: Scope) -> PublishedFigures:
    """What the summary compares with: the same period a year before, protected exactly as
    that period's own report printed it."""
    earlier = same_period_last_year(scope)
    _cells, deaths = protect_line(deaths_by_age_band(earlier))
    identified, others = reviews_by_modifiable_factors(earlier)
    part, _rest, whole = protect_pair(identified, identified + others)
    return PublishedFigures(deaths=deaths, modifiable=(part, whole))


def areas_label(areas: list[Area]) -> str:
    return ", ".join(area.name for area in sorted(areas, key=lambda area: area.name))


def build_report(
    period: ReportingPeriod,
    areas: list[Area],
    *,
    start_month: int,
    today: date,
    generated_at: datetime,
) -> ReportContent:
    scope = Scope(tuple(areas), period, start_month, today)
    published, sections = PublishedFigures(), []
    for make_section in SECTIONS:  # in order: a later section may read an earlier one's figures
        published, section = make_section(scope, published)
        sections.append(section)
    return ReportContent(
        period.kind,
        period,
        areas_label(areas),
        generated_at,
        summary_of(published, figures_a_year_before(scope)),
        tuple(sections),
        start_month,
    )
