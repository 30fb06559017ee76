"""Every deadline rule and reminder step against England's calendar, bank holidays included."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ecdop.deadlines.reminders import reminder_steps, steps_between
from ecdop.deadlines.rules import DEFAULT_RULES, DeadlineKind, Rule, RuleUnit
from ecdop.foundation.clock import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 12, 24), True),
        (date(2026, 12, 25), False),  # Christmas Day
        (date(2026, 12, 28), False),  # Boxing Day, observed on the Monday
        (date(2026, 8, 31), False),  # late summer bank holiday
        (date(2027, 3, 26), False),  # Good Friday
        (date(2027, 3, 29), False),  # Easter Monday
        (date(2026, 11, 21), False),  # a Saturday
        (date(2026, 11, 20), True),
    ],
)
def test_england_working_days(day, working):
    assert is_working_day(day) is working


def test_working_days_skip_christmas_and_new_year():
    assert add_working_days(date(2026, 12, 23), 5) == date(2027, 1, 4)
    assert add_working_days(date(2027, 1, 4), -5) == date(2026, 12, 23)
    assert working_days_between(date(2026, 12, 23), date(2027, 1, 4)) == 5


# Each default rule, started on a day whose count crosses a bank holiday or a short month.
RULE_CASES = [
    # 48 hours from a notification at 15:00 on Christmas Eve: hours run straight through.
    (DeadlineKind.NATIONAL_DATABASE, datetime(2026, 12, 24, 15, 0, tzinfo=UTC), date(2026, 12, 26)),
    # 20 working days from 14 December: Christmas, Boxing Day (observed), New Year's Day out.
    (DeadlineKind.REPORTING_REQUEST, date(2026, 12, 14), date(2027, 1, 14)),
    # 5 working days from a notification the day before Good Friday: Easter falls out.
    (DeadlineKind.JAR_MEETING, datetime(2027, 3, 25, 9, 0, tzinfo=UTC), date(2027, 4, 5)),
    (DeadlineKind.CDRM, date(2026, 11, 18), date(2027, 2, 16)),
    # 6 months from 31 August ends on the last day of February.
    (DeadlineKind.PANEL_REVIEW, date(2026, 8, 31), date(2027, 2, 28)),
    (DeadlineKind.CLOSURE, date(2027, 2, 28), date(2028, 2, 28)),
]


@pytest.mark.parametrize("kind, start, due", RULE_CASES, ids=[case[0].value for case in RULE_CASES])
def test_default_rules_on_the_england_calendar(kind, start, due):
    assert DEFAULT_RULES[kind].due_on(start) == due


def test_a_notification_late_in_the_uk_evening_counts_from_the_uk_date():
    # 23:30 UTC on 31 July is 00:30 on 1 August in London (BST).
    rule = Rule(5, RuleUnit.WORKING_DAYS)
    assert rule.due_on(datetime(2026, 7, 31, 23, 30, tzinfo=UTC)) == date(2026, 8, 7)


def test_reminder_steps_around_christmas():
    steps = reminder_steps(date(2026, 12, 29))
    first = [(step.on, step.key) for _, step in zip(range(7), steps, strict=False)]
    assert first == [
        (date(2026, 12, 18), "before-5"),
        (date(2026, 12, 24), "before-1"),
        (date(2026, 12, 30), "overdue"),
        (date(2027, 1, 6), "overdue-week-1"),
        (date(2027, 1, 13), "escalation"),
        (date(2027, 1, 13), "overdue-week-2"),
        (date(2027, 1, 20), "overdue-week-3"),
    ]


def test_steps_between_is_half_open():
    due = date(2026, 12, 29)
    keys = [step.key for step in steps_between(due, date(2026, 12, 18), date(2026, 12, 30))]
    assert keys == ["before-1", "overdue"]
    assert steps_between(due, date(2026, 12, 30), date(2027, 1, 5)) == ()
