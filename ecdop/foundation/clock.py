"""England's clock and calendar: the time zone the service's dates are kept in, today's date
there, and working days (weekends and England's bank holidays, from ``holidays``, are not).
The bottom layer: every feature reads the date from here, and this imports no feature."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta

UK = ZoneInfo("Europe/London")


def uk_today() -> date:
    return datetime.now(UK).date()


def utc_bounds_of_days(first: date, last: date) -> tuple[datetime, datetime]:
    """The first moment of ``first`` and the moment after ``last`` ends, England's days (a
    clock change included), as UTC-aware datetimes: for ``start <= moment < end``."""
    start = datetime.combine(first, time(0), UK)
    end = datetime.combine(last + timedelta(days=1), time(0), UK)
    return start, end


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The working day ``count`` working days after ``start`` (before it, if negative).

    Counting starts from the day after ``start``, so a request made on a Friday with 1 working
    day to answer is due on the Monday (or the Tuesday, if Monday is a bank holiday).
    """
    step = 1 if count >= 0 else -1
    day, remaining = start, abs(count)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def add_months(start: date, months: int) -> date:
    """Calendar months, clamped to the end of a shorter month (31 Aug + 6 months = 28 Feb)."""
    return start + relativedelta(months=months)


@lru_cache(maxsize=8192)
def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(days=offset))
    )
