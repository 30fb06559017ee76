"""The fixed periods reports are published for."""

from __future__ import annotations

from datetime import date

import pytest

from ecdop.foundation.periods import (
    PeriodError,
    PeriodKind,
    closed_periods,
    last_closed,
    parse_period,
    recent_periods,
    trend_years,
    year_before,
)

APRIL, JANUARY = 4, 1


def test_a_reporting_year_and_its_quarters_start_in_april_by_default():
    year = parse_period(PeriodKind.ANNUAL, "2025", APRIL)
    assert (year.starts_on, year.ends_on, year.label) == (
        date(2025, 4, 1),
        date(2026, 3, 31),
        "April 2025 to March 2026",
    )
    quarter = parse_period(PeriodKind.QUARTERLY, "2025-q3", APRIL)
    assert (quarter.starts_on, quarter.ends_on, quarter.code) == (
        date(2025, 10, 1),
        date(2025, 12, 31),
        "2025-Q3",
    )
    assert quarter.label == "October to December 2025"
    fourth = parse_period(PeriodKind.QUARTERLY, "2025-Q4", APRIL)
    assert (fourth.starts_on, fourth.ends_on) == (date(2026, 1, 1), date(2026, 3, 31))


def test_calendar_years_when_configured():
    year = parse_period(PeriodKind.ANNUAL, "2025", JANUARY)
    assert (year.starts_on, year.ends_on) == (date(2025, 1, 1), date(2025, 12, 31))
    assert parse_period(PeriodKind.QUARTERLY, "2025-Q3", JANUARY).starts_on == date(2025, 7, 1)


@pytest.mark.parametrize(
    ("kind", "code", "message"),
    [
        (PeriodKind.ANNUAL, "2025-Q3", "Enter the annual period like 2025"),
        (PeriodKind.QUARTERLY, "2025", "Enter the quarterly period like 2025-Q3"),
        (PeriodKind.QUARTERLY, "2025-Q5", "Enter the quarterly period like 2025-Q3"),
        (PeriodKind.ANNUAL, "1066", "Enter a year from 2000 to 2100"),
        (PeriodKind.ANNUAL, "2025-03-01", "Enter the annual period like 2025"),
    ],
)
def test_only_fixed_periods_can_be_named(kind, code, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(kind, code, APRIL)


def test_the_last_closed_period_is_the_one_ended_before_today():
    assert last_closed(PeriodKind.QUARTERLY, date(2026, 10, 1), APRIL).code == "2026-Q2"
    assert last_closed(PeriodKind.QUARTERLY, date(2026, 9, 30), APRIL).code == "2026-Q1"
    assert last_closed(PeriodKind.ANNUAL, date(2026, 4, 1), APRIL).code == "2025"
    assert last_closed(PeriodKind.ANNUAL, date(2026, 3, 31), APRIL).code == "2024"
    codes = [p.code for p in closed_periods(PeriodKind.QUARTERLY, date(2026, 11, 20), APRIL, 3)]
    assert codes == ["2026-Q2", "2026-Q1", "2025-Q4"]


def test_the_trend_covers_five_whole_years_and_comparisons_a_year_back():
    quarter = parse_period(PeriodKind.QUARTERLY, "2026-Q2", APRIL)  # July to September 2026
    assert [y.code for y in trend_years(quarter, APRIL)] == ["2021", "2022", "2023", "2024", "2025"]
    annual = parse_period(PeriodKind.ANNUAL, "2025", APRIL)
    assert [y.code for y in trend_years(annual, APRIL)][-1] == "2025"
    assert year_before(quarter, APRIL).code == "2025-Q2"


@pytest.mark.parametrize(
    ("start_month", "keys"),
    [
        (4, ["2026-27", "2026-27-q1", "2026-27-q2", "2026-27-q3", "2026-27-q4", "2025-26"]),
        (1, ["2026", "2026-q1", "2026-q2", "2026-q3", "2026-q4", "2025"]),
    ],
)
def test_agency_timeliness_reads_the_reporting_years_the_setting_names(start_month, keys):
    periods = recent_periods(date(2026, 11, 20), start_month)
    assert [period.key for period in periods[:6]] == keys
    assert periods[0].starts_on == date(2026, start_month, 1)
    assert periods[3].choice_label.startswith(f"Quarter 3 of {keys[0]} (")
