"""The coordinator sees their area's cases, finds them, and decides possible duplicates."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.auth import services as auth_services
from ecdop.auth.models import OrganisationKind, Role
from ecdop.cases.models import Case
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.vocabulary import Sex
from ecdop.notifications.queries import notifications_of
from tests.conftest import DEMO_PASSWORD
from tests.factories import OTHER_VALID_NHS_NUMBER, notify, user
from tests.helpers import form_values, page_text


def flagged_pair():
    """A case notified by the police, and a second, flagged one from health without NHS number."""
    _n, first = notify("police@demo.test")
    _n, second = notify("health@demo.test", nhs_number=None, family_name="Testchilde")
    return first.case, second.case


def test_the_coordinator_sees_one_case_with_both_notifications(coordinator):
    notify("police@demo.test")
    notify("health@demo.test", notifier_name="Dr Alex Morgan")
    listing = page_text(coordinator.get("/cases"))
    assert "1 case" in listing and "DEMO-2026-0001" in listing
    case = db.session.scalar(select(Case))
    page = page_text(coordinator.get(f"/cases/{case.id}"))
    assert "Notifications (2)" in page
    assert "Demo Constabulary" in page and "Demo Hospitals NHS Trust" in page
    assert "Amelia Rose Testchild" in page


def test_viewing_a_case_is_audited(coordinator):
    _n, outcome = notify()
    coordinator.get(f"/cases/{outcome.case.id}")
    viewed = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == AuditAction.CASE_VIEWED)
    )
    assert viewed.case_id == outcome.case.id
    assert viewed.actor.email == "coordinator@demo.test"


def test_the_case_page_shows_its_history(coordinator):
    _n, outcome = notify()
    page = page_text(coordinator.get(f"/cases/{outcome.case.id}"))
    assert "Case opened" in page
    assert "Notification received" in page


class TestSearch:
    def search(self, coordinator, query, **extra):
        posted = coordinator.submit("/cases", {"query": query, **extra})
        assert posted.status_code == 303, "a search is posted, then redirected to its results"
        return page_text(coordinator.get(posted.headers["Location"]))

    def test_results_have_an_address_without_the_words_so_back_and_paging_work(
        self, coordinator, clock, make_browser
    ):
        notify()
        posted = coordinator.submit("/cases", {"query": "Testchild"})
        location = posted.headers["Location"]
        assert re.fullmatch(r"/cases\?search=[\w-]{20,}", location), location
        # Back to the results is a plain GET of that address: no form to resend.
        for _ in range(2):
            page = coordinator.get(location)
            assert page.status_code == 200
            assert "1 case matching your search" in page_text(page)
        # The address is this person's only, and short-lived.
        demo_coordinator = user("coordinator@demo.test")
        auth_services.create_user(
            email="second-coordinator@demo.test", full_name="S C", role=Role.COORDINATOR,
            organisation=demo_coordinator.organisation, areas=list(demo_coordinator.areas),
            password=DEMO_PASSWORD,
        )  # fmt: skip
        db.session.commit()
        colleague = make_browser("second-coordinator@demo.test").get(location)
        assert "That search has ended" in page_text(colleague)
        assert "matching your search" not in page_text(colleague)
        assert 'value="Testchild"' not in colleague.get_data(as_text=True)
        clock.move_to(utc_now() + timedelta(minutes=20))
        coordinator.get("/cases")  # still working: the session stays
        clock.move_to(utc_now() + timedelta(minutes=15))
        ended = page_text(coordinator.get(location))
        assert "That search has ended" in ended and "matching your search" not in ended

    def test_by_family_name_prefix_any_case(self, coordinator):
        notify()
        notify(
            nhs_number=OTHER_VALID_NHS_NUMBER,
            family_name="Other",
            given_names="Bo",
            date_of_birth=date(2020, 1, 1),
        )
        text = self.search(coordinator, "testch")
        assert "1 case matching your search" in text and "Testchild" in text

    def test_by_nhs_number_with_spaces(self, coordinator):
        notify()
        assert "DEMO-2026-0001" in self.search(coordinator, "943 476 5919")

    def test_by_reference(self, coordinator):
        notify()
        assert "DEMO-2026-0001" in self.search(coordinator, "demo-2026-0001")

    @pytest.mark.parametrize("part", ["0002", "2", "2026-0002", "2026-2", "demo-2026-0002"])
    def test_by_part_of_a_reference(self, coordinator, part):
        notify()
        notify(
            nhs_number=OTHER_VALID_NHS_NUMBER, family_name="Other", given_names="Bo",
            date_of_birth=date(2020, 1, 1),
        )  # fmt: skip
        text = self.search(coordinator, part)
        assert "1 case matching your search" in text and "DEMO-2026-0002" in text, part

    def test_a_search_in_one_stage_says_so_and_offers_every_stage(self, coordinator):
        notify()  # notified, not yet triaged
        posted = coordinator.submit("/cases", {"query": "Testchild", "stage": "closed"})
        page = coordinator.get(posted.headers["Location"])
        text = page_text(page)
        assert "No cases matching your search." in text
        assert "You searched only the cases at the stage Closed." in text
        every_stage = form_values(page)  # the last form on the page: Search every stage
        assert every_stage["stage"] == "" and every_stage["query"] == "Testchild"
        again = coordinator.post("/cases", data=every_stage)
        assert again.status_code == 303 and "Testchild" not in again.headers["Location"]
        text = page_text(coordinator.get(again.headers["Location"]))
        assert "1 case matching your search" in text and "You searched only" not in text

    def test_no_match(self, coordinator):
        notify()
        assert "No cases matching your search." in self.search(coordinator, "Nobody")

    def test_search_words_never_go_in_the_address(self, coordinator):
        notify()
        posted = coordinator.submit("/cases", {"query": "Testchild"})
        assert "Testchild" not in posted.headers["Location"]
        html = coordinator.get(posted.headers["Location"]).get_data(as_text=True)
        assert "Testchild" not in "".join(
            part for part in html.split('"') if part.startswith("/cases?")
        )
        assert coordinator.get("/cases?query=Testchild").status_code == 200
        assert "matching your search" not in page_text(coordinator.get("/cases?query=Testchild"))

    def test_filter_by_stage(self, coordinator):
        notify()
        assert "1 case" in page_text(coordinator.get("/cases?stage=notified"))
        assert "No cases." in page_text(coordinator.get("/cases?stage=closed"))
        assert coordinator.get("/cases?stage=nonsense&page=-4").status_code == 200

    def test_pagination(self, coordinator, app):
        app.config["CASES_PER_PAGE"] = 2
        try:
            for number in range(5):
                notify(nhs_number=None, date_of_birth=date(2020, 1, number + 1))
            first = page_text(coordinator.get("/cases"))
            second = coordinator.get("/cases?page=2").get_data(as_text=True)
            third = page_text(coordinator.get("/cases?page=3"))
        finally:
            app.config["CASES_PER_PAGE"] = 25
        assert "DEMO-2026-0005" in first and "DEMO-2026-0001" not in first
        assert "DEMO-2026-0001" in third
        # GOV.UK pagination's Previous and Next, keeping the list's stage.
        assert 'rel="prev"' in second and 'rel="next"' in second
        assert "page=1" in second.split('rel="prev"')[0].rsplit("<a", 1)[1]
        assert "stage=under_way" in second.split('rel="next"')[0].rsplit("<a", 1)[1]


def test_a_coordinator_cannot_see_another_areas_cases(coordinator):
    other_area = auth_services.create_area("NORTH", "North review area")
    trust = auth_services.create_organisation(
        "North Police", OrganisationKind.POLICE, areas=[other_area]
    )
    auth_services.create_user(
        email="north-police@demo.test",
        full_name="N P",
        role=Role.NOTIFIER,
        organisation=trust,
        areas=[other_area],
        password=DEMO_PASSWORD,
    )
    db.session.commit()
    _n, outcome = notify("north-police@demo.test", area=other_area)
    assert outcome.case.reference == "NORTH-2026-0001"
    assert coordinator.get(f"/cases/{outcome.case.id}").status_code == 404
    assert "NORTH-2026-0001" not in page_text(coordinator.get("/cases"))
    searched = coordinator.submit("/cases", {"query": "943 476 5919"})
    assert "No cases matching your search." in page_text(
        coordinator.get(searched.headers["Location"])
    )


class TestPossibleDuplicates:
    def test_the_case_page_shows_the_possible_duplicate_panel(self, coordinator):
        first, second = flagged_pair()
        page = page_text(coordinator.get(f"/cases/{second.id}"))
        assert "Possible duplicate" in page and first.reference in page
        assert "Is this the same child?" in page
        assert second.reference in page_text(coordinator.get("/dashboard"))

    def decide(self, coordinator, case, decision, version=None):
        return coordinator.submit(
            f"/cases/{case.id}/duplicate",
            {"decision": decision, "version": str(version or case.version_id)},
            form_page="/cases",
        )

    def merge(self, coordinator, case, version=None):
        """Same child, then the confirmation page's button."""
        asked = self.decide(coordinator, case, "same", version)
        assert asked.status_code == 302
        assert asked.headers["Location"] == f"/cases/{case.id}/merge"
        return coordinator.submit(
            f"/cases/{case.id}/merge", {"version": str(case.version_id)},
            form_page=f"/cases/{case.id}/merge",
        )  # fmt: skip

    def test_same_child_asks_for_confirmation_showing_both_cases(self, coordinator):
        first, second = flagged_pair()
        asked = self.decide(coordinator, second, "same")
        assert asked.headers["Location"] == f"/cases/{second.id}/merge"
        db.session.refresh(second)
        assert second.merged_into_id is None  # nothing merged on one click
        page = coordinator.get(f"/cases/{second.id}/merge")
        assert page.status_code == 200
        text = page_text(page)
        assert f"Merge {second.reference} into {first.reference}?" in text
        assert f"{second.reference} {first.reference}" in text  # side by side
        assert "Date of birth 1 March 2026 1 March 2026" in text
        assert "This cannot be undone" in text

    def test_same_child_merges_keeping_every_notification_and_the_history(self, coordinator):
        first, second = flagged_pair()
        response = self.merge(coordinator, second)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/cases/{first.id}"
        db.session.refresh(first)
        db.session.refresh(second)
        assert second.merged_into_id == first.id
        assert len(notifications_of(first)) == 2
        page = page_text(coordinator.get(f"/cases/{first.id}"))
        assert "Notifications (2)" in page
        assert f"Merged into this case: {second.reference}" in page
        timeline = page_text(coordinator.get(f"/cases/{first.id}/timeline"))
        # The merge is recorded once, and what came from the merged case says so.
        assert timeline.count(f"Same child: {second.reference} merged into {first.reference}") == 1
        assert (
            f"Flagged as a possible duplicate of {first.reference} "
            f"(from {second.reference}, merged into this case)" in timeline
        )
        listing = page_text(coordinator.get("/cases"))
        assert "1 case" in listing and second.reference not in listing
        assert coordinator.get(f"/cases/{second.id}").headers["Location"] == f"/cases/{first.id}"

    def test_merging_keeps_the_nhs_number_the_duplicate_brought(self, coordinator):
        _n, first = notify("police@demo.test", nhs_number=None)
        _n, second = notify("health@demo.test")
        assert second.case.possible_duplicate_of_id == first.case.id
        self.merge(coordinator, second.case)
        db.session.refresh(first.case)
        assert first.case.nhs_number == "9434765919"
        # A later notification with that NHS number now joins the surviving case.
        _n, third = notify("health@demo.test")
        assert third.case.id == first.case.id
        assert third.result.value == "linked"

    def test_not_the_same_clears_the_flag(self, coordinator):
        _first, second = flagged_pair()
        assert self.decide(coordinator, second, "different").status_code == 302
        db.session.refresh(second)
        assert second.possible_duplicate_of_id is None
        assert second.merged_into_id is None
        decision = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == AuditAction.DUPLICATE_REJECTED)
        )
        assert decision.actor.email == "coordinator@demo.test"

    def test_a_decision_on_a_stale_page_is_refused(self, coordinator):
        _first, second = flagged_pair()
        stale_version = second.version_id
        self.decide(coordinator, second, "different")
        response = self.decide(coordinator, second, "same", version=stale_version)
        assert response.status_code == 409
        assert coordinator.get(f"/cases/{second.id}/merge").status_code == 404
        assert "Someone else changed this while you were working on it" in page_text(response)
        db.session.refresh(second)
        assert second.merged_into_id is None

    def test_no_decision_chosen_gives_a_message(self, coordinator):
        _first, second = flagged_pair()
        response = self.decide(coordinator, second, "")
        assert response.status_code == 400
        assert "Select whether this is the same child" in page_text(response)

    def test_a_different_sex_is_not_flagged(self, demo):
        notify("police@demo.test")
        _n, other = notify("health@demo.test", nhs_number=None, sex=Sex.MALE)
        assert other.case.possible_duplicate_of_id is None


