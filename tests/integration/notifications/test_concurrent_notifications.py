"""Police and health notifying the same child at the same moment make one case, and case
references stay unique and gapless under concurrent submissions: on PostgreSQL, and on the
embedded SQLite, where writers wait their turn instead of failing (threads, real databases)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from ecdop.cases.models import Case
from ecdop.foundation.db import unit_of_work
from ecdop.foundation.extensions import db
from ecdop.foundation.transactions import retry_lost_race
from ecdop.notifications.models import MatchResult, Notification
from ecdop.notifications.services import submit_notification
from tests.api_helpers import NOTIFICATIONS, bearer, notification_json, token_for
from tests.factories import demo_area, notification_details, user

NOTIFIERS = ["police@demo.test", "health@demo.test"]


def notify_together(app, detail_sets: list[dict]) -> list[tuple[str, str]]:
    """Submit each set of details from its own thread, all released at once."""
    start = threading.Barrier(len(detail_sets))
    results: list[tuple[str, str]] = []
    errors: list[BaseException] = []

    def notify(index: int, overrides: dict) -> None:
        try:
            with app.app_context():
                notifier = user(NOTIFIERS[index % 2])
                area = demo_area()
                details = notification_details(**overrides)
                db.session.commit()  # what was read, read: the race starts below
                start.wait(timeout=10)
                # As a request would: a unit of work (on SQLite, one writer at a time).
                with unit_of_work():
                    _notification, outcome = retry_lost_race(
                        lambda: submit_notification(details, notifier=notifier, area=area)
                    )
                    db.session.commit()
                    results.append((outcome.case.reference, outcome.result.value))
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)

    threads = [
        threading.Thread(target=notify, args=(index, overrides))
        for index, overrides in enumerate(detail_sets)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.parametrize("round_", range(3))
def test_simultaneous_notifications_of_one_nhs_number_make_one_case(app, demo, round_):
    results = notify_together(app, [{} for _ in range(6)])
    references = {reference for reference, _match in results}
    assert references == {"DEMO-2026-0001"}
    assert sorted(match for _ref, match in results) == ["linked"] * 5 + ["new"]
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1
    notifications = db.session.scalars(select(Notification)).all()
    assert len(notifications) == 6
    assert {n.match_result for n in notifications} == {MatchResult.NEW, MatchResult.LINKED}


def test_simultaneous_notifications_of_different_children_get_unique_references(app, demo):
    children = [{"nhs_number": None, "date_of_birth": date(2020, 1, day)} for day in range(1, 9)]
    results = notify_together(app, children)
    references = sorted(reference for reference, _match in results)
    assert references == [f"DEMO-2026-{number:04d}" for number in range(1, 9)]


def test_a_retried_api_request_racing_the_first_notifies_once(app, demo):
    """A force's system that times out and retries while the first request is still running:
    both carry the same Idempotency-Key, and the death is notified once."""
    secret = token_for("police@demo.test")
    headers = bearer(secret, **{"Idempotency-Key": "retry-of-one-notification"})
    start = threading.Barrier(4)
    answers: list[tuple[int, dict]] = []

    def send() -> None:
        with app.app_context():
            client = app.test_client()
            start.wait(timeout=10)
            response = client.post(NOTIFICATIONS, json=notification_json(), headers=headers)
            answers.append((response.status_code, response.json))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(answers) == 4
    assert {status for status, _body in answers} == {201}
    assert len({body["notification_id"] for _status, body in answers}) == 1
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1
