"""The first journey in a real browser: police and health notify one child; the coordinator
sees one case with both notifications; the police cannot open it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.conftest import DEMO_PASSWORD
from tests.e2e.notifying import fill_the_form


def notify(page: Page, nhs_number: str = "943 476 5919") -> None:
    fill_the_form(page, nhs_number)
    expect(page.get_by_role("heading", name="Check your answers before sending")).to_be_visible()
    page.get_by_role("button", name="Send notification").click()


def test_two_notifiers_one_case(open_session, live_server):
    police = open_session("police@demo.test", DEMO_PASSWORD)
    notify(police)
    expect(police.get_by_role("heading", name="Notification received")).to_be_visible()
    expect(police.locator(".govuk-panel")).to_contain_text("DEMO-2026-0001")
    with police.expect_download() as download:
        police.get_by_role("link", name="Download this receipt as a PDF").click()
    assert download.value.suggested_filename == "notification-1.pdf"
    assert download.value.path().read_bytes()[:4] == b"%PDF"

    health = open_session("health@demo.test", DEMO_PASSWORD)
    notify(health, nhs_number="9434765919")
    expect(health.get_by_role("heading", name="Already notified")).to_be_visible()
    expect(health.locator(".govuk-panel")).to_contain_text("DEMO-2026-0001")

    coordinator = open_session("coordinator@demo.test", DEMO_PASSWORD)
    coordinator.get_by_role("link", name="Cases", exact=True).click()
    expect(coordinator.locator("#showing")).to_have_text("1 case.")
    coordinator.get_by_role("link", name="DEMO-2026-0001").click()
    expect(coordinator.get_by_role("heading", name="Notifications (2)")).to_be_visible()
    case_url = coordinator.url
    assert re.search(r"/cases/\d+$", case_url) and "Testchild" not in case_url

    response = police.goto(case_url)
    assert response.status == 403


def test_an_invalid_nhs_number_is_named_in_the_error_summary(open_session):
    police = open_session("police@demo.test", DEMO_PASSWORD)
    fill_the_form(police, nhs_number="943 476 5918")
    summary = police.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("NHS number is not valid")
    summary.get_by_role("link", name=re.compile("NHS number")).click()
    expect(police.get_by_label("NHS number (optional)")).to_be_focused()
    expect(police.get_by_label("Family name")).to_have_value("Testchild")
