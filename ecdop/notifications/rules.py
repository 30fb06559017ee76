"""The rules a notification must meet, shared by the web form and the API.

Each function takes what was typed and returns either the cleaned value or a message for the
field, worded as the GOV.UK Design System words errors.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

import nhs_number

from ecdop.foundation.clock import UK, uk_today

MAX_AGE_AT_DEATH_YEARS = 18

# The shapes of a UK postcode (outward code, then inward code), as the Royal Mail defines them.
POSTCODE_SHAPE = re.compile(
    r"^(?:GIR0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])[0-9][ABD-HJLNP-UW-Z]{2})$"
)
TIME_SHAPE = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


class RuleBroken(ValueError):
    """A value breaks a rule; the message is shown at the field."""


def clean_nhs_number(raw: str | None) -> str | None:
    """Ten digits passing the modulus 11 check, or None when none was given."""
    digits = re.sub(r"[\s-]", "", raw or "")
    if not digits:
        return None
    if not digits.isdigit() or len(digits) != 10:
        raise RuleBroken("NHS number must be 10 digits, like 943 476 5919")
    if not nhs_number.is_valid(digits):
        raise RuleBroken("NHS number is not valid: check it has been typed correctly")
    return digits


def clean_postcode(raw: str | None) -> str:
    compact = re.sub(r"\s", "", raw or "").upper()
    if not compact:
        raise RuleBroken("Enter the postcode of the child's home address")
    if not POSTCODE_SHAPE.match(compact):
        raise RuleBroken("Enter a real UK postcode, like SW1A 2AA")
    return f"{compact[:-3]} {compact[-3:]}"


def clean_time_of_death(raw: str | None) -> time | None:
    text = (raw or "").strip()
    if not text:
        return None
    match = TIME_SHAPE.match(text)
    if not match:
        raise RuleBroken("Time of death must be a time on the 24-hour clock, like 14:30")
    return time(int(match.group(1)), int(match.group(2)))


def eighteenth_birthday(date_of_birth: date) -> date:
    try:
        return date_of_birth.replace(year=date_of_birth.year + MAX_AGE_AT_DEATH_YEARS)
    except ValueError:  # born on 29 February: the birthday falls on 1 March
        return date(date_of_birth.year + MAX_AGE_AT_DEATH_YEARS, 3, 1)


def date_problems(
    date_of_birth: date | None,
    date_of_death: date | None,
    time_of_death: time | None = None,
    today: date | None = None,
) -> dict[str, str]:
    """Messages by field for dates that cannot be true of a child's death."""
    today = today or uk_today()
    problems: dict[str, str] = {}
    if date_of_birth and date_of_birth > today:
        problems["date_of_birth"] = "Date of birth must be today or in the past"
    if date_of_death and date_of_death > today:
        problems["date_of_death"] = "Date of death must be today or in the past"
    if date_of_death == today and time_of_death and time_of_death > datetime.now(UK).time():
        problems["time_of_death"] = "Time of death must be in the past"
    if date_of_birth and date_of_death and "date_of_death" not in problems:
        if date_of_death < date_of_birth:
            problems["date_of_death"] = (
                "Date of death must be the same as or after the date of birth"
            )
        elif date_of_death >= eighteenth_birthday(date_of_birth):
            problems["date_of_death"] = (
                "The child must have died before their 18th birthday: deaths at 18 or over are "
                "not reviewed by the CDOP"
            )
    return problems
