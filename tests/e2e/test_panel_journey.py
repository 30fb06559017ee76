"""The panel in a real browser, as the demo users would try it: the coordinator schedules a
meeting, puts the two demo cases that are ready for panel on its agenda, writes their
summaries, confirms the extracts and downloads the pack; the panel member opens that pack and
nothing else; the chair records the analysis and signs off; the action reaches the tracker."""

from __future__ import annotations

import re
import shutil
import subprocess

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from ecdop.demo import seed_demo_case
from ecdop.foundation.extensions import db
from tests.conftest import DEMO_PASSWORD
from tests.e2e.notifying import fill_date

# What the demo's ready cases say about their children, which no pack may show.
IDENTIFYING = ["Riley", "Ashdown", "Jordan", "Pemberton", "Demo Street", "Demotown", "SW1A"]


def schedule_meeting(coordinator: Page) -> None:
    coordinator.get_by_role("link", name="Panel meetings").click()
    coordinator.get_by_role("link", name="Schedule a meeting").click()
    fill_date(coordinator, "Date of the meeting", "20", "11", "2026")  # today
    coordinator.get_by_label("Start time").fill("2pm")
    coordinator.get_by_label("Where").fill("Committee Room 2, Demo Council House")
    coordinator.get_by_label("General panel").check()
    coordinator.get_by_label("Dr Rowan Hughes (Panel member)").check()
    coordinator.get_by_label("Dr Morgan Ellis (Panel chair)").check()
    coordinator.get_by_role("button", name="Schedule meeting").click()
    expect(coordinator.locator(".govuk-notification-banner")).to_contain_text("scheduled")


def prepare_papers(coordinator: Page, reference: str) -> None:
    coordinator.get_by_role("link", name=f"Prepare the papers for case {reference}").click()
    coordinator.get_by_label("Panel summary").fill(
        "A child with asthma died at home. Asthma reviews had lapsed; there was damp at home."
    )
    coordinator.get_by_role("button", name="Save summary").click()
    # Saved before a link is followed: a click on the page still showing could be undone by
    # the saved page arriving after it.
    expect(coordinator.locator(".govuk-notification-banner")).to_contain_text("summary saved")
    for agency in ("Demo Surgery", "Demo Primary School"):
        coordinator.get_by_role(
            "link", name=f"Review the extract of the Reporting Form from {agency}"
        ).click()
        extract = coordinator.get_by_label("Extract for the panel pack")
        expect(extract).not_to_contain_text("Ashdown")
        coordinator.get_by_role("button", name="Confirm extract").click()
        if agency == "Demo Primary School":
            # The school names the child's brother: the check asks, and the coordinator
            # takes the name out.
            expect(coordinator.locator(".govuk-error-summary")).to_contain_text(
                "“Kayden” (perhaps someone else's name)"
            )
            extract = coordinator.get_by_label("Extract for the panel pack")
            extract.fill(extract.input_value().replace("Kayden", "[name]"))
            coordinator.get_by_role("button", name="Confirm extract").click()
        expect(coordinator.locator(".govuk-notification-banner")).to_contain_text(
            "Extract confirmed"
        )
    coordinator.get_by_role("link", name="Back to the agenda").click()


def download_pack(page: Page, tmp_path, name: str) -> str:
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the pack")).first.click()
    path = tmp_path / name
    download.value.save_as(path)
    return path


def test_from_meeting_to_closed_case(open_session, live_server, app, tmp_path):
    demo_case = seed_demo_case()
    db.session.commit()
    first, second = demo_case.ready_references
    coordinator = open_session("coordinator@demo.test", DEMO_PASSWORD)
    schedule_meeting(coordinator)
    for reference in (first, second):
        picker = coordinator.get_by_label("Case ready for panel")
        case_offered = picker.locator("option", has_text=reference)
        expect(case_offered).to_contain_text("ready for")  # with how long it has waited
        picker.select_option(value=case_offered.get_attribute("value"))
        coordinator.get_by_role("button", name="Add to agenda").click()
    expect(coordinator.get_by_text("Cases on the agenda")).to_be_visible()
    for reference in (first, second):
        prepare_papers(coordinator, reference)
    meeting_url = coordinator.url
    pack = download_pack(coordinator, tmp_path, "pack.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(pack).pages)
    assert first in text and second in text and "OFFICIAL-SENSITIVE" in text
    assert [word for word in IDENTIFYING if word in text] == []
    if shutil.which("pdftoppm"):  # page images, as the reviewer looks at them
        pdftoppm = shutil.which("pdftoppm")
        subprocess.run([pdftoppm, "-png", "-r", "80", str(pack), str(tmp_path / "page")],  # noqa: S603
                       check=True)  # fmt: skip
        assert list(tmp_path.glob("page-*.png"))

    panel = open_session("panel@demo.test", DEMO_PASSWORD)
    expect(panel.get_by_role("heading", name="Panel meetings")).to_be_visible()
    download_pack(panel, tmp_path, "panel-copy.pdf")
    meeting_id = meeting_url.rstrip("/").split("/")[-1]
    assert panel.request.get(f"{live_server}/meetings/{meeting_id}").status == 403
    assert panel.request.get(f"{live_server}/meetings/{int(meeting_id) + 1}/pack.pdf").status == 404
    assert panel.request.get(f"{live_server}/cases/1").status == 403

    chair = open_session("chair@demo.test", DEMO_PASSWORD)
    chair.get_by_role("link", name=re.compile("Analyses and sign-off")).first.click()
    chair.get_by_role("link", name=f"Record the analysis of case {first}").click()
    chair.get_by_label("Acute medical or surgical condition").check()
    for domain, score in (("Factors intrinsic to the child", "1"), ("Physical environment", "2"),
                          ("Social environment, including family and parenting capacity", "2"),
                          ("Service provision", "2")):  # fmt: skip
        chair.get_by_role("group", name=re.compile(f"^Score for {re.escape(domain)}")).locator(
            f"input[value='{score}']"
        ).check()
    chair.get_by_label("Parental smoking").check()
    chair.get_by_label("Missed appointments not followed up").check()
    chair.get_by_label("Modifiable factors identified", exact=True).check()
    chair.get_by_label("Learning points").fill("Lapsed asthma reviews were not followed up.")
    chair.get_by_label("Action 1 owning organisation").select_option(label="Demo Surgery")
    chair.get_by_label("Action 1 description").fill("Recall children who miss asthma reviews")
    fill_date(chair, "Action 1 due date", "10", "3", "2027")
    chair.get_by_role("button", name="Save analysis").click()
    expect(chair.locator(".govuk-notification-banner")).to_contain_text("saved")
    chair.get_by_role("link", name=f"View the analysis of case {first}").click()
    chair.get_by_role("button", name="Sign off the review").click()  # a link styled as one
    expect(chair.locator("h1")).to_contain_text("Sign off the review of case")
    chair.get_by_role("button", name="Sign off the review").click()
    expect(chair.locator(".govuk-notification-banner")).to_contain_text("the case is closed")

    coordinator.get_by_role("link", name="Panel actions").click()
    expect(coordinator.locator("#panel-actions")).to_contain_text(
        "Recall children who miss asthma reviews"
    )
    coordinator.get_by_role("link", name="Cases", exact=True).click()
    expect(coordinator.get_by_role("link", name=first)).to_have_count(0)  # no longer under way
    coordinator.get_by_label("Stage").select_option(label="Closed")
    coordinator.get_by_role("button", name="Search").click()
    coordinator.get_by_role("link", name=first).click()
    expect(coordinator.locator("#closed-notice")).to_be_visible()
