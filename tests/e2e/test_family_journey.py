"""The family's part in a real browser, as the demo coordinator and key worker would try it:
the coordinator hands a case's family to the key worker, who records a parent, a phone call,
the introduction letter and a question for the CDRM; the CDRM's record shows the question, the
panel's pack carries it without the parent's name, and after sign-off the key worker records
that the family were told the outcome."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from ecdop.demo import seed_demo_case
from ecdop.foundation.extensions import db
from tests.conftest import DEMO_PASSWORD
from tests.e2e.notifying import fill_date
from tests.e2e.test_panel_journey import download_pack, prepare_papers, schedule_meeting

PARENT = "Morgan Delacroix-Finch"
QUESTION = f"{PARENT} asks why the asthma review was missed, and who should have rung her."


def pdf_text(path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def open_family(key_worker: Page, reference: str) -> None:
    key_worker.get_by_role("link", name="Your families").click()
    key_worker.get_by_role("link", name=reference).click()
    expect(key_worker.locator("h1")).to_contain_text("The family of")


def assign_key_worker(coordinator: Page, reference: str) -> None:
    coordinator.get_by_role("link", name="Cases", exact=True).click()
    coordinator.get_by_role("link", name=reference).click()
    coordinator.get_by_role("link", name="Change the key worker").click()
    coordinator.get_by_label("Key worker").select_option(label="Robin Ahmed (Key worker)")
    coordinator.get_by_label("Reason for the change").fill("Robin is the trust's bereavement nurse")
    coordinator.get_by_role("button", name="Save key worker").click()
    expect(coordinator.locator(".govuk-notification-banner")).to_contain_text(
        "Robin Ahmed is now the family's key worker"
    )


def record_parent_and_call(key_worker: Page) -> None:
    key_worker.get_by_role("link", name="Add a parent or carer").click()
    key_worker.get_by_label("Full name").fill(PARENT)
    key_worker.get_by_label("Relationship to the child").select_option(label="Mother")
    key_worker.get_by_role("group", name="How do they prefer to be contacted?").get_by_label(
        "Telephone call"
    ).check()
    key_worker.get_by_label("Telephone (optional)").fill("07700 900461")
    key_worker.get_by_label("Address (optional)", exact=True).fill(
        "14 Larkspur Row\nDemoton DM1 4QX"
    )
    key_worker.get_by_label("Large print").check()
    key_worker.get_by_role("button", name="Save").click()
    expect(key_worker.locator("body")).to_contain_text(f"{PARENT} (mother)")

    key_worker.get_by_role("link", name="Record a contact").click()
    key_worker.get_by_label("Who with").select_option(label=PARENT)
    fill_date(key_worker, "Date of the contact", "20", "11", "2026")
    key_worker.get_by_role("group", name="How").get_by_label("Telephone call").check()
    key_worker.get_by_label("What was said").fill("Introduced myself; she would like a letter.")
    key_worker.get_by_role("button", name="Save contact").click()
    expect(key_worker.locator("#contact-log")).to_contain_text("Introduced myself")


def make_introduction_letter(key_worker: Page, tmp_path) -> str:
    key_worker.get_by_role("link", name="Your key worker and the child death review").click()
    expect(key_worker.locator("#letter-preview")).to_contain_text(f"Dear {PARENT}")
    key_worker.get_by_role("button", name="Make the letter (PDF)").click()
    expect(key_worker.locator(".govuk-notification-banner")).to_contain_text("The letter is made")
    with key_worker.expect_download() as download:
        key_worker.get_by_role("link", name="Download the letter (PDF)").click()
    path = tmp_path / "letter.pdf"
    download.value.save_as(path)
    return pdf_text(path)


def record_question(key_worker: Page) -> None:
    key_worker.get_by_role("link", name="Add a question from the family").click()
    key_worker.get_by_label("Asked by").select_option(label=PARENT)
    fill_date(key_worker, "Date they asked", "20", "11", "2026")
    key_worker.get_by_label("Their question").fill(QUESTION)
    key_worker.get_by_role("group", name="Which meeting should answer it?").get_by_label(
        "The Child Death Review Meeting"
    ).check()
    key_worker.get_by_role("button", name="Save question").click()
    expect(key_worker.locator("#family-questions")).to_contain_text("asthma review was missed")


def sign_off(chair: Page, reference: str) -> None:
    chair.get_by_role("link", name=re.compile("Analyses and sign-off")).first.click()
    chair.get_by_role("link", name=f"Record the analysis of case {reference}").click()
    expect(chair.locator("#family-questions")).to_contain_text("asthma review was missed")
    expect(chair.locator("#family-questions")).not_to_contain_text("Delacroix")
    chair.get_by_label("Acute medical or surgical condition").check()
    for domain in ("Factors intrinsic to the child", "Physical environment",
                   "Social environment, including family and parenting capacity",
                   "Service provision"):  # fmt: skip
        chair.get_by_role("group", name=re.compile(f"^Score for {re.escape(domain)}")).locator(
            "input[value='1']"
        ).check()
    chair.get_by_label("Modifiable factors identified", exact=True).check()
    chair.get_by_label("Some of them").check()
    chair.get_by_label("What was learnt from the family's questions").fill(
        "Families need a call when a child misses a review."
    )
    chair.get_by_role("button", name="Save analysis").click()
    expect(chair.locator(".govuk-notification-banner")).to_contain_text("saved")
    chair.get_by_role("link", name=f"View the analysis of case {reference}").click()
    chair.get_by_role("button", name="Sign off the review").click()
    chair.get_by_role("button", name="Sign off the review").click()
    expect(chair.locator(".govuk-notification-banner")).to_contain_text("the case is closed")


def test_the_family_from_key_worker_to_outcome(open_session, live_server, tmp_path):
    reference = seed_demo_case().ready_references[0]
    db.session.commit()
    coordinator = open_session("coordinator@demo.test", DEMO_PASSWORD)
    assign_key_worker(coordinator, reference)

    key_worker = open_session("keyworker@demo.test", DEMO_PASSWORD)
    open_family(key_worker, reference)
    record_parent_and_call(key_worker)
    letter = make_introduction_letter(key_worker, tmp_path)
    assert f"Dear {PARENT}" in letter and "My name is Robin Ahmed. I am your key worker." in letter
    assert "01632 960010" in letter and "Child Death Review Meeting (CDRM)" in letter
    record_question(key_worker)
    # The key worker sees the family, never the case's papers.
    assert key_worker.request.get(f"{live_server}/meetings").status == 403

    coordinator.get_by_role("link", name="Cases", exact=True).click()
    coordinator.get_by_role("link", name=reference).click()
    expect(coordinator.locator("#cdrm-family-questions")).to_contain_text(QUESTION)

    schedule_meeting(coordinator)
    picker = coordinator.get_by_label("Case ready for panel")
    picker.select_option(value=picker.locator("option", has_text=reference).get_attribute("value"))
    coordinator.get_by_role("button", name="Add to agenda").click()
    prepare_papers(coordinator, reference)
    pack = pdf_text(download_pack(coordinator, tmp_path, "pack.pdf"))
    assert "asks why the asthma review was missed" in pack and "(not answered yet)" in pack
    assert "Delacroix" not in pack and "Morgan" not in pack and "07700" not in pack

    sign_off(open_session("chair@demo.test", DEMO_PASSWORD), reference)

    key_worker.reload()
    key_worker.get_by_role("link", name="My tasks").click()
    outcome = "Outcome of the review shared with the family"
    expect(key_worker.locator("body")).to_contain_text(outcome)
    open_family(key_worker, reference)
    key_worker.get_by_role("link", name="Record a contact").click()
    key_worker.get_by_label("Who with").select_option(label=PARENT)
    fill_date(key_worker, "Date of the contact", "20", "11", "2026")
    key_worker.get_by_role("group", name="How").get_by_label("Home visit").check()
    key_worker.get_by_label("What was said").fill("Went through what the review found.")
    key_worker.get_by_label("Told the family the outcome of the review").check()
    key_worker.get_by_role("button", name="Save contact").click()
    expect(key_worker.locator("#contact-log")).to_contain_text("told the outcome")
    key_worker.get_by_role("link", name="My tasks").click()
    expect(key_worker.locator("body")).not_to_contain_text(outcome)
