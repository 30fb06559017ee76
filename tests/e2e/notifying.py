"""Filling in the notification form in a real browser, as a police officer or clinician does:
shared by the journeys that notify and the walk that checks every page."""

from __future__ import annotations

from playwright.sync_api import Page


def fill_date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def fill_the_form(page: Page, nhs_number: str = "943 476 5919") -> None:
    """The notification form, filled in as a person would, up to "Continue"."""
    page.get_by_role("link", name="Notify a death").first.click()
    page.get_by_label("Given names").fill("Amelia Rose")
    page.get_by_label("Family name").fill("Testchild")
    page.get_by_label("NHS number (optional)").fill(nhs_number)
    fill_date(page, "Date of birth", "1", "3", "2026")
    page.get_by_role("group", name="Sex").get_by_label("Female").check()
    page.get_by_label("Ethnicity").select_option(label="White: Irish")
    page.get_by_label("Home address").fill("1 Example Street\nExampletown")
    page.get_by_label("Postcode").fill("SW1A 2AA")
    fill_date(page, "Date of death", "18", "11", "2026")
    page.get_by_label("Place of death", exact=True).select_option(label="Child's usual residence")
    page.get_by_role("group", name="Was the death expected?").get_by_label("Unexpected").check()
    page.get_by_label("What happened").fill("Found unresponsive in the morning.")
    page.get_by_label("Sudden unexpected death with no cause yet known").check()
    page.get_by_role("button", name="Continue").click()
