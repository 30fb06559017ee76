"""The board sees the family's part as three shares of families, protected like every other
table: never a family, and never a count of one to five."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from ecdop.board_reports.content import build_report
from ecdop.board_reports.render import report_body
from ecdop.cases.models import Case
from ecdop.family.choices import SupportOffered
from ecdop.family.models import FamilyRecord
from ecdop.foundation.extensions import db
from ecdop.foundation.periods import PeriodKind, parse_period
from ecdop.synthetic import seed_synthetic
from tests.factories import demo_area

pytestmark = pytest.mark.slow

TODAY = date(2026, 11, 20)


@pytest.fixture
def quarter_with_families(app, demo):
    seed_synthetic(demo_area(), cases=500, seed=11, today=TODAY)
    db.session.commit()
    period = parse_period(PeriodKind.QUARTERLY, "2026-Q2", 4)
    cases = list(db.session.scalars(
        select(Case).where(Case.date_of_death.between(period.starts_on, period.ends_on),
                           Case.merged_into_id.is_(None))
        .order_by(Case.id)
    ))  # fmt: skip
    late = cases[:7]  # a key worker only a week after notification
    for number, case in enumerate(cases):
        assigned = case.created_at + (timedelta(days=7) if case in late else timedelta(hours=3))
        db.session.add(FamilyRecord(
            case=case, first_key_worker_at=assigned, key_worker_assigned_at=assigned,
            support_offered=SupportOffered.YES if number < 3 else SupportOffered.NOT_KNOWN,
        ))  # fmt: skip
    db.session.commit()
    return period, cases


def family_rows(content) -> dict[str, tuple[str, ...]]:
    [section] = [s for s in content.sections if s.anchor == "family"]
    return {row[0]: row[1:] for row in section.figures[0].table.rows}


def test_the_board_report_shows_the_three_family_figures_suppressed_where_small(
    quarter_with_families,
):
    period, cases = quarter_with_families
    assert len(cases) > 20, "the quarter needs families enough to publish"
    content = build_report(period, [demo_area()], start_month=4, today=TODAY,
                           generated_at=datetime(2026, 11, 20, 9, tzinfo=UTC))  # fmt: skip
    rows = family_rows(content)
    key_worker = rows["Families with a key worker within 2 working days of notification"]
    families = f"{len(cases):,}"
    assert key_worker[0] == families and key_worker[1] == f"{len(cases) - 7:,}"
    # Three families offered support: a count of one to five is never printed.
    support = rows["Families offered bereavement support"]
    assert support[0] == families and support[1] == "c" and support[2] == "c"
    # No outcome fell due in the quarter: named in the note, not shown as noughts.
    assert "Families told the outcome of the review in time" not in rows
    html = report_body(content)
    assert (
        "The family&#39;s part in the review" in html or "The family's part in the review" in html
    )
    assert "No family to count for: Families told the outcome of the review in time" in html
