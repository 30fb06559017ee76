"""Days recorded about a case that cannot be true: before the death, in the future (unless
the day is one expected), or before the day they follow. One place for the checks and their
words; each problem is refused at its own field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ecdop.cases.models import Case
from ecdop.foundation.clock import uk_today
from ecdop.foundation.formatting import uk_date
from ecdop.foundation.refusals import ProblemsAtFields


@dataclass(frozen=True)
class CaseDay:
    name: str  # how a message names it: "The date of the meeting"
    day: date | None
    after: str | None = None  # the field of the day it cannot come before
    may_be_ahead: bool = False  # a day expected, such as an inquest's


def day_problem(
    case: Case,
    name: str,
    day: date,
    *,
    may_be_ahead: bool = False,
    earlier: CaseDay | None = None,
) -> str:
    """What cannot be true of ``day``, in words; "" when nothing."""
    if day < case.date_of_death:
        return f"{name} cannot be before the date of death, {uk_date(case.date_of_death)}"
    if day > uk_today() and not may_be_ahead:
        return f"{name} must be today or in the past"
    if earlier is not None and earlier.day is not None and day < earlier.day:
        return f"{name} cannot be before {earlier.name[0].lower()}{earlier.name[1:]}"
    return ""


def refuse_days_that_cannot_be(case: Case, days: dict[str, CaseDay]) -> None:
    """Every day that cannot be true, each at its own field (by field name)."""
    problems = {}
    for field, given in days.items():
        if given.day is None:
            continue
        earlier = days.get(given.after) if given.after else None
        problem = day_problem(case, given.name, given.day, may_be_ahead=given.may_be_ahead,
                              earlier=earlier)  # fmt: skip
        if problem:
            problems[field] = problem
    if problems:
        raise ProblemsAtFields(problems, "Some dates cannot be right")
