"""Every family has a key worker: a coordinator assigns one and can change it with a reason,
and the key worker sees the family's part of their own cases and nothing else."""

from __future__ import annotations

import pytest

from ecdop.audit.models import AuditAction
from ecdop.family.queries import contacts_of, family_record_of
from ecdop.foundation.extensions import db
from tests.factories import demo_area, ready_for_panel_case, triaged_case, user
from tests.helpers import audit_events, error_summary_targets, page_text

KEY_WORKER = "keyworker@demo.test"


def assign(coordinator, case, key_worker: str = KEY_WORKER, reason: str = ""):
    path = f"/cases/{case.id}/key-worker"
    record = family_record_of(case)
    return coordinator.submit(path, {
        "key_worker_id": str(user(key_worker).id),
        "reason": reason,
        "version": str(record.version_id) if record else "",
    })  # fmt: skip


@pytest.fixture
def coordinator(make_browser):
    return make_browser("coordinator@demo.test")


@pytest.fixture
def key_worker(make_browser):
    return make_browser(KEY_WORKER)


def test_a_coordinator_assigns_a_key_worker_and_the_case_page_and_timeline_say_so(
    app, demo, coordinator
):
    case = triaged_case()
    assert "No key worker is assigned yet" in page_text(coordinator.get(f"/cases/{case.id}"))

    response = assign(coordinator, case)

    assert response.status_code == 302
    assert "Robin Ahmed is the family's key worker" in page_text(
        coordinator.get(f"/cases/{case.id}")
    )
    timeline = page_text(coordinator.get(f"/cases/{case.id}/timeline"))
    assert "Robin Ahmed assigned as the family's key worker" in timeline


def test_changing_the_key_worker_needs_a_reason_which_the_timeline_keeps(app, demo, coordinator):
    case = triaged_case()
    assign(coordinator, case)

    refused = assign(coordinator, case, "coordinator@demo.test", reason="  ")
    assert refused.status_code == 400
    assert error_summary_targets(refused) == ["reason"]
    assert "Give the reason for changing the key worker" in page_text(refused)
    db.session.expire_all()
    assert family_record_of(case).key_worker.email == KEY_WORKER

    changed = assign(coordinator, case, "coordinator@demo.test", reason="Robin is on leave")
    assert changed.status_code == 302
    timeline = page_text(coordinator.get(f"/cases/{case.id}/timeline"))
    assert "Key worker changed from Robin Ahmed to Pat Quinn" in timeline
    assert "Robin is on leave" in timeline


@pytest.mark.parametrize("chosen", ["panel@demo.test", "gp@demo.test", "", "99999", "x"])
def test_only_the_areas_key_workers_and_coordinators_can_be_chosen(app, demo, coordinator, chosen):
    case = triaged_case()
    key_worker_id = str(user(chosen).id) if "@" in chosen else chosen
    response = coordinator.submit(f"/cases/{case.id}/key-worker", {"key_worker_id": key_worker_id})
    assert response.status_code == 400
    assert error_summary_targets(response) == ["key_worker_id"]
    assert family_record_of(case) is None


def test_a_key_worker_from_outside_the_cases_area_is_refused_at_the_field(app, demo, coordinator):
    case = triaged_case()
    user(KEY_WORKER).areas = []
    db.session.commit()
    # Offered the page before they left the area, the coordinator posts the old choice.
    response = assign(coordinator, case)
    assert response.status_code == 400
    assert error_summary_targets(response) == ["key_worker_id"]


def test_a_key_worker_sees_their_own_families_and_no_other_case(app, demo, coordinator, key_worker):
    theirs = triaged_case()
    other = triaged_case(nhs_number="9434765870", given_names="Sasha", family_name="Other")
    assign(coordinator, theirs)

    families = page_text(key_worker.get("/families"))
    assert theirs.reference in families and other.reference not in families
    family = page_text(key_worker.get(f"/cases/{theirs.id}/family"))
    assert theirs.reference in family and "Information gathering" in family
    assert key_worker.get(f"/cases/{other.id}/family").status_code == 404
    # The case itself, its timeline and its agencies' requests are not theirs to read.
    for path in (f"/cases/{theirs.id}", f"/cases/{theirs.id}/timeline", "/cases", "/meetings",
                 "/actions", "/board-reports", f"/cases/{theirs.id}/key-worker"):  # fmt: skip
        assert key_worker.get(path).status_code == 403, path


def test_a_key_worker_taken_out_of_the_cases_area_no_longer_sees_it(
    app, demo, coordinator, key_worker
):
    case = triaged_case()
    assign(coordinator, case)
    user(KEY_WORKER).areas = []
    db.session.commit()
    # A change of areas ends their sessions; signed in again, the case is not there.
    assert key_worker.get(f"/cases/{case.id}/family").status_code == 302
    key_worker.login(KEY_WORKER)
    assert key_worker.get(f"/cases/{case.id}/family").status_code == 404


def test_the_family_page_shows_the_review_dates_and_every_read_is_audited(
    app, demo, coordinator, key_worker
):
    case = ready_for_panel_case()
    assign(coordinator, case)
    page = page_text(key_worker.get(f"/cases/{case.id}/family"))
    assert "Child Death Review Meeting" in page and "Not held yet" not in page
    reads = [event for event in audit_events(AuditAction.CASE_VIEWED)
             if event.details.get("page") == "family"]  # fmt: skip
    assert [(event.case_id, event.actor_id) for event in reads] == [(case.id, user(KEY_WORKER).id)]


@pytest.mark.parametrize("email", ["gp@demo.test", "panel@demo.test", "board@demo.test",
                                   "police@demo.test", "chair@demo.test"])  # fmt: skip
def test_nobody_else_reaches_a_familys_pages(app, demo, coordinator, make_browser, email):
    case = triaged_case()
    assign(coordinator, case)
    browser = make_browser(email)
    for path in ("/families", f"/cases/{case.id}/family", f"/cases/{case.id}/key-worker"):
        assert browser.get(path).status_code == 403, (email, path)


def test_the_demo_key_worker_has_the_first_demo_case_and_no_other(app, demo):
    from ecdop.demo import seed_demo_case

    seeded = seed_demo_case()
    db.session.commit()
    from sqlalchemy import select

    from ecdop.cases.models import Case

    assigned = [
        case.reference
        for case in db.session.scalars(select(Case).where(Case.area_id == demo_area().id))
        if (record := family_record_of(case)) and record.key_worker.email == KEY_WORKER
    ]
    assert assigned == [seeded.reference] and seeded.reference.endswith("-0001")
    first = db.session.scalar(select(Case).where(Case.reference == seeded.reference))
    assert [contact.relationship_to_child.value for contact in contacts_of(first)] == ["mother"]