def test_agency_reporters_and_panel_see_no_cases(make_browser):
    _n, outcome = notify()
    for email in ("gp@demo.test", "panel@demo.test", "board@demo.test", "admin@demo.test"):
        assert make_browser(email).get(f"/cases/{outcome.case.id}").status_code == 403
    assert user("gp@demo.test") is not None


def _title(response) -> str:
    import re

    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1)


def test_every_case_list_title_says_what_it_shows(coordinator, app):
    for n in range(3):
        notify(nhs_number=None, date_of_birth=date(2020, 1, 1 + n), family_name=f"Child{n}")
    assert _title(coordinator.get("/cases")) == "Cases under way – ecdop"
    assert _title(coordinator.get("/cases?stage=")) == "All cases – ecdop"
    assert _title(coordinator.get("/cases?stage=notified")) == "Notified cases – ecdop"
    searched = coordinator.submit("/cases", {"query": "Child1"})
    assert _title(coordinator.get(searched.headers["Location"])) == "Search results – ecdop"
    app.config["CASES_PER_PAGE"] = 2
    try:
        assert _title(coordinator.get("/cases?page=2")) == "Cases under way, page 2 of 2 – ecdop"
        assert _title(coordinator.get("/cases?stage=&page=2")) == "All cases, page 2 of 2 – ecdop"
    finally:
        app.config["CASES_PER_PAGE"] = 25


