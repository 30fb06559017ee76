"""The demo and the synthetic history look like a real area's: nothing arrives from the
future, deaths are notified by the people who would notify them, and the showcase cases start
where a coordinator would have them."""

from __future__ import annotations

from sqlalchemy import func, select

from ecdop.cases.models import Case
from ecdop.deadlines.queries import tasks_for
from ecdop.foundation.clock import uk_today
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.notifications.models import Notification
from ecdop.reporting_forms.models import ReportingRequest
from ecdop.synthetic import IN_HOSPITAL, seed_synthetic
from tests.factories import demo_area, user


def test_no_synthetic_death_is_notified_triaged_or_told_later_than_now(demo):
    # A year of deaths, several a day: some died today, and were notified the same day.
    seed_synthetic(demo_area(), cases=2_000, seed=7, today=uk_today(), years=1)
    db.session.commit()
    now = utc_now()
    assert db.session.scalar(select(func.max(Notification.submitted_at))) <= now
    for moment in (Case.created_at, Case.triaged_at, Case.national_database_told_at):
        assert db.session.scalar(select(func.max(moment))) <= now, moment


def test_synthetic_deaths_come_from_the_areas_several_named_notifiers(demo):
    seed_synthetic(demo_area(), cases=300, seed=7, today=uk_today(), years=1)
    db.session.commit()
    police, health = user("police@demo.test"), user("health@demo.test")
    by_notifier = dict(
        db.session.execute(
            select(Notification.notifier_name, func.count()).group_by(Notification.notifier_name)
        ).all()
    )
    assert set(by_notifier) == {police.full_name, health.full_name}
    in_hospital = db.session.scalars(
        select(Notification.submitted_by_id).where(Notification.place_of_death.in_(IN_HOSPITAL))
    ).all()
    assert in_hospital and set(in_hospital) == {health.id}


def test_the_showcase_cases_ready_for_panel_start_neither_overdue_nor_escalated(demo):
    from ecdop.demo import seed_demo_case

    made = seed_demo_case()
    db.session.commit()
    ready = set(made.ready_references)
    tasks = [task for task in tasks_for(user("coordinator@demo.test")) if task.reference in ready]
    assert tasks, "the ready cases still have their panel review to come"
    assert [(t.reference, t.what) for t in tasks if t.overdue or t.escalated] == []
    told = db.session.scalars(select(Case.national_database_told_at).where(
        Case.reference.in_(ready))).all()  # fmt: skip
    assert all(told)


def test_each_agency_writes_its_own_report_in_the_demo(demo):
    from ecdop.demo import seed_demo_case

    made = seed_demo_case()
    db.session.commit()
    for reference in made.ready_references:
        reports = db.session.scalars(
            select(ReportingRequest)
            .join(Case, ReportingRequest.case_id == Case.id)
            .where(Case.reference == reference)
            .order_by(ReportingRequest.id)
        ).all()
        gp, school = (next(r for r in reports if r.organisation.name == name)
                      for name in ("Demo Surgery", "Demo Primary School"))  # fmt: skip
        differ = {k for k in gp.answers if gp.answers[k] != school.answers.get(k)}
        assert {"involvement_summary", "child_history", "learning"} <= differ
