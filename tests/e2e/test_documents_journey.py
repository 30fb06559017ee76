"""Documents in a real browser, as the demo coordinator would try them: the dashboard shows
the demo case waiting for the pathologist; the coordinator keeps the final post-mortem report
(a PDF with a script, an action and an embedded file) and a photograph carrying its GPS
position; both download again with nothing that could run and no position, the report meets
the wait, and every download is in the audit trail."""

from __future__ import annotations

import io

import pikepdf
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.demo import seed_demo_case
from ecdop.documents.models import Document
from ecdop.foundation.clock import uk_today
from ecdop.foundation.extensions import db
from tests.conftest import DEMO_PASSWORD
from tests.e2e.notifying import fill_date
from tests.unit.documents.test_content_checks import jpeg_with_gps, pdf_with_active_content


def waiting_for_post_mortem(page: Page) -> str:
    page.get_by_role("link", name="Dashboard").click()
    return page.locator("#waiting-for li", has_text="Waiting for post-mortem").inner_text()


def keep(page: Page, kind: str, path) -> None:
    page.get_by_role("link", name="Keep a document with the case").click()
    page.get_by_label("What is it?").select_option(label=kind)
    today = uk_today()
    fill_date(page, "Date it came", str(today.day), str(today.month), str(today.year))
    page.get_by_label("The document").set_input_files(path)
    page.get_by_role("button", name="Keep the document").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The document is kept with the case."
    )


def download(page: Page, kind: str, tmp_path) -> tuple[bytes, str]:
    with page.expect_download() as started:
        page.get_by_role("link", name=f"Download {kind.lower()}").click()
    saved = tmp_path / started.value.suggested_filename
    started.value.save_as(saved)
    return saved.read_bytes(), started.value.suggested_filename


def test_the_coordinator_keeps_and_downloads_documents_safely(open_session, tmp_path):
    reference = seed_demo_case().reference
    db.session.commit()
    report, photograph = tmp_path / "Post-mortem report.pdf", tmp_path / "scene.jpg"
    report.write_bytes(pdf_with_active_content())
    photograph.write_bytes(jpeg_with_gps())

    coordinator = open_session("coordinator@demo.test", DEMO_PASSWORD)
    assert waiting_for_post_mortem(coordinator).endswith(": 1 case")
    coordinator.get_by_role("link", name="Cases", exact=True).click()
    coordinator.get_by_role("link", name=reference).click()
    keep(coordinator, "Post-mortem report (final)", report)
    keep(coordinator, "Other", photograph)
    expect(coordinator.locator("#case-documents")).to_contain_text("taken out: an action run")

    pdf, pdf_name = download(coordinator, "Post-mortem report (final)", tmp_path)
    with pikepdf.open(io.BytesIO(pdf)) as kept:
        assert "/OpenAction" not in kept.Root and not kept.attachments
        assert "/JavaScript" not in kept.Root.get("/Names", {})
        assert all("/A" not in annot for annot in kept.pages[0].get("/Annots", []))
    jpeg, jpeg_name = download(coordinator, "Other", tmp_path)
    with Image.open(io.BytesIO(jpeg)) as image:
        assert image.format == "JPEG" and not image.getexif()
    # Named by ecdop, never by the file or the child.
    assert pdf_name.startswith("ecdop-document-") and pdf_name.endswith("-final-post-mortem.pdf")
    assert jpeg_name.startswith("ecdop-document-") and jpeg_name.endswith("-other.jpg")

    # The final report came: the case waits for the pathologist no longer.
    assert waiting_for_post_mortem(coordinator).endswith(": 0 cases")

    db.session.expire_all()
    kept = {d.id: d.sha256 for d in db.session.scalars(select(Document))}
    downloads = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.CASE_VIEWED)
    ).all()
    audited = [e for e in downloads if e.details.get("download") == "document"]
    assert sorted((e.subject_id, e.details["sha256"]) for e in audited) == sorted(kept.items())
    assert {e.actor.email for e in audited} == {"coordinator@demo.test"}
