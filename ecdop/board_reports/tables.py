"""The parts a board report is made of, and its tables as the board sees them: counts through
disclosure control, and every rate or percentage worked out only from counts that survived it.

Each table of a report is protected with the totals it prints, so that no suppressed cell can
be worked out from them; tables that share a total (the deaths of the period, the reviews of
the period) print the same total, so reading one against another gives nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ecdop.analytics.disclosure import SUPPRESSED, is_small, protect
from ecdop.analytics.statistics import Rate, rate_per_100k, wilson_interval
from ecdop.auth.models import Area
from ecdop.board_reports.charts import Chart, bar_chart
from ecdop.foundation.periods import ReportingPeriod, year_before
from ecdop.foundation.vocabulary import AgeBand

Shown = int | str  # a count as published: the number, or "c"


@dataclass(frozen=True)
class PublishedTable:
    caption: str
    headings: tuple[str, ...]  # the first is the rows' heading
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None = None
    note: str = ""
    text_columns: tuple[int, ...] = ()  # columns of words, not figures (left-aligned)

    @property
    def suppressed(self) -> int:
        """How many cells show "c"."""
        return sum(cell == SUPPRESSED for row in (*self.rows, self.total or ()) for cell in row)


def shown(value: Shown) -> str:
    return value if isinstance(value, str) else f"{value:,}"


def share(part: Shown, whole: Shown) -> float | str | None:
    """A share in percent, only where neither count is suppressed (a share of a suppressed
    count would give it away): the number, "c", or None where there is nothing to share."""
    if SUPPRESSED in (part, whole):
        return SUPPRESSED
    if not whole:
        return None
    return 100 * int(part) / int(whole)


def percent(part: Shown, whole: Shown) -> str:
    """The share as printed in a table: "42%", "c", or "-"."""
    value = share(part, whole)
    if value is None:
        return "-"
    return value if isinstance(value, str) else f"{value:.0f}%"


def protect_line(counts: Sequence[int]) -> tuple[list[Shown], Shown]:
    """A one-way breakdown and its total, protected together."""
    table = protect([list(counts)])
    return list(table.cells[0]), table.total


def protect_pair(part: int, whole: int) -> tuple[Shown, Shown, Shown]:
    """A count out of a total (the rest being derivable): (part, rest, whole) as published."""
    [shown_part, shown_rest], shown_whole = protect_line([part, whole - part])
    return shown_part, shown_rest, shown_whole


def suppress_alone(count: int) -> Shown:
    """A count printed with no total beside it: only its own size matters."""
    return SUPPRESSED if is_small(count) else count


def breakdown(
    caption: str,
    heading: str,
    labels: Sequence[str],
    counts: Sequence[int],
    unit: str = "Deaths",
    note: str = "",
) -> tuple[PublishedTable, list[Shown], Shown]:
    """Counts by category with each one's share of the total."""
    cells, total = protect_line(counts)
    rows = tuple(
        (label, shown(cell), percent(cell, total))
        for label, cell in zip(labels, cells, strict=True)
    )
    table = PublishedTable(
        caption,
        (heading, unit, "Share"),
        rows,
        ("Total", shown(total), "100%" if total not in (0, SUPPRESSED) else "-"),
        note,
    )
    return table, cells, total


def published_rate(deaths: Shown, population: int, years: float = 1.0) -> Rate | None:
    """Deaths per 100,000 children a year; None where the deaths are suppressed or there is no
    population estimate."""
    if deaths == SUPPRESSED or population <= 0:
        return None
    return rate_per_100k(int(deaths), round(population * years))


def rate_text(rate: Rate | None) -> str:
    if rate is None:
        return SUPPRESSED
    flag = "*" if rate.unreliable else ""
    return f"{rate.per_100k:,.1f}{flag}"


def interval_text(rate: Rate | None) -> str:
    if rate is None:
        return SUPPRESSED
    return f"{rate.interval.low:,.1f} to {rate.interval.high:,.1f}"


def proportion_interval_text(part: Shown, whole: Shown) -> str:
    if SUPPRESSED in (part, whole) or not whole:
        return SUPPRESSED if SUPPRESSED in (part, whole) else "-"
    interval = wilson_interval(int(part), int(whole))
    if interval is None:
        return "-"
    return f"{100 * interval.low:.0f}% to {100 * interval.high:.0f}%"


@dataclass(frozen=True)
class Figure:
    table: PublishedTable
    chart: Chart | None = None


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    paragraphs: tuple[str, ...]
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class PublishedFigures:
    """The figures the report publishes that its summary speaks of, each already through
    disclosure control (a count is the number or "c"). Each section adds its own, in order."""

    deaths: Shown | None = None
    deaths_by_age: Mapping[AgeBand, Shown] = field(default_factory=dict)
    unexpected: Shown | None = None
    most_deprived_quintile: Shown | None = None
    least_deprived_quintile: Shown | None = None
    rate: Rate | None = None
    reviews: Shown | None = None
    top_category: tuple[str, Shown] | None = None  # its label and its count
    modifiable: tuple[Shown, Shown] | None = None  # reviews with modifiable factors, of all
    top_theme: str | None = None
    median_days: float | None = None
    overdue_actions: Shown | None = None
    patterns: int = 0


@dataclass(frozen=True)
class Scope:
    areas: tuple[Area, ...]
    period: ReportingPeriod
    start_month: int
    today: date

    @property
    def area_ids(self) -> list[int]:
        return [area.id for area in self.areas]


def figure(table: PublishedTable, chart_title: str | None, labels, cells, unit: str) -> Figure:
    chart = bar_chart(chart_title, labels, cells, unit) if chart_title else None
    return Figure(table, chart)


def in_order(counts: dict, members: Iterable) -> list[int]:
    return [counts.get(member, 0) for member in members]


def same_period_last_year(scope: Scope) -> Scope:
    return Scope(
        scope.areas, year_before(scope.period, scope.start_month), scope.start_month, scope.today
    )
