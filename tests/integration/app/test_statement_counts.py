"""No page issues more SQL statements because there are more rows: every list page is loaded
with a small history and again with a larger one, and must issue no more statements the
second time (no query per row, the N+1 that made one page 2,593 statements)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from ecdop.foundation.extensions import db
from ecdop.synthetic import seed_synthetic
from tests.factories import demo_area, notify, requested_reports, triaged_case

TODAY = date(2026, 11, 20)

# (who, page): each list a person works from.
LIST_PAGES = [
    ("coordinator@demo.test", "/dashboard"),
    ("coordinator@demo.test", "/cases"),
    ("coordinator@demo.test", "/cases?sort=-notified&page=2"),
    ("coordinator@demo.test", "/cases/waiting"),
    ("coordinator@demo.test", "/tasks"),
    ("coordinator@demo.test", "/tasks?show=overdue"),
    ("coordinator@demo.test", "/actions?show=all"),
    ("coordinator@demo.test", "/meetings"),
    ("coordinator@demo.test", "/patterns"),
    ("coordinator@demo.test", "/agency-timeliness"),
    ("gp@demo.test", "/requests"),
    ("gp@demo.test", "/requests?show=done"),
    ("gp@demo.test", "/tasks"),
    ("police@demo.test", "/notifications/"),
    ("admin@demo.test", "/admin/outbox"),
    ("admin@demo.test", "/admin/users"),
    ("admin@demo.test", "/admin/organisations"),
    ("admin@demo.test", "/admin/api-tokens"),
]


@contextmanager
def counting(target, event_name: str):
    """How many times ``event_name`` fires on ``target`` within the block."""
    counted = {"times": 0}

    def count(*_arguments) -> None:
        counted["times"] += 1

    event.listen(target, event_name, count)
    try:
        yield counted
    finally:
        event.remove(target, event_name, count)


def counting_statements():
    return counting(db.engine, "before_cursor_execute")


def statements_of_each_page(make_browser) -> dict[tuple[str, str], int]:
    browsers = {email: make_browser(email) for email, _page in LIST_PAGES}
    found = {}
    for email, page in LIST_PAGES:
        browsers[email].get(page)  # once to warm what is loaded once per process
        with counting_statements() as counted:
            assert browsers[email].get(page).status_code == 200, page
        found[email, page] = counted["times"]
    return found


def add_history(cases: int, seed: int) -> None:
    """Synthetic past deaths, and some of every kind of current work, so that every list has
    rows at either size: cases to triage, a possible duplicate, requests still open."""
    seed_synthetic(demo_area(), cases=cases, seed=seed, today=TODAY)
    for number in range(cases // 5):
        born = date(2025 - seed, 1 + number % 12, 1 + number % 28)
        _notification, outcome = notify(
            nhs_number=None, family_name=f"Count{seed}", date_of_birth=born
        )
        if number % 3 == 0:  # the same child again: a possible duplicate
            notify(nhs_number=None, family_name=f"Count{seed}", date_of_birth=born,
                   notifier_name="Another officer")  # fmt: skip
        if number % 3 == 1:
            asked_born = date(2015 + seed, 1 + number % 12, 1 + number % 28)
            case = triaged_case(nhs_number=None, family_name=f"Asked{seed}",
                                date_of_birth=asked_born)  # fmt: skip
            requested_reports(case, "Demo Surgery")
    db.session.commit()


def test_no_list_page_issues_more_statements_for_more_rows(demo, make_browser):
    add_history(cases=30, seed=3)
    few = statements_of_each_page(make_browser)
    add_history(cases=270, seed=4)
    many = statements_of_each_page(make_browser)
    grew = {page: (few[page], many[page]) for page in few if many[page] > few[page]}
    assert grew == {}, f"statements grew with the rows: {grew}"


def counting_history_rows():
    from ecdop.audit.models import AuditEvent

    return counting(AuditEvent, "load")


def cost_of(browser, page: str) -> tuple[int, int]:
    with counting_statements() as statements, counting_history_rows() as rows:
        assert browser.get(page).status_code == 200
    return statements["times"], rows["times"]


def test_the_case_page_and_timeline_cost_the_same_however_often_the_case_is_read(
    demo, make_browser
):
    case_id = triaged_case().id
    coordinator = make_browser("coordinator@demo.test")
    pages = (f"/cases/{case_id}", f"/cases/{case_id}/timeline")
    for page in pages:
        coordinator.get(page)
    before = [cost_of(coordinator, page) for page in pages]
    for _ in range(40):  # every one of these reads is on the audit trail
        for page in pages:
            coordinator.get(page)
    assert [cost_of(coordinator, page) for page in pages] == before
