"""The report's section on the family's part in the review: how many families had a key worker
in time, were offered bereavement support, and were told the outcome in time. Counts of
families, protected like every other table; the board never sees a family."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ecdop.analytics.aggregates import deadlines_met_on_time, died_in, live_cases
from ecdop.board_reports.tables import (
    Figure,
    PublishedFigures,
    PublishedTable,
    Scope,
    Section,
    percent,
    protect_pair,
    shown,
)
from ecdop.cases.models import Case
from ecdop.deadlines.rules import DEFAULT_RULES, DeadlineKind
from ecdop.family.choices import SupportOffered
from ecdop.family.models import FamilyRecord
from ecdop.foundation.extensions import db
from ecdop.foundation.formatting import uk_calendar_date

KEY_WORKER_IN_TIME = DEFAULT_RULES[DeadlineKind.KEY_WORKER_CONTACT]
MEASURES = (
    "Families with a key worker within 2 working days of notification",
    "Families offered bereavement support",
    "Families told the outcome of the review in time",
)
HEADINGS = ("Families counted", "Yes", "Share")
NOTE = (
    "The key worker and support: the families of the children who died in the period. The "
    "outcome: families whose 20 working days after sign-off ended in the period, leaving out "
    "those who asked not to be contacted."
)


def family_section(scope: Scope, published: PublishedFigures) -> tuple[PublishedFigures, Section]:
    key_worker, support = _families_of_deaths(scope)
    told = _outcome_told_in_time(scope)
    table = _shares_table(list(zip(MEASURES, (key_worker, support, told), strict=True)))
    return published, Section(
        "family",
        "The family's part in the review",
        (
            "Every bereaved family should have a key worker as their one point of contact, be "
            "offered bereavement support, and be told what the review found.",
        ),
        (Figure(table),),
    )


def _shares_table(rows: list[tuple[str, tuple[int, int]]]) -> PublishedTable:
    """Each measure protected on its own: the measures overlap (one family is in all three),
    so no total across them is printed or could be worked out. A measure with no family to
    count is named in the note, not shown as noughts."""
    none = [label for label, (families, _done) in rows if not families]
    note = NOTE + (f" No family to count for: {', '.join(none)}." if none else "")
    published = []
    for label, (families, done) in rows:
        if families:
            part, _rest, whole = protect_pair(done, families)
            published.append((label, shown(whole), shown(part), percent(part, whole)))
    return PublishedTable("The family's part in the review", ("Measure", *HEADINGS),
                          tuple(published), note=note)  # fmt: skip


def _families_of_deaths(scope: Scope) -> tuple[tuple[int, int], tuple[int, int]]:
    """(families, with a key worker in time) and (families, offered support), of the deaths in
    the period."""
    rows = db.session.execute(
        select(Case.created_at, FamilyRecord.first_key_worker_at, FamilyRecord.support_offered)
        .outerjoin(FamilyRecord, FamilyRecord.case_id == Case.id)
        .where(*live_cases(scope.area_ids), died_in(scope.period))
    ).all()
    in_time = sum(1 for notified, first, _offered in rows if _in_time(notified, first))
    offered = sum(1 for _notified, _first, support in rows if support is SupportOffered.YES)
    return (len(rows), in_time), (len(rows), offered)


def _in_time(notified, first_key_worker_at) -> bool:
    if first_key_worker_at is None:
        return False
    due: date = KEY_WORKER_IN_TIME.due_on(notified)
    return uk_calendar_date(first_key_worker_at) <= due


def _outcome_told_in_time(scope: Scope) -> tuple[int, int]:
    counts = deadlines_met_on_time(scope.area_ids, scope.period, scope.today)
    return counts.get(DeadlineKind.OUTCOME_SHARED, (0, 0))
