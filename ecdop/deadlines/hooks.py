"""Where deadlines call on the features above them (the table is in ``ecdop/wiring.py``).

A case owes some deadlines itself (telling the national database, the CDRM, the panel review,
closure): those are worked out here. The rest are owed by records the features above keep, a
reporting request or a panel action, each answered by an agency: those features say what
their records owe, what each is called, and what follows when a coordinator moves its date.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from ecdop.auth.permissions import Permission
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.hooks import Hook

if TYPE_CHECKING:
    from ecdop.cases.models import Case
    from ecdop.deadlines.models import Deadline


@dataclass(frozen=True)
class Owed:
    """A deadline a record owes: its own due date, the agency that answers for it, whether
    it is still needed and whether it is met."""

    kind: DeadlineKind
    record_id: int
    agency_id: int
    starts_on: date
    due_on: date
    needed: bool
    met: bool
    # A request is for the review: it is let go once the case is withdrawn, merged or closed
    # without it. A panel action is the review's outcome, followed up whatever the case's stage.
    ends_with_the_case: bool


@dataclass(frozen=True)
class OwedRecord:
    """What a deadline's record is, for people: what is due, and where it is worked on by
    those who may (``opened_with``; None: by the agency that answers for it)."""

    what: str
    path: str
    opened_with: Permission | None = None


@dataclass(frozen=True)
class CaseOwed:
    """A deadline of the case's own that a feature above declares: from when it counts (the
    area's rule for its kind sets the due date), whether it is met, and who answers for it
    (a person; None: the area's coordinators). One that no longer applies is let go, with
    the reason if it is not plain from the case."""

    kind: DeadlineKind
    starts: datetime | date
    met: bool
    answered_by_id: int | None = None
    let_go_because: str | None = None
    # Most are settled when the case closes; telling the family the outcome starts then.
    goes_on_after_closure: bool = False


# The case's own deadlines that the features above declare, each feature's list.
owed_by_case: Hook[[Case], list[CaseOwed]] = Hook("owed_by_case")
# The page where a case's deadline of a kind is worked on by the one who answers for it, as
# an endpoint taking ``case_id``; None from a feature that does not own the kind.
page_of_kind: Hook[[DeadlineKind], str | None] = Hook("page_of_kind")
# What the records on a case owe, each feature's list.
owed_by_records: Hook[[Case], list[Owed]] = Hook("owed_by_records")
# What each record of a kind is, by record id (a batch at a time: one query each).
records_of: Hook[[DeadlineKind, Collection[int]], Mapping[int, OwedRecord]] = Hook("records_of")
# A coordinator gave a record's deadline a new due date: the record follows it.
due_date_moved: Hook[[Deadline], None] = Hook("due_date_moved")
