"""The case workflow in a real browser, as the demo users would try it: triage, requests to
the GP and the school, the GP's draft and submission, the guards before panel, two
coordinators editing at once, and the timeline."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.conftest import DEMO_PASSWORD
from tests.e2e.notifying import fill_date
from tests.factories import notify


def triage_and_request(coordinator: Page, reference: str) -> None:
    coordinator.get_by_role("link", name="Cases", exact=True).click()
    coordinator.get_by_role("link", name=reference).click()
    coordinator.get_by_role("button", name="Triage this case").click()
    group = coordinator.get_by_role("group", name="Is this death in scope for child death review?")
    group.get_by_label("Yes, in scope").check()
    coordinator.get_by_role("group", name="Was the death expected or unexpected?").get_by_label(
        "Unexpected"
    ).check()
    coordinator.get_by_role("button", name="Save triage").click()
    expect(coordinator.locator(".govuk-notification-banner")).to_contain_text(
        "information gathering has started"
    )
    coordinator.get_by_role("link", name="Request reports from agencies").click()
    agencies = coordinator.get_by_role("group", name="Agencies that knew the child")
    # Ticked from the notification: the surgery it names, and the area's only NHS trust for
    # the health visitor it ticked. This child's health visitor is not asked here.
    expect(agencies.get_by_label("Demo Surgery (GP practice)")).to_be_checked()
    trust = agencies.get_by_role("checkbox", name=re.compile(r"Demo Hospitals NHS Trust"))
    expect(trust).to_be_checked()
    trust.uncheck()
    agencies.get_by_label("Demo Primary School (School)").check()
    coordinator.get_by_label("SUDI/SUDC supplementary form").check()
    coordinator.get_by_role("button", name="Send requests").click()
    expect(coordinator.locator(".govuk-notification-banner")).to_contain_text(
        "4 requests sent to 2 agencies"
    )


def answer_core_form(gp: Page) -> None:
    gp.get_by_label("How was your agency involved with the child and family?").fill(
        "Registered patient since birth."
    )
    fill_date(gp, "Date of your agency's first contact with the child", "2", "3", "2026")
    fill_date(gp, "Date of your agency's last contact with the child", "10", "11", "2026")
    gp.get_by_role(
        "group", name="Was your agency involved with other members of the child's household?"
    ).get_by_label("Yes").check()
    gp.get_by_label("The child's health, development and circumstances").fill("Born at term.")
    gp.get_by_role("group", name="At the time of death, was the child").get_by_label(
        "Not known to children's social care"
    ).check()
    gp.get_by_role(
        "group", name="Did your agency have any concerns about the child's safety or welfare?"
    ).get_by_label("No", exact=True).check()
    for label in (
        "Factors intrinsic to the child",
        "Social environment, including family and parenting capacity",
        "Physical environment",
        "Service provision",
    ):
        gp.get_by_label(label, exact=True).fill("None known.")
    gp.get_by_label("What has your agency learnt from this child's death?").fill(
        "Repeat safer sleep advice."
    )


def test_from_triage_to_ready_for_panel(open_session, live_server):
    _notification, outcome = notify()
    reference = outcome.case.reference
    coordinator = open_session("coordinator@demo.test", DEMO_PASSWORD)
    triage_and_request(coordinator, reference)
    case_url = coordinator.url

    gp = open_session("gp@demo.test", DEMO_PASSWORD)
    requests = gp.locator("#requests")
    expect(requests).to_contain_text("Amelia Rose Testchild")
    expect(requests.get_by_role("link")).to_have_count(2)  # the surgery's two, not the school's
    requests.get_by_role("link", name="Reporting Form").click()
    school_form_url = re.sub(r"/requests/(\d+)$", lambda m: f"/requests/{int(m[1]) + 2}", gp.url)
    gp.get_by_label("How was your agency involved with the child and family?").fill("Draft")
    gp.get_by_role("button", name="Save as draft").click()
    expect(gp.locator(".govuk-notification-banner")).to_contain_text("Draft saved")
    answer_core_form(gp)
    gp.get_by_role("button", name="Continue to check your answers").click()
    expect(gp.locator("h1")).to_have_text("Check your answers before submitting the form")
    gp.get_by_role("button", name="Submit to the CDOP").click()
    expect(gp.locator(".govuk-notification-banner")).to_contain_text("submitted")
    assert gp.goto(school_form_url).status == 404  # the school's request, not the surgery's
    assert gp.goto(case_url).status == 403

    coordinator.goto(case_url)
    coordinator.get_by_label("Information gathered: await the CDRM").check()
    coordinator.get_by_role("button", name="Move case").click()
    expect(coordinator.locator(".govuk-error-summary")).to_contain_text(
        "Record the Joint Agency Response: the death was unexpected"
    )

    coordinator.get_by_role("link", name="Record the Joint Agency Response", exact=True).click()
    fill_date(coordinator, "Date the Joint Agency Response started", "18", "11", "2026")
    coordinator.get_by_role("group", name="Was there a joint home visit?").get_by_label(
        "Yes"
    ).check()
    fill_date(coordinator, "Date of the joint home visit", "18", "11", "2026")
    coordinator.get_by_label("Attendee 1 role").fill("Detective Sergeant")
    coordinator.get_by_label("Attendee 1 organisation").fill("Demo Constabulary")
    coordinator.get_by_label("Summary").fill("Joint home visit made.")
    coordinator.get_by_label("Decisions").fill("Information-sharing meeting next week.")
    coordinator.get_by_role("button", name="Save").click()
    coordinator.get_by_label("Information gathered: await the CDRM").check()
    coordinator.get_by_role("button", name="Move case").click()
    expect(coordinator.locator(".govuk-notification-banner")).to_contain_text("Awaiting CDRM")

    coordinator.get_by_label("Ready for panel").check()
    coordinator.get_by_role("button", name="Move case").click()
    summary = coordinator.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Demo Primary School's Reporting Form has not arrived")
    expect(summary).to_contain_text("Record the Child Death Review Meeting")

    timeline_link = coordinator.get_by_role("link", name="See the whole timeline")
    timeline_link.click()
    timeline = coordinator.locator(".ecdop-timeline")
    for step in (
        "Notification received",
        "Triaged: the death was unexpected",
        "Reporting Form requested from Demo Surgery",
        "SUDI/SUDC supplementary form requested from Demo Primary School",
        "Demo Surgery saved a draft of the Reporting Form",
        "Demo Surgery submitted the Reporting Form",
        "Joint Agency Response recorded",
        "Moved from Information gathering to Awaiting CDRM",
    ):
        expect(timeline).to_contain_text(step)


def test_two_coordinators_editing_the_same_case(open_session, live_server):
    from ecdop.auth.services import create_user
    from ecdop.foundation.extensions import db
    from tests.factories import demo_area, organisation

    create_user(email="deputy@demo.test", full_name="Dee Deputy", role=_coordinator_role(),
                organisation=organisation("Demo Council"), areas=[demo_area()],
                password=DEMO_PASSWORD)  # fmt: skip
    db.session.commit()
    _notification, outcome = notify()
    path = f"/cases/{outcome.case.id}/triage"
    first = open_session("coordinator@demo.test", DEMO_PASSWORD)
    second = open_session("deputy@demo.test", DEMO_PASSWORD)
    first.goto(path)
    second.goto(path)

    first.get_by_label("No: out of scope, or notified in error").check()
    first.get_by_label("Why is it out of scope?").fill("Stillbirth, notified in error")
    first.get_by_role("button", name="Save triage").click()
    expect(first.locator(".govuk-notification-banner")).to_contain_text("withdrawn")

    second.get_by_label("Yes, in scope").check()
    second.get_by_label("Expected", exact=True).check()
    second.get_by_role("button", name="Save triage").click()
    expect(second.locator(".govuk-error-summary")).to_contain_text(
        "Someone else changed this while you were working on it"
    )
    expect(second.locator("#current-values")).to_contain_text("Withdrawn")
    expect(second.get_by_label("Yes, in scope")).to_be_checked()  # their input is kept
    expect(second.get_by_label("Expected", exact=True)).to_be_checked()


def _coordinator_role():
    from ecdop.auth.models import Role

    return Role.COORDINATOR
