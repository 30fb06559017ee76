"""Outbox keys: what makes an event's mail go once, across retries, re-runs and restores."""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime

from ecdop.mail import keys

AT = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)


def _every_key_builder():
    return [
        function
        for name, function in inspect.getmembers(keys, inspect.isfunction)
        if not name.startswith("_") and function.__module__ == keys.__name__
    ]


def _example_arguments(function) -> list[object]:
    examples = {int: 7, date: AT.date(), datetime: AT, str: "first"}
    hints = inspect.get_annotations(function, eval_str=True)
    return [examples[hints[name]] for name in inspect.signature(function).parameters]


def test_no_two_kinds_of_event_share_a_key():
    built = {function.__name__: function(*_example_arguments(function)) for function in
             _every_key_builder() if function is not keys.to_recipient}  # fmt: skip
    assert len(set(built.values())) == len(built), built


def test_the_formats_already_stored_with_messages_are_kept():
    # Messages queued by earlier releases carry these keys: a new format would let a
    # restored or re-run event send its mail again.
    assert keys.death_notified(7) == "notification:7"
    assert keys.to_recipient(keys.report_submitted(7, 3), 12) == "report:7:v3:to:12"
    assert keys.request_due_date_moved(7, 3) == "request:7:v3:due"
    assert keys.deadline_step(7, date(2026, 12, 1), "escalation", 12) == (
        "deadline:7:2026-12-01:escalation:to:12"
    )
    assert keys.daily_digest(date(2026, 12, 1), 12) == "digest:2026-12-01:to:12"
    assert keys.account_locked(12, AT) == "account-locked:12:2026-11-20T10:30:00+00:00"


def test_one_event_to_two_people_is_two_messages():
    event = keys.pattern_emerged(4)
    assert keys.to_recipient(event, 1) != keys.to_recipient(event, 2)
