"""A board report's content: the sections in order, and a plain-English summary written
from the published figures (so the summary can never say more than the tables do)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ecdop.analytics.periods import PeriodKind, ReportingPeriod
from ecdop.auth.models import Area
from ecdop.board_reports.deaths import deaths_section, deprivation_section, rates_section
from ecdop.board_reports.follow_up import (
    actions_section,
    patterns_section,
    themes_section,
    timeliness_section,
    trend_section,
)
from ecdop.board_reports.reviews import reviews_section
from ecdop.board_reports.tables import Facts, Scope, Section, same_period_last_year
from ecdop.board_reports.wording import summary_of

SECTIONS = (
    deaths_section,
    deprivation_section,
    rates_section,
    reviews_section,
    themes_section,
    trend_section,
    timeliness_section,
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
    facts, last_year = Facts(), Facts()
    sections = tuple(section(scope, facts) for section in SECTIONS)
    earlier = same_period_last_year(scope)
    deaths_section(earlier, last_year)  # for the summary's comparisons
    reviews_section(earlier, last_year)
    return ReportContent(
        period.kind,
        period,
        areas_label(areas),
        generated_at,
        summary_of(facts, last_year),
        sections,
        start_month,
    )