def test_the_receipt_title_says_whether_the_death_was_already_notified(make_browser):
    first, _outcome = notify()
    second, _outcome = notify("health@demo.test")
    police, health = make_browser("police@demo.test"), make_browser("health@demo.test")
    assert _title(police.get(f"/notifications/{first.id}")) == (
        "Notification received: case DEMO-2026-0001 – ecdop"
    )
    assert _title(health.get(f"/notifications/{second.id}")) == (
        "Already notified: case DEMO-2026-0001 – ecdop"
    )


def test_triage_is_not_offered_while_a_duplicate_decision_is_pending(coordinator):
    _first, second = flagged_pair()
    page = page_text(coordinator.get(f"/cases/{second.id}"))
    assert "Is this the same child?" in page and "Triage this case" not in page
    coordinator.submit(
        f"/cases/{second.id}/duplicate",
        {"decision": "different", "version": str(second.version_id)},
        form_page=f"/cases/{second.id}",
    )
    assert "Triage this case" in page_text(coordinator.get(f"/cases/{second.id}"))


def test_case_references_on_the_dashboard_and_my_tasks_open_the_case(make_browser, clock):
    _n, outcome = notify()
    clock.move_to(utc_now() + timedelta(days=5))  # the national database is now overdue
    coordinator = make_browser("coordinator@demo.test")
    for path in ("/dashboard", "/tasks"):
        html = coordinator.get(path).get_data(as_text=True)
        assert f'href="/cases/{outcome.case.id}">{outcome.case.reference}</a>' in html, path
