"""Need-to-know across review areas: an organisation works with named areas, and its people
see only what concerns the areas their own accounts belong to. Every link ecdop sends or
lists leads somewhere its recipient may open."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ecdop.auth.invitations import invite_agency_contact
from ecdop.auth.models import OrganisationKind, Role
from ecdop.auth.services import (
    AccountError,
    create_area,
    create_organisation,
    create_user,
    set_organisation_areas,
)
from ecdop.foundation.extensions import db
from ecdop.mail.models import OutboxMessage
from ecdop.reporting_forms.services import ChangeRefused, request_reports
from tests.conftest import DEMO_PASSWORD
from tests.deadline_helpers import sweep_on
from tests.factories import demo_area, organisation, requested_reports, triaged_case, user
from tests.helpers import page_text


@pytest.fixture
def north(demo):
    """A second area with its own coordinator; Demo Surgery works in both areas."""
    area = create_area("NORTH", "North review area")
    council = create_organisation(
        "North Council", OrganisationKind.CHILDRENS_SOCIAL_CARE, areas=[area]
    )
    create_organisation("North Surgery", OrganisationKind.GP_PRACTICE, areas=[area])
    surgery = organisation("Demo Surgery")
    set_organisation_areas(surgery, [demo_area(), area])
    create_user(
        email="north.coordinator@demo.test", full_name="Nia North", role=Role.COORDINATOR,
        organisation=council, areas=[area], password=DEMO_PASSWORD,
    )  # fmt: skip
    create_user(
        email="north.police@demo.test", full_name="Noel North", role=Role.NOTIFIER,
        organisation=create_organisation("North Police", OrganisationKind.POLICE, areas=[area]),
        areas=[area], password=DEMO_PASSWORD,
    )  # fmt: skip
    db.session.commit()
    return area


def north_case(north):
    from ecdop.cases.services import TriageDecision, triage_case
    from tests.factories import notify

    _notification, outcome = notify("north.police@demo.test", area=north, family_name="North")
    case = outcome.case
    decision = TriageDecision(
        in_scope=True, out_of_scope_reason="", expectation=case.expectation, residence_area=north
    )
    triage_case(case, decision, actor=user("north.coordinator@demo.test"),
                expected_version=case.version_id)  # fmt: skip
    db.session.commit()
    return case


class TestInvitations:
    def test_an_agency_of_another_area_cannot_be_invited(self, make_browser, north):
        coordinator = make_browser("coordinator@demo.test")
        other = organisation("North Surgery")
        assert coordinator.get(f"/agencies/{other.id}/invite").status_code == 404
        response = coordinator.submit(
            f"/agencies/{other.id}/invite",
            {"full_name": "Jo Evans", "email": "jo@north.example", "area_id": str(north.id)},
            form_page=f"/agencies/{organisation('Demo Surgery').id}/invite",
        )
        assert response.status_code == 404
        assert db.session.scalar(select(OutboxMessage.id)) is None

    def test_only_the_coordinators_own_areas_are_offered(self, make_browser, north):
        coordinator = make_browser("coordinator@demo.test")
        surgery = organisation("Demo Surgery")  # works with both areas
        page = coordinator.get(f"/agencies/{surgery.id}/invite").get_data(as_text=True)
        assert f'name="area_id" value="{demo_area().id}"' in page
        assert f'value="{north.id}"' not in page
        response = coordinator.submit(
            f"/agencies/{surgery.id}/invite",
            {"full_name": "Jo Evans", "email": "jo@north.example", "area_id": str(north.id)},
        )
        assert response.status_code == 400
        assert db.session.scalar(select(OutboxMessage.id)) is None

    def test_the_service_refuses_an_area_the_inviter_does_not_work_in(self, north):
        with pytest.raises(AccountError, match="does not work with"):
            invite_agency_contact(
                organisation=organisation("Demo Surgery"), full_name="Jo Evans",
                email="jo@north.example", area=north, invited_by=user("coordinator@demo.test"),
            )  # fmt: skip


class TestCoordinators:
    def test_the_dashboards_lists_hold_only_the_coordinators_own_areas(
        self, make_browser, clock, north
    ):
        ours = triaged_case()
        requested_reports(ours, "Demo Surgery")
        theirs = north_case(north)
        surgery = organisation("Demo Surgery")  # works with both areas
        clock.shift(timedelta(days=60))  # every request and deadline is overdue
        north_coordinator = make_browser("north.coordinator@demo.test")
        for address in (f"/outstanding-requests?agency={surgery.id}", "/outstanding-requests",
                        "/overdue", "/dashboard"):  # fmt: skip
            text = page_text(north_coordinator.get(address))
            assert ours.reference not in text, address
        assert theirs.reference in page_text(north_coordinator.get("/overdue"))
        coordinator = make_browser("coordinator@demo.test")
        assert ours.reference in page_text(
            coordinator.get(f"/outstanding-requests?agency={surgery.id}")
        )
        assert theirs.reference not in page_text(coordinator.get("/overdue"))


class TestAgencyReporters:
    def test_a_reporter_in_one_area_sees_no_request_of_another_to_the_same_agency(
        self, make_browser, north
    ):
        ours = triaged_case()
        [own_request] = requested_reports(ours, "Demo Surgery")
        theirs = north_case(north)
        [north_request] = request_reports(
            theirs, organisations=[organisation("Demo Surgery")], supplementary_forms=[],
            due_on=date(2026, 12, 18), actor=user("north.coordinator@demo.test"),
        )  # fmt: skip
        db.session.commit()
        gp = make_browser("gp@demo.test")
        requests = page_text(gp.get("/requests"))
        assert ours.reference in requests and theirs.reference not in requests
        assert gp.get(f"/requests/{north_request.id}").status_code == 404
        assert gp.get(f"/requests/{own_request.id}").status_code == 200
        assert theirs.reference not in page_text(gp.get("/tasks"))
        # Nor is the surgery's demo reporter e-mailed about the North child.
        told = db.session.scalars(
            select(OutboxMessage.subject).where(OutboxMessage.recipient_email == "gp@demo.test")
        ).all()
        assert told == [f"Request for information: case {ours.reference}"]

    def test_reports_are_asked_only_of_organisations_of_the_cases_area(self, make_browser, north):
        case = triaged_case()
        coordinator = make_browser("coordinator@demo.test")
        page = page_text(coordinator.get(f"/cases/{case.id}/reports/new"))
        assert "Demo Surgery" in page and "North Surgery" not in page
        with pytest.raises(ChangeRefused, match="does not work with Demo review area"):
            request_reports(
                case, organisations=[organisation("North Surgery")], supplementary_forms=[],
                due_on=date(2026, 12, 18), actor=user("coordinator@demo.test"),
            )  # fmt: skip


class TestOrganisationAreas:
    def test_a_person_works_only_in_areas_of_their_organisation(self, north):
        with pytest.raises(AccountError, match="Demo Primary School does not work with NORTH"):
            create_user(
                email="teacher@demo.test", full_name="Tess Teacher", role=Role.AGENCY_REPORTER,
                organisation=organisation("Demo Primary School"), areas=[north],
                password=DEMO_PASSWORD,
            )  # fmt: skip

    def test_an_area_its_people_still_work_in_cannot_be_taken_away(self, north):
        with pytest.raises(AccountError, match="still work in DEMO"):
            set_organisation_areas(organisation("Demo Surgery"), [north])

    def test_an_administrator_sets_the_areas(self, make_browser, north):
        admin = make_browser("admin@demo.test")
        school = organisation("Demo Primary School")
        page = f"/admin/organisations/{school.id}/areas"
        assert admin.submit(page, {}).status_code == 400
        response = admin.submit(page, {"area_ids": [str(demo_area().id), str(north.id)]})
        assert response.status_code == 302
        db.session.refresh(school)
        assert [area.code for area in school.areas] == ["DEMO", "NORTH"]
        assert "DEMO, NORTH" in page_text(admin.get("/admin/organisations"))

    def test_a_new_organisation_names_its_areas(self, make_browser, north):
        admin = make_browser("admin@demo.test")
        missing = admin.submit(
            "/admin/organisations/new", {"name": "North Hospice", "kind": "hospice"}
        )
        assert missing.status_code == 400
        assert "Choose at least one area the organisation works with" in page_text(missing)
        admin.submit(
            "/admin/organisations/new",
            {"name": "North Hospice", "kind": "hospice", "area_ids": [str(north.id)]},
        )
        assert [area.code for area in organisation("North Hospice").areas] == ["NORTH"]


def test_every_link_in_a_reminder_or_escalation_opens_for_its_recipient(app, clock, make_browser):
    """Reminders, overdue notices and escalations to agencies, coordinators and the area's
    lead (the demo's panel chair, who cannot open cases)."""
    case = triaged_case()
    requested_reports(case, "Demo Surgery")
    sweep_on(app, clock, date(2027, 1, 29))  # every deadline long overdue: all escalated
    messages = db.session.scalars(select(OutboxMessage)).all()
    recipients = {message.recipient_email for message in messages}
    assert {"gp@demo.test", "coordinator@demo.test", "chair@demo.test"} <= recipients
    to_chair = [m for m in messages if m.recipient_email == "chair@demo.test"]
    assert to_chair and all("ask the area's CDOP coordinators (Pat Quinn)" in m.body
                            for m in to_chair)  # fmt: skip
    browsers = {}
    for message in messages:
        browser = browsers.setdefault(
            message.recipient_email, make_browser(message.recipient_email)
        )
        response = browser.get(message.action_path)
        assert response.status_code == 200, (message.recipient_email, message.action_path)


@pytest.mark.parametrize("email", ["gp@demo.test", "coordinator@demo.test", "chair@demo.test"])
def test_every_link_on_my_tasks_opens(app, clock, make_browser, email):
    import re

    case = triaged_case()
    requested_reports(case, "Demo Surgery")
    sweep_on(app, clock, date(2027, 1, 29))
    browser = make_browser(email)
    page = browser.get("/tasks").get_data(as_text=True)
    table = page[page.index('id="my-tasks"') :]
    links = re.findall(r'<a class="govuk-link" href="([^"]+)"', table)
    assert links or email == "chair@demo.test"
    for link in links:
        assert browser.get(link).status_code == 200, link
    if email == "chair@demo.test":
        assert "Escalated to you as the area's lead" in page_text(browser.get("/tasks"))
