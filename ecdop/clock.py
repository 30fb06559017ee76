"""England's clock: the time zone the service's dates are kept in, and today's date there.
The bottom layer: every feature reads the date from here, and this imports no feature."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def uk_today() -> date:
    return datetime.now(UK).date()
