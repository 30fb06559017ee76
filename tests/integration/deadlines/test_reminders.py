"""Reminders and escalations: each step once, caught up after downtime, never lost when the
sweep is killed or the mail server is down; My tasks and dashboards."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ecdop.deadlines import sweep as sweep_module
from ecdop.deadlines.models import Deadline
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.extensions import db
from ecdop.jobs import run_job
from ecdop.mail.models import OutboxMessage, OutboxStatus
from tests.deadline_helpers import (
    all_messages,
    deadline,
    deliver,
    move_to,
    reminder_keys,
    request_deadline,
    sweep_on,
)
from tests.factories import requested_reports, submitted, triaged_case
from tests.helpers import page_text

GP = "gp@demo.test"
COORDINATOR = "coordinator@demo.test"
CHAIR = "chair@demo.test"  # the demo area's lead


def test_each_step_is_sent_once_to_the_right_people(app, clock, demo):
    case = triaged_case()
    [request] = requested_reports(case, "Demo Surgery")  # due Friday 18 December 2026
    day = date(2026, 11, 20)
    while day <= date(2027, 1, 8):
        sweep_on(app, clock, day)
        sweep_on(app, clock, day)  # a second sweep the same day adds nothing
        day = date.fromordinal(day.toordinal() + 1)
    assert reminder_keys(request_deadline(request)) == [
        ("before-5", GP),  # Friday 11 December
        ("before-1", GP),  # Thursday 17 December
        ("overdue", GP),  # Monday 21 December
        ("overdue-week-1", GP),  # Monday 28 December
        ("overdue-week-2", GP),  # Monday 4 January
        ("escalation", COORDINATOR),  # 10 working days overdue: Wednesday 6 January
    ]


def test_the_coordinators_own_items_escalate_to_the_area_lead(app, clock, demo):
    case = triaged_case()  # the JAR meeting is due 5 working days after notification: 27 Nov
    sweep_on(app, clock, date(2026, 12, 11))
    keys = reminder_keys(deadline(case, DeadlineKind.JAR_MEETING))
    assert ("escalation", CHAIR) in keys
    assert all(email == COORDINATOR for step, email in keys if step != "escalation")


def test_a_met_deadline_stops_reminding(app, clock, demo):
    case = triaged_case()
    [request] = requested_reports(case, "Demo Surgery")
    sweep_on(app, clock, date(2026, 12, 11))
    move_to(clock, date(2026, 12, 14))
    submitted(request)
    sweep_on(app, clock, date(2027, 1, 8))
    assert reminder_keys(request_deadline(request)) == [("before-5", GP)]


def test_after_downtime_a_deadline_gets_only_the_latest_step_that_fell_due_once(app, clock, demo):
    case = triaged_case()
    [request] = requested_reports(case, "Demo Surgery")
    sweep_on(app, clock, date(2026, 12, 11))
    # The scheduler is down from 11 to 22 December: "1 day before" and "overdue" fall due
    # meanwhile; only the latest is news.
    sweep_on(app, clock, date(2026, 12, 22))
    sweep_on(app, clock, date(2026, 12, 22))
    assert reminder_keys(request_deadline(request)) == [
        ("before-5", GP),
        ("overdue", GP),
    ]


def test_a_long_gap_sends_one_still_overdue_and_the_missed_escalation_not_a_flood(app, clock, demo):
    case = triaged_case()
    [request] = requested_reports(case, "Demo Surgery")  # due Friday 18 December 2026
    # Nothing swept for ten weeks: the overdue step, the escalation and eight weekly
    # reminders all fell due. The agency hears once, the coordinators are escalated to once.
    sweep_on(app, clock, date(2027, 3, 1))
    sweep_on(app, clock, date(2027, 3, 1))
    assert reminder_keys(request_deadline(request)) == [
        ("escalation", COORDINATOR),
        ("overdue-week-10", GP),
    ]
    sweep_on(app, clock, date(2027, 3, 8))
    assert reminder_keys(request_deadline(request))[-1] == ("overdue-week-11", GP)
    assert len(reminder_keys(request_deadline(request))) == 3


def test_no_message_names_the_child(app, clock, demo):
    case = triaged_case()
    requested_reports(case, "Demo Surgery")
    sweep_on(app, clock, date(2027, 1, 8))
    run_job(app, "coordinator-digest", today=date(2027, 1, 8))
    db.session.expire_all()
    messages = all_messages()
    assert any(m.subject.startswith("Escalation") for m in messages)
    assert any("daily summary" in m.subject for m in messages)
    for message in messages:
        text = message.subject + message.body
        assert "Amelia" not in text and "Testchild" not in text and "9434765919" not in text
        assert case.reference in text


def dies_on_call(number: int, real):
    """``real``, except that the process is killed as it is called the ``number``th time."""
    calls = {"count": 0}

    def dying(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == number:
            raise KeyboardInterrupt("scheduler killed")
        return real(*args, **kwargs)

    return dying


class TestKilledPartWay:
    def _cases_with_due_reminders(self) -> list:
        requests = []
        for month in range(1, 6):
            case = triaged_case(nhs_number=None, date_of_birth=date(2026, month, 1))
            requests += requested_reports(case, "Demo Surgery", "Demo Primary School")
        return requests

    def test_a_sweep_killed_midway_and_restarted_queues_each_reminder_once(
        self, app, clock, demo, monkeypatch
    ):
        requests = self._cases_with_due_reminders()
        real_reminders = sweep_module._reminders
        monkeypatch.setattr(sweep_module, "_reminders", dies_on_call(7, real_reminders))
        move_to(clock, date(2026, 12, 22))
        with pytest.raises(KeyboardInterrupt):
            run_job(app, "sweep-deadlines")
        db.session.expire_all()
        assert not [m for m in all_messages() if m.dedupe_key.startswith("deadline:")]

        monkeypatch.setattr(sweep_module, "_reminders", real_reminders)
        first = sweep_on(app, clock, date(2026, 12, 22))
        again = sweep_on(app, clock, date(2026, 12, 22))
        assert again == 0
        for request in requests:
            steps = [step for step, _email in reminder_keys(request_deadline(request))]
            assert steps == ["overdue"], request
        assert first == len([m for m in all_messages() if m.dedupe_key.startswith("deadline:")])

    def test_a_sweep_killed_in_a_later_batch_keeps_the_batches_it_committed(
        self, app, clock, demo, monkeypatch
    ):
        requests = self._cases_with_due_reminders()  # ten deadlines, two a batch here
        monkeypatch.setattr(sweep_module, "BATCH_SIZE", 2)
        real_bookkeeping = sweep_module._move_bookkeeping_on
        # The third batch's messages are queued; it dies before its bookkeeping.
        monkeypatch.setattr(sweep_module, "_move_bookkeeping_on", dies_on_call(3, real_bookkeeping))
        move_to(clock, date(2026, 12, 22))
        with pytest.raises(KeyboardInterrupt):
            run_job(app, "sweep-deadlines")
        db.session.expire_all()
        deadlines = db.session.scalars(select(Deadline)).all()
        swept = {d.id for d in deadlines if d.reminded_through == date(2026, 12, 22)}
        reminded = {d.id for d in deadlines if reminder_keys(d)}
        # Two whole batches went in, each with its messages; the third left no trace.
        assert len(swept) == 4
        assert reminded == swept

        monkeypatch.setattr(sweep_module, "_move_bookkeeping_on", real_bookkeeping)
        sweep_on(app, clock, date(2026, 12, 22))
        assert sweep_on(app, clock, date(2026, 12, 22)) == 0
        for request in requests:
            steps = [step for step, _email in reminder_keys(request_deadline(request))]
            assert steps == ["overdue"], request

    def test_delivery_killed_midway_sends_each_message_exactly_once(
        self, app, clock, demo, smtp_sink, monkeypatch
    ):
        self._cases_with_due_reminders()
        sweep_on(app, clock, date(2026, 12, 22))
        queued = len(all_messages())
        real_send = smtp_module_send = __import__("smtplib").SMTP.send_message
        sent = {"count": 0}

        def killed_after_some(self, *args, **kwargs):
            if sent["count"] == 5:
                raise KeyboardInterrupt("scheduler killed")
            sent["count"] += 1
            return real_send(self, *args, **kwargs)

        monkeypatch.setattr("smtplib.SMTP.send_message", killed_after_some)
        with pytest.raises(KeyboardInterrupt):
            deliver(app)
        monkeypatch.setattr("smtplib.SMTP.send_message", smtp_module_send)
        # The message being sent when it died waits out its retry delay, then goes.
        move_to(clock, date(2026, 12, 22), hour=9)
        deliver(app)
        deliver(app)
        ids = [message["Message-ID"] for message in smtp_sink.messages]
        assert len(ids) == queued == len(set(ids))
        assert {m.status for m in all_messages()} == {OutboxStatus.SENT}


def test_mail_server_down_delays_mail_and_loses_none(app, clock, make_browser, smtp_sink):
    case = triaged_case()
    requested_reports(case, "Demo Surgery", "Demo Primary School")
    sweep_on(app, clock, date(2026, 12, 22))
    queued = len(all_messages())
    smtp_sink.stop()

    result = deliver(app)
    assert result.sent == 0 and f"127.0.0.1:{smtp_sink.port}" in result.error
    assert {m.status for m in all_messages()} == {OutboxStatus.FAILING}
    outbox = page_text(make_browser("admin@demo.test").get("/admin/outbox"))
    assert "could not be sent" in outbox
    assert f"Could not connect to the mail server at 127.0.0.1:{smtp_sink.port}" in outbox

    # Still down a minute later: the retry fails again and waits longer.
    move_to(clock, date(2026, 12, 22), hour=8)
    deliver(app)
    assert {m.attempts for m in all_messages()} == {2}

    smtp_sink.start()
    move_to(clock, date(2026, 12, 22), hour=10)
    deliver(app)
    deliver(app)
    ids = [message["Message-ID"] for message in smtp_sink.messages]
    assert len(ids) == queued == len(set(ids))
    assert {m.status for m in all_messages()} == {OutboxStatus.SENT}


def test_a_mail_server_that_cannot_be_reached_does_not_fail_the_users_request(make_browser):
    # The test configuration's SMTP port (1) has nothing listening.
    case = triaged_case()
    coordinator = make_browser(COORDINATOR)
    response = coordinator.submit(
        f"/cases/{case.id}/reports/new",
        {
            "organisation_ids": [str(_organisation_id("Demo Surgery"))],
            "due_on": ["18", "12", "2026"],
        },
    )
    assert response.status_code == 302
    assert db.session.query(OutboxMessage).filter_by(recipient_email=GP).count() == 1


def _organisation_id(name: str) -> int:
    from tests.factories import organisation

    return organisation(name).id


def test_the_gp_sees_the_due_request_in_my_tasks(make_browser):
    case = triaged_case()
    requested_reports(case, "Demo Surgery")
    tasks = page_text(make_browser(GP).get("/tasks"))
    assert f"{case.reference} Reporting Form from Demo Surgery 18 December 2026" in tasks
    assert "Due in 20 working days" in tasks
    school = page_text(make_browser("school@demo.test").get("/tasks"))
    assert case.reference not in school


def test_the_coordinators_dashboard_shows_overdue_items(app, clock, make_browser):
    case = triaged_case()
    requested_reports(case, "Demo Surgery")
    move_to(clock, date(2026, 12, 22), hour=10)
    dashboard = make_browser(COORDINATOR).get("/dashboard").get_data(as_text=True)
    text = page_text(make_browser(COORDINATOR).get("/dashboard"))
    assert 'id="overdue-by-kind"' in dashboard
    assert "JAR information-sharing meeting 1" in text
    assert "National database told of the death 1" in text
    assert "Demo Surgery 1 1" in text  # outstanding requests by agency: 1, of which overdue 1
    assert f"{case.reference} Information gathering 32" in text  # days in the current stage


def test_agency_timeliness_over_a_fixed_period(app, clock, make_browser):
    on_time_case = triaged_case()
    [on_time] = requested_reports(on_time_case, "Demo Surgery")
    late_case = triaged_case(nhs_number=None, date_of_birth=date(2026, 5, 1))
    [late] = requested_reports(late_case, "Demo Surgery")
    move_to(clock, date(2026, 12, 17), hour=10)
    submitted(on_time)
    move_to(clock, date(2027, 1, 5), hour=10)
    submitted(late)
    page = make_browser(COORDINATOR).get("/agency-timeliness?period=2026-27-q3")
    assert "Demo Surgery 2 1 1 0 50%" in page_text(page)


def test_the_daily_digest_goes_once_a_working_day(app, clock, demo):
    case = triaged_case()
    requested_reports(case, "Demo Surgery")
    move_to(clock, date(2026, 12, 22))
    assert run_job(app, "coordinator-digest") == 1
    assert run_job(app, "coordinator-digest") == 0
    move_to(clock, date(2026, 12, 28))  # Boxing Day, observed: a bank holiday
    assert run_job(app, "coordinator-digest") == 0
    db.session.expire_all()
    [digest] = [m for m in all_messages() if "daily summary" in m.subject]
    assert digest.recipient_email == COORDINATOR
    assert "JAR information-sharing meeting" in digest.body
    assert "Reporting Form from Demo Surgery, due 18 December 2026" in digest.body
