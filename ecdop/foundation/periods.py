"""The fixed periods ecdop reports on: a reporting year and its four quarters, for the board's
reports and for agency timeliness alike.

Only these are ever published, so that no two reports cover periods whose difference is a
handful of days and a handful of children. The year starts in April by default, as the
national returns do, or in January (``ECDOP_REPORTING_YEAR=calendar``). Quarter 1 is the year's
first three months: with April years, 2025-Q3 is October to December 2025.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from ecdop.foundation.vocabulary import LabelledEnum


class PeriodKind(LabelledEnum):
    ANNUAL = "annual", "Annual child death review report"
    QUARTERLY = "quarterly", "Quarterly board report"


@dataclass(frozen=True)
class DateSpan:
    """Days from one to another, both included: what every period is. A reporting period is
    one; the national return, sent for whatever days the national database asks, is another."""

    starts_on: date
    ends_on: date  # inclusive

    @property
    def label(self) -> str:
        return period_label(self.starts_on, self.ends_on)

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True, kw_only=True)
class ReportingPeriod(DateSpan):
    """A reporting year or one of its quarters: the only spans the board's reports cover."""

    kind: PeriodKind
    year: int  # the reporting year it falls in, named by the calendar year it starts in
    quarter: int | None

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def year_name(self) -> str:
        """ "2026-27" for a year that starts after January, "2026" for a calendar year."""
        year_starts_on = self.starts_on - relativedelta(months=3 * ((self.quarter or 1) - 1))
        crosses = year_starts_on.month != 1
        return f"{self.year}-{(self.year + 1) % 100:02d}" if crosses else str(self.year)

    @property
    def key(self) -> str:
        """Its name in a page's address: "2026-27", or "2026-27-q3" for a quarter."""
        return f"{self.year_name}-q{self.quarter}" if self.quarter else self.year_name

    @property
    def choice_label(self) -> str:
        """ "Reporting year 2026-27", "Quarter 3 of 2026-27 (October to December 2026)"."""
        if self.quarter is None:
            return f"Reporting year {self.year_name}"
        return f"Quarter {self.quarter} of {self.year_name} ({self.label})"


def period_label(starts_on: date, ends_on: date) -> str:
    """ "July to September 2026", "April 2025 to March 2026"."""
    start = f"{starts_on:%B}" if starts_on.year == ends_on.year else f"{starts_on:%B %Y}"
    return f"{start} to {ends_on:%B %Y}"


class PeriodError(ValueError):
    pass


def reporting_year(year: int, start_month: int) -> ReportingPeriod:
    starts_on = date(year, start_month, 1)
    ends_on = starts_on + relativedelta(years=1) - timedelta(days=1)
    return ReportingPeriod(starts_on, ends_on, kind=PeriodKind.ANNUAL, year=year, quarter=None)


def reporting_quarter(year: int, quarter: int, start_month: int) -> ReportingPeriod:
    starts_on = date(year, start_month, 1) + relativedelta(months=3 * (quarter - 1))
    ends_on = starts_on + relativedelta(months=3) - timedelta(days=1)
    return ReportingPeriod(
        starts_on, ends_on, kind=PeriodKind.QUARTERLY, year=year, quarter=quarter
    )


PERIOD_CODES = {
    PeriodKind.ANNUAL: re.compile(r"(?P<year>\d{4})"),
    PeriodKind.QUARTERLY: re.compile(r"(?P<year>\d{4})-Q(?P<quarter>[1-4])", re.IGNORECASE),
}


def parse_period(kind: PeriodKind, code: str, start_month: int) -> ReportingPeriod:
    """A period from its code: "2025" for a year, "2025-Q3" for a quarter."""
    match = PERIOD_CODES[kind].fullmatch(code.strip())
    if match is None:
        example = "2025" if kind is PeriodKind.ANNUAL else "2025-Q3"
        raise PeriodError(f"Enter the {kind.value} period like {example}")
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        raise PeriodError("Enter a year from 2000 to 2100")
    if kind is PeriodKind.ANNUAL:
        return reporting_year(year, start_month)
    return reporting_quarter(year, int(match["quarter"]), start_month)


def period_containing(kind: PeriodKind, day: date, start_month: int) -> ReportingPeriod:
    year = day.year if day.month >= start_month else day.year - 1
    if kind is PeriodKind.ANNUAL:
        return reporting_year(year, start_month)
    months_in = (day.month - start_month) % 12
    return reporting_quarter(year, months_in // 3 + 1, start_month)


def last_closed(kind: PeriodKind, today: date, start_month: int) -> ReportingPeriod:
    """The latest period that has ended before today."""
    current = period_containing(kind, today, start_month)
    return period_containing(kind, current.starts_on - timedelta(days=1), start_month)


def closed_periods(kind: PeriodKind, today: date, start_month: int, count: int = 8):
    """The latest ``count`` closed periods, newest first (for choosing one to generate)."""
    periods = [last_closed(kind, today, start_month)]
    while len(periods) < count:
        periods.append(last_closed(kind, periods[-1].starts_on, start_month))
    return periods


def trend_years(period: ReportingPeriod, start_month: int, years: int = 5):
    """The five whole reporting years a trend covers, oldest first: those ending with the
    period's own year for an annual report, or the last whole year before a quarter ends."""
    if period.kind is PeriodKind.ANNUAL:
        last = period
    else:
        last = last_closed(PeriodKind.ANNUAL, period.ends_on + timedelta(days=1), start_month)
    return [reporting_year(last.year - back, start_month) for back in range(years - 1, -1, -1)]


def year_before(period: ReportingPeriod, start_month: int) -> ReportingPeriod:
    if period.kind is PeriodKind.ANNUAL:
        return reporting_year(period.year - 1, start_month)
    return reporting_quarter(period.year - 1, period.quarter or 1, start_month)


def recent_periods(today: date, start_month: int, years: int = 3) -> list[ReportingPeriod]:
    """This reporting year and the ones before it, each followed by its quarters, newest first
    (the periods agency timeliness can be read for)."""
    current = period_containing(PeriodKind.ANNUAL, today, start_month).year
    return [
        period
        for year in range(current, current - years, -1)
        for period in (
            reporting_year(year, start_month),
            *(reporting_quarter(year, quarter, start_month) for quarter in range(1, 5)),
        )
    ]
