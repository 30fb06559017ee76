"""Filters and globals the templates share."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, g
from markupsafe import Markup

from ecdop.auth.permissions import Permission, user_may

UK = ZoneInfo("Europe/London")


def uk_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(UK).date()
    return f"{value.day} {value:%B %Y}"


def uk_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(UK)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def nhs_number_display(value: str | None) -> str:
    if not value:
        return "Not given"
    return f"{value[:3]} {value[3:6]} {value[6:]}"


def summary_rows(rows: list[tuple[str, str]]) -> list[dict]:
    """Rows for govukSummaryList; line breaks typed by people are kept."""
    return [
        {
            "key": {"text": label},
            "value": {"html": Markup('<span class="ecdop-prewrap">{}</span>').format(value)},
        }
        for label, value in rows
    ]


def register(app: Flask) -> None:
    from ecdop.notifications.receipts import receipt_sections

    app.add_template_filter(uk_date)
    app.add_template_filter(uk_datetime)
    app.add_template_filter(nhs_number_display)
    app.add_template_global(user_may)
    app.add_template_global(summary_rows)
    app.add_template_global(receipt_sections, name="notification_sections")
    app.add_template_global(Permission)
    app.context_processor(lambda: {"csp_nonce": g.get("csp_nonce", "")})
