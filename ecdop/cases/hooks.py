"""Where the cases layer calls on the features above it (the table is in ``ecdop/wiring.py``).

Each is called inside the transaction of the change, so what a receiver writes is kept or
rolled back with it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ecdop.foundation.hooks import Hook

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

    from ecdop.cases.models import Case

# What the features above record about a case, as the stage machine's guards read it: each
# answers some of ``CaseFacts``' fields.
facts_recorded: Hook[[Case], Mapping[str, object]] = Hook("facts_recorded")
# The same facts as SQL conditions on ``Case`` (true where the fact is), for the lists that
# find the cases a guard lets through without loading each case.
facts_recorded_in_sql: Hook[[], Mapping[str, ColumnElement[bool]]] = Hook("facts_recorded_in_sql")

# A death was recorded, or what is known of it changed (a notification, a triage).
death_recorded: Hook[[Case], None] = Hook("death_recorded")

# Something recorded about a case changed (its stage, its area, a merge, the national database
# told): what the case owes, and by when, is worked out again.
case_changed: Hook[[Case], None] = Hook("case_changed")

# A closed case was reopened: its signed-off review becomes history.
case_reopened: Hook[[Case], None] = Hook("case_reopened")

# Which of these cases (ids) have something overdue, to flag them in the case list.
overdue_among: Hook[[list[int]], set[int]] = Hook("overdue_among")


@dataclass(frozen=True)
class CasePageSection:
    """A part of the case page that a feature shows: its template (a partial, given the page's
    context and this section's), where on the page it goes, and what it needs to render."""

    template: str
    place: Literal["top", "work", "record"]
    context: Mapping[str, object] = field(default_factory=dict)


# The case page, in the order of the table: "top" sections under the heading (a decision to
# make first), "work" under what happens next, "record" under the child and the death.
case_page: Hook[[Case], CasePageSection] = Hook("case_page")
