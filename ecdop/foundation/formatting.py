"""How dates and NHS numbers are written for people (pages, PDFs, e-mails)."""

from __future__ import annotations

from datetime import date, datetime, time

from ecdop.foundation.clock import UK


def uk_calendar_date(value: date | datetime) -> date:
    """The date in England of a moment (a date is already one)."""
    return value.astimezone(UK).date() if isinstance(value, datetime) else value


def uk_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    value = uk_calendar_date(value)
    return f"{value.day} {value:%B %Y}"


def month_and_year(value: date | None) -> str:
    """A de-identified case's dates, kept only to the month: "March 2015"."""
    return f"{value:%B %Y}" if value is not None else ""


def uk_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(UK)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def nhs_number_display(value: str | None) -> str:
    if not value:
        return "Not given"
    return f"{value[:3]} {value[3:6]} {value[6:]}"


def clock_time(value: time) -> str:
    """A time as GOV.UK writes it: 10am, 2:30pm, midday."""
    if value == time(12, 0):
        return "midday"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"
