"""The outbox under faults: urgent mail jumps a backlog; a sender's claim keeps every other
sender off its messages; a sender killed between the mail server's acceptance and its own
commit sends that message again only once its claim has run out, with the same Message-ID."""

from __future__ import annotations

import os
import signal
from collections import Counter, defaultdict
from datetime import timedelta

from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.mail.models import MailPriority, OutboxMessage, OutboxStatus
from ecdop.mail.sender import claim_length, deliver_outbox
from ecdop.mail.services import insert_messages
from tests.conftest import SMTPSink, _free_port
from tests.deadline_helpers import all_messages, queue_backlog
from tests.factories import notify


def test_an_alert_of_a_new_death_jumps_a_backlog_of_reminders(app, demo, smtp_sink, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_SENDERS", 1)  # one sender, to see the order
    queue_backlog(1200)
    notify()  # queued after the whole backlog
    delivery = deliver_outbox(batch_size=100)
    assert delivery.sent == 1201
    subjects = [message["Subject"] for message in smtp_sink.messages]
    assert subjects[0].startswith("New child death notification")
    assert subjects[1:] == [f"Message {number}" for number in range(1200)]


def test_a_backlog_drains_in_one_run_not_two_hundred_a_minute(app, demo, smtp_sink):
    queue_backlog(1500)
    assert deliver_outbox().sent == 1500  # by several senders side by side on PostgreSQL
    assert {message.status for message in all_messages()} == {OutboxStatus.SENT}
    ids = Counter(message["Message-ID"] for message in smtp_sink.messages)
    assert len(ids) == 1500 and set(ids.values()) == {1}


def test_a_sender_with_the_mail_server_down_leaves_anothers_claimed_messages_alone(
    app, clock, demo, smtp_sink
):
    queue_backlog(10, MailPriority.ROUTINE)
    # Another sender has claimed every message and is still sending them.
    db.session.execute(
        OutboxMessage.__table__.update().values(
            claimed_by="another-sender", claimed_until=utc_now() + claim_length(), attempts=1
        )
    )
    db.session.commit()
    smtp_sink.stop()
    delivery = deliver_outbox()
    assert (delivery.sent, delivery.failed) == (0, 0)
    db.session.expire_all()
    assert {(m.status, m.claimed_by, m.attempts) for m in all_messages()} == {
        (OutboxStatus.QUEUED, "another-sender", 1)
    }

    # That sender died: once its claim runs out, the messages are anyone's again.
    smtp_sink.start()
    clock.shift(claim_length() + timedelta(seconds=1))
    assert deliver_outbox().sent == 10
    ids = Counter(message["Message-ID"] for message in smtp_sink.messages)
    assert len(ids) == 10 and set(ids.values()) == {1}


class KillingSink(SMTPSink):
    """Kills the sender process at chosen messages: after the server has the message, before
    the sender hears "250" and records it as sent."""

    def __init__(self, port: int, kill_at: set[int]):
        super().__init__(port)
        self.kill_at = kill_at
        self.sender_pid = 0
        self.killed = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        answer = await super().handle_DATA(server, session, envelope)
        if len(self.messages) in self.kill_at:
            os.kill(self.sender_pid, signal.SIGKILL)
            self.killed += 1
        return answer


def run_sender_in_child(app, sink: KillingSink) -> int:
    """A real sender process, forked so that it shares the test's frozen clock; its exit."""
    pid = os.fork()
    if pid == 0:  # the sender
        code = 1
        try:
            with app.app_context():
                db.engine.dispose(close=False)  # the parent's connections are the parent's
                deliver_outbox(batch_size=50)
                code = 0
        finally:
            os._exit(code)
    sink.sender_pid = pid
    _, status = os.waitpid(pid, 0)
    return status


def test_a_sender_killed_between_send_and_commit_twenty_times_sends_each_message_at_most_twice(
    app, clock, demo, monkeypatch, capsys
):
    # One sender: each kill lands between one message's acceptance and its commit. (With
    # several senders in the process, a kill interrupts each of them at once.)
    monkeypatch.setitem(app.config, "OUTBOX_SENDERS", 1)
    total, kills = 600, 20
    sink = KillingSink(_free_port(), kill_at={29 * n for n in range(1, kills + 1)})
    monkeypatch.setitem(app.config, "SMTP_PORT", sink.port)
    sink.start()
    try:
        queue_backlog(total, MailPriority.ROUTINE)
        db.engine.dispose()
        runs = 0
        while _unsent() and runs < 100:
            runs += 1
            received_before = len(sink.messages)
            killed_before = sink.killed
            run_sender_in_child(app, sink)
            if sink.killed > killed_before:
                _check_nothing_goes_again_while_the_claim_stands(app, sink)
                clock.shift(claim_length() + timedelta(seconds=1))
            else:
                assert len(sink.messages) > received_before or not _unsent()
    finally:
        sink.stop()

    assert sink.killed == kills
    by_subject: dict[str, set[str]] = defaultdict(set)
    for message in sink.messages:
        by_subject[message["Subject"]].add(message["Message-ID"])
    times_sent = Counter(message["Subject"] for message in sink.messages)
    assert set(times_sent) == {f"Message {number}" for number in range(total)}
    assert max(times_sent.values()) <= 2
    assert all(len(ids) == 1 for ids in by_subject.values())  # a repeat has the same id
    twice = sum(1 for count in times_sent.values() if count == 2)
    assert twice <= kills
    with capsys.disabled():
        print(f"\n{total} messages, {kills} kills: {twice} sent twice, none three times")


def _unsent() -> int:
    db.session.expire_all()
    return sum(1 for message in all_messages() if message.status is not OutboxStatus.SENT)


def _check_nothing_goes_again_while_the_claim_stands(app, sink: KillingSink) -> None:
    """A sender sends only what it has claimed: the dead sender's claims stay as they were."""
    claims = _claims()
    assert claims
    run_sender_in_child(app, sink)
    assert {key: claim for key, claim in _claims().items() if key in claims} == claims


def _claims() -> dict[str, tuple]:
    """The claims standing now (a dead sender's older claims may have run out)."""
    db.session.expire_all()
    return {
        message.dedupe_key: (message.claimed_by, message.attempts, message.status)
        for message in all_messages()
        if message.claimed_by and message.claimed_until > utc_now()
    }


def test_an_alert_queued_while_reminders_are_being_sent_goes_within_a_few_messages(
    app, demo, smtp_sink, monkeypatch
):
    """A new-death alert committed while senders held claimed batches of reminders went after
    1,401 of them. A sender now looks for urgent mail between the messages of a batch."""
    from ecdop.foundation.db import unit_of_work
    from ecdop.mail.sender import URGENT_LOOK_EVERY

    monkeypatch.setitem(app.config, "OUTBOX_SENDERS", 1)
    queue_backlog(300)
    db.session.remove()

    def a_death_is_notified_meanwhile(message) -> None:
        if message["Subject"] == "Message 0":
            with app.app_context(), unit_of_work():
                queue_backlog_urgent()
                db.session.remove()

    smtp_sink.on_message = a_death_is_notified_meanwhile
    assert deliver_outbox(batch_size=300).sent == 301
    subjects = [message["Subject"] for message in smtp_sink.messages]
    assert subjects.index("Urgent alert") <= URGENT_LOOK_EVERY + 1, subjects[:30]


def queue_backlog_urgent() -> None:
    insert_messages([{
        "dedupe_key": "urgent:1", "recipient_user_id": None,
        "recipient_email": "coordinator@example.test", "subject": "Urgent alert",
        "body": "A death.", "action_path": "/cases", "priority": int(MailPriority.URGENT),
    }])  # fmt: skip
    db.session.commit()


def test_a_sender_asked_to_stop_finishes_the_message_in_hand_and_lets_the_rest_go(
    app, demo, smtp_sink, monkeypatch
):
    """SIGTERM to the scheduler while it drained a backlog did not stop it within 60 seconds,
    and a SIGKILL left hundreds of messages claimed until their claims ran out."""
    from ecdop.foundation.transactions import ask_work_to_stop, let_work_go_on

    monkeypatch.setitem(app.config, "OUTBOX_SENDERS", 1)
    queue_backlog(50)

    def stop_after_the_third(message) -> None:
        if message["Subject"] == "Message 2":
            ask_work_to_stop(app)

    smtp_sink.on_message = stop_after_the_third
    try:
        delivery = deliver_outbox(batch_size=50)
    finally:
        let_work_go_on(app)
    assert delivery.sent == 3
    db.session.expire_all()
    messages = all_messages()
    assert [m.status for m in messages].count(OutboxStatus.SENT) == 3
    waiting = [m for m in messages if m.status is not OutboxStatus.SENT]
    assert len(waiting) == 47
    assert all(m.claimed_by is None and m.attempts == 0 for m in waiting)
    assert deliver_outbox().sent == 47  # the next run takes them straight away


def test_once_a_stopped_scheduler_has_stopped_the_apps_mail_goes_again(app, demo, smtp_sink):
    """Asking work to stop lasts until the stopping scheduler has stopped, not for ever."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from ecdop.jobs import JOBS
    from ecdop.scheduler.leading import JobScheduler

    runner = JobScheduler(app, BackgroundScheduler(), jobs=JOBS)
    runner.start()
    runner.shutdown()
    queue_backlog(5)
    assert deliver_outbox().sent >= 5  # the backlog, and whatever the scheduler's start queued
    assert {message.status for message in all_messages()} == {OutboxStatus.SENT}
