"""Early warning: the area's rules are checked on every notification, at triage and daily; an
emerging pattern reaches the coordinators once, in ecdop and by e-mail, and only they see the
cases behind it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from ecdop.analytics.choices import WarningRuleKind
from ecdop.analytics.early_warning import Death, clusters_in, replay_history, watch_for_patterns
from ecdop.analytics.models import EmergingPattern, WarningRule
from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.auth.services import create_area
from ecdop.foundation.extensions import db
from ecdop.foundation.vocabulary import CategoryOfDeath, CircumstancesType
from ecdop.jobs import run_job
from tests.deadline_helpers import all_messages, deliver, move_to
from tests.factories import demo_area, form_data, notify, user
from tests.helpers import page_text

COORDINATOR = "coordinator@demo.test"
TODAY = date(2026, 11, 20)


def notify_death(days_ago: int, kind=CircumstancesType.SUICIDE, born: date = date(2011, 5, 1)):
    """A different child each time: no NHS number, and a date of birth of their own."""
    _notification, outcome = notify(
        nhs_number=None,
        date_of_birth=born + timedelta(days=days_ago),
        date_of_death=TODAY - timedelta(days=days_ago),
        circumstances_type=kind,
    )
    return outcome.case


def watch_job_runs() -> None:
    """What the scheduler does within a minute of a notification, a triage or a rule change."""
    run_job(current_app._get_current_object(), "watch-new-deaths")
    db.session.expire_all()


def pattern_alerts() -> list:
    watch_job_runs()
    return [m for m in all_messages() if m.dedupe_key.startswith("emerging-pattern:")]


def pattern_subjects(smtp_sink) -> list[str]:
    return [s for s in smtp_sink.subjects_to(COORDINATOR) if s.startswith("Emerging pattern")]


def patterns() -> list[EmergingPattern]:
    watch_job_runs()
    return list(db.session.scalars(select(EmergingPattern).order_by(EmergingPattern.id)))


def test_a_second_suicide_within_60_days_alerts_the_coordinator_once(app, demo, smtp_sink):
    first = notify_death(days_ago=50)
    assert pattern_alerts() == []
    second = notify_death(days_ago=3)
    [pattern] = patterns()
    assert pattern.kind is WarningRuleKind.CLUSTER
    assert pattern.category is CategoryOfDeath.SUICIDE
    assert {case.id for case in pattern.cases} == {first.id, second.id}
    [alert] = pattern_alerts()
    assert alert.recipient_email == COORDINATOR
    # A third death joins the same cluster: listed, but no second alert for it. (Three in a
    # year where there were none before is also an exceedance: a signal of its own.)
    third = notify_death(days_ago=1)
    db.session.expire_all()
    [cluster, exceedance] = patterns()
    assert third.id in {case.id for case in cluster.cases} and cluster.deaths == 3
    assert exceedance.kind is WarningRuleKind.EXCEEDANCE
    assert [m.dedupe_key for m in pattern_alerts()] == [
        f"emerging-pattern:{cluster.id}:to:{alert.recipient_user_id}",
        f"emerging-pattern:{exceedance.id}:to:{alert.recipient_user_id}",
    ]
    deliver(app)
    assert pattern_subjects(smtp_sink) == ["Emerging pattern in Demo review area"] * 2
    [body, _] = [m.get_content() for m in smtp_sink.messages if "pattern" in m["Subject"]]
    assert "2 or more deaths in the category 'Suicide or deliberate self-inflicted harm'" in body
    assert "Testchild" not in body and "Amelia" not in body
    assert f"/patterns/{cluster.id}" in body


def test_the_web_form_raises_the_pattern_for_the_coordinator(make_browser, demo, smtp_sink, app):
    police = make_browser("police@demo.test")
    for day, nhs_number in ((10, "943 476 5919"), (20, "943 476 5870")):
        data = form_data(
            nhs_number=nhs_number,
            date_of_death=[str(day), "11", "2026"],
            circumstances_type="suicide",
        )
        assert police.submit("/notifications/new", data).status_code == 302
    # The request only asks for the check: the job, within a minute, raises the pattern and
    # the outbox, within another, sends the alert.
    assert db.session.scalars(select(EmergingPattern)).all() == []
    watch_job_runs()
    deliver(app)
    assert pattern_subjects(smtp_sink) == ["Emerging pattern in Demo review area"]
    coordinator = make_browser(COORDINATOR)
    assert "1 emerging pattern of deaths" in page_text(coordinator.get("/dashboard"))
    listing = page_text(coordinator.get("/patterns"))
    assert "2 or more deaths in the category 'Suicide" in listing and "Open" in listing


def test_a_watch_killed_half_way_runs_again_without_a_second_alert(app, demo, monkeypatch):
    from ecdop.analytics import early_warning

    notify_death(days_ago=50)
    notify_death(days_ago=3)
    real_delete = early_warning.delete

    def killed(*args, **kwargs):  # after the patterns and alerts, before the commit
        raise KeyboardInterrupt("scheduler killed")

    monkeypatch.setattr(early_warning, "delete", killed)
    with pytest.raises(KeyboardInterrupt):
        run_job(app, "watch-new-deaths")
    db.session.expire_all()
    assert db.session.scalars(select(EmergingPattern)).all() == []  # nothing half-done
    monkeypatch.setattr(early_warning, "delete", real_delete)
    [pattern] = patterns()
    assert len(pattern_alerts()) == 1
    assert run_job(app, "watch-new-deaths") == 0  # the ask was answered: nothing to do


def test_deaths_more_than_60_days_apart_are_not_a_cluster(app, demo):
    notify_death(days_ago=100)
    notify_death(days_ago=30)
    assert patterns() == [] and pattern_alerts() == []


def test_a_cluster_long_over_is_history_not_a_warning(app, demo):
    notify_death(days_ago=200)
    notify_death(days_ago=150)  # notified late: the cluster ended months ago
    assert [p for p in patterns() if p.kind is WarningRuleKind.CLUSTER] == []


def test_only_infant_deaths_count_towards_the_sudi_cluster(app, demo):
    notify_death(days_ago=20, kind=CircumstancesType.SUDDEN_UNEXPECTED)  # aged 15
    notify_death(days_ago=10, kind=CircumstancesType.SUDDEN_UNEXPECTED, born=date(2026, 3, 1))
    assert patterns() == []
    notify_death(days_ago=5, kind=CircumstancesType.SUDDEN_UNEXPECTED, born=date(2026, 4, 1))
    [pattern] = [p for p in patterns() if p.kind is WarningRuleKind.CLUSTER]
    assert pattern.rule.infants_only and pattern.deaths == 2


def test_a_category_given_at_triage_can_complete_a_cluster(make_browser, demo):
    earlier = notify_death(days_ago=40)
    unknown = notify_death(days_ago=2, kind=CircumstancesType.NOT_KNOWN)
    assert unknown.provisional_category is None and patterns() == []
    coordinator = make_browser(COORDINATOR)
    path = f"/cases/{unknown.id}/triage"
    bad = coordinator.submit(path, _triage(unknown, provisional_category="not-a-category"))
    assert bad.status_code == 400 and "choose from the options shown" in page_text(bad)
    assert patterns() == []
    response = coordinator.submit(path, _triage(unknown, provisional_category="suicide"))
    assert response.status_code == 302
    db.session.expire_all()
    assert unknown.provisional_category is CategoryOfDeath.SUICIDE
    [pattern] = patterns()
    assert {case.id for case in pattern.cases} == {earlier.id, unknown.id}
    assert len(pattern_alerts()) == 1
    assert "Suicide or deliberate self-inflicted harm" in page_text(
        coordinator.get(f"/cases/{unknown.id}")
    )


def _triage(case, **fields) -> dict:
    return {"in_scope": "yes", "expectation": "unexpected", "residence_area_id": case.area_id,
            "version": case.version_id, **fields}  # fmt: skip


def test_the_daily_check_raises_an_exceedance_once_and_ends_it(app, clock, demo):
    # One death from trauma in each of the three years before, then four in the last year:
    # the upper 95% Poisson limit of a mean of 1 is 3.
    for days_ago in (400, 800, 1200, 300, 200, 150, 100):
        notify_death(days_ago=days_ago, kind=CircumstancesType.INJURY)
    [pattern] = [p for p in patterns() if p.kind is WarningRuleKind.EXCEEDANCE]
    assert pattern.category is CategoryOfDeath.TRAUMA
    assert (pattern.deaths, pattern.expected, pattern.upper_limit) == (4, 1.0, 3)
    assert len(pattern_alerts()) == 1
    move_to(clock, TODAY + timedelta(days=1))
    assert run_job(app, "watch-for-patterns") == 0  # still exceeding: no second alert
    move_to(clock, TODAY + timedelta(days=120))  # two of the four have left the 12 months
    run_job(app, "watch-for-patterns")
    db.session.expire_all()
    [pattern] = [p for p in patterns() if p.kind is WarningRuleKind.EXCEEDANCE]
    assert pattern.ended_on == TODAY + timedelta(days=120)
    assert len(pattern_alerts()) == 1


def test_clusters_need_enough_deaths_inside_one_window():
    def deaths(*days: int) -> list[Death]:
        return [Death(n, TODAY + timedelta(days=day)) for n, day in enumerate(days)]

    # Chained by gaps of 40 days, but no 60-day stretch holds three.
    assert clusters_in(deaths(0, 40, 80), min_deaths=3, window_days=60) == []
    [cluster] = clusters_in(deaths(0, 40, 80, 95), min_deaths=3, window_days=60)
    assert len(cluster) == 4
    assert clusters_in(deaths(0, 60), min_deaths=2, window_days=60) != []
    assert clusters_in(deaths(0, 61), min_deaths=2, window_days=60) == []


def test_only_the_areas_coordinators_see_a_pattern_and_its_cases(make_browser, demo):
    notify_death(days_ago=20)
    notify_death(days_ago=10)
    [pattern] = patterns()
    coordinator = make_browser(COORDINATOR)
    response = coordinator.get(f"/patterns/{pattern.id}")
    assert response.status_code == 200
    # Each pattern's page has its own title, which says which pattern it is.
    assert "<title>Emerging pattern raised 20 November 2026, Demo review area – ecdop</title>" in (
        response.get_data(as_text=True)
    )
    text = page_text(response)
    assert "DEMO-2026-0001" in text and "DEMO-2026-0002" in text
    assert "Testchild" not in text
    viewed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.EMERGING_PATTERN_VIEWED)
    ).one()
    assert viewed.details == {"cases": ["DEMO-2026-0001", "DEMO-2026-0002"]}
    for email in ("board@demo.test", "chair@demo.test", "police@demo.test", "admin@demo.test"):
        assert make_browser(email).get(f"/patterns/{pattern.id}").status_code == 403
    elsewhere = create_area("ELSE", "Elsewhere")
    coordinator_user = user(COORDINATOR)
    coordinator_user.areas = [elsewhere]
    db.session.commit()
    assert make_browser(COORDINATOR).get(f"/patterns/{pattern.id}").status_code == 404


def test_an_admin_sets_the_areas_rules(make_browser, demo):
    admin = make_browser("admin@demo.test")
    area = demo_area()
    page = page_text(admin.get(f"/admin/areas/{area.id}/warning-rules"))
    assert "2 or more deaths in the category 'Suicide" in page
    path = f"/admin/areas/{area.id}/warning-rules/new"
    bad = admin.submit(path, {"kind": "cluster", "category": "", "infants_only": "no",
                              "min_deaths": "1", "window_days": "0", "active": "yes"})  # fmt: skip
    assert bad.status_code == 400
    text = page_text(bad)
    assert "Choose the category of death the rule watches" in text
    assert "Enter a number of deaths from 2 to 100" in text
    assert "Enter a window from 1 to 366 days" in text
    rules_before = db.session.scalar(select(db.func.count(WarningRule.id)))
    assert rules_before == 6
    rule = {"kind": "cluster", "category": "trauma", "infants_only": "no",
            "min_deaths": "3", "window_days": "30", "active": "yes"}  # fmt: skip
    good = admin.submit(path, rule)
    assert good.status_code == 302
    rule = db.session.scalars(select(WarningRule).order_by(WarningRule.id.desc())).first()
    assert (rule.category, rule.min_deaths, rule.window_days) == (CategoryOfDeath.TRAUMA, 3, 30)
    assert make_browser(COORDINATOR).get(path).status_code == 403


def test_a_rule_not_in_use_raises_nothing(app, demo):
    for rule in db.session.scalars(select(WarningRule)):
        rule.active = False
    db.session.commit()
    notify_death(days_ago=20)
    notify_death(days_ago=10)
    assert watch_for_patterns(demo_area().id) == [] and patterns() == []


def test_replaying_history_announces_only_patterns_still_going(app, demo):
    # Deaths recorded before the rules look at them, as a first start with a history has.
    rules = db.session.scalars(select(WarningRule)).all()
    for rule in rules:
        rule.active = False
    for days_ago in (320, 300, 20, 5):
        notify_death(days_ago=days_ago)
    for rule in rules:
        rule.active = True
    db.session.flush()

    replay_history(demo_area().id, TODAY, weeks=52)
    db.session.commit()

    raised = patterns()
    ended = [pattern for pattern in raised if pattern.ended_on is not None]
    going = [pattern for pattern in raised if pattern.ended_on is None]
    assert ended and going  # last year's cluster is history; this month's is going on
    announced = {int(message.dedupe_key.split(":")[1]) for message in pattern_alerts()}
    assert announced == {pattern.id for pattern in going}
