"""Taking identifying details out of what goes to the panel.

The child's own identifiers are known (every notification gives name, NHS number, date of
birth, address and postcode), so they are matched exactly, wherever and however they are
written. Patterns catch the same kinds of detail about anyone else: NHS numbers, postcodes,
e-mail addresses and phone numbers. What remains (a sibling's first name in free text, say)
is why a coordinator reads and confirms every extract before it reaches a pack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from ecdop.cases.models import Case

NAME = "[name]"
NHS_NUMBER = "[NHS number]"
DATE_OF_BIRTH = "[date of birth]"
DATE_OF_DEATH = "[date of death]"
ADDRESS = "[address]"
POSTCODE = "[postcode]"
EMAIL = "[e-mail address]"
PHONE = "[phone number]"

# What each placeholder stands for, in a coordinator's words.
FOUND_WORDS = {
    NAME: "a name",
    NHS_NUMBER: "an NHS number",
    DATE_OF_BIRTH: "the date of birth",
    DATE_OF_DEATH: "the date of death",
    ADDRESS: "the home address",
    POSTCODE: "a postcode",
    EMAIL: "an e-mail address",
    PHONE: "a phone number",
}

NHS_NUMBER_PATTERN = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
POSTCODE_PATTERN = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_PATTERN = re.compile(r"(?<![\d\w])(?:\+44\s?|0)\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}(?!\d)")
MONTHS = "January February March April May June July August September October November December"


@dataclass(frozen=True)
class Identifiers:
    """Everything recorded that identifies this child, as it might appear in text."""

    phrases: tuple[tuple[str, str], ...]  # (phrase, placeholder), longest first
    dates: tuple[tuple[date, str], ...]


def identifiers_of(case: Case) -> Identifiers:
    phrases: dict[str, str] = {}
    for record in (case, *case.notifications):
        for name in (record.given_names, record.family_name):
            for part in _name_parts(name):
                phrases.setdefault(part.lower(), NAME)
        if record.nhs_number:
            phrases.setdefault(record.nhs_number, NHS_NUMBER)
    for notification in case.notifications:
        for part in _address_parts(notification.address):
            phrases.setdefault(part.lower(), ADDRESS)
        phrases.setdefault(notification.notifier_name.lower(), NAME)
    ordered = sorted(phrases.items(), key=lambda item: -len(item[0]))
    births = {record.date_of_birth for record in (case, *case.notifications)}
    deaths = {record.date_of_death for record in (case, *case.notifications)}
    dates = [(day, DATE_OF_BIRTH) for day in births] + [(day, DATE_OF_DEATH) for day in deaths]
    return Identifiers(tuple(ordered), tuple(dates))


def _name_parts(name: str) -> set[str]:
    """The whole name, each word, and each part of a hyphenated word."""
    words = name.split()
    parts = {name.strip(), *words, *(piece for word in words for piece in word.split("-"))}
    return {part for part in parts if len(part) >= 2}


def _address_parts(address: str) -> set[str]:
    lines = re.split(r"[,\n]", address)
    return {line.strip() for line in lines if len(line.strip()) >= 4}


def _phrase_pattern(phrase: str) -> re.Pattern:
    # Spaces in the record match any run of spaces in the text; an NHS number may be spaced.
    if phrase.isdigit() and len(phrase) == 10:
        body = rf"{phrase[:3]}[ -]?{phrase[3:6]}[ -]?{phrase[6:]}"
    else:
        body = r"\s+".join(re.escape(word) for word in phrase.split())
    return re.compile(rf"(?<![\w]){body}(?![\w])", re.IGNORECASE)


def _date_patterns(day: date) -> list[re.Pattern]:
    """The ways people write a date: 3/1/2020, 03-01-20, 2020-01-03, 3rd January 2020, Jan 3."""
    month = MONTHS.split()[day.month - 1]
    d, m, y = day.day, day.month, day.year
    numeric = rf"0?{d}\s*[/.-]\s*0?{m}\s*[/.-]\s*(?:{y}|{y % 100:02d})"
    iso = rf"{y}-{m:02d}-{d:02d}"
    month_name = rf"(?:{month}|{month[:3]})\.?"
    day_word = rf"0?{d}(?:st|nd|rd|th)?"
    written = rf"{day_word}(?:\s+of)?\s+{month_name},?(?:\s+{y})?"
    american = rf"{month_name}\s+{day_word},?(?:\s+{y})?"
    return [
        re.compile(rf"(?<![\w]){pattern}(?![\w])", re.IGNORECASE)
        for pattern in (numeric, iso, written, american)
    ]


def redact(text: str, identifiers: Identifiers) -> tuple[str, list[str]]:
    """The text with identifying details replaced by placeholders, and the placeholders used."""
    found: list[str] = []

    def replace(pattern: re.Pattern, placeholder: str, text: str) -> str:
        text, count = pattern.subn(placeholder, text)
        if count and placeholder not in found:
            found.append(placeholder)
        return text

    for day, placeholder in identifiers.dates:
        for pattern in _date_patterns(day):
            text = replace(pattern, placeholder, text)
    for phrase, placeholder in identifiers.phrases:
        text = replace(_phrase_pattern(phrase), placeholder, text)
    for pattern, placeholder in (
        (EMAIL_PATTERN, EMAIL),
        (NHS_NUMBER_PATTERN, NHS_NUMBER),
        (PHONE_PATTERN, PHONE),
        (POSTCODE_PATTERN, POSTCODE),
    ):
        text = replace(pattern, placeholder, text)
    return text, found


def identifying_details_in(text: str, identifiers: Identifiers) -> list[str]:
    """What identifying details the text holds, in words ("a name", "a postcode")."""
    return [FOUND_WORDS[placeholder] for placeholder in redact(text, identifiers)[1]]


def age_at_death(date_of_birth: date, date_of_death: date) -> str:
    """Days for a newborn, months under two, years after: as paediatricians say it."""
    days = (date_of_death - date_of_birth).days
    if days < 28:
        return _count(days, "day")
    age = relativedelta(date_of_death, date_of_birth)
    months = age.years * 12 + age.months
    if months < 24:
        return _count(max(months, 1), "month")
    return _count(age.years, "year")


def _count(amount: int, unit: str) -> str:
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def relative_to_death(day: date, date_of_death: date) -> str:
    """A date in an agency report, told without the calendar date (which could identify)."""
    days = (date_of_death - day).days
    if days == 0:
        return "The day of the death"
    when = "before" if days > 0 else "after"
    days = abs(days)
    if days < 60:
        return f"{_count(days, 'day')} {when} the death"
    months = days * 12 // 365
    if months < 24:
        return f"About {_count(months, 'month')} {when} the death"
    return f"About {_count(days // 365, 'year')} {when} the death"
